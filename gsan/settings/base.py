"""Settings shared by every environment.

Embedded defaults let a newcomer run the product with no server installed
(SQLite for the data and for the Celery broker, under ``var/``); real services are
chosen by URL (``DATABASE_URL``, ``REDIS_URL``/``CELERY_BROKER_URL``).
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Runtime files of the embedded default (database, broker, media, logs, modem).
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
# `load_demo` creates users whose passwords are public; production turns it off.
LOAD_DEMO_ALLOWED = True
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "core",
    "cadastro",
    "atendimento",
    "ordens_servico",
    "mensageria",
    "faturamento",
    "cidadao",
    "portal",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The customer portal's own session (request.conta_externa), apart from request.user.
    "portal.sessao.SessaoPortalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "atendimento.uploads.LimiteDeEnvioMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gsan.urls"
WSGI_APPLICATION = "gsan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.papeis",
                "portal.context_processors.conta_externa",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (seconds); long-lived workers such as the modem's benefit most.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cadastro.Usuario"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:inicio"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords a
# username, and separately an IP address, is locked for AXES_COOLOFF_TIME; a
# correct password then fails too. An Administrador unlocks it in admin
# ("Access attempts": delete the row). Behind a TLS proxy set
# PROXIES_CONFIAVEIS so the client's address, not the proxy's, is counted.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTOS", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/bloqueado.html"
AXES_CLIENT_IP_CALLABLE = "core.acesso.ip_do_cliente"
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none).
PROXIES_CONFIAVEIS = env.int("PROXIES_CONFIAVEIS", default=0)
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "pt-br"
# The only language: a browser asking for English must not get a half-English UI.
LANGUAGES = [("pt-br", "Português (Brasil)")]
TIME_ZONE = env("TIME_ZONE", default="America/Recife")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
# WhiteNoise warns at start when the folder is missing (before the first collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# An attached image past this many pixels is refused from its header, before it is
# decoded (4 bytes a pixel in memory): 50 MP is a 48 MP phone photo with room to spare.
ANEXO_IMAGEM_MAX_PIXELS = env.int("ANEXO_IMAGEM_MAX_PIXELS", default=50_000_000)
# Files are held to the attachment limit while they arrive (atendimento/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "atendimento.uploads.LimiteDeAnexoUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Content-Security-Policy (django-csp) in every environment, so the tests' browser
# meets the production policy: scripts and styles only from our static files (no
# inline <script>, style="" or onclick=""), images also as data: URIs (Bootstrap's
# icons in its CSS), no plugins, no framing, forms only to ourselves.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="atendimento@localhost")
# Seconds an SMTP connect or reply may take: a server that hangs must not hold the
# e-mail worker forever (the send is retried, or marked uncertain after the text).
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=30.0)

# Celery: Redis when configured, otherwise kombu's SQLAlchemy transport on a
# SQLite file of its own (no server to install). Each read and write is a SQLite
# transaction, so a consumer never sees half a message (the filesystem transport
# it replaces could, and its worker died of it). Kombu keeps delivered rows with
# visible=0; the launcher (gsan/run_dev.py) deletes them when it starts.
REDIS_URL = env("REDIS_URL", default="")
BROKER_SQLITE = VAR_DIR / "celery.sqlite"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or f"sqla+sqlite:///{BROKER_SQLITE}")
if CELERY_BROKER_URL.startswith("sqla+sqlite:"):
    # Passed to SQLAlchemy's create_engine: wait for a busy database, never fail at once.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 10}}
# The cache counts the citizen channel's rate limits (django-ratelimit): Redis when
# configured, so every web process shares the counts; in memory otherwise (`make run`
# serves from a single process).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True  # see core/limites.py
# The public address of this site, for the short status links in SMS ("" = none).
URL_PUBLICA = env.str("URL_PUBLICA", default="").rstrip("/")
# The customer portal (portal/): its session lasts this long without a new login.
PORTAL_SESSAO_SEGUNDOS = env.int("PORTAL_SESSAO_HORAS", default=8) * 3600
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Publishing runs inside web requests (after the commit): a broker that accepts
# connections and never answers may cost it this long (s), once, with no retry
# loop; the message row is already saved and the sweep publishes it later.
BROKER_PUBLICAR_TIMEOUT_SEGUNDOS = env.float("BROKER_PUBLICAR_TIMEOUT_SEGUNDOS", default=1.0)
# Periodic jobs are declared in one place: gsan/schedule.py.
from gsan.schedule import CELERY_BEAT_SCHEDULE  # noqa: E402,F401

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs every login at INFO; lockouts come as warnings.
        "axes": {"level": "WARNING"},
    },
}

# SMS (mensageria): the modem sits behind a backend, as e-mail does behind EMAIL_BACKEND.
SMS_BACKEND = env("SMS_BACKEND", default="mensageria.backends.gsm.GsmBackend")
# Transient network errors (congestion, +CMS ERROR 42…): the wait after attempt n is
# SMS_BACKOFF_SEGUNDOS × 2^(n-1), at most SMS_BACKOFF_MAXIMO_SEGUNDOS; a new modem
# makes SMS_TENTATIVAS_TRANSITORIAS attempts (8: 30 s, 1, 2, 4, 8, 15, 15 min, about
# 45 minutes in all). A message waiting for its next attempt does not hold the queue.
SMS_TENTATIVAS_TRANSITORIAS = env.int("SMS_TENTATIVAS_TRANSITORIAS", default=8)
# /healthz is not ok when an active modem's health reading (taken every minute by
# its own worker) is older than this, or a due message has waited longer than this (s).
SMS_SAUDE_VALIDADE_SEGUNDOS = env.float("SMS_SAUDE_VALIDADE_SEGUNDOS", default=300.0)
SMS_ESPERA_MAXIMA_SEGUNDOS = env.float("SMS_ESPERA_MAXIMA_SEGUNDOS", default=900.0)
# The modem page's health history: one reading kept about every N minutes (and at once
# when registration, SIM or error change), readings older than D days pruned.
SMS_SAUDE_HISTORICO_MINUTOS = env.float("SMS_SAUDE_HISTORICO_MINUTOS", default=5.0)
SMS_SAUDE_HISTORICO_DIAS = env.float("SMS_SAUDE_HISTORICO_DIAS", default=7.0)
# Public callers of /healthz get only ok/not-ok per component; staff, or a monitor
# sending "Authorization: Bearer <HEALTHZ_TOKEN>", get the details.
HEALTHZ_TOKEN = env("HEALTHZ_TOKEN", default="")
SMS_BACKOFF_SEGUNDOS = env.float("SMS_BACKOFF_SEGUNDOS", default=30.0)
SMS_BACKOFF_MAXIMO_SEGUNDOS = env.float("SMS_BACKOFF_MAXIMO_SEGUNDOS", default=900.0)
SMS_REENFILEIRAR_APOS_SEGUNDOS = env.float("SMS_REENFILEIRAR_APOS_SEGUNDOS", default=900.0)
SMS_ENVIANDO_LIMITE_SEGUNDOS = env.float("SMS_ENVIANDO_LIMITE_SEGUNDOS", default=300.0)
SMS_PARAMETROS_CACHE_SEGUNDOS = env.float("SMS_PARAMETROS_CACHE_SEGUNDOS", default=5.0)
# After each send task the modem's worker keeps draining its due messages this long (s).
SMS_DRENAGEM_SEGUNDOS = env.float("SMS_DRENAGEM_SEGUNDOS", default=10.0)
# Inbound concatenated SMS: the parts wait on the SIM for the missing ones this long
# (s, counted from the SMSC time of the first part); then what arrived is stored.
SMS_PARTES_ESPERA_SEGUNDOS = env.float("SMS_PARTES_ESPERA_SEGUNDOS", default=3600.0)
# A delivery report matches a message sent at most this long ago (h): the modem's
# 0-255 reference repeats, so an older message with the same reference is not it.
SMS_RELATORIO_JANELA_HORAS = env.float("SMS_RELATORIO_JANELA_HORAS", default=72.0)
