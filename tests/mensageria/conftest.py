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


# The integration fixtures (emulator, SMS and e-mail workers, SMTP server) are in
# tests/conftest.py: one session-wide set for every app's integration tests.
