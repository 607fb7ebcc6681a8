import pytest

from mensageria.backends import memoria


@pytest.fixture(autouse=True)
def _memoria_limpa():
    memoria.limpar()
    yield
    memoria.limpar()


# The integration fixtures (emulator, SMS and e-mail workers, SMTP server) are in
# tests/conftest.py: one session-wide set for every app's integration tests.
