"""Schema-driven test of the Open311 API: schemathesis generates requests for every
operation of ``/open311/v2/openapi.json`` (valid and invalid), runs them against the
app in process, on the PostgreSQL test database, with a valid key and a public
service, and checks: no 5xx, status codes, content types and response bodies as the
description says."""

import itertools

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cidadao.models import ParametrosCidadao
from cidadao.open311.chaves import chave_criar
from tests.atendimento.factories import RegistroAtendimentoFactory, ReiteracaoFactory
from tests.cidadao.factories import PONTO, EspecificacaoPublicaFactory, RelatoFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
_contador = itertools.count()


@pytest.fixture
def dados_open311(db):
    servico = EspecificacaoPublicaFactory(codigo_servico="vazamento-agua")
    ra = RegistroAtendimentoFactory(especificacao=servico, latitude=PONTO[0], longitude=PONTO[1])
    ReiteracaoFactory(ra=RegistroAtendimentoFactory(especificacao=servico, encerrado=True))
    relato = RelatoFactory(especificacao=servico, situacao="ra_aberto", ra=ra, canal="open311")
    parametros = ParametrosCidadao.atual()
    # Thousands of generated calls from one IP and a handful of phones: limits out of the way.
    parametros.relatos_por_ip_hora = parametros.consultas_por_ip_minuto = 30000
    parametros.relatos_por_celular_dia = 30000
    parametros.save()
    return {
        "segredo": chave_criar(nome="Schemathesis", usuario=None)[1],
        "corpo": {
            "service_code": servico.codigo_servico,
            "lat": float(PONTO[0]),
            "long": float(PONTO[1]),
        },
        "caminho": {
            "format": "json",
            "service_code": servico.codigo_servico,
            "service_request_id": ra.protocolo,
            "token": relato.token,
        },
    }


def _valido(case, dados):
    """Make a generated case hit existing rows with valid data (half of them are), so
    the success answers are checked against the description too."""
    if case.method == "POST":
        if isinstance(case.body, dict):
            for campo in ("phone", "email", "media_url"):
                case.body.pop(campo, None)
            case.body.update(dados["corpo"])
    else:
        case.path_parameters = {nome: dados["caminho"][nome] for nome in case.path_parameters}
        case.query = {}


@pytest.fixture
def conexao_mantida():
    """The test's transaction spans every generated call: the WSGI handler must not
    close the connection at the end of each request (the test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded through the app itself, as a client would (the view reads no database).
schema = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", WSGIHandler())


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforme_a_descricao(case, dados_open311, conexao_mantida):
    if case.method == "POST":
        case.query = {**(case.query or {}), "api_key": dados_open311["segredo"]}
    if next(_contador) % 2 == 0:
        _valido(case, dados_open311)
    case.call_and_validate(checks=CHECKS)
