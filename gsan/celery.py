import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gsan.settings.local")

app = Celery("gsan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# For apply_async(retry_policy=...): one try, then the caller leaves it to the sweep.
SEM_NOVAS_TENTATIVAS = {"max_retries": 0}


def conexao_publicar():
    """A broker connection for publishing from a request or a sweep.

    Short connect and socket timeouts and no reconnect loop, so a sick broker
    (down, or accepting and never answering) costs about
    ``BROKER_PUBLICAR_TIMEOUT_SEGUNDOS`` and then raises. Use as a context
    manager and pass it as ``apply_async(connection=...)``.
    """
    from django.conf import settings

    limite = settings.BROKER_PUBLICAR_TIMEOUT_SEGUNDOS
    opcoes = None
    if app.conf.broker_url.startswith(("redis:", "rediss:")):
        # Redis's socket options; the embedded SQLite broker has its own busy timeout
        # and would hand these to SQLAlchemy, which refuses them.
        opcoes = {
            "socket_timeout": limite,
            "socket_connect_timeout": limite,
            "retry_on_timeout": False,
            "max_retries": 0,
        }
    return app.connection_for_write(connect_timeout=limite, transport_options=opcoes)
