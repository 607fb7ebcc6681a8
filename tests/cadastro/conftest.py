import pytest

from cadastro.models import Cliente, ClienteImovel, Imovel, Telefone


@pytest.fixture
def contagem():
    """Row counts of everything the cadastro screens may write, history included."""

    def _contar():
        modelos = [Cliente, Telefone, Imovel, ClienteImovel]
        return {m.__name__: (m.objects.count(), m.history.model.objects.count()) for m in modelos}

    return _contar
