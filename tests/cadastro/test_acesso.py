import pytest

pytestmark = pytest.mark.django_db


def test_anonimo_vai_para_login(client):
    resposta = client.get("/")
    assert resposta.status_code == 302
    assert resposta.url.startswith("/entrar/")


def test_login_em_portugues(client):
    resposta = client.get("/entrar/")
    assert resposta.status_code == 200
    assert "Usuário" in resposta.content.decode()


def test_atendente_nao_acessa_admin(client_atendente):
    resposta = client_atendente.get("/admin/")
    assert resposta.status_code == 302
    assert "/admin/login/" in resposta.url


def test_staff_sem_papel_de_administrador_nao_acessa_admin(client, atendente):
    atendente.is_staff = True
    atendente.save()
    client.force_login(atendente)
    assert client.get("/admin/").status_code == 302


def test_administrador_acessa_admin(client, administrador):
    client.force_login(administrador)
    resposta = client.get("/admin/")
    assert resposta.status_code == 200
    assert "Configuração do sistema" in resposta.content.decode()


def test_papeis_criados_pela_migracao():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Atendente",
        "Supervisor",
        "Administrador",
    }
    assert Group.objects.get(name="Atendente").permissions.filter(codename="add_cliente").exists()
    assert (
        not Group.objects.get(name="Atendente")
        .permissions.filter(codename="atuar_qualquer_unidade")
        .exists()
    )
