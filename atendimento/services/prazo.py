"""Changes to an RA's deadline: extension with a reason, pausing the clock and resuming it."""

from django.db import transaction
from django.utils import timezone

from atendimento import prazos
from atendimento.services._comum import (
    Situacao,
    evento_registrar,
    exigir_permissao,
    exigir_situacao,
    parametros,
    ra_salvar,
    ra_travar,
    texto_obrigatorio,
)
from core.exceptions import RegraViolada
from core.texto import formatar_duracao


def _formatar(data):
    return f"{timezone.localtime(data):%d/%m/%Y %H:%M}"


def registro_atendimento_prorrogar(*, ra, usuario, nova_data, motivo, versao=None):
    """Extend the current deadline (the original one is kept for the reports)."""
    motivo = texto_obrigatorio(motivo, campo="motivo", rotulo="o motivo da prorrogação", maximo=500)
    if nova_data is None:
        raise RegraViolada("Informe a nova data prevista.", campo="nova_data")
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, Situacao.BLOQUEADO, acao="prorrogar o prazo")
        if nova_data <= ra.data_prevista_atual:
            raise RegraViolada(
                "A nova data deve ser posterior à data prevista atual "
                f"({_formatar(ra.data_prevista_atual)}).",
                campo="nova_data",
            )
        if nova_data <= timezone.now():
            raise RegraViolada("A nova data prevista deve estar no futuro.", campo="nova_data")
        anterior = ra.data_prevista_atual
        ra.data_prevista_atual = nova_data
        ra.data_atencao = prazos.data_atencao(
            inicio=ra.data_abertura, prevista=nova_data, parametros=parametros()
        )
        ra_salvar(ra, usuario=usuario, campos=["data_prevista_atual", "data_atencao"])
        evento_registrar(
            ra,
            tipo="prorrogacao",
            usuario=usuario,
            anterior=ra.situacao,
            nova=ra.situacao,
            descricao=f"Prazo prorrogado de {_formatar(anterior)} para {_formatar(nova_data)}: "
            f"{motivo}",
            dados={"de": anterior.isoformat(), "para": nova_data.isoformat()},
        )
    return ra


def registro_atendimento_pausar(*, ra, usuario, motivo, versao=None):
    """Stop the clock while waiting on the requester."""
    motivo = texto_obrigatorio(motivo, campo="motivo", rotulo="o motivo da pausa", maximo=500)
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, Situacao.BLOQUEADO, acao="pausar o prazo")
        if ra.pausado_desde is not None:
            raise RegraViolada(f"O prazo já está pausado desde {_formatar(ra.pausado_desde)}.")
        agora = timezone.now()
        if agora >= ra.data_prevista_atual:
            # A paused RA is not overdue: pausing now would hide a missed deadline.
            raise RegraViolada(
                f"O prazo deste RA já venceu em {_formatar(ra.data_prevista_atual)}: não é "
                "possível pausá-lo. Se houver motivo, prorrogue o prazo."
            )
        ra.pausado_desde = agora
        ra_salvar(ra, usuario=usuario, campos=["pausado_desde"])
        evento_registrar(
            ra,
            tipo="pausa",
            usuario=usuario,
            anterior=ra.situacao,
            nova=ra.situacao,
            data=agora,
            descricao=f"Prazo pausado: {motivo}",
        )
    return ra


def registro_atendimento_retomar(*, ra, usuario, versao=None):
    """Restart the clock: the paused time is recorded and pushes the deadline forward."""
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, Situacao.BLOQUEADO, acao="retomar o prazo")
        if ra.pausado_desde is None:
            raise RegraViolada("O prazo deste RA não está pausado.")
        agora = timezone.now()
        pausa = agora - ra.pausado_desde
        ra.tempo_pausado += pausa
        ra.data_prevista_atual += pausa
        ra.data_atencao += pausa
        ra.pausado_desde = None
        ra_salvar(
            ra,
            usuario=usuario,
            campos=["tempo_pausado", "data_prevista_atual", "data_atencao", "pausado_desde"],
        )
        evento_registrar(
            ra,
            tipo="retomada",
            usuario=usuario,
            anterior=ra.situacao,
            nova=ra.situacao,
            data=agora,
            descricao=f"Prazo retomado após {formatar_duracao(pausa)}; nova data prevista "
            f"{_formatar(ra.data_prevista_atual)}.",
            dados={"segundos_pausado": int(pausa.total_seconds())},
        )
    return ra
