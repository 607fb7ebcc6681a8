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

# faturamento (the batch of billing and collection messages, faturamento.tasks):
# prepare bills of this referência and the next, then collection, early in the
# morning; transmit every hour (each message waits for its own window and quiet
# hours); expire what passed its limit once a day; and every minute enqueue again the
# runs no worker is doing (broker down when started, or worker killed mid-run).
CELERY_BEAT_SCHEDULE["faturamento-preparar"] = {
    "task": "faturamento.mensagens_preparar_task",
    "schedule": crontab(hour=5, minute=0),
    "options": {"queue": "celery"},
}
CELERY_BEAT_SCHEDULE["faturamento-transmitir"] = {
    "task": "faturamento.processo_agendado_task",
    "schedule": crontab(minute=5),
    "args": ("transmitir",),
    "options": {"queue": "celery", "expires": 3000},
}
CELERY_BEAT_SCHEDULE["faturamento-expirar"] = {
    "task": "faturamento.processo_agendado_task",
    "schedule": crontab(hour=0, minute=20),
    "args": ("expirar",),
    "options": {"queue": "celery"},
}
CELERY_BEAT_SCHEDULE["faturamento-processos-retomar"] = {
    "task": "faturamento.processos_retomar_task",
    "schedule": 60.0,
    "options": {"queue": "celery", "expires": 55},
}
