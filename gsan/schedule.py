"""Every periodic job of the product, declared in one place."""

CELERY_BEAT_SCHEDULE: dict = {
    # SMS: enqueue pending messages whose task was lost, turn stuck sends into
    # "incerta", resume modems whose device came back, read modem health.
    "mensageria-varrer": {
        "task": "mensageria.mensagens_varrer_task",
        "schedule": 60.0,
        "options": {"queue": "celery", "expires": 55},
    },
}
