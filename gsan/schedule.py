"""Every periodic job of the product, declared in one place."""

from celery.schedules import crontab

CELERY_BEAT_SCHEDULE: dict = {
    # SMS: enqueue pending messages whose task was lost, turn stuck sends into
    # "incerta", resume modems whose device came back, read modem health.
    "mensageria-varrer": {
        "task": "mensageria.mensagens_varrer_task",
        "schedule": 60.0,
        "options": {"queue": "celery", "expires": 55},
    },
    # Alerts to supervisors (a modem paused, the queue too old, no modem): one e-mail
    # when an episode opens, resolved when it clears.
    "mensageria-alertas": {
        "task": "mensageria.alertas_avaliar_task",
        "schedule": 60.0,
        "options": {"queue": "celery", "expires": 55},
    },
}

# ordens_servico: close pending OS past their type's "dias_vencimento", at night.
CELERY_BEAT_SCHEDULE["ordens-servico-encerrar-vencidas"] = {
    "task": "ordens_servico.tasks.ordens_servico_encerrar_vencidas_task",
    "schedule": crontab(hour=2, minute=30),
}

# atendimento: delete the files kept for forms that came back with errors and were
# never sent again (atendimento.services.anexos).
CELERY_BEAT_SCHEDULE["atendimento-anexos-temporarios-limpar"] = {
    "task": "atendimento.anexos_temporarios_limpar_task",
    "schedule": crontab(minute=15),
}
