"""The Open311 GeoReport v2 API through HTTP: shapes (JSON and XML), the key, every
refusal with the spec's error list, the filters, and what never leaves (LGPD)."""

import datetime
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from atendimento.models import RegistroAtendimento
from cidadao.models import ParametrosCidadao, Relato
from cidadao.open311.chaves import chave_criar
from tests.atendimento.factories import (
    EspecificacaoFactory,
    RegistroAtendimentoFactory,
    ReiteracaoFactory,
)
from tests.cidadao.factories import PONTO, EspecificacaoPublicaFactory, RelatoFactory

pytestmark = pytest.mark.django_db
URL = "/open311/v2/"


@pytest.fixture
def servico():
    return EspecificacaoPublicaFactory(
        codigo_servico="vazamento-agua",
        nome="Vazamento de água na via pública",
        descricao_publica="Água correndo na rua ou na calçada.",
        tipo__nome="Vazamentos",
        tipo__grupo__nome="Água",
    )


@pytest.fixture
def segredo():
    return chave_criar(nome="App Cidade Limpa", usuario=None)[1]


@pytest.fixture
def relato_dados(servico, segredo):
    return {
        "api_key": segredo,
        "service_code": servico.codigo_servico,
        "lat": str(PONTO[0]),
        "long": str(PONTO[1]),
        "address_string": "Rua do Bom Jesus, em frente ao 120",
        "email": "maria@example.com",
        "device_id": "aparelho-1",
        "account_id": "conta-9",
        "first_name": "Maria",
        "last_name": "Souza",
        "phone": "(81) 99999-0001",
        "description": "Água jorrando do asfalto.",
        "media_url": "https://fotos.example.com/1.jpg",
        "attribute[profundidade]": "rasa",
    }


def _json(resposta):
    assert resposta["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(resposta.content)


def _xml(resposta):
    assert resposta["Content-Type"] == "text/xml; charset=utf-8"
    assert resposta.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(resposta.content)


def _erros(resposta, status):
    assert resposta.status_code == status
    corpo = _json(resposta)
    assert corpo and all(set(e) == {"code", "description"} for e in corpo)
    assert all(e["code"] == status for e in corpo)
    return " ".join(e["description"] for e in corpo)


# --- discovery and services ----------------------------------------------------------


def test_discovery_em_json_e_xml(client):
    dados = _json(client.get(URL + "discovery.json"))
    assert set(dados) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = dados["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    raiz = _xml(client.get(URL + "discovery.xml"))
    assert raiz.tag == "discovery"
    formatos = [f.text for f in raiz.findall("endpoints/endpoint/formats/format")]
    assert formatos == ["text/xml", "application/json"]


def test_services_lista_so_os_publicos_ativos(client, servico):
    EspecificacaoFactory(nome="Troca de titularidade")  # not public
    EspecificacaoPublicaFactory(nome="Desativada", ativa=False)
    EspecificacaoPublicaFactory(nome="Tipo inativo", tipo__ativo=False)
    dados = _json(client.get(URL + "services.json"))
    assert dados == [
        {
            "service_code": "vazamento-agua",
            "service_name": "Vazamento de água na via pública",
            "description": "Água correndo na rua ou na calçada.",
            "metadata": False,
            "type": "batch",
            "keywords": "Vazamentos, Água",
            "group": "Água",
        }
    ]
    raiz = _xml(client.get(URL + "services.xml"))
    assert raiz.tag == "services"
    assert [s.findtext("service_code") for s in raiz.findall("service")] == ["vazamento-agua"]
    assert raiz.findtext("service/metadata") == "false"


def test_service_definition_e_codigo_desconhecido(client, servico):
    EspecificacaoFactory(codigo_servico="interno")  # has a code, but is not public
    assert _json(client.get(URL + "services/vazamento-agua.json")) == {
        "service_code": "vazamento-agua",
        "attributes": [],
    }
    raiz = _xml(client.get(URL + "services/vazamento-agua.xml"))
    assert raiz.tag == "service_definition" and raiz.findtext("service_code") == "vazamento-agua"
    assert "não encontrado" in _erros(client.get(URL + "services/nao-existe.json"), 404)
    _erros(client.get(URL + "services/interno.json"), 404)
    resposta = client.get(URL + "services/nao-existe.xml")
    assert resposta.status_code == 404
    raiz = _xml(resposta)
    assert raiz.tag == "errors" and raiz.findtext("error/code") == "404"


def test_caminho_desconhecido_responde_a_lista_de_erros(client):
    _erros(client.get(URL + "nada.json"), 404)
    assert client.get(URL + "nada.xml").status_code == 404
    assert _xml(client.get(URL + "nada.xml")).tag == "errors"


def test_openapi_sem_login(client):
    dados = _json(client.get(URL + "openapi.json"))
    assert dados["openapi"].startswith("3.")
    assert "/requests.{format}" in dados["paths"]


# --- POST requests -------------------------------------------------------------------


def test_post_registra_o_relato_e_devolve_o_token(client, relato_dados, servico):
    resposta = client.post(URL + "requests.json", relato_dados, REMOTE_ADDR="203.0.113.5")
    assert resposta.status_code == 200
    (recibo,) = _json(resposta)
    assert set(recibo) == {"token", "service_notice"}
    relato = Relato.objects.get()
    assert recibo["token"] == relato.token
    assert relato.canal == Relato.Canal.OPEN311
    assert relato.especificacao == servico
    assert relato.chave_api.nome == "App Cidade Limpa"
    assert relato.nome == "Maria Souza"
    assert relato.celular == "+5581999990001"
    assert relato.email == "maria@example.com"
    assert relato.endereco == "Rua do Bom Jesus, em frente ao 120"
    assert relato.media_url == "https://fotos.example.com/1.jpg"
    assert relato.ip == "203.0.113.5"
    assert relato.dados_open311 == {
        "device_id": "aparelho-1",
        "account_id": "conta-9",
        "attributes": {"profundidade": "rasa"},
    }
    assert relato.situacao == Relato.Situacao.NOVO


def test_post_em_xml_com_chave_na_url_e_atributo_multivalorado(client, relato_dados, segredo):
    dados = {k: v for k, v in relato_dados.items() if k != "api_key"}
    dados["attribute[cor][]"] = ["limpa", "barrenta"]
    resposta = client.post(URL + f"requests.xml?api_key={segredo}", dados)
    assert resposta.status_code == 200
    raiz = _xml(resposta)
    assert raiz.tag == "service_requests"
    assert raiz.findtext("request/token") == Relato.objects.get().token
    assert Relato.objects.get().dados_open311["attributes"]["cor"] == ["limpa", "barrenta"]


def test_post_como_a_especificacao_envia(client, relato_dados):
    """application/x-www-form-urlencoded; charset=utf-8, attribute[code]=value."""
    corpo = urlencode(relato_dados)
    tipo = "application/x-www-form-urlencoded; charset=utf-8"
    resposta = client.post(URL + "requests.xml", corpo, content_type=tipo)
    assert resposta.status_code == 200
    relato = Relato.objects.get()
    assert _xml(resposta).findtext("request/token") == relato.token
    assert relato.nome == "Maria Souza" and relato.endereco.startswith("Rua do Bom Jesus")
    assert relato.dados_open311["attributes"] == {"profundidade": "rasa"}


def test_post_aceita_corpo_json(client, relato_dados):
    dados = {k: v for k, v in relato_dados.items() if not k.startswith("attribute")}
    dados |= {"lat": float(PONTO[0]), "long": float(PONTO[1]), "attribute": {"cor": "limpa"}}
    resposta = client.post(URL + "requests.json", dados, content_type="application/json")
    assert resposta.status_code == 200
    assert Relato.objects.get().dados_open311["attributes"] == {"cor": "limpa"}


def test_post_dispensa_csrf(relato_dados):
    resposta = Client(enforce_csrf_checks=True).post(URL + "requests.json", relato_dados)
    assert resposta.status_code == 200


@pytest.mark.parametrize("chave", [None, "", "errada", "x" * 500, "inativa"])
def test_post_sem_chave_valida_e_403(client, relato_dados, chave):
    if chave == "inativa":
        registro, chave = chave_criar(nome="Antiga", usuario=None)
        registro.ativa = False
        registro.save()
    dados = {k: v for k, v in relato_dados.items() if k != "api_key"}
    if chave is not None:
        dados["api_key"] = chave
    assert "api_key" in _erros(client.post(URL + "requests.json", dados), 403)
    resposta = client.post(URL + "requests.xml", dados)
    assert resposta.status_code == 403 and _xml(resposta).findtext("error/code") == "403"
    assert not Relato.objects.exists()


def test_post_service_code_ausente_desconhecido_ou_nao_publico(client, relato_dados):
    EspecificacaoFactory(codigo_servico="interno")
    sem_codigo = {k: v for k, v in relato_dados.items() if k != "service_code"}
    assert "service_code" in _erros(client.post(URL + "requests.json", sem_codigo), 400)
    for codigo in ["nao-existe", "interno"]:
        dados = relato_dados | {"service_code": codigo}
        assert "não encontrado" in _erros(client.post(URL + "requests.json", dados), 404)
    assert not Relato.objects.exists()


@pytest.mark.parametrize(
    ("mudanca", "trecho"),
    [
        ({"lat": "abc"}, "não é um número"),
        ({"lat": "95", "long": "-34.9"}, "entre -90 e 90"),
        ({"long": "-200"}, "entre -180 e 180"),
        ({"lat": "NaN"}, "entre -90 e 90"),
        ({"lat": "-23.55", "long": "-46.63"}, "fora da área atendida"),
        ({"lat": "", "long": "", "address_string": ""}, "Informe o local"),
        ({"long": ""}, "latitude e a longitude juntas"),
        ({"phone": "123"}, "celular"),
        ({"email": "nao-e-email"}, "e-mail"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"description": "x" * 2001}, "descrição"),
        ({"device_id": "d" * 101}, "device_id"),
        ({"attribute[<b>]": "v" * 501}, "attribute"),
    ],
)
def test_post_dados_invalidos_sao_400_e_nada_fica_gravado(client, relato_dados, mudanca, trecho):
    dados = relato_dados | mudanca
    assert trecho in _erros(client.post(URL + "requests.json", dados), 400)
    assert not Relato.objects.exists()


def test_post_junta_todas_as_recusas(client, relato_dados):
    dados = relato_dados | {"lat": "abc", "phone": "123", "email": "x"}
    descricoes = _erros(client.post(URL + "requests.json", dados), 400)
    assert "não é um número" in descricoes and "e-mail" in descricoes


def test_post_so_com_endereco_vale(client, relato_dados):
    dados = relato_dados | {"lat": "", "long": ""}
    assert client.post(URL + "requests.json", dados).status_code == 200
    assert Relato.objects.get().latitude is None


def test_html_e_script_nunca_voltam_crus(client, relato_dados):
    script = "<script>alert('x')</script>"
    resposta = client.post(URL + "requests.json", relato_dados | {"description": script})
    assert resposta.status_code == 200
    assert Relato.objects.get().descricao == script  # kept as sent, escaped where shown
    for formato in ["json", "xml"]:
        resposta = client.post(URL + f"requests.{formato}", relato_dados | {"lat": script})
        assert resposta.status_code == 400
        assert b"<script" not in resposta.content
    assert (
        "\\u003cscript\\u003e"
        in client.post(URL + "requests.json", relato_dados | {"lat": script}).content.decode()
    )


def test_post_limite_por_ip(client, relato_dados):
    parametros = ParametrosCidadao.atual()
    parametros.relatos_por_ip_hora = 2
    parametros.save()
    for n in range(2):
        dados = relato_dados | {"phone": f"(81) 99999-000{n}"}
        assert client.post(URL + "requests.json", dados).status_code == 200
    assert "Muitos relatos" in _erros(client.post(URL + "requests.json", relato_dados), 429)
    outro_ip = client.post(URL + "requests.json", relato_dados, REMOTE_ADDR="198.51.100.7")
    assert outro_ip.status_code == 200


def test_post_corpo_json_invalido_e_400(client, segredo):
    resposta = client.post(
        URL + f"requests.json?api_key={segredo}", "[1, 2", content_type="application/json"
    )
    _erros(resposta, 400)
    resposta = client.post(URL + "requests.json", [1, 2], content_type="application/json")
    _erros(resposta, 400)


def test_outros_metodos_sao_405(client):
    assert client.put(URL + "requests.json").status_code == 405
    assert client.post(URL + "services.json").status_code == 405


# --- GET requests --------------------------------------------------------------------


@pytest.fixture
def ras(servico):
    """An open RA from an Open311 report, a closed one, one re-asked by another
    requester, one too old, and one of a non-public especificação."""
    agora = timezone.now()
    aberto = RegistroAtendimentoFactory(
        especificacao=servico,
        descricao="Cliente José da Silva, CPF 123, diz que o vizinho desperdiça água.",
        latitude=PONTO[0],
        longitude=PONTO[1],
        agora=agora,
    )
    RelatoFactory(
        canal=Relato.Canal.OPEN311,
        especificacao=servico,
        situacao=Relato.Situacao.RA_ABERTO,
        ra=aberto,
        endereco="Rua do Bom Jesus, 120",
        media_url="https://fotos.example.com/1.jpg",
    )
    encerrado = RegistroAtendimentoFactory(
        especificacao=servico, encerrado=True, agora=agora - datetime.timedelta(days=2)
    )
    reiterado = RegistroAtendimentoFactory(
        especificacao=servico, agora=agora - datetime.timedelta(days=5)
    )
    reiteracao = ReiteracaoFactory(ra=reiterado)
    antigo = RegistroAtendimentoFactory(
        especificacao=servico, agora=agora - datetime.timedelta(days=120)
    )
    interno = RegistroAtendimentoFactory(especificacao=EspecificacaoFactory())
    return {
        "aberto": aberto,
        "encerrado": encerrado,
        "reiterado": reiterado,
        "reiteracao": reiteracao,
        "antigo": antigo,
        "interno": interno,
    }


def _ids(resposta):
    assert resposta.status_code == 200, resposta.content
    return [r["service_request_id"] for r in _json(resposta)]


def test_get_requests_lista_os_dos_servicos_publicos_dos_ultimos_90_dias(client, ras):
    assert _ids(client.get(URL + "requests.json")) == [
        ras["aberto"].protocolo,
        ras["encerrado"].protocolo,
        ras["reiterado"].protocolo,
    ]


def test_get_requests_campos_e_privacidade(client, ras, servico):
    aberto, encerrado = ras["aberto"], ras["encerrado"]
    resposta = client.get(URL + "requests.json")
    itens = {r["service_request_id"]: r for r in _json(resposta)}
    item = itens[aberto.protocolo]
    assert item == {
        "service_request_id": aberto.protocolo,
        "status": "open",
        "status_notes": "Em andamento",
        "service_name": servico.nome,
        "service_code": "vazamento-agua",
        "description": "Água correndo na rua ou na calçada.",
        "requested_datetime": timezone.localtime(aberto.data_abertura).isoformat("T", "seconds"),
        "updated_datetime": timezone.localtime(aberto.data_abertura).isoformat("T", "seconds"),
        "expected_datetime": timezone.localtime(aberto.data_prevista_atual).isoformat(
            "T", "seconds"
        ),
        "address": "Rua do Bom Jesus, 120",
        "lat": float(PONTO[0]),
        "long": float(PONTO[1]),
        "media_url": "https://fotos.example.com/1.jpg",
    }
    fechado = itens[encerrado.protocolo]
    # The words of the public status page: an executed closing reads "Concluído".
    assert fechado["status"] == "closed" and fechado["status_notes"] == "Concluído"
    assert fechado["updated_datetime"] == timezone.localtime(encerrado.data_encerramento).isoformat(
        "T", "seconds"
    )
    assert "address" not in fechado  # no report gave it: the imóvel's address stays in
    corpo = resposta.content.decode() + client.get(URL + "requests.xml").content.decode()
    for ra in (aberto, encerrado):
        for segredo in (ra.descricao, ra.cliente.nome, ra.cliente.cpf_cnpj, ra.imovel.logradouro):
            assert segredo not in corpo
    assert "+5581999990001" not in corpo  # the report's phone


def test_get_requests_ponto_de_imovel_so_ate_a_quadra(client, servico):
    """The point of an imóvel's RA would find the customer's house: rounded to ~100 m.
    A street spot (no imóvel) is given as is."""
    do_imovel = RegistroAtendimentoFactory(
        especificacao=servico, latitude=Decimal("-8.063456"), longitude=Decimal("-34.871789")
    )
    na_rua = RegistroAtendimentoFactory(
        especificacao=servico,
        imovel=None,
        local_ocorrencia="Rua do Bom Jesus",
        latitude=Decimal("-8.064321"),
        longitude=Decimal("-34.872987"),
    )
    itens = {r["service_request_id"]: r for r in _json(client.get(URL + "requests.json"))}
    assert (itens[do_imovel.protocolo]["lat"], itens[do_imovel.protocolo]["long"]) == (
        -8.063,
        -34.872,
    )
    assert (itens[na_rua.protocolo]["lat"], itens[na_rua.protocolo]["long"]) == (
        -8.064321,
        -34.872987,
    )


def test_get_requests_em_xml(client, ras):
    raiz = _xml(client.get(URL + "requests.xml"))
    assert raiz.tag == "service_requests"
    assert raiz.findtext("request/service_request_id") == ras["aberto"].protocolo
    assert raiz.findtext("request/status") == "open"
    assert raiz.findtext("request/lat") == str(float(PONTO[0]))


def test_get_requests_escapa_o_texto_publico(client, ras, servico):
    servico.descricao_publica = "<script>alert(1)</script> & cia"
    servico.save()
    for formato in ["json", "xml"]:
        resposta = client.get(URL + f"requests.{formato}")
        assert resposta.status_code == 200
        assert b"<script" not in resposta.content
    assert _json(client.get(URL + "requests.json"))[0]["description"].startswith("<script>")
    assert (
        _xml(client.get(URL + "requests.xml"))
        .findtext("request/description")
        .startswith("<script>")
    )


def test_get_requests_filtros(client, ras, servico):
    aberto, encerrado, reiterado = ras["aberto"], ras["encerrado"], ras["reiterado"]
    assert _ids(client.get(URL + "requests.json", {"status": "closed"})) == [encerrado.protocolo]
    assert _ids(client.get(URL + "requests.json", {"status": "open"})) == [
        aberto.protocolo,
        reiterado.protocolo,
    ]
    assert len(_ids(client.get(URL + "requests.json", {"status": "open,closed"}))) == 3
    outro = EspecificacaoPublicaFactory(codigo_servico="falta-agua")
    doutro = RegistroAtendimentoFactory(especificacao=outro)
    assert _ids(client.get(URL + "requests.json", {"service_code": "falta-agua"})) == [
        doutro.protocolo
    ]
    assert (
        len(_ids(client.get(URL + "requests.json", {"service_code": "falta-agua,vazamento-agua"})))
        == 4
    )
    # Opened 1, 3 and 6 days ago (plus an hour): only the closed one is in the window.
    inicio = (timezone.now() - datetime.timedelta(days=4)).astimezone(datetime.UTC)
    fim = (timezone.now() - datetime.timedelta(days=2)).astimezone(datetime.UTC)
    filtro = {"start_date": inicio.strftime("%Y-%m-%dT%H:%M:%SZ"), "end_date": fim.isoformat()}
    assert _ids(client.get(URL + "requests.json", filtro)) == [encerrado.protocolo]
    antigo = ras["antigo"].data_abertura
    filtro = {"start_date": (antigo - datetime.timedelta(days=1)).isoformat()}
    assert _ids(client.get(URL + "requests.json", filtro)) == [ras["antigo"].protocolo]


def test_get_requests_por_ids_ignora_os_demais_filtros(client, ras):
    ids = ",".join(
        [
            ras["aberto"].protocolo,
            ras["reiteracao"].protocolo,
            ras["antigo"].protocolo,
            ras["interno"].protocolo,
            "999",
        ]
    )
    resposta = client.get(URL + "requests.json", {"service_request_id": ids, "status": "closed"})
    assert _ids(resposta) == [
        ras["aberto"].protocolo,
        ras["reiterado"].protocolo,
        ras["antigo"].protocolo,
    ]


@pytest.mark.parametrize(
    ("filtro", "trecho"),
    [
        ({"start_date": "ontem"}, "W3C"),
        ({"end_date": "2026-13-01T00:00:00Z"}, "W3C"),
        ({"start_date": "0001-01-01T00:00:00Z"}, "ano"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 dias"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "depois"),
        ({"status": "aberto"}, "open ou closed"),
        ({"service_request_id": ",".join(str(n) for n in range(51))}, "50"),
    ],
)
def test_get_requests_filtro_invalido_e_400(client, filtro, trecho):
    assert trecho in _erros(client.get(URL + "requests.json", filtro), 400)


def test_get_requests_data_com_mais_sem_codificar(client, ras):
    """A client that forgot to encode "+03:00" sends " 03:00"; it still reads as meant."""
    inicio = timezone.localtime(ras["encerrado"].data_abertura) - datetime.timedelta(minutes=1)
    fim = inicio + datetime.timedelta(minutes=2)
    filtro = {
        "start_date": inicio.astimezone(datetime.timezone(datetime.timedelta(hours=3)))
        .isoformat()
        .replace("+", " "),
        "end_date": fim.isoformat(),
    }
    assert _ids(client.get(URL + "requests.json", filtro)) == [ras["encerrado"].protocolo]


def test_get_requests_limite_por_ip(client, ras):
    parametros = ParametrosCidadao.atual()
    parametros.consultas_por_ip_minuto = 3
    parametros.save()
    for _ in range(3):
        assert client.get(URL + "requests.json").status_code == 200
    _erros(client.get(URL + "requests.json"), 429)


def test_get_requests_cada_protocolo_pedido_conta_no_limite(client, ras):
    parametros = ParametrosCidadao.atual()
    parametros.consultas_por_ip_minuto = 5
    parametros.save()
    ids = ",".join(str(n) for n in range(6))
    _erros(client.get(URL + "requests.json", {"service_request_id": ids}), 429)


# --- GET requests/{id} and tokens/{token} ---------------------------------------------


def test_get_request_por_qualquer_protocolo_do_ra(client, ras):
    reiterado = ras["reiterado"]
    for protocolo in (reiterado.protocolo, ras["reiteracao"].protocolo):
        assert _ids(client.get(URL + f"requests/{protocolo}.json")) == [reiterado.protocolo]
    raiz = _xml(client.get(URL + f"requests/{reiterado.protocolo}.xml"))
    assert raiz.findtext("request/service_request_id") == reiterado.protocolo


def test_get_request_desconhecido_ou_nao_publico_e_404(client, ras):
    _erros(client.get(URL + "requests/20260000000000.json"), 404)
    _erros(client.get(URL + f"requests/{ras['interno'].protocolo}.json"), 404)


def test_get_request_limitado_responde_igual_a_nao_encontrado(client, ras):
    parametros = ParametrosCidadao.atual()
    parametros.consultas_por_ip_minuto = 2
    parametros.save()
    nao_achou = client.get(URL + "requests/20260000000000.json")
    assert client.get(URL + f"requests/{ras['aberto'].protocolo}.json").status_code == 200
    limitado = client.get(URL + f"requests/{ras['aberto'].protocolo}.json")
    assert limitado.status_code == nao_achou.status_code == 404
    assert limitado.content == nao_achou.content
    assert limitado["Content-Type"] == nao_achou["Content-Type"]


def test_tokens_antes_e_depois_da_triagem(client, relato_dados):
    token = _json(client.post(URL + "requests.json", relato_dados))[0]["token"]
    assert _json(client.get(URL + f"tokens/{token}.json")) == [{"token": token}]
    raiz = _xml(client.get(URL + f"tokens/{token}.xml"))
    assert raiz.findtext("request/token") == token
    assert raiz.find("request/service_request_id") is None
    relato = Relato.objects.get()
    ra = RegistroAtendimentoFactory(especificacao=relato.especificacao)
    Relato.objects.filter(pk=relato.pk).update(situacao=Relato.Situacao.RA_ABERTO, ra=ra)
    assert _json(client.get(URL + f"tokens/{token}.json")) == [
        {"token": token, "service_request_id": ra.protocolo}
    ]


def test_tokens_retido_ou_descartado_parece_aguardando(client, servico):
    for situacao in (Relato.Situacao.RETIDO, Relato.Situacao.DESCARTADO):
        relato = RelatoFactory(especificacao=servico, situacao=situacao)
        assert _json(client.get(URL + f"tokens/{relato.token}.json")) == [{"token": relato.token}]


def test_tokens_desconhecido_e_404(client):
    _erros(client.get(URL + "tokens/nao-existe.json"), 404)
    assert _xml(client.get(URL + "tokens/nao-existe.xml")).tag == "errors"


def test_get_requests_nao_faz_uma_consulta_por_ra(client, ras, django_assert_max_num_queries):
    for _ in range(5):
        RegistroAtendimentoFactory(especificacao=ras["aberto"].especificacao)
    assert RegistroAtendimento.objects.count() == 10
    ParametrosCidadao.atual()
    with django_assert_max_num_queries(3):  # parameters, RAs, their reports
        assert len(_ids(client.get(URL + "requests.json"))) == 8


def test_post_em_caminho_errado_e_404_da_api(relato_dados):
    resposta = Client(enforce_csrf_checks=True).post(URL + "requests.html", relato_dados)
    _erros(resposta, 404)
