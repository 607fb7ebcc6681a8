"""Integration fixtures shared by every app: the GSM emulator on a pty with a real
Celery worker on its modem's queue, and a real SMTP server on loopback with a
worker on the ``email`` queue. Session-wide and defined once here, so tests of
several apps (mensageria, faturamento) share one emulator and one worker per queue.
Also the fixed clock ``relogio``, for any app's time-dependent rules, and for the
browser tests of the public pages (citizen channel, portal) a phone-sized window
(``celular``) and media files in a temporary folder (``media``).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest


class Relogio:
    """``timezone.now()`` for the whole process (services, auto_now fields) at a set time."""

    def __init__(self, agora):
        self.agora = agora

    def __call__(self):
        return self.agora.astimezone(datetime.UTC)

    def avancar(self, **delta):
        self.agora += datetime.timedelta(**delta)


@pytest.fixture
def relogio(monkeypatch):
    """A fixed clock (12:00 in Recife, 1 Dec 2026): set ``relogio.agora`` to move it."""
    from django.utils import timezone

    relogio = Relogio(datetime.datetime(2026, 12, 1, 12, tzinfo=ZoneInfo("America/Recife")))
    monkeypatch.setattr(timezone, "now", relogio)
    return relogio


# --- integration: emulator + real worker (session-wide, started on first use) ---


@pytest.fixture(scope="session")
def emulador(tmp_path_factory):
    from mensageria.emulador import EmuladorModem

    pasta = tmp_path_factory.mktemp("modem")
    emu = EmuladorModem(pasta / "ttyEMU0", log_enviados=pasta / "enviados.log", latencia=0)
    emu.iniciar()
    yield emu
    emu.parar()


@pytest.fixture(scope="session")
def worker_sms(django_db_setup, django_db_blocker, tmp_path_factory, emulador):
    from django.conf import settings

    from tests.mensageria import integracao

    integracao.purgar()
    processo = integracao.iniciar_worker(
        tmp_path_factory.mktemp("worker"), settings.DATABASES["default"]["NAME"]
    )
    yield processo
    integracao.parar_worker(processo)


@pytest.fixture
def emu(emulador, worker_sms):
    """A clean emulator state and log for each test."""
    emulador.falhas.clear()
    emulador.regras.clear()
    emulador.latencia = 0
    emulador.sim = "READY"
    emulador.registro = 1
    emulador.sinal = 21
    emulador.travar_apos = None
    emulador.travado = False
    emulador.enviados = 0
    emulador.entregas.clear()
    # Every SMS asks for a delivery report; only the tests about reports get them, so
    # the worker is not busy recording one while the test database is flushed.
    emulador.entrega_padrao = "sem-relatorio"
    emulador.atraso_relatorio = 0
    emulador.ao_apagar = None
    emulador.apagados.clear()
    for guardadas in emulador.memorias.values():
        guardadas.clear()
    if emulador._mestre is None:
        emulador.conectar()
    emulador.log_enviados.write_text("")
    yield emulador
    emulador.falhas.clear()
    emulador.regras.clear()
    _esperar_ocioso(emulador)


def _esperar_ocioso(emulador, limite: float = 10) -> None:
    """Let the worker finish recording reports before the database is flushed."""
    import time

    fim = time.monotonic() + limite
    while time.monotonic() < fim and not emulador.ocioso():
        time.sleep(0.05)
    time.sleep(0.2)


# --- e-mail: a real SMTP server on loopback (aiosmtpd) ------------------------------


@pytest.fixture(scope="session")
def _servidor_smtp_sessao():
    from tests.servidor_smtp import ServidorSmtp

    servidor = ServidorSmtp().iniciar()
    yield servidor
    servidor.parar()


@pytest.fixture
def servidor_smtp(_servidor_smtp_sessao, settings):
    """A running SMTP server on loopback (tests/servidor_smtp.py), clean for each test.

    This process's EMAIL_BACKEND points at it (SMTP, no TLS), so an e-mail sent
    in-process lands in ``servidor_smtp.mensagens``; the e-mail worker
    (``worker_email``) sends there too. Make it refuse with ``.responder(...)``,
    ``.recusar(...)``, ``.cair_apos_dados()``, or go down with ``.parar()``.
    """
    servidor = _servidor_smtp_sessao
    servidor.limpar()
    servidor.iniciar()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", servidor.porta
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield servidor
    servidor.iniciar()  # a test that took it down leaves it up for the next
    servidor.limpar()


@pytest.fixture(scope="session")
def worker_email(django_db_setup, django_db_blocker, tmp_path_factory, _servidor_smtp_sessao):
    """A real Celery worker (concurrency 2) on the ``email`` queue, sending to the
    loopback SMTP server; transient failures retried after 0.3 s, 0.6 s, 1.2 s…"""
    from django.conf import settings

    from mensageria.services.mensagens import FILA_EMAIL
    from tests.mensageria import integracao

    integracao.purgar(FILA_EMAIL)
    processo = integracao.iniciar_worker(
        tmp_path_factory.mktemp("worker-email"),
        settings.DATABASES["default"]["NAME"],
        filas=(FILA_EMAIL,),
        concorrencia=2,
        env={
            "TEST_EMAIL_URL": _servidor_smtp_sessao.url,
            "SMS_BACKOFF_SEGUNDOS": "0.3",
            "EMAIL_TIMEOUT": "10",
        },
    )
    yield processo
    integracao.parar_worker(processo)


# --- Phone-sized browser windows (citizen channel, customer portal) -------------

CELULAR = {"width": 390, "height": 844}
# page.evaluate(SEM_ROLAGEM_LATERAL): the page fits its window's width.
SEM_ROLAGEM_LATERAL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def celular(navegador, live_server):
    """A page in a phone-sized, touch window; ``violacoes`` collects CSP reports."""
    contextos = []

    def _abrir(**opcoes):
        contexto = navegador.new_context(
            viewport=CELULAR,
            has_touch=True,
            is_mobile=True,
            base_url=live_server.url,
            locale="pt-BR",
            **opcoes,
        )
        contextos.append(contexto)
        contexto.add_init_script(
            """document.addEventListener("securitypolicyviolation", (e) =>
                 console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));"""
        )
        pagina = contexto.new_page()
        pagina.set_default_timeout(15_000)
        pagina.violacoes = []
        pagina.on(
            "console",
            lambda m: "Content Security Policy" in m.text and pagina.violacoes.append(m.text),
        )
        return pagina

    yield _abrir
    for contexto in contextos:
        contexto.close()
