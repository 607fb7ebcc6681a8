"""Point 6/7: the screens say whether the protocol SMS goes and, if not, why."""

import pytest
from django.urls import reverse

from atendimento.models import RegistroAtendimento
from mensageria.models import Mensagem
from tests.factories import ClienteFactory, ClienteImovelFactory, TelefoneFactory
from tests.mensageria.factories import modem_criar

pytestmark = pytest.mark.django_db


@pytest.fixture
def cliente_sem_consentimento(imovel):
    cliente = ClienteFactory(nome="Josefa Recusa", recebe_sms=False)
    TelefoneFactory(cliente=cliente, numero="988887777", sms=True)
    ClienteImovelFactory(cliente=cliente, imovel=imovel, relacao="usuario")
    return cliente


def test_pagina_do_imovel_nao_promete_sms_a_quem_nao_aceita(
    client_atendente, imovel, cliente_sem_consentimento
):
    for url in (
        reverse("cadastro:imovel_detalhe", args=[imovel.pk]),
        reverse("cadastro:cliente_detalhe", args=[cliente_sem_consentimento.pk]),
    ):
        html = client_atendente.get(url).content.decode()
        assert '<span class="badge text-bg-info">SMS</span>' not in html
        assert "não aceita SMS" in html


def test_inserir_e_pagina_do_ra_dizem_por_que_o_sms_nao_vai(
    client_atendente, especificacao, meio, imovel, cliente_sem_consentimento
):
    modem_criar()
    previa = client_atendente.get(
        reverse("atendimento:sms_previsao"),
        {
            "especificacao": especificacao.pk,
            "tipo_solicitante": "cliente",
            "cliente": cliente_sem_consentimento.pk,
        },
    ).content.decode()
    assert "não irá por SMS" in previa and "não aceita receber SMS" in previa

    resposta = client_atendente.post(
        reverse("atendimento:inserir"),
        {
            "especificacao": especificacao.pk,
            "meio": meio.pk,
            "descricao": "Vazamento",
            "tipo_solicitante": "cliente",
            "cliente": cliente_sem_consentimento.pk,
            "matricula": imovel.matricula_formatada,
            "prioridade": "2",
        },
    )
    ra = RegistroAtendimento.objects.get()
    assert not Mensagem.objects.exists()
    confirmacao = client_atendente.get(resposta.url).content.decode()
    assert "não foi enviado por SMS" in confirmacao and "não aceita receber SMS" in confirmacao
    detalhe = client_atendente.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()
    assert "não foi enviado por SMS" in detalhe and "não aceita receber SMS" in detalhe
    assert ", SMS</span>" not in detalhe


def test_fixo_avisado_antes_e_depois(client_atendente, especificacao, meio, imovel):
    modem_criar()
    previa = client_atendente.get(
        reverse("atendimento:sms_previsao"),
        {
            "especificacao": especificacao.pk,
            "tipo_solicitante": "livre",
            "solicitante_telefone": "(81) 3222-1234",
        },
    ).content.decode()
    assert "não irá por SMS" in previa and "fixo" in previa
    resposta = client_atendente.post(
        reverse("atendimento:inserir"),
        {
            "especificacao": especificacao.pk,
            "meio": meio.pk,
            "descricao": "Vazamento",
            "tipo_solicitante": "livre",
            "solicitante_nome": "Maria",
            "solicitante_telefone": "(81) 3222-1234",
            "matricula": imovel.matricula_formatada,
            "prioridade": "2",
        },
    )
    confirmacao = client_atendente.get(resposta.url).content.decode()
    assert "fixo" in confirmacao


def test_celular_avisa_que_vai(client_atendente, especificacao):
    previa = client_atendente.get(
        reverse("atendimento:sms_previsao"),
        {
            "especificacao": especificacao.pk,
            "tipo_solicitante": "livre",
            "solicitante_telefone": "(81) 99988-7766",
        },
    ).content.decode()
    assert "irá por SMS" in previa and "não irá" not in previa
    assert "99988-7766" not in previa  # masked for a user without ver_dados_pessoais
