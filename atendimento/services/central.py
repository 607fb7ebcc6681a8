"""The operator console's own state changes (Central de atendimento ao cliente, seed 004):
delete a contact nobody started, leave a contact pending with oneself, give it up.

Taking (assumir), handing over (encaminhar), answering and closing are the RA's
ordinary services (:mod:`atendimento.services.tramite`, ``mensagens``, ``encerramento``).
"""

from django.db import transaction
from django.utils import timezone

from atendimento.models import EventoRA
from atendimento.models.registro import PARECER_MAX
from atendimento.selectors.central import contato_iniciado_motivos
from atendimento.services._comum import (
    Situacao,
    evento_registrar,
    exigir_permissao,
    exigir_situacao,
    exigir_transicao,
    ra_fechar,
    ra_salvar,
    ra_travar,
    texto_obrigatorio,
)
from core.exceptions import PermissaoNegada, RegraViolada

PERMISSAO_EXCLUIR = "atendimento.excluir_contato"
OBSERVACAO_MAX = PARECER_MAX


def registro_atendimento_excluir(*, ra, usuario, justificativa, versao=None):
    """Delete a contact nobody started: it is closed and marked ``excluido`` (the row,
    its protocol and its history stay; it leaves the lists and the portal)."""
    justificativa = texto_obrigatorio(
        justificativa,
        campo="justificativa",
        rotulo="a justificativa da exclusão",
        maximo=PARECER_MAX,
    )
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        if not usuario.has_perm(PERMISSAO_EXCLUIR):
            raise PermissaoNegada(
                "Você não pode excluir contatos: só supervisores excluem (peça a um "
                "supervisor ou encerre o contato com um motivo)."
            )
        if ra.excluido:
            raise RegraViolada("Este contato já foi excluído.")
        exigir_transicao(ra, Situacao.ENCERRADO, acao="excluir o contato")
        motivos = contato_iniciado_motivos(ra)
        if motivos:
            raise RegraViolada(
                "Não é possível excluir: o atendimento já foi iniciado ("
                + "; ".join(motivos)
                + "). Só se exclui um contato que ninguém iniciou; encerre-o com um motivo."
            )
        agora = timezone.now()
        anterior = ra.situacao
        ra.excluido = True
        campos = ["excluido", *ra_fechar(ra, data=agora, parecer=justificativa)]
        ra_salvar(ra, usuario=usuario, campos=campos)
        evento_registrar(
            ra,
            tipo=EventoRA.Tipo.EXCLUSAO,
            usuario=usuario,
            anterior=anterior,
            nova=ra.situacao,
            data=agora,
            descricao=f"Contato excluído por {usuario}: {justificativa}",
            dados={"justificativa": justificativa},
        )
    return ra


def registro_atendimento_marcar_pendente(*, ra, usuario, observacao="", versao=None):
    """The operator leaves the contact pending (not finished): it stays with him, taken
    if it was not yet, and waits in his "pendentes do operador" box."""
    observacao = (observacao or "").strip()
    if len(observacao) > OBSERVACAO_MAX:
        raise RegraViolada(
            f"A observação tem {len(observacao)} caracteres; o máximo é {OBSERVACAO_MAX}.",
            campo="observacao",
        )
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, acao="deixar o chamado pendente")
        anterior = ra.responsavel
        campos = []
        if ra.responsavel_id != usuario.pk:
            ra.responsavel = usuario
            campos.append("responsavel")
        ra_salvar(ra, usuario=usuario, campos=campos)
        descricao = f"Chamado deixado pendente com {usuario}"
        if anterior is not None and anterior.pk != usuario.pk:
            descricao += f" (antes com {anterior})"
        evento_registrar(
            ra,
            tipo=EventoRA.Tipo.PENDENCIA,
            usuario=usuario,
            anterior=ra.situacao,
            nova=ra.situacao,
            descricao=descricao + (f": {observacao}" if observacao else "."),
            dados={
                "responsavel": usuario.pk,
                "anterior": anterior.pk if anterior is not None else None,
                "observacao": observacao,
            },
        )
    return ra


def registro_atendimento_desistir(*, ra, usuario, versao=None):
    """The responsible operator gives the contact up: nobody has it, and it goes back
    to the unit's queue ("pendentes do perfil") for the next operator."""
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, acao="desistir do atendimento")
        if ra.responsavel_id is None:
            raise RegraViolada("Ninguém está com este atendimento: não há do que desistir.")
        if ra.responsavel_id != usuario.pk:
            raise PermissaoNegada(
                f"Só quem está com o atendimento pode desistir dele; ele está com "
                f"{ra.responsavel}. Para passá-lo a outra pessoa, encaminhe-o."
            )
        ra.responsavel = None
        ra_salvar(ra, usuario=usuario, campos=["responsavel"])
        evento_registrar(
            ra,
            tipo=EventoRA.Tipo.DESISTENCIA,
            usuario=usuario,
            anterior=ra.situacao,
            nova=ra.situacao,
            descricao=f"{usuario} desistiu do atendimento; ele volta à fila da unidade "
            f"{ra.unidade_atual.sigla}.",
            dados={"anterior": usuario.pk},
        )
    return ra
