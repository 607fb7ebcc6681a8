"""Transient network errors (congestion, +CMS ERROR 42…) are retried long enough
to outlast a congested cell, with a growing back-off, and never hold the queue."""

import datetime
import itertools

import pytest
from django.utils import timezone

from gsan.settings import base
from mensageria import services
from mensageria.backends import erro_cms, memoria
from mensageria.models import Mensagem

from .factories import modem_criar

pytestmark = pytest.mark.django_db
Status = Mensagem.Status


@pytest.fixture
def padrao(settings):
    """The product's default back-off (the test settings make it zero for speed)."""
    settings.SMS_BACKOFF_SEGUNDOS = base.SMS_BACKOFF_SEGUNDOS
    settings.SMS_BACKOFF_MAXIMO_SEGUNDOS = base.SMS_BACKOFF_MAXIMO_SEGUNDOS


def _vencer(mensagem):
    Mensagem.objects.filter(pk=mensagem.pk).update(proxima_tentativa_em=timezone.now())


def test_congestionamento_tenta_por_mais_de_meia_hora_com_espera_crescente(padrao):
    modem = modem_criar()  # the model's defaults, as a new modem gets them
    memoria.falhas.extend([erro_cms(42)] * 50)
    m = services.mensagem_sms_criar(destino="+5581999990001", texto="oi", modem=modem)
    esperas = []
    while True:
        resultado = services.mensagem_enviar(mensagem_id=m.pk)
        m.refresh_from_db()
        if resultado != Status.PENDENTE:
            break
        esperas.append((m.proxima_tentativa_em - timezone.now()).total_seconds())
        _vencer(m)
    assert m.status == Status.FALHOU and m.erro_codigo == 42
    assert sum(esperas) >= 30 * 60
    assert all(b >= a - 1 for a, b in itertools.pairwise(esperas))
    assert esperas[-1] > esperas[0] * 4  # it grows, not a fixed interval
    assert m.tentativas == len(esperas) + 1


def test_congestionamento_depois_entrega(padrao):
    modem = modem_criar()
    memoria.falhas.extend([erro_cms(42)] * 5)
    m = services.mensagem_sms_criar(destino="+5581999990001", texto="oi", modem=modem)
    while services.mensagem_enviar(mensagem_id=m.pk) == Status.PENDENTE:
        _vencer(m)
    m.refresh_from_db()
    assert m.status == Status.ENVIADA and m.tentativas == 6
    assert len(memoria.enviadas) == 1


def test_mensagem_a_espera_de_nova_tentativa_nao_segura_a_fila(padrao):
    modem = modem_criar()
    memoria.falhas.append(erro_cms(42))
    atrasada = services.mensagem_sms_criar(destino="+5581999990001", texto="a", modem=modem)
    services.mensagem_enviar(mensagem_id=atrasada.pk)
    outras = [
        services.mensagem_sms_criar(destino=f"+558199999000{i}", texto=str(i), modem=modem)
        for i in range(2, 5)
    ]
    services.modem_drenar(modem_id=modem.pk, ate=float("inf"))
    assert [e["texto"] for e in memoria.enviadas] == ["2", "3", "4"]
    atrasada.refresh_from_db()
    assert atrasada.status == Status.PENDENTE
    assert atrasada.proxima_tentativa_em > timezone.now() + datetime.timedelta(seconds=20)
    for m in outras:
        m.refresh_from_db()
        assert m.status == Status.ENVIADA
