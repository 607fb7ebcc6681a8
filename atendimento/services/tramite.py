"""Who has the RA: routing between units, taking and handing responsibility, unblocking."""

from django.db import transaction
from django.utils import timezone

from atendimento.models import Tramite
from atendimento.models.registro import PARECER_MAX
from atendimento.permissoes import pode_atuar
from atendimento.roteamento import unidade_que_recebe
from atendimento.selectors import registro_atendimento_duplicado
from atendimento.services._comum import (
    Situacao,
    evento_registrar,
    exigir_permissao,
    exigir_situacao,
    exigir_transicao,
    ra_salvar,
    ra_travar,
    texto_obrigatorio,
)
from atendimento.services.abertura import unidade_destino_validar
from cadastro.models import Imovel
from core.exceptions import RegraViolada
from ordens_servico.services import ordens_servico_do_ra_tramitar


def registro_atendimento_tramitar(*, ra, unidade_destino, parecer, usuario, versao=None):
    """Route a pending RA to another unit (its open OS go along)."""
    parecer = texto_obrigatorio(
        parecer, campo="parecer", rotulo="o parecer do trâmite", maximo=PARECER_MAX
    )
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, acao="tramitar")
        if unidade_destino is None:
            raise RegraViolada("Escolha a unidade de destino.", campo="unidade_destino")
        destino = unidade_que_recebe(unidade_destino, origem=ra.unidade_atual)
        unidade_destino_validar(destino)
        if destino.pk == ra.unidade_atual_id:
            raise RegraViolada(
                f"O RA já está com a unidade {destino.sigla}: escolha outra unidade de destino.",
                campo="unidade_destino",
            )
        # First: it refuses while an OS of the RA is with a team.
        movidas = ordens_servico_do_ra_tramitar(ra=ra, unidade=destino, usuario=usuario)
        origem = ra.unidade_atual
        via = "" if destino == unidade_destino else f" (centralizadora de {unidade_destino.sigla})"
        agora = timezone.now()
        Tramite.objects.create(
            ra=ra,
            unidade_origem=origem,
            unidade_destino=destino,
            usuario=usuario,
            data=agora,
            parecer=parecer,
        )
        ra.unidade_atual = destino
        campos = ["unidade_atual"]
        if ra.responsavel_id is not None:
            # The responsible person stays with the unit the RA left.
            ra.responsavel = None
            campos.append("responsavel")
        ra_salvar(ra, usuario=usuario, campos=campos)
        evento_registrar(
            ra,
            tipo="tramite",
            usuario=usuario,
            anterior=ra.situacao,
            nova=ra.situacao,
            data=agora,
            descricao=f"Tramitado de {origem.sigla} para {destino.sigla}{via}: {parecer}",
            dados={"origem": origem.pk, "destino": destino.pk, "os_movidas": movidas},
        )
    return ra


def registro_atendimento_assumir(*, ra, usuario, versao=None):
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, acao="assumir o atendimento")
        if ra.responsavel_id == usuario.pk:
            raise RegraViolada("Você já é o responsável por este atendimento.")
        anterior = ra.responsavel
        ra.responsavel = usuario
        ra_salvar(ra, usuario=usuario, campos=["responsavel"])
        evento_registrar(
            ra,
            tipo="assuncao",
            usuario=usuario,
            anterior=ra.situacao,
            nova=ra.situacao,
            descricao=f"Atendimento assumido por {usuario}"
            + (f" (antes com {anterior})." if anterior else "."),
            dados={"responsavel": usuario.pk, "anterior": anterior.pk if anterior else None},
        )
    return ra


def registro_atendimento_encaminhar(*, ra, usuario, destinatario, parecer="", versao=None):
    """Hand the RA to another user, who must be able to act on it."""
    parecer = (parecer or "").strip()
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, acao="encaminhar o atendimento")
        if destinatario is None:
            raise RegraViolada("Escolha para quem encaminhar.", campo="destinatario")
        if destinatario.pk == ra.responsavel_id:
            raise RegraViolada(
                f"{destinatario} já é o responsável por este atendimento.", campo="destinatario"
            )
        if not destinatario.is_active or not pode_atuar(destinatario, ra):
            raise RegraViolada(
                f"{destinatario} não pode atuar neste RA (não é da unidade "
                f"{ra.unidade_atual.sigla} nem de uma unidade acima dela). Tramite o RA antes.",
                campo="destinatario",
            )
        anterior = ra.responsavel
        ra.responsavel = destinatario
        ra_salvar(ra, usuario=usuario, campos=["responsavel"])
        evento_registrar(
            ra,
            tipo="encaminhamento",
            usuario=usuario,
            anterior=ra.situacao,
            nova=ra.situacao,
            descricao=f"Encaminhado a {destinatario}" + (f": {parecer}" if parecer else "."),
            dados={"responsavel": destinatario.pk, "anterior": anterior.pk if anterior else None},
        )
    return ra


def registro_atendimento_desbloquear(*, ra, usuario, imovel=None, local_ocorrencia="", versao=None):
    """A blocked RA (free-text location only) becomes pending once its place is known:
    an imóvel from the registry, or the address confirmed by the attendant."""
    local_ocorrencia = (local_ocorrencia or "").strip()
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_transicao(ra, Situacao.PENDENTE, acao="desbloquear")
        if imovel is None and not local_ocorrencia:
            raise RegraViolada(
                "Informe o imóvel ou o endereço confirmado da ocorrência.", campo="imovel"
            )
        campos = ["situacao"]
        if imovel is not None:
            imovel = Imovel.objects.select_for_update().get(pk=imovel.pk)
            existente = registro_atendimento_duplicado(
                imovel=imovel, especificacao=ra.especificacao
            )
            if existente is not None and existente.pk != ra.pk:
                raise RegraViolada(
                    f"O imóvel já tem o RA {existente.protocolo} em aberto com a mesma "
                    "especificação: encerre este como duplicidade daquele.",
                    campo="imovel",
                )
            ra.imovel = imovel
            campos.append("imovel")
        if local_ocorrencia:
            ra.local_ocorrencia = local_ocorrencia[:250]
            campos.append("local_ocorrencia")
        anterior = ra.situacao
        ra.situacao = Situacao.PENDENTE
        ra_salvar(ra, usuario=usuario, campos=campos)
        onde = imovel.matricula_formatada if imovel is not None else local_ocorrencia
        evento_registrar(
            ra,
            tipo="desbloqueio",
            usuario=usuario,
            anterior=anterior,
            nova=ra.situacao,
            descricao=f"Local definido ({onde}); RA desbloqueado.",
            dados={"imovel": imovel.pk if imovel is not None else None},
        )
    return ra
