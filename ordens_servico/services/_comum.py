"""Helpers shared by the OS services: lock, checks and history rows."""

from django.utils import timezone
from django.utils.formats import date_format

from core.exceptions import PermissaoNegada, TransicaoInvalida, VersaoDesatualizada
from ordens_servico import permissoes
from ordens_servico.models import EventoOS, OrdemServico


def travar(os) -> OrdemServico:
    """Reload the OS under a row lock (the caller is inside transaction.atomic)."""
    return (
        OrdemServico.objects.select_for_update(of=("self",))
        .select_related("tipo_servico", "unidade_atual", "equipe")
        .get(pk=os.pk)
    )


def checar_permissao(usuario, os):
    if not permissoes.pode_atuar(usuario, os):
        if usuario.unidade is not None and not usuario.unidade.ativa:
            raise PermissaoNegada(
                f"Sua unidade ({usuario.unidade.sigla}) está inativa: consulte a OS, "
                "mas peça a um usuário de unidade ativa para alterá-la."
            )
        raise PermissaoNegada(
            f"A OS nº {os.numero} está com a unidade {os.unidade_atual.sigla}: só usuários "
            "dessa unidade (ou de uma unidade acima dela) podem alterá-la."
        )


def checar_versao(os, versao):
    if versao is not None and int(versao) != os.versao:
        raise VersaoDesatualizada()


def checar_transicao(os, nova, acao: str):
    if nova not in OrdemServico.TRANSICOES[os.situacao]:
        if os.encerrada:
            quando = date_format(timezone.localtime(os.data_encerramento), "d/m/Y H:i")
            raise TransicaoInvalida(
                f"A OS nº {os.numero} já foi encerrada em {quando} "
                f"({os.get_situacao_display().lower()}): não é possível {acao}."
            )
        raise TransicaoInvalida(
            f"A OS nº {os.numero} está {os.get_situacao_display().lower()}: não é possível {acao}."
        )


def data_formatada(valor) -> str:
    return date_format(timezone.localtime(valor), "d/m/Y H:i")


def registrar(os, tipo, *, anterior, usuario, data=None, descricao="", dados=None) -> EventoOS:
    return EventoOS.objects.create(
        os=os,
        tipo=tipo,
        situacao_anterior=anterior or "",
        situacao_nova=os.situacao,
        usuario=usuario,
        data=data or timezone.now(),
        descricao=descricao,
        dados=dados or {},
    )
