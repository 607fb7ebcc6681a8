"""The catalogue admin's "Canal do cidadão" fields: which especificações citizens see."""

import pytest
from django.urls import reverse

from atendimento.models import Especificacao
from tests.atendimento.factories import EspecificacaoFactory

pytestmark = pytest.mark.django_db


def _dados(client, especificacao):
    """The change form as the admin renders it, ready to post back."""
    resposta = client.get(
        reverse("admin:atendimento_especificacao_change", args=[especificacao.pk])
    )
    form = resposta.context["adminform"].form
    dados = {}
    for nome, campo in form.fields.items():
        valor = form.initial.get(nome, campo.initial)
        if isinstance(valor, bool):
            if valor:
                dados[nome] = "on"
        elif valor is not None:
            dados[nome] = getattr(valor, "pk", valor)
    return dados


def _url(especificacao):
    return reverse("admin:atendimento_especificacao_change", args=[especificacao.pk])


def test_secao_canal_do_cidadao(client, administrador):
    client.force_login(administrador)
    html = client.get(_url(EspecificacaoFactory())).content.decode()
    assert ">Canal do cidadão</h2>" in html
    for campo in ("publica", "codigo_servico", "descricao_publica", "raio_duplicidade_m"):
        assert f'name="{campo}"' in html


def test_abrir_a_relatos_com_codigo(client, administrador):
    especificacao = EspecificacaoFactory()
    client.force_login(administrador)
    dados = _dados(client, especificacao)
    dados.update(
        publica="on",
        codigo_servico="vazamento-agua-via-publica",
        descricao_publica="Água correndo na rua ou na calçada.",
    )
    assert client.post(_url(especificacao), dados).status_code == 302
    especificacao.refresh_from_db()
    assert especificacao.publica
    assert especificacao.codigo_servico == "vazamento-agua-via-publica"
    assert especificacao.descricao_publica == "Água correndo na rua ou na calçada."


@pytest.mark.parametrize(
    ("codigo", "motivo"),
    [
        ("", "precisa do código do serviço"),
        ("vazamento de água!", "letras, números"),
    ],
)
def test_aberta_a_relatos_exige_codigo_valido(client, administrador, codigo, motivo):
    especificacao = EspecificacaoFactory()
    client.force_login(administrador)
    dados = _dados(client, especificacao)
    dados.update(publica="on", codigo_servico=codigo)
    resposta = client.post(_url(especificacao), dados)
    assert resposta.status_code == 200
    assert motivo in resposta.content.decode()
    especificacao.refresh_from_db()
    assert not especificacao.publica


def test_codigo_repetido_recusado_e_vazio_nao_repete(client, administrador):
    EspecificacaoFactory(publica=True, codigo_servico="falta-agua")
    uma, outra = EspecificacaoFactory(), EspecificacaoFactory()
    client.force_login(administrador)
    for especificacao in (uma, outra):  # two without a code: both NULL, not a clash on ""
        dados = _dados(client, especificacao)
        dados["descricao_publica"] = "Sem código."
        assert client.post(_url(especificacao), dados).status_code == 302
    assert Especificacao.objects.filter(codigo_servico__isnull=True).count() >= 2
    dados = _dados(client, uma)
    dados.update(publica="on", codigo_servico="falta-agua")
    resposta = client.post(_url(uma), dados)
    assert resposta.status_code == 200
    assert "(Open311) já existe" in resposta.content.decode()
