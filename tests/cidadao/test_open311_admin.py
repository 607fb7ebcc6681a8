"""The Administrador creates an Open311 key (shown once), sees its prefix and use,
deactivates it; nothing reads a key back."""

import hashlib

import pytest
from django.urls import reverse

from cidadao.models import ChaveApi
from cidadao.open311.chaves import chave_criar, chave_verificar

pytestmark = pytest.mark.django_db
LISTA = reverse("admin:cidadao_chaveapi_changelist")
NOVA = reverse("admin:cidadao_chaveapi_add")


@pytest.fixture
def admin_client(client, administrador):
    client.force_login(administrador)
    return client


def test_formulario_de_criacao_pede_so_o_nome(admin_client):
    resposta = admin_client.get(NOVA)
    assert resposta.status_code == 200
    campos = set(resposta.context["adminform"].form.fields)
    assert campos == {"nome"}


def test_criar_mostra_a_chave_uma_vez(admin_client, administrador):
    resposta = admin_client.post(NOVA, {"nome": "App Cidade Limpa"}, follow=True)
    assert resposta.redirect_chain[-1][0] == LISTA
    chave = ChaveApi.objects.get()
    (aviso,) = [m.message for m in resposta.context["messages"] if "Guarde" in m.message]
    segredo = aviso.split("Guarde esta chave: ")[1].split(";")[0]
    assert aviso.endswith("não será mostrada de novo. Se ela se perder, desative-a e crie outra.")
    assert hashlib.sha256(segredo.encode()).hexdigest() == chave.hash
    assert chave_verificar(segredo) == chave
    assert chave.criada_por == administrador
    assert segredo in resposta.content.decode()  # the one time it is shown
    for url in (LISTA, reverse("admin:cidadao_chaveapi_change", args=[chave.pk])):
        pagina = admin_client.get(url).content.decode()
        assert chave.prefixo in pagina
        assert segredo not in pagina
        assert chave.hash not in pagina


def test_criar_sem_nome_volta_ao_formulario(admin_client):
    resposta = admin_client.post(NOVA, {"nome": ""})
    assert resposta.status_code == 200
    assert not ChaveApi.objects.exists()


def test_lista_mostra_nome_prefixo_situacao_e_uso(admin_client):
    chave, segredo = chave_criar(nome="App Cidade Limpa", usuario=None)
    chave_verificar(segredo)
    pagina = admin_client.get(LISTA).content.decode()
    assert "App Cidade Limpa" in pagina and chave.prefixo in pagina
    assert "último uso" in pagina.lower()


def test_acao_desativar(admin_client):
    chave, segredo = chave_criar(nome="App", usuario=None)
    outra, outro_segredo = chave_criar(nome="Outro", usuario=None)
    resposta = admin_client.post(
        LISTA, {"action": "desativar", "_selected_action": [chave.pk]}, follow=True
    )
    assert resposta.status_code == 200
    assert chave_verificar(segredo) is None
    assert chave_verificar(outro_segredo) == outra


def test_edicao_nao_reativa_nem_apaga(admin_client):
    chave, _ = chave_criar(nome="App", usuario=None)
    ChaveApi.objects.filter(pk=chave.pk).update(ativa=False)
    url = reverse("admin:cidadao_chaveapi_change", args=[chave.pk])
    admin_client.post(url, {"nome": "App renomeado", "ativa": "on"})
    chave.refresh_from_db()
    assert chave.nome == "App renomeado" and not chave.ativa
    apagar = reverse("admin:cidadao_chaveapi_delete", args=[chave.pk])
    assert admin_client.post(apagar, {"post": "yes"}).status_code == 403
    assert ChaveApi.objects.filter(pk=chave.pk).exists()


def test_atendente_nao_entra(client_atendente):
    assert client_atendente.get(NOVA).status_code == 302
