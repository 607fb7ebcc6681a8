import pytest
from django.urls import reverse

from tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db


def _dados(usuario, **extra):
    return {
        "username": usuario.username,
        "first_name": usuario.first_name,
        "last_name": usuario.last_name,
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "unidade": usuario.unidade_id,
        "groups": [g.pk for g in usuario.groups.all()],
        **extra,
    }


def test_administrador_sem_superusuario_nao_ve_o_campo(client, administrador):
    client.force_login(administrador)
    resposta = client.get(reverse("admin:cadastro_usuario_change", args=[administrador.pk]))
    assert resposta.status_code == 200
    assert 'name="is_superuser"' not in resposta.content.decode()


def test_administrador_sem_superusuario_nao_concede_superusuario(client, administrador):
    outro = UsuarioFactory(username="outro", unidade=administrador.unidade)
    client.force_login(administrador)
    for alvo in (administrador, outro):
        resposta = client.post(
            reverse("admin:cadastro_usuario_change", args=[alvo.pk]),
            _dados(alvo, is_superuser="on"),
        )
        assert resposta.status_code == 302, resposta.content.decode()[:2000]
        alvo.refresh_from_db()
        assert alvo.is_staff
        assert not alvo.is_superuser


def test_administrador_sem_superusuario_nao_cria_superusuario(client, administrador):
    client.force_login(administrador)
    resposta = client.post(
        reverse("admin:cadastro_usuario_add"),
        {
            "username": "novo",
            "password1": "uma-senha-bem-longa-987",
            "password2": "uma-senha-bem-longa-987",
            "usable_password": "true",
            "is_superuser": "on",
            "unidade": administrador.unidade_id,
        },
    )
    assert resposta.status_code == 302, resposta.content.decode()[:2000]
    from cadastro.models import Usuario

    assert not Usuario.objects.get(username="novo").is_superuser


def test_superusuario_concede_superusuario(client, administrador):
    raiz = UsuarioFactory(username="raiz", is_staff=True, is_superuser=True)
    client.force_login(raiz)
    resposta = client.get(reverse("admin:cadastro_usuario_change", args=[administrador.pk]))
    assert 'name="is_superuser"' in resposta.content.decode()
    resposta = client.post(
        reverse("admin:cadastro_usuario_change", args=[administrador.pk]),
        _dados(administrador, is_superuser="on"),
    )
    assert resposta.status_code == 302
    administrador.refresh_from_db()
    assert administrador.is_superuser


def test_administrador_sem_superusuario_nao_altera_a_senha_de_um_superusuario(
    client, administrador
):
    raiz = UsuarioFactory(username="raiz", is_staff=True, is_superuser=True)
    client.force_login(administrador)
    url = reverse("admin:auth_user_password_change", args=[raiz.pk]).replace(
        "auth/user", "cadastro/usuario"
    )
    resposta = client.post(
        url, {"password1": "tomada-de-conta-123", "password2": "tomada-de-conta-123"}
    )
    assert resposta.status_code == 403
    raiz.refresh_from_db()
    assert not raiz.check_password("tomada-de-conta-123")
