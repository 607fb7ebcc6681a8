from importlib import import_module

import pytest
from django.conf import settings

from portal import sessao
from tests.portal.dados_contatos import cenario_criar
from tests.portal.factories import ContaExternaFactory


def portal_logar(client, conta) -> None:
    """Sign ``conta`` in to the portal on the test ``client`` (its own session cookie)."""
    loja = import_module(settings.SESSION_ENGINE).SessionStore()
    loja[sessao._CONTA] = conta.pk
    loja[sessao._HASH] = conta.get_session_auth_hash()
    loja.save()
    client.cookies[sessao.COOKIE] = loja.session_key
    client.cookies[sessao.COOKIE]["path"] = sessao.PREFIXO


@pytest.fixture
def conta_externa(db):
    return ContaExternaFactory()


@pytest.fixture
def client_portal(client, conta_externa):
    """A test client signed in to the portal as ``conta_externa`` (no staff login)."""
    portal_logar(client, conta_externa)
    return client


@pytest.fixture
def c(db):
    """The contacts' scenario (tests/portal/dados_contatos.py): a client with imóveis,
    the catalogue open to the portal, another client."""
    return cenario_criar()


@pytest.fixture
def portal(client, c):
    """A test client signed in to the portal as the scenario's account."""
    portal_logar(client, c.conta)
    return client
