"""Inbound SMS (issue 10, item 7): storage, automatic reply to protocol queries, triage."""

import datetime

import pytest
from django.utils import timezone

from mensageria import services
from mensageria.models import SmsRecebido

from .factories import modem_criar

pytestmark = pytest.mark.django_db

SMSC = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 30, 5))


@pytest.fixture
def modem():
    return modem_criar(nome="recebe")


def registrar(modem, texto="Bom dia", remetente="+5581999990001", recebido_em=SMSC, partes=1):
    return services.sms_recebido_registrar(
        modem=modem, remetente=remetente, texto=texto, recebido_em=recebido_em, partes=partes
    )


def test_ucs2_com_acentos_guardado_como_veio(modem):
    texto = "Olá, a água não chegou na rua São João ção ü €"
    sms = registrar(modem, texto=texto)
    sms.refresh_from_db()
    assert sms.texto == texto
    assert sms.remetente == "+5581999990001"
    assert sms.recebido_em == SMSC
    assert sms.modem == modem
    assert len(sms.chave) == 64


def test_mesmo_sms_lido_duas_vezes_fica_uma_linha(modem):
    primeiro = registrar(modem, texto="Falta água")
    segundo = registrar(modem, texto="Falta água")
    assert primeiro.pk == segundo.pk
    assert SmsRecebido.objects.count() == 1


def test_mesmo_texto_em_outro_instante_e_outro_sms(modem):
    registrar(modem, texto="Falta água")
    registrar(modem, texto="Falta água", recebido_em=SMSC + datetime.timedelta(minutes=3))
    assert SmsRecebido.objects.count() == 2


def test_sms_vazio_guardado(modem):
    sms = registrar(modem, texto="")
    assert SmsRecebido.objects.get(pk=sms.pk).texto == ""


def test_partes_guardadas(modem):
    sms = registrar(modem, texto="x" * 1500, partes=10)
    sms.refresh_from_db()
    assert sms.partes == 10 and len(sms.texto) == 1500
