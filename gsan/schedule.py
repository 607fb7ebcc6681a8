"""Every periodic job of the product, declared in one place."""

CELERY_BEAT_SCHEDULE: dict = {}
