"""Login throttling (django-axes): per user and per IP, pt-BR message, unlock in admin."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db

SENHA = "senha-de-teste-123"


def _tentar(client, url, usuario, senha, ip="10.0.0.1"):
    return client.post(url, {"username": usuario, "password": senha}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("url", ["/entrar/", "/admin/login/"])
def test_senhas_erradas_bloqueiam_o_usuario_ate_a_senha_certa(client, administrador, url):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _tentar(client, url, administrador.username, "errada")
    resposta = _tentar(client, url, administrador.username, SENHA)
    assert resposta.status_code == 429
    texto = resposta.content.decode()
    assert "Acesso bloqueado" in texto
    assert "tentativas" in texto
    assert "15 minutos" in texto
    assert "_auth_user_id" not in client.session
    # Another IP does not unlock the user.
    resposta = _tentar(client, url, administrador.username, SENHA, ip="10.0.0.2")
    assert resposta.status_code == 429
    assert "_auth_user_id" not in client.session


def test_o_ip_e_bloqueado_mesmo_trocando_de_usuario(client, atendente):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _tentar(client, "/entrar/", f"inexistente{i}", "errada")
    resposta = _tentar(client, "/entrar/", atendente.username, SENHA)
    assert resposta.status_code == 429
    assert "_auth_user_id" not in client.session


def test_abaixo_do_limite_a_senha_certa_entra(client, atendente):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        resposta = _tentar(client, "/entrar/", atendente.username, "errada")
        assert resposta.status_code == 200
        assert "Usuário ou senha incorretos" in resposta.content.decode()
    resposta = _tentar(client, "/entrar/", atendente.username, SENHA)
    assert resposta.status_code == 302
    assert client.session["_auth_user_id"] == str(atendente.pk)


def test_administrador_desbloqueia_no_admin(client, atendente, administrador):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _tentar(client, "/entrar/", atendente.username, "errada")
    assert _tentar(client, "/entrar/", atendente.username, SENHA).status_code == 429

    admin = client.__class__()
    admin.force_login(administrador)
    lista = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert lista.status_code == 200
    assert atendente.username in lista.content.decode()
    tentativa = AccessAttempt.objects.get(username=atendente.username)
    resposta = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [tentativa.pk], "post": "yes"},
    )
    assert resposta.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert _tentar(client, "/entrar/", atendente.username, SENHA).status_code == 302


def test_atendente_nao_ve_as_tentativas(client, atendente):
    UsuarioFactory(username="qualquer")
    client.force_login(atendente)
    resposta = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert resposta.status_code == 302


def test_atras_de_proxy_conta_o_endereco_do_cliente_e_nao_o_forjado(settings, rf):
    from core.acesso import ip_do_cliente

    pedido = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.1.1.1, 200.1.2.3")
    assert ip_do_cliente(pedido) == "10.9.9.9"
    settings.PROXIES_CONFIAVEIS = 1
    assert ip_do_cliente(pedido) == "200.1.2.3"
