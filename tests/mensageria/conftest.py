import datetime
from zoneinfo import ZoneInfo

import pytest

from mensageria.backends import memoria


@pytest.fixture(autouse=True)
def _memoria_limpa():
    memoria.limpar()
    yield
    memoria.limpar()


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

    from . import integracao

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
    if emulador._mestre is None:
        emulador.conectar()
    emulador.log_enviados.write_text("")
    yield emulador
    emulador.falhas.clear()
    emulador.regras.clear()
