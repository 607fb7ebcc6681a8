"""Celery triggers of the atendimento app: they call services."""

from celery import shared_task

from atendimento.services.anexos import anexos_temporarios_limpar


@shared_task(name="atendimento.anexos_temporarios_limpar_task")
def anexos_temporarios_limpar_task() -> int:
    return anexos_temporarios_limpar()
