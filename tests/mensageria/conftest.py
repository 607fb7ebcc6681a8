import pytest

from mensageria.backends import memoria


@pytest.fixture(autouse=True)
def _memoria_limpa():
    memoria.limpar()
    yield
    memoria.limpar()
