"""A modem whose worker is gone (its health reading, taken by that worker every
minute, is stale) takes no new messages, and its waiting ones move on."""

import datetime

import pytest
from django.utils import timezone

from mensageria import services
from mensageria.models import Mensagem, Modem

from .factories import modem_criar

pytestmark = pytest.mark.django_db


@pytest.fixture
def modems():
    sem_worker = modem_criar(nome="demo")
    vivo = modem_criar(nome="principal")
    for m in (sem_worker, vivo):
        services.modem_saude_registrar(modem=m, saude={"sinal": 20})
    Modem.objects.filter(pk=sem_worker.pk).update(
        saude_lida_em=timezone.now() - datetime.timedelta(hours=1),
        criado_em=timezone.now() - datetime.timedelta(days=1),
    )
    return sem_worker, vivo


def test_nova_mensagem_nao_vai_para_modem_sem_worker(modems):
    _sem_worker, vivo = modems
    m = services.mensagem_sms_criar(destino="+5581999990001", texto="oi")
    assert m.modem == vivo


def test_mensagens_de_modem_sem_worker_seguem_para_outro(modems):
    sem_worker, vivo = modems
    esperando = services.mensagem_sms_criar(destino="+5581999990001", texto="oi", modem=sem_worker)
    services.mensagens_varrer()
    esperando.refresh_from_db()
    assert esperando.modem == vivo and esperando.status == Mensagem.Status.PENDENTE
