"""Celery triggers of the batch: they take a run's id and call the run framework."""

import logging

from celery import shared_task
from django.db import transaction

from .models import Processo
from .services.processos import processo_executar

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
