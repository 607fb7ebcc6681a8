import datetime

import pytest
from django.urls import reverse

from cadastro.models import Imovel
from tests.factories import (
    ClienteFactory,
    ClienteImovelFactory,
    ImovelFactory,
    TelefoneFactory,
    UsuarioFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def imovel():
    imovel = ImovelFactory(
        logradouro="Rua Amélia",
        numero="120",
        bairro="Graças",
        cep="52011-050",
        situacao_agua="cortado",
    )
    cliente = ClienteFactory(nome="Jorge Amado", cpf_cnpj="52998224725")
    TelefoneFactory(cliente=cliente, numero="999887766", sms=True)
    ClienteImovelFactory(cliente=cliente, imovel=imovel, relacao="usuario")
    ClienteImovelFactory(
        cliente=ClienteFactory(nome="Antigo Morador"),
        imovel=imovel,
        relacao="usuario",
        data_inicio=datetime.date(2010, 1, 1),
        data_fim=datetime.date(2019, 12, 31),
    )
    return imovel


def test_pagina_do_imovel(client_atendente, imovel):
    resposta = client_atendente.get(reverse("cadastro:imovel_detalhe", args=[imovel.pk]))
    html = resposta.content.decode()
    assert resposta.status_code == 200
    for trecho in (
        imovel.matricula_formatada,
        "Rua Amélia, 120",
        "Graças",
        "52011-050",
        imovel.inscricao,
        "Água: Cortado",
        "Jorge Amado",
        "(81) 99988-7766",
        "529.982.247-25",
        "Vínculos encerrados (1)",
        'id="imovel-ras"',
    ):
        assert trecho in html, trecho


def test_pagina_do_imovel_mascara_dados_sem_permissao(client, unidade, imovel):
    client.force_login(UsuarioFactory(unidade=unidade))
    html = client.get(reverse("cadastro:imovel_detalhe", args=[imovel.pk])).content.decode()
    assert "Jorge Amado" in html
    assert "(81) *****-7766" in html
    assert "99988-7766" not in html
    assert "529.982.247-25" not in html
    assert "Novo cliente" not in html.split('id="menu"')[-1].split("</nav>")[-1]


def test_pagina_do_imovel_numero_de_consultas_constante(
    client_atendente, imovel, django_assert_num_queries
):
    url = reverse("cadastro:imovel_detalhe", args=[imovel.pk])
    # session, user, 2 perms, groups, unit (navbar); imóvel, links+clients, phones;
    # the imóvel's RAs (atendimento slot); its open bills (faturamento)
    with django_assert_num_queries(11):
        client_atendente.get(url)
    for _ in range(3):
        vinculo = ClienteImovelFactory(imovel=imovel, relacao="responsavel")
        TelefoneFactory(cliente=vinculo.cliente)
        vinculo.data_fim = datetime.date.today()
        vinculo.save()
    with django_assert_num_queries(11):
        client_atendente.get(url)


def test_imovel_inexistente_da_404(client_atendente):
    assert (
        client_atendente.get(reverse("cadastro:imovel_detalhe", args=[999999])).status_code == 404
    )


def test_admin_cria_imovel_com_matricula_automatica_e_recusa_cep(client, administrador):
    client.force_login(administrador)
    dados = {
        "localidade": "1",
        "setor": "1",
        "quadra": "1",
        "lote": "1",
        "sublote": "0",
        "municipio": "Recife",
        "uf": "PE",
        "bairro": "Madalena",
        "logradouro": "Rua Real da Torre",
        "numero": "10",
        "cep": "5061-000",
        "situacao_agua": "ligado",
        "situacao_esgoto": "ligado",
        "vinculos-TOTAL_FORMS": "0",
        "vinculos-INITIAL_FORMS": "0",
        "vinculos-MIN_NUM_FORMS": "0",
        "vinculos-MAX_NUM_FORMS": "1000",
    }
    url = reverse("admin:cadastro_imovel_add")
    resposta = client.post(url, dados)
    assert resposta.status_code == 200
    assert "CEP inválido: use o formato 00000-000." in resposta.content.decode()
    assert Imovel.objects.count() == 0
    resposta = client.post(url, {**dados, "cep": "50610000"})
    assert resposta.status_code == 302
    imovel = Imovel.objects.get()
    assert imovel.matricula > 10_000_000
    assert imovel.busca == "rua real da torre 10 madalena recife"


def test_admin_busca_sem_acento(client, administrador, imovel):
    client.force_login(administrador)
    html = client.get(
        reverse("admin:cadastro_imovel_changelist"), {"q": "RUA AMÉLIA"}
    ).content.decode()
    assert imovel.matricula_formatada in html
