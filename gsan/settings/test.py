"""Tests run against real PostgreSQL and Redis (see ``make test``)."""

from .base import *  # noqa: F403
from .base import env

DATABASES = {
    "default": env.db("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/gsan"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {}
# Rate limits count in the real Redis; each test gets its own key prefix (conftest).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail stays in memory, except in the e-mail integration tests: they point their
# worker at a real SMTP server on loopback with TEST_EMAIL_URL (never EMAIL_URL, so a
# developer's .env cannot make the tests send real mail).
if env("TEST_EMAIL_URL", default=""):
    vars().update(env.email_url("TEST_EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SMS_BACKEND = env("SMS_BACKEND", default="mensageria.backends.memoria.MemoriaBackend")
SMS_BACKOFF_SEGUNDOS = env.float("SMS_BACKOFF_SEGUNDOS", default=0.0)
SMS_PARAMETROS_CACHE_SEGUNDOS = env.float("SMS_PARAMETROS_CACHE_SEGUNDOS", default=0.0)
