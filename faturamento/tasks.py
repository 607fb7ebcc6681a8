"""Celery triggers of the batch: they take a run's id (or a type) and call the run
framework. Every task is safe to run twice: the run row is the truth."""

import logging

from celery import shared_task
from django.db import transaction

from core.exceptions import RegraViolada

from .models import Processo
from .services.processos import (
    mensagens_preparar,
    processo_criar,
    processo_executar,
    processos_para_retomar,
    referencia_atual,
    referencia_seguinte,
)

log = logging.getLogger(__name__)


@shared_task(name="faturamento.processo_executar_task", acks_late=True)
def processo_executar_task(processo_id: int) -> str:
    return processo_executar(processo_id).situacao


def processo_enfileirar(processo: Processo) -> None:
    """Run ``processo`` in a worker after the surrounding transaction commits. A broker
    failure is only logged: the run stays waiting and the resume job picks it up."""

    def publicar():
        from gsan.celery import SEM_NOVAS_TENTATIVAS, conexao_publicar

        try:
            with conexao_publicar() as conexao:
                processo_executar_task.apply_async(
                    args=[processo.pk],
                    queue="celery",
                    connection=conexao,
                    retry_policy=SEM_NOVAS_TENTATIVAS,
                )
        except Exception:
            log.warning("Fila indisponível; o processo %s espera a retomada", processo.pk)

    transaction.on_commit(publicar)


@shared_task(name="faturamento.processos_retomar_task")
def processos_retomar_task() -> int:
    """Every minute: enqueue again the runs no worker is doing (left waiting because
    the broker was down, or running with a stopped heartbeat because their worker was
    killed). A duplicate is harmless: only one worker takes a run."""
    processos = list(processos_para_retomar())
    for processo in processos:
        log.info("Retomando o processo %s (%s)", processo.pk, processo.situacao)
        processo_enfileirar(processo)
    return len(processos)


def _recusado(tipo: str, erro: RegraViolada) -> None:
    log.info("Processo agendado %s não iniciado: %s", tipo, erro)


@shared_task(name="faturamento.mensagens_preparar_task")
def mensagens_preparar_task() -> list[str]:
    """Early morning: bill messages of the current referência and the next, then
    collection messages, one run after the other in this worker."""
    atual = referencia_atual()
    feitos = mensagens_preparar(
        referencias=[atual, referencia_seguinte(atual)], ao_recusar=_recusado
    )
    return [p.situacao for p in feitos]


@shared_task(name="faturamento.processo_agendado_task")
def processo_agendado_task(tipo: str) -> str:
    """A scheduled run of ``tipo`` (transmitir, expirar) executed in this worker;
    skipped when one of that type is already active."""
    try:
        processo = processo_criar(tipo)
    except RegraViolada as erro:
        _recusado(tipo, erro)
        return "ignorado"
    return processo_executar(processo.pk).situacao
