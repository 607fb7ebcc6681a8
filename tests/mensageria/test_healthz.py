"""/healthz: says not-ok when a modem is silently stuck, and tells the public only
the overall state and per-component ok/not-ok (no staff names, no device paths)."""

import datetime

import pytest
from django.utils import timezone

from mensageria import services
from mensageria.models import Mensagem, Modem

from .factories import modem_criar

pytestmark = pytest.mark.django_db


@pytest.fixture
def modem():
    m = modem_criar(nome="principal", dispositivo="/dev/ttyUSB7")
    services.modem_saude_registrar(modem=m, saude={"sinal": 20, "registro": "registrado"})
    return m


def _atrasar(**campos):
    passado = timezone.now() - datetime.timedelta(hours=2)
    return {campo: passado for campo in campos}


def test_tudo_bem_200(client, modem):
    services.mensagem_sms_criar(destino="+5581999990001", texto="oi", modem=modem)
    resposta = client.get("/healthz")
    assert resposta.status_code == 200
    assert resposta.json()["ok"] is True


def test_leitura_de_saude_antiga_503(client, modem):
    Modem.objects.filter(pk=modem.pk).update(**_atrasar(saude_lida_em=1))
    resposta = client.get("/healthz")
    assert resposta.status_code == 503
    assert resposta.json()["modems"]["ok"] is False
    assert resposta.json()["database"]["ok"] is True


def test_mensagem_esperando_demais_503(client, modem):
    m = services.mensagem_sms_criar(destino="+5581999990001", texto="oi", modem=modem)
    Mensagem.objects.filter(pk=m.pk).update(**_atrasar(criada_em=1))
    resposta = client.get("/healthz")
    assert resposta.status_code == 503
    assert resposta.json()["fila"]["ok"] is False
    # One waiting for its next attempt (back-off) is not late.
    Mensagem.objects.filter(pk=m.pk).update(
        proxima_tentativa_em=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert client.get("/healthz").status_code == 200


def test_publico_nao_ve_nomes_nem_dispositivos(client, modem, supervisor):
    services.modem_pausar(modem=modem, motivo=f"Pausado por {supervisor.get_full_name()} X")
    resposta = client.get("/healthz")
    corpo = resposta.content.decode()
    assert resposta.status_code == 503
    assert "Pausado" not in corpo and "/dev/" not in corpo and "principal" not in corpo
    assert set(resposta.json()) == {"ok", "database", "broker", "modems", "fila"}
    assert all(set(v) == {"ok"} for k, v in resposta.json().items() if k != "ok")


def test_detalhes_para_a_equipe_ou_com_token(client, modem, administrador, settings):
    settings.HEALTHZ_TOKEN = "t" * 40
    assert (
        "principal"
        in client.get("/healthz", HTTP_AUTHORIZATION="Bearer " + "t" * 40).json()["modems"][
            "detalhes"
        ][0]["nome"]
    )
    assert (
        "detalhes"
        not in client.get("/healthz", HTTP_AUTHORIZATION="Bearer errado").json()["modems"]
    )
    client.force_login(administrador)
    assert client.get("/healthz").json()["modems"]["detalhes"][0]["nome"] == "principal"
