import io

import pytest
from django.conf import settings
from django.core.management import call_command

from mensageria import demo
from mensageria.models import Mensagem, Modem, Parametros, SmsRecebido

pytestmark = pytest.mark.django_db


def test_demo_registra_o_modem_emulado_e_e_idempotente():
    demo.carregar(io.StringIO())
    demo.carregar(io.StringIO())
    modem = Modem.objects.get()
    assert modem.nome == "emulador" and modem.fila == "modem.emulador"
    assert modem.dispositivo == str(settings.VAR_DIR / "modem" / "ttyEMU0")
    assert modem.intervalo_segundos == 7
    assert Parametros.atuais().transliterar is True
    # The "SMS recebidos" screen has something to attach or discard.
    assert SmsRecebido.objects.filter(situacao="novo").count() == len(demo.SMS_RECEBIDOS_DEMO)


def test_demo_deixa_so_uma_amostra_de_sms_na_fila():
    """A newcomer's first RA must not wait behind every demo RA's SMS (7 s each)."""
    call_command("load_demo", stdout=io.StringIO())
    pendentes = Mensagem.objects.filter(status=Mensagem.Status.PENDENTE)
    descartadas = Mensagem.objects.filter(status=Mensagem.Status.DESCARTADA)
    assert pendentes.count() == demo.AMOSTRA_SMS_DEMO
    assert descartadas.count() > 0
    assert all(m.historico.filter(para="descartada").exists() for m in descartadas)
    # A second run (make run restarted) discards nothing more.
    call_command("load_demo", stdout=io.StringIO())
    assert Mensagem.objects.filter(status=Mensagem.Status.PENDENTE).count() == demo.AMOSTRA_SMS_DEMO


def test_demo_os_sms_da_amostra_saem_em_gsm7_uma_parte_cada():
    """The demo transliterates accents before its RAs queue their SMS: each sample SMS is
    one GSM-7 part, so a newcomer sees them leave one modem interval apart."""
    call_command("load_demo", stdout=io.StringIO())
    amostra = Mensagem.objects.filter(status=Mensagem.Status.PENDENTE)
    assert amostra.count() == demo.AMOSTRA_SMS_DEMO
    assert {(m.codificacao, m.partes) for m in amostra} == {("gsm7", 1)}
