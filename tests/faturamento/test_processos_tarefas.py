"""The Celery tasks of the batch (run in this process) and their schedule."""

import base64
import datetime
import json

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from faturamento import tasks
from faturamento.models import Processo
from faturamento.services.processos import (
    ETAPAS,
    processo_criar,
    referencia_atual,
    referencia_seguinte,
)
from gsan.celery import app
from gsan.schedule import CELERY_BEAT_SCHEDULE

pytestmark = pytest.mark.django_db

Tipo = Processo.Tipo
Situacao = Processo.Situacao


@pytest.fixture
def fila():
    conexao = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    conexao.delete("celery")
    yield conexao
    conexao.delete("celery")


def _publicados(fila) -> list[int]:
    return sorted(
        json.loads(base64.b64decode(json.loads(m)["body"]))[0][0]
        for m in fila.lrange("celery", 0, -1)
    )


@pytest.fixture
def etapas(monkeypatch):
    feitos = []
    for tipo in Tipo:
        monkeypatch.setitem(
            ETAPAS, tipo.value, lambda e, t=tipo.value: feitos.append((t, e.referencia))
        )
    return feitos


def test_retomar_enfileira_aguardando_antigo_e_executando_parado(
    etapas, fila, django_capture_on_commit_callbacks
):
    velho = timezone.now() - datetime.timedelta(minutes=5)
    esperando = processo_criar(Tipo.TRANSMITIR)
    Processo.objects.filter(pk=esperando.pk).update(criado_em=velho)
    parado = processo_criar(Tipo.EXPIRAR)
    Processo.objects.filter(pk=parado.pk).update(situacao=Situacao.EXECUTANDO, batimento_em=velho)
    vivo = processo_criar(Tipo.PREPARAR_COBRANCA)
    Processo.objects.filter(pk=vivo.pk).update(
        situacao=Situacao.EXECUTANDO, batimento_em=timezone.now()
    )
    processo_criar(Tipo.PREPARAR_FATURAMENTO, referencia=202612)  # just created: left alone
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.processos_retomar_task() == 2
    assert _publicados(fila) == sorted([esperando.pk, parado.pk])


def test_retomar_com_broker_fora_do_ar_nao_quebra(etapas, django_capture_on_commit_callbacks):
    from tests.mensageria.integracao import broker_fora_do_ar

    p = processo_criar(Tipo.TRANSMITIR)
    Processo.objects.filter(pk=p.pk).update(criado_em=timezone.now() - datetime.timedelta(hours=1))
    with broker_fora_do_ar(), django_capture_on_commit_callbacks(execute=True):
        assert tasks.processos_retomar_task() == 1
    p.refresh_from_db()
    assert p.situacao == Situacao.AGUARDANDO  # still there for the next minute


def test_preparar_agendado_faz_esta_referencia_a_seguinte_e_a_cobranca(etapas):
    atual = referencia_atual()
    assert tasks.mensagens_preparar_task() == [Situacao.CONCLUIDO] * 3
    assert etapas == [
        (Tipo.PREPARAR_FATURAMENTO, atual),
        (Tipo.PREPARAR_FATURAMENTO, referencia_seguinte(atual)),
        (Tipo.PREPARAR_COBRANCA, None),
    ]
    assert all(p.usuario is None for p in Processo.objects.all())


def test_preparar_agendado_pula_o_tipo_ocupado(etapas):
    processo_criar(Tipo.PREPARAR_FATURAMENTO, referencia=202612)
    assert tasks.mensagens_preparar_task() == [Situacao.CONCLUIDO]
    assert etapas == [(Tipo.PREPARAR_COBRANCA, None)]


def test_agendado_transmitir_e_ignorado_quando_ha_um_ativo(etapas):
    assert tasks.processo_agendado_task(Tipo.TRANSMITIR) == Situacao.CONCLUIDO
    processo_criar(Tipo.TRANSMITIR)
    assert tasks.processo_agendado_task(Tipo.TRANSMITIR) == "ignorado"
    assert etapas == [(Tipo.TRANSMITIR, None)]


def test_agenda_declara_os_quatro_trabalhos():
    nomes = {
        "faturamento-preparar": "faturamento.mensagens_preparar_task",
        "faturamento-transmitir": "faturamento.processo_agendado_task",
        "faturamento-expirar": "faturamento.processo_agendado_task",
        "faturamento-processos-retomar": "faturamento.processos_retomar_task",
    }
    for nome, tarefa in nomes.items():
        assert CELERY_BEAT_SCHEDULE[nome]["task"] == tarefa
        assert tarefa in app.tasks  # registered: a typo would never run
    assert CELERY_BEAT_SCHEDULE["faturamento-transmitir"]["args"] == ("transmitir",)
    assert CELERY_BEAT_SCHEDULE["faturamento-expirar"]["args"] == ("expirar",)
    assert CELERY_BEAT_SCHEDULE["faturamento-processos-retomar"]["schedule"] == 60.0
    assert set(CELERY_BEAT_SCHEDULE["faturamento-transmitir"]["schedule"].hour) == set(range(24))
