"""Admin of portal accounts (Administrador only): created with no password and an
invitation, searched by name, e-mail or client, unlocked; the parameters a singleton."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from mensageria.models import Mensagem
from portal.models import ContaExterna
from tests.factories import ClienteFactory
from tests.portal.factories import SENHA, ContaExternaFactory

pytestmark = pytest.mark.django_db

NOVA = "senha-do-convite-bem-longa-3"
LISTA = reverse("admin:portal_contaexterna_changelist")
NOVA_CONTA = reverse("admin:portal_contaexterna_add")


@pytest.fixture
def client_admin(client, administrador):
    client.force_login(administrador)
    return client


def _caminho_do_link(mensagem) -> str:
    link = re.search(r"https?://\S+", mensagem.texto).group(0)
    return re.sub(r"^https?://[^/]+", "", link)


def test_criar_conta_sem_senha_com_convite_e_o_convidado_cria_a_senha(
    client_admin, administrador, client
):
    cliente = ClienteFactory(nome="Condomínio Mar Azul")
    resposta = client_admin.post(
        NOVA_CONTA,
        {
            "email": " Sindico@MarAzul.com.br ",
            "nome": "Síndico do Mar Azul",
            "cliente": cliente.pk,
            "is_active": "on",
            "enviar_convite": "on",
        },
    )
    assert resposta.status_code == 302, resposta.context["adminform"].form.errors
    conta = ContaExterna.objects.get()
    assert conta.email == "sindico@marazul.com.br"
    assert conta.criada_por == administrador
    assert conta.cliente == cliente
    assert not conta.has_usable_password()
    assert conta.email_confirmado_em is None
    mensagem = Mensagem.objects.get()
    assert mensagem.destino == "sindico@marazul.com.br"
    assert mensagem.evento == Mensagem.Evento.CONTA_PORTAL
    assert "criou uma conta para você" in mensagem.texto

    client_admin.logout()
    definir = client.get(_caminho_do_link(mensagem))["Location"]
    resposta = client.post(definir, {"senha": NOVA, "senha_confirmacao": NOVA})
    assert resposta["Location"] == reverse("portal:senha_definida")
    entrada = client.post("/portal/entrar/", {"email": conta.email, "senha": NOVA})
    assert entrada["Location"] == "/portal/"


def test_criar_conta_sem_convite_nao_envia_nada(client_admin):
    cliente = ClienteFactory()
    client_admin.post(
        NOVA_CONTA,
        {"email": "a@exemplo.com.br", "nome": "A", "cliente": cliente.pk, "is_active": "on"},
    )
    assert ContaExterna.objects.filter(email="a@exemplo.com.br").exists()
    assert not Mensagem.objects.exists()


def test_formulario_de_nova_conta_nao_tem_campo_de_senha(client_admin):
    resposta = client_admin.get(NOVA_CONTA)
    assert resposta.status_code == 200
    campos = resposta.context["adminform"].form.fields
    assert "password" not in campos and "enviar_convite" in campos
    assert campos["enviar_convite"].initial is True


def test_email_repetido_em_outra_caixa_e_recusado_com_mensagem(client_admin):
    ContaExternaFactory(email="ja@exemplo.com.br")
    resposta = client_admin.post(
        NOVA_CONTA,
        {"email": "JA@exemplo.com.br", "nome": "B", "cliente": ClienteFactory().pk},
    )
    assert resposta.status_code == 200
    assert resposta.context["adminform"].form.errors["email"] == [
        "Já existe uma conta do portal com este e-mail."
    ]


def test_trocar_o_email_pede_nova_confirmacao(client_admin):
    conta = ContaExternaFactory(email="velho@exemplo.com.br")
    url = reverse("admin:portal_contaexterna_change", args=[conta.pk])
    client_admin.post(
        url,
        {
            "email": "novo@exemplo.com.br",
            "nome": conta.nome,
            "cliente": conta.cliente_id,
            "is_active": "on",
        },
    )
    conta.refresh_from_db()
    assert conta.email == "novo@exemplo.com.br"
    assert conta.email_confirmado_em is None
    assert conta.check_password(SENHA)


def test_busca_por_nome_email_e_cliente(client_admin):
    maria = ContaExternaFactory(
        nome="Maria Souza", cliente=ClienteFactory(nome="Padaria Pão Quente")
    )
    ContaExternaFactory(nome="José Lima", email="jose@exemplo.com.br")
    for termo in ("Souza", maria.email, "Padaria"):
        resposta = client_admin.get(LISTA, {"q": termo})
        assert list(resposta.context["cl"].result_list) == [maria], termo


def test_acao_enviar_convite_pula_contas_inativas(client_admin):
    ativa = ContaExternaFactory()
    inativa = ContaExternaFactory(is_active=False)
    client_admin.post(
        LISTA,
        {"action": "acao_enviar_convite", "_selected_action": [ativa.pk, inativa.pk]},
    )
    assert list(Mensagem.objects.values_list("destino", flat=True)) == [ativa.email]


def test_acao_desbloquear_zera_as_tentativas(client_admin):
    bloqueada = ContaExternaFactory(
        falhas_login=2, bloqueada_ate=timezone.now() + timezone.timedelta(minutes=10)
    )
    outra = ContaExternaFactory(
        falhas_login=3, bloqueada_ate=timezone.now() + timezone.timedelta(minutes=10)
    )
    client_admin.post(LISTA, {"action": "acao_desbloquear", "_selected_action": [bloqueada.pk]})
    bloqueada.refresh_from_db()
    outra.refresh_from_db()
    assert (bloqueada.falhas_login, bloqueada.bloqueada_ate) == (0, None)
    assert outra.bloqueada_ate is not None
    entrada = client_admin.post("/portal/entrar/", {"email": bloqueada.email, "senha": SENHA})
    assert entrada["Location"] == "/portal/"


def test_lista_mostra_tentativas_e_bloqueio(client_admin):
    conta = ContaExternaFactory(
        falhas_login=2, bloqueada_ate=timezone.now() + timezone.timedelta(minutes=10)
    )
    resposta = client_admin.get(reverse("admin:portal_contaexterna_change", args=[conta.pk]))
    texto = resposta.content.decode()
    assert "tentativas erradas seguidas" in texto.lower() and "bloqueada até" in texto.lower()


def test_admin_do_portal_so_para_administrador(client, atendente):
    client.force_login(atendente)
    resposta = client.get(LISTA)
    assert resposta.status_code == 302
    assert resposta["Location"].startswith(reverse("admin:login"))
