"""Signing in to the portal: e-mail + password, no enumeration, throttled per account
and per IP, an unconfirmed e-mail told (and offered a new link); signing out."""

import pytest
from django.urls import reverse

from mensageria.models import Mensagem
from portal.models import ContaExterna
from portal.services.contas import LOGIN_INCORRETO
from tests.portal.factories import SENHA, ContaExternaFactory

pytestmark = pytest.mark.django_db

ENTRAR = "/portal/entrar/"
BLOQUEIO = "Muitas tentativas erradas. Aguarde"


def _entrar(client, email, senha, ip="10.0.0.1", **extra):
    return client.post(ENTRAR, {"email": email, "senha": senha, **extra}, REMOTE_ADDR=ip)


def _texto(resposta) -> str:
    return resposta.content.decode()


def _conectada(client) -> bool:
    return client.get("/portal/").status_code == 200


def test_email_e_senha_certos_entram_no_portal(client):
    conta = ContaExternaFactory(email="maria@exemplo.com.br")
    resposta = _entrar(client, "  Maria@Exemplo.com.BR ", SENHA)
    assert resposta.status_code == 302
    assert resposta["Location"] == "/portal/"
    assert _conectada(client)
    conta.refresh_from_db()
    assert conta.last_login is not None


@pytest.mark.parametrize(
    ("proximo", "destino"),
    [
        ("/portal/encerrados/", "/portal/encerrados/"),
        ("/atendimento/ra/novo/", "/portal/"),
        ("https://outro.exemplo.com/portal/", "/portal/"),
        ("//outro.exemplo.com/portal/", "/portal/"),
        ("/portal/sair/", "/portal/"),
        ("/portal/../atendimento/", "/portal/"),
        ("/portal/%2e%2e/atendimento/", "/portal/"),
        ("/portal/contatos/1/?aba=conversa", "/portal/contatos/1/?aba=conversa"),
    ],
)
def test_next_so_leva_a_paginas_do_portal(client, proximo, destino):
    ContaExternaFactory(email="maria@exemplo.com.br")
    resposta = _entrar(client, "maria@exemplo.com.br", SENHA, next=proximo)
    assert resposta["Location"] == destino


def test_pagina_de_entrada_tem_criar_conta_e_esqueci_a_senha(client):
    resposta = client.get(ENTRAR)
    assert resposta.status_code == 200
    texto = _texto(resposta)
    assert reverse("portal:cadastro") in texto and "Criar conta" in texto
    assert reverse("portal:senha_pedir") in texto and "Esqueci minha senha" in texto


def test_conta_ja_conectada_vai_direto_ao_portal(client_portal):
    resposta = client_portal.get(ENTRAR + "?next=/portal/encerrados/")
    assert resposta["Location"] == "/portal/encerrados/"


@pytest.mark.parametrize("caso", ["email_desconhecido", "senha_errada", "inativa", "sem_senha"])
def test_recusa_igual_para_email_desconhecido_senha_errada_e_conta_inativa(client, caso):
    ContaExternaFactory(email="certa@exemplo.com.br")
    ContaExternaFactory(email="inativa@exemplo.com.br", is_active=False)
    sem_senha = ContaExternaFactory(email="convidada@exemplo.com.br")
    sem_senha.set_unusable_password()
    sem_senha.save()
    email, senha = {
        "email_desconhecido": ("ninguem@exemplo.com.br", SENHA),
        "senha_errada": ("certa@exemplo.com.br", "senha-errada-123"),
        "inativa": ("inativa@exemplo.com.br", SENHA),
        "sem_senha": ("convidada@exemplo.com.br", ""),
    }[caso]
    resposta = _entrar(client, email, senha or "qualquer")
    assert resposta.status_code == 200
    assert LOGIN_INCORRETO in _texto(resposta)
    assert "confirmado" not in _texto(resposta)
    assert not _conectada(client)


def test_email_nao_confirmado_com_senha_certa_avisa_e_oferece_novo_link(client):
    conta = ContaExternaFactory(email="nova@exemplo.com.br", email_confirmado_em=None)
    resposta = _entrar(client, "nova@exemplo.com.br", SENHA)
    assert resposta.status_code == 200
    assert "ainda não foi confirmado" in _texto(resposta)
    assert "Reenviar o e-mail de confirmação" in _texto(resposta)
    assert not _conectada(client)

    resposta = client.post(ENTRAR, {"reenviar": "1"})
    assert resposta["Location"] == reverse("portal:cadastro_enviado")
    mensagem = Mensagem.objects.get()
    assert mensagem.destino == conta.email
    assert mensagem.evento == Mensagem.Evento.CONTA_PORTAL
    assert "/portal/cadastro/confirmar/" in mensagem.texto


def test_senha_errada_em_conta_nao_confirmada_nao_revela_nada(client):
    ContaExternaFactory(email="nova@exemplo.com.br", email_confirmado_em=None)
    resposta = _entrar(client, "nova@exemplo.com.br", "senha-errada-123")
    assert LOGIN_INCORRETO in _texto(resposta)
    assert "Reenviar" not in _texto(resposta)


def test_reenviar_sem_ter_acertado_a_senha_nao_envia_nada(client):
    ContaExternaFactory(email="nova@exemplo.com.br", email_confirmado_em=None)
    resposta = client.post(ENTRAR, {"reenviar": "1"})
    assert resposta["Location"] == ENTRAR
    assert not Mensagem.objects.exists()


def test_cinquenta_logins_errados_em_um_minuto_bloqueiam_ate_o_fim_da_espera(
    client, relogio, settings
):
    conta = ContaExternaFactory(email="alvo@exemplo.com.br")
    client.raise_request_exception = False
    for tentativa in range(50):
        resposta = _entrar(client, "alvo@exemplo.com.br", f"errada-{tentativa}")
        assert resposta.status_code in (200, 429), tentativa
        texto = _texto(resposta)
        assert LOGIN_INCORRETO in texto or BLOQUEIO in texto, tentativa
        relogio.avancar(seconds=1)
    resposta = _entrar(client, "alvo@exemplo.com.br", SENHA)
    assert resposta.status_code == 429
    assert BLOQUEIO in _texto(resposta)
    assert not _conectada(client)
    conta.refresh_from_db()
    assert conta.bloqueada_ate is not None

    relogio.avancar(minutes=16)
    # The per-IP count lives in the cache, which forgets it when its window ends
    # (real time): a fresh key prefix stands for that.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": "depois-da-espera"}}
    resposta = _entrar(client, "alvo@exemplo.com.br", SENHA)
    assert resposta["Location"] == "/portal/"
    assert _conectada(client)
    conta.refresh_from_db()
    assert (conta.falhas_login, conta.bloqueada_ate) == (0, None)


def test_bloqueio_da_conta_vale_de_qualquer_ip_e_diz_quanto_esperar(client, relogio, settings):
    conta = ContaExternaFactory(email="alvo@exemplo.com.br")
    for tentativa in range(settings.AXES_FAILURE_LIMIT - 1):
        resposta = _entrar(client, conta.email, "errada", ip=f"10.0.1.{tentativa}")
        assert LOGIN_INCORRETO in _texto(resposta)
    resposta = _entrar(client, conta.email, "errada", ip="10.0.2.1")
    assert resposta.status_code == 429
    assert "Aguarde 15 minutos e tente de novo." in _texto(resposta)

    relogio.avancar(minutes=10)
    resposta = _entrar(client, conta.email, SENHA, ip="10.0.3.1")
    assert "Aguarde 5 minutos e tente de novo." in _texto(resposta)
    conta.refresh_from_db()
    assert conta.last_login is None

    relogio.avancar(minutes=4, seconds=30)
    resposta = _entrar(client, conta.email, SENHA, ip="10.0.3.1")
    assert "Aguarde 1 minuto e tente de novo." in _texto(resposta)

    relogio.avancar(seconds=31)
    assert _entrar(client, conta.email, SENHA, ip="10.0.3.1")["Location"] == "/portal/"


def test_acerto_zera_as_tentativas_erradas(client, settings):
    conta = ContaExternaFactory(email="alvo@exemplo.com.br")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _entrar(client, conta.email, "errada")
    assert _entrar(client, conta.email, SENHA).status_code == 302
    conta.refresh_from_db()
    assert conta.falhas_login == 0
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert LOGIN_INCORRETO in _texto(_entrar(client, conta.email, "errada"))


def test_email_sem_conta_bloqueia_como_uma_conta(client, settings):
    """Five wrong tries tell nothing: an unknown e-mail locks the same way."""
    ContaExternaFactory(email="existe@exemplo.com.br")
    respostas = {}
    for email in ("existe@exemplo.com.br", "nao-existe@exemplo.com.br"):
        for tentativa in range(settings.AXES_FAILURE_LIMIT + 1):
            resposta = _entrar(client, email, "errada", ip=f"10.9.{len(respostas)}.{tentativa}")
        respostas[email] = (resposta.status_code, BLOQUEIO in _texto(resposta))
    esperado = (429, True)
    assert respostas["existe@exemplo.com.br"] == respostas["nao-existe@exemplo.com.br"] == esperado


def test_bloqueio_por_ip_vale_para_qualquer_conta(client, settings):
    conta = ContaExternaFactory(email="alvo@exemplo.com.br")
    for tentativa in range(settings.AXES_FAILURE_LIMIT * 4):
        resposta = _entrar(client, f"outra{tentativa}@exemplo.com.br", "errada", ip="10.5.5.5")
        assert resposta.status_code == 200, tentativa
    resposta = _entrar(client, conta.email, SENHA, ip="10.5.5.5")
    assert resposta.status_code == 429
    assert BLOQUEIO in _texto(resposta)
    conta.refresh_from_db()
    assert conta.last_login is None
    assert _entrar(client, conta.email, SENHA, ip="10.6.6.6")["Location"] == "/portal/"


@pytest.mark.parametrize(
    ("email", "senha", "erro"),
    [
        ("a" * 10_000 + "@exemplo.com.br", SENHA, "no máximo 254 caracteres"),
        ("alvo@exemplo.com.br", "x" * 10_000, "no máximo 128 caracteres"),
        ("alvo\x00@exemplo.com.br", SENHA, "Caracteres nulos não são permitidos."),
        ("alvo@exemplo.com.br", "senha\x00", "Caracteres nulos não são permitidos."),
        ("<script>alert(1)</script>", SENHA, "Informe um endereço de email válido."),
        ("", "", "Este campo é obrigatório."),
    ],
)
def test_entrada_hostil_recebe_mensagem_clara(client, email, senha, erro):
    ContaExternaFactory(email="alvo@exemplo.com.br")
    resposta = _entrar(client, email, senha)
    assert resposta.status_code == 200
    texto = _texto(resposta)
    assert erro in texto
    assert "<script>alert(1)</script>" not in texto


def test_sair_so_por_post_e_encerra_a_sessao_do_portal(client_portal):
    assert client_portal.get("/portal/sair/").status_code == 405
    assert _conectada(client_portal)
    resposta = client_portal.post("/portal/sair/")
    assert resposta["Location"] == ENTRAR
    assert not _conectada(client_portal)


def test_conta_inexistente_nao_e_criada_por_tentar_entrar(client):
    _entrar(client, "ninguem@exemplo.com.br", "errada")
    assert not ContaExterna.objects.exists()
