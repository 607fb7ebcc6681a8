"""Every paginated list takes any ``pagina`` (huge, negative, text) and answers 200."""

import pytest
from django.urls import reverse

from core.paginacao import PAGINA_MAX, numero_da_pagina
from mensageria.models import Mensagem
from tests.atendimento.factories import RegistroAtendimentoFactory
from tests.factories import ClienteImovelFactory
from tests.ordens_servico.factories import OrdemServicoFactory

# (url name, extra query): every screen of the project with a ``pagina`` parameter.
LISTAS = [
    ("atendimento:busca", {}),
    ("atendimento:minha_unidade", {}),
    ("ordens_servico:lista", {}),
    ("mensageria:mensagem_list", {}),
    ("mensageria:mensagem_erros", {}),
    ("cadastro:busca", {"q": "silva"}),
]
PAGINAS = [str(2**63 - 1), "9" * 30, "-1", "0", "abc", "1e309", ""]


@pytest.mark.parametrize(
    ("valor", "esperado"),
    [
        ("3", 3),
        (3, 3),
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("1e309", 1),
        ("-7", 1),
        ("0", 1),
        (str(2**63 - 1), PAGINA_MAX),
        ("9" * 5000, PAGINA_MAX),
    ],
)
def test_numero_da_pagina(valor, esperado):
    assert numero_da_pagina(valor) == esperado


@pytest.fixture
def listas_com_linhas(unidade, atendente):
    ra = RegistroAtendimentoFactory(unidade_abertura=unidade, usuario_abertura=atendente)
    OrdemServicoFactory(unidade_atual=unidade, ra=ra, imovel=ra.imovel)
    Mensagem.objects.create(
        destino="+5581999990001", texto="x", status=Mensagem.Status.FALHOU, registro_atendimento=ra
    )
    vinculo = ClienteImovelFactory()
    vinculo.cliente.nome = "Maria da Silva"
    vinculo.cliente.save()


@pytest.mark.parametrize("nome, extra", LISTAS)
def test_lista_aceita_qualquer_pagina(client, administrador, listas_com_linhas, nome, extra):
    client.force_login(administrador)
    client.raise_request_exception = False
    for pagina in PAGINAS:
        resposta = client.get(reverse(nome), {**extra, "pagina": pagina})
        assert resposta.status_code == 200, (nome, pagina, resposta.status_code)


def test_os_lista_alem_do_fim_mostra_a_ultima_pagina_aceita(
    client, administrador, listas_com_linhas
):
    client.force_login(administrador)
    resposta = client.get(reverse("ordens_servico:lista"), {"pagina": str(2**63 - 1)})
    assert resposta.status_code == 200
    assert f"Página {PAGINA_MAX}<" in resposta.content.decode()
