"""The portal's own session: a portal login is not a staff login, and back."""

import pytest

from tests.portal.conftest import portal_logar
from tests.portal.factories import ContaExternaFactory

pytestmark = pytest.mark.django_db


def test_pagina_do_portal_sem_conta_leva_ao_login_do_portal(client):
    resposta = client.get("/portal/")
    assert resposta.status_code == 302
    assert resposta["Location"] == "/portal/entrar/?next=%2Fportal%2F"


def test_conta_do_portal_entra_no_portal_mas_nao_no_site_interno(client_portal):
    assert client_portal.get("/portal/").status_code == 200
    interno = client_portal.get("/atendimento/ra/novo/")
    assert interno.status_code == 302
    assert interno["Location"].startswith("/entrar/")


def test_login_interno_nao_abre_o_portal(client_atendente):
    resposta = client_atendente.get("/portal/")
    assert resposta.status_code == 302
    assert resposta["Location"].startswith("/portal/entrar/")


@pytest.mark.parametrize(
    "mudanca",
    [
        {"is_active": False},
        {"email_confirmado_em": None},
    ],
)
def test_conta_inativa_ou_sem_email_confirmado_perde_a_sessao(client, mudanca):
    conta = ContaExternaFactory()
    portal_logar(client, conta)
    for campo, valor in mudanca.items():
        setattr(conta, campo, valor)
    conta.save()
    assert client.get("/portal/").status_code == 302


def test_troca_de_senha_encerra_as_outras_sessoes(client):
    conta = ContaExternaFactory()
    portal_logar(client, conta)
    conta.set_password("outra-senha-bem-longa-9")
    conta.save()
    assert client.get("/portal/").status_code == 302
