"""The inscrição's sublote and the search's word rule, with rows that must be left out.

Every test here was checked by breaking its rule in the code (ignoring the sublote,
OR instead of AND) and seeing the test fail.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadastro import services
from cadastro.models import Imovel
from cadastro.selectors import busca_atendimento
from tests.factories import ImovelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mesmo_lote():
    """Three imóveis of one lote (001.002.0003.0004), sublotes 0, 1 and 12."""
    return {
        s: ImovelFactory(localidade=1, setor=2, quadra=3, lote=4, sublote=s) for s in (0, 1, 12)
    }


def test_inscricao_mostra_o_sublote(mesmo_lote):
    assert mesmo_lote[12].inscricao == "001.002.0003.0004.012"
    assert mesmo_lote[1].inscricao == "001.002.0003.0004.001"


@pytest.mark.parametrize(
    ("termo", "sublote"),
    [
        ("001.002.0003.0004.012", 12),
        ("1.2.3.4.12", 12),
        ("1.2.3.4.1", 1),
        ("001.002.0003.0004.000", 0),
    ],
)
def test_busca_por_inscricao_distingue_o_sublote(mesmo_lote, atendente, termo, sublote):
    resultado = busca_atendimento(termo, atendente)
    assert resultado.criterio == "inscrição"
    assert resultado.imoveis == [mesmo_lote[sublote]]


def test_busca_pela_inscricao_mostrada_acha_o_imovel(mesmo_lote, atendente):
    for imovel in mesmo_lote.values():
        assert busca_atendimento(imovel.inscricao, atendente).imoveis == [imovel]


def _dados(**extra):
    dados = {
        "localidade": 1,
        "setor": 2,
        "quadra": 3,
        "lote": 4,
        "municipio": "Recife",
        "bairro": "Várzea",
        "logradouro": "Rua Azeredo Coutinho",
        "numero": "120",
        "cep": "50740000",
    }
    dados.update(extra)
    return dados


def test_imovel_criar_aceita_outro_sublote_do_mesmo_lote(atendente):
    services.imovel_criar(**_dados(), usuario=atendente)
    segundo = services.imovel_criar(**_dados(sublote=1), usuario=atendente)
    assert segundo.inscricao == "001.002.0003.0004.001"
    with pytest.raises(ValidationError, match="inscrição"):
        services.imovel_criar(**_dados(sublote=1), usuario=atendente)
    assert Imovel.objects.count() == 2


def test_admin_aceita_outro_sublote_do_mesmo_lote(client, administrador):
    client.force_login(administrador)
    ImovelFactory(localidade=1, setor=1, quadra=1, lote=1, sublote=0)
    dados = {
        "localidade": "1",
        "setor": "1",
        "quadra": "1",
        "lote": "1",
        "sublote": "1",
        "municipio": "Recife",
        "uf": "PE",
        "bairro": "Madalena",
        "logradouro": "Rua Real da Torre",
        "numero": "10",
        "cep": "50610000",
        "situacao_agua": "ligado",
        "situacao_esgoto": "ligado",
        "vinculos-TOTAL_FORMS": "0",
        "vinculos-INITIAL_FORMS": "0",
        "vinculos-MIN_NUM_FORMS": "0",
        "vinculos-MAX_NUM_FORMS": "1000",
    }
    url = reverse("admin:cadastro_imovel_add")
    assert client.post(url, dados).status_code == 302
    assert Imovel.objects.filter(lote=1, sublote=1).exists()
    # The same sublote again is refused.
    resposta = client.post(url, dados)
    assert resposta.status_code == 200
    assert Imovel.objects.filter(localidade=1, setor=1, quadra=1, lote=1).count() == 2


def test_busca_por_palavras_exige_todas(atendente):
    gracas = ImovelFactory(logradouro="Rua Amélia", bairro="Graças")
    ImovelFactory(logradouro="Rua Amélia", bairro="Boa Viagem")
    ImovelFactory(logradouro="Rua das Graças", bairro="Casa Forte")
    assert busca_atendimento("amelia gracas", atendente).imoveis == [gracas]
