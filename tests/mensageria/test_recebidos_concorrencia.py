"""Races on inbound SMS, with real PostgreSQL transactions in threads."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.exceptions import RegraViolada
from mensageria import services
from mensageria.models import Mensagem, Parametros, SmsRecebido

from .factories import modem_criar, ra_criar

pytestmark = pytest.mark.django_db(transaction=True)
SMSC = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 30, 5))


def em_paralelo(funcoes):
    largada = threading.Barrier(len(funcoes))
    resultados = [None] * len(funcoes)

    def rodar(i, funcao):
        try:
            largada.wait()
            resultados[i] = funcao()
        except Exception as exc:  # reported to the test
            resultados[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=rodar, args=(i, f)) for i, f in enumerate(funcoes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return resultados


def test_duplo_clique_simultaneo_anexa_uma_vez(unidade, atendente, supervisor):
    modem = modem_criar()
    ra = ra_criar(unidade=unidade, usuario=atendente)
    sms = services.sms_recebido_registrar(
        modem=modem, remetente="+5581977776666", texto="Sem água", recebido_em=SMSC, partes=1
    )
    resultados = em_paralelo(
        [
            lambda: services.sms_recebido_anexar(
                sms=sms, usuario=atendente, protocolo=ra.protocolo
            ),
            lambda: services.sms_recebido_anexar(
                sms=sms, usuario=atendente, protocolo=ra.protocolo
            ),
            lambda: services.sms_recebido_descartar(sms=sms, usuario=supervisor, motivo="teste"),
        ]
    )
    recusas = [r for r in resultados if isinstance(r, RegraViolada)]
    assert len(recusas) == 2, resultados
    assert all("já foi tratado por" in str(r) for r in recusas)
    assert ra.mensagens.count() + SmsRecebido.objects.filter(situacao="descartado").count() == 1


def test_palpites_simultaneos_de_dois_modems_respeitam_o_limite(unidade, atendente):
    """Two modems read the same number's guesses at the same time: still the limit."""
    Parametros.objects.update_or_create(pk=1, defaults={"respostas_por_hora": 2})
    modems = [modem_criar(), modem_criar()]
    ra = ra_criar(unidade=unidade, usuario=atendente)

    def palpite(i):
        return lambda: services.sms_recebido_registrar(
            modem=modems[i % 2],
            remetente="+5581988887777",
            texto=f"protocolo {int(ra.protocolo) + i}",
            recebido_em=SMSC + datetime.timedelta(seconds=i),
            partes=1,
        )

    resultados = em_paralelo([palpite(i) for i in range(8)])
    assert all(isinstance(r, SmsRecebido) for r in resultados), resultados
    assert Mensagem.objects.filter(evento="resposta_sms").count() == 2
    assert SmsRecebido.objects.filter(limite_atingido=True).count() == 6


def test_mesmo_sms_lido_por_dois_leitores_uma_resposta(unidade, atendente):
    modem = modem_criar()
    ra = ra_criar(unidade=unidade, usuario=atendente, telefone="+5581999990001")

    def ler():
        return services.sms_recebido_registrar(
            modem=modem, remetente="+5581999990001", texto=ra.protocolo, recebido_em=SMSC, partes=1
        )

    resultados = em_paralelo([ler, ler, ler])
    assert len({r.pk for r in resultados}) == 1, resultados
    assert Mensagem.objects.filter(evento="resposta_sms").count() == 1
