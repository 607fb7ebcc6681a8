"""A protocol texted to the modem is answered through the real pipeline: the emulator
on a pty announces it (+CMTI), the Celery worker reads it with the GSM backend, the
reply goes back out through the same modem and lands in the emulator's sent log."""

import pytest

from mensageria import services
from mensageria.emulador import ler_log
from mensageria.models import Mensagem, Modem, SmsRecebido

from . import integracao
from .factories import ra_criar
from .integracao import esperar, esperar_status

pytestmark = pytest.mark.django_db(transaction=True)
DONO = "+5581999990001"
ESTRANHO = "+5581988887777"


@pytest.fixture
def modem(emu):
    modem = Modem.objects.create(
        nome=integracao.NOME_MODEM,
        dispositivo=str(emu.link),
        intervalo_segundos=0,
        timeout_segundos=2,
        max_tentativas=2,
    )
    yield modem
    # The worker may still be recording the reply: let it finish before the flush.
    esperar(
        lambda: not Mensagem.objects.filter(status__in=["pendente", "enviando"]).exists(),
        mensagem="respostas enviadas",
    )


@pytest.fixture
def ra(modem, unidade, atendente):
    """An RA whose protocol SMS went out to its requester (the worker now holds the port)."""
    ra = ra_criar(unidade=unidade, usuario=atendente, telefone=DONO)
    protocolo = services.registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    assert esperar_status(protocolo.pk).status == "enviada"
    return ra


def enviados_para(emu, numero):
    return [r for r in ler_log(emu.log_enviados) if r["numero"] == numero]


def test_consulta_de_protocolo_respondida_pelo_modem(emu, modem, ra):
    emu.receber_sms(DONO, f"protocolo {ra.protocolo[:4]}.{ra.protocolo[4]}.{ra.protocolo[5:]}")
    esperar(lambda: len(enviados_para(emu, DONO)) == 2, mensagem="resposta no log do emulador")
    resposta = enviados_para(emu, DONO)[-1]
    assert ra.protocolo in resposta["texto"]
    assert "Em andamento" in resposta["texto"] and "Previsao" in resposta["texto"]
    assert "Maria" not in resposta["texto"]  # the requester's name never goes
    sms = SmsRecebido.objects.get(remetente=DONO)
    assert sms.situacao == "respondido" and sms.registro_atendimento_id == ra.pk
    assert Mensagem.objects.get(pk=sms.resposta_id).modem_id == modem.pk
    esperar(lambda: emu.apagados, mensagem="SMS apagado do SIM depois de guardado")


def test_estranho_recebe_resposta_neutra_pelo_modem(emu, modem, ra):
    emu.receber_sms(ESTRANHO, ra.protocolo)
    esperar(lambda: enviados_para(emu, ESTRANHO), mensagem="resposta neutra")
    [resposta] = enviados_para(emu, ESTRANHO)
    assert ra.protocolo not in resposta["texto"] and "andamento" not in resposta["texto"]
    assert "recebemos sua mensagem" in resposta["texto"]
