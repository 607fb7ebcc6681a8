"""Runs of the batch (and of imports): start, progress, cancel, resume.

A step is a function ``etapa(execucao)`` registered in :data:`ETAPAS` under a
``Processo.Tipo``. It works in chunks, each committed on its own, and calls
``execucao.avancar(...)`` after each chunk: that records progress and counts,
beats the heartbeat and raises :class:`Cancelado` when someone asked to cancel.
A step must be idempotent: a run whose worker died (its heartbeat stopped) is
resumed by running the same step again on the same ``Processo``, which must
skip what the first attempt already committed.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.exceptions import RegraViolada

from ..models import Processo

log = logging.getLogger(__name__)
Situacao = Processo.Situacao

ETAPAS: dict[str, Callable[["Execucao"], None]] = {}

# A run whose heartbeat is older than this is taken for dead and may be resumed.
BATIMENTO_MAXIMO = timedelta(minutes=2)


def etapa(tipo: str):
    """Decorator: register ``funcao`` as the step of ``tipo``."""

    def registrar(funcao):
        ETAPAS[tipo] = funcao
        return funcao

    return registrar


class Cancelado(Exception):
    """Someone asked to cancel the run; raised by ``Execucao.avancar``."""


class Execucao:
    """What a step sees of its run."""

    def __init__(self, processo: Processo):
        self.processo = processo

    @property
    def referencia(self) -> int | None:
        return self.processo.referencia

    @property
    def parametros(self) -> dict:
        return self.processo.parametros

    def definir_total(self, total: int) -> None:
        self.processo.total = total
        Processo.objects.filter(pk=self.processo.pk).update(total=total)

    def avancar(self, processados: int = 0, **contadores: int | dict[str, int]) -> None:
        """Add ``processados`` and the counts of one committed chunk (a dict value is
        a count per reason, e.g. ``ignoradas={"sem consentimento": 3}``); raise
        :class:`Cancelado` if a cancel was asked."""
        with transaction.atomic():
            p = Processo.objects.select_for_update().get(pk=self.processo.pk)
            soma = dict(p.contadores)
            for nome, valor in contadores.items():
                if isinstance(valor, dict):
                    atual = dict(soma.get(nome) or {})
                    for motivo, n in valor.items():
                        atual[motivo] = atual.get(motivo, 0) + n
                    soma[nome] = atual
                else:
                    soma[nome] = soma.get(nome, 0) + valor
            Processo.objects.filter(pk=p.pk).update(
                processados=F("processados") + processados,
                contadores=soma,
                batimento_em=timezone.now(),
            )
            p.refresh_from_db()
        self.processo = p
        if p.cancelamento_pedido_em:
            raise Cancelado

    def definir(self, **contadores) -> None:
        """Set counts to absolute values (for counts a step recomputes, not adds)."""
        with transaction.atomic():
            p = Processo.objects.select_for_update().get(pk=self.processo.pk)
            p.contadores = {**p.contadores, **contadores}
            p.batimento_em = timezone.now()
            p.save(update_fields=["contadores", "batimento_em"])
        self.processo = p


def processo_criar(
    tipo: str, *, referencia: int | None = None, usuario=None, parametros: dict | None = None
) -> Processo:
    """A new run, waiting. Refused while another run of the same type is active."""
    if tipo not in ETAPAS:
        raise RegraViolada(f"Tipo de processo desconhecido: {tipo}.")
    ativo = Processo.objects.filter(tipo=tipo, situacao__in=Processo.ATIVAS).first()
    if ativo:
        raise RegraViolada(
            f"Já há um processo “{ativo.get_tipo_display()}” em andamento (nº {ativo.pk}). "
            "Espere que termine ou cancele-o."
        )
    try:
        with transaction.atomic():
            return Processo.objects.create(
                tipo=tipo, referencia=referencia, usuario=usuario, parametros=parametros or {}
            )
    except IntegrityError as exc:  # another one was created between the check and here
        raise RegraViolada(
            "Já há um processo deste tipo em andamento. Espere que termine ou cancele-o."
        ) from exc


def _tomar(processo_id: int) -> Processo | None:
    """Take a run to execute: a waiting one, or a running one whose heartbeat stopped."""
    agora = timezone.now()
    tomou = Processo.objects.filter(pk=processo_id, situacao=Situacao.AGUARDANDO).update(
        situacao=Situacao.EXECUTANDO, iniciado_em=agora, batimento_em=agora
    ) or Processo.objects.filter(
        pk=processo_id, situacao=Situacao.EXECUTANDO, batimento_em__lt=agora - BATIMENTO_MAXIMO
    ).update(batimento_em=agora)
    return Processo.objects.get(pk=processo_id) if tomou else None


def processo_executar(processo_id: int) -> Processo:
    """Run (or resume) the step of a run to its end, then record how it ended."""
    processo = _tomar(processo_id)
    if processo is None:  # finished, cancelled, or alive in another worker
        return Processo.objects.get(pk=processo_id)
    execucao = Execucao(processo)
    fim = {"situacao": Situacao.CONCLUIDO}
    try:
        if processo.cancelamento_pedido_em:
            raise Cancelado
        ETAPAS[processo.tipo](execucao)
    except Cancelado:
        fim = {"situacao": Situacao.CANCELADO}
    except Exception as exc:
        log.exception("Processo %s falhou", processo_id)
        fim = {"situacao": Situacao.FALHOU, "erro": f"{type(exc).__name__}: {exc}"[:500]}
    Processo.objects.filter(pk=processo_id, situacao=Situacao.EXECUTANDO).update(
        concluido_em=timezone.now(), batimento_em=timezone.now(), **fim
    )
    return Processo.objects.get(pk=processo_id)


def processo_cancelar(processo: Processo, *, usuario=None) -> Processo:
    """Ask a run to stop at its next chunk; a waiting run is cancelled at once."""
    agora = timezone.now()
    Processo.objects.filter(pk=processo.pk, situacao__in=Processo.ATIVAS).update(
        cancelamento_pedido_em=agora, cancelamento_pedido_por=usuario
    )
    Processo.objects.filter(pk=processo.pk, situacao=Situacao.AGUARDANDO).update(
        situacao=Situacao.CANCELADO, concluido_em=agora
    )
    processo.refresh_from_db()
    if processo.situacao not in (*Processo.ATIVAS, Situacao.CANCELADO):
        raise RegraViolada(
            f"O processo nº {processo.pk} já terminou ({processo.get_situacao_display()})."
        )
    return processo
