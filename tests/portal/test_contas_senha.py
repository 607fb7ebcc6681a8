"""Password reset: the same answer with or without an account, a link of the portal's
own kind, the new password ends other sessions and confirms the e-mail."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.http import urlsafe_base64_encode

from mensageria.models import Mensagem
from portal.models import ContaExterna
from tests.portal.conftest import portal_logar
from tests.portal.factories import SENHA, ContaExternaFactory

pytestmark = pytest.mark.django_db

PEDIR = "/portal/senha/"
NOVA = "outra-senha-bem-comprida-77"


def _pedir(client, email, ip="10.0.0.1"):
    return client.post(PEDIR, {"email": email}, REMOTE_ADDR=ip)


def _caminho_do_link(mensagem) -> str:
    link = re.search(r"https?://\S+", mensagem.texto).group(0)
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.mark.parametrize(
    ("email", "envia"),
    [
        ("ativa@exemplo.com.br", True),
        ("ATIVA@exemplo.com.br", True),
        ("nao-confirmada@exemplo.com.br", True),
        ("inativa@exemplo.com.br", False),
        ("ninguem@exemplo.com.br", False),
    ],
)
def test_pedido_de_senha_tem_sempre_a_mesma_resposta(client, email, envia):
    ContaExternaFactory(email="ativa@exemplo.com.br")
    ContaExternaFactory(email="nao-confirmada@exemplo.com.br", email_confirmado_em=None)
    ContaExternaFactory(email="inativa@exemplo.com.br", is_active=False)
    resposta = _pedir(client, email)
    assert resposta["Location"] == reverse("portal:senha_enviada")
    pagina = client.get(resposta["Location"])
    assert "Se houver uma conta com esse e-mail, enviamos um link" in pagina.content.decode()
    assert Mensagem.objects.filter(destino=email.lower()).exists() is envia
    assert Mensagem.objects.count() == int(envia)
    if envia:
        mensagem = Mensagem.objects.get()
        assert mensagem.evento == Mensagem.Evento.CONTA_PORTAL
        assert "/portal/senha/" in mensagem.texto


def _link_de(client, conta) -> str:
    _pedir(client, conta.email)
    return _caminho_do_link(Mensagem.objects.filter(destino=conta.email).latest("pk"))


def test_link_define_a_senha_confirma_o_email_desbloqueia_e_encerra_outras_sessoes(client, relogio):
    conta = ContaExternaFactory(email="maria@exemplo.com.br")
    outra_sessao = Client()
    portal_logar(outra_sessao, conta)
    assert outra_sessao.get("/portal/").status_code == 200
    ContaExterna.objects.filter(pk=conta.pk).update(
        email_confirmado_em=None,
        falhas_login=3,
        bloqueada_ate=relogio() + datetime.timedelta(minutes=10),
    )

    caminho = _link_de(client, conta)
    resposta = client.get(caminho)
    # The token leaves the address before the form is shown (no Referer leak).
    assert resposta.status_code == 302
    assert resposta["Location"].endswith("/definir-senha/")
    formulario = client.get(resposta["Location"])
    assert formulario.status_code == 200
    assert "Criar uma senha nova" in formulario.content.decode()

    resposta = client.post(resposta["Location"], {"senha": NOVA, "senha_confirmacao": NOVA})
    assert resposta["Location"] == reverse("portal:senha_definida")
    conta.refresh_from_db()
    assert conta.check_password(NOVA)
    assert conta.email_confirmado_em is not None
    assert (conta.falhas_login, conta.bloqueada_ate) == (0, None)
    assert outra_sessao.get("/portal/").status_code == 302

    entrada = client.post("/portal/entrar/", {"email": conta.email, "senha": NOVA})
    assert entrada["Location"] == "/portal/"


def test_link_ja_usado_nao_vale_mais(client):
    conta = ContaExternaFactory(email="maria@exemplo.com.br")
    caminho = _link_de(client, conta)
    definir = client.get(caminho)["Location"]
    client.post(definir, {"senha": NOVA, "senha_confirmacao": NOVA})
    assert client.get(caminho).status_code == 400
    resposta = client.post(definir, {"senha": "mais-uma-senha-99", "senha_confirmacao": "x"})
    assert resposta.status_code == 400
    assert "Este link não vale mais" in resposta.content.decode()
    conta.refresh_from_db()
    assert conta.check_password(NOVA)


def test_token_do_site_interno_nao_serve_no_portal(client):
    conta = ContaExternaFactory(email="maria@exemplo.com.br")
    uid = urlsafe_base64_encode(str(conta.pk).encode())
    token = default_token_generator.make_token(conta)
    resposta = client.get(reverse("portal:senha_definir", args=[uid, token]))
    assert resposta.status_code == 400
    assert "Pedir um novo link" in resposta.content.decode()


@pytest.mark.parametrize(
    ("uid", "token"),
    [
        ("nada", "nada"),
        ("MQ", "definir-senha"),  # the form's address with no token in the session
        (urlsafe_base64_encode(b"9" * 40), "abc-def"),
        (urlsafe_base64_encode(b"-1"), "abc-def"),
        ("%00", "x" * 5000),
    ],
)
def test_link_estranho_mostra_pagina_clara(client, uid, token):
    ContaExternaFactory(email="maria@exemplo.com.br")
    resposta = client.get(f"/portal/senha/{uid}/{token}/")
    assert resposta.status_code in (400, 404)
    if resposta.status_code == 400:
        assert "Este link não vale mais" in resposta.content.decode()


@pytest.mark.parametrize(
    ("senha", "confirmacao", "erro"),
    [
        ("12345678", "12345678", "comum"),
        ("maria@exemplo.com.br", "maria@exemplo.com.br", "parecida"),
        (NOVA, "outra", "não são iguais"),
        ("x" * 10_000, "x" * 10_000, "no máximo 128 caracteres"),
        ("a\x00bcdefghijk", "a\x00bcdefghijk", "Caracteres nulos"),
    ],
)
def test_senha_ruim_no_link_volta_com_mensagem(client, senha, confirmacao, erro):
    conta = ContaExternaFactory(email="maria@exemplo.com.br")
    definir = client.get(_link_de(client, conta))["Location"]
    resposta = client.post(definir, {"senha": senha, "senha_confirmacao": confirmacao})
    assert resposta.status_code == 200
    assert erro in " ".join(
        str(e) for erros in resposta.context["form"].errors.values() for e in erros
    )
    conta.refresh_from_db()
    assert conta.check_password(SENHA)


def test_pedidos_de_senha_limitados_por_ip(client):
    ContaExternaFactory(email="maria@exemplo.com.br")
    for _ in range(10):
        assert _pedir(client, "maria@exemplo.com.br", ip="10.4.4.4").status_code == 302
    resposta = _pedir(client, "maria@exemplo.com.br", ip="10.4.4.4")
    assert resposta.status_code == 429
    assert "muitos pedidos de nova senha" in resposta.content.decode()
    assert Mensagem.objects.count() == 10


@pytest.mark.parametrize("email", ["x" * 10_000, "a\x00@b.com", "<script>alert(1)</script>"])
def test_pedido_hostil_recebe_mensagem_clara(client, email):
    resposta = _pedir(client, email)
    assert resposta.status_code == 200
    assert resposta.context["form"].errors["email"]
    assert "<script>alert(1)</script>" not in resposta.content.decode()
