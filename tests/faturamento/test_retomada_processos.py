"""A run whose worker is killed (SIGKILL) mid-run is resumed by the resume job in a
new worker and finishes without doing any chunk twice. Real parts: PostgreSQL, Redis,
two Celery worker processes, the real tasks and run framework."""

import datetime
import os
import signal

import pytest
from django.conf import settings
from django.utils import timezone

from faturamento import tasks
from faturamento.models import Processo
from faturamento.services.processos import processo_criar, processos_para_retomar
from tests.mensageria import integracao

from . import etapas_teste
from .etapas_teste import TIPO_LENTO, blocos_feitos, iniciar_worker_processos

pytestmark = pytest.mark.django_db(transaction=True)

BLOCOS = 12
Situacao = Processo.Situacao


def _estado(pk):
    return lambda: (
        Processo.objects.filter(pk=pk)
        .values("situacao", "processados", "total", "batimento_em", "erro")
        .first()
    )


def test_worker_morto_no_meio_retoma_e_termina_sem_duplicar(tmp_path):
    etapas_teste.limpar_tabela()
    integracao.purgar("celery")
    banco = settings.DATABASES["default"]["NAME"]
    (tmp_path / "w1").mkdir()
    primeiro = iniciar_worker_processos(tmp_path / "w1", banco)
    try:
        p = processo_criar(TIPO_LENTO, parametros={"blocos": BLOCOS, "pausa": 0.3})
        tasks.processo_enfileirar(p)  # outside a transaction: published at once
        integracao.esperar(
            lambda: len(blocos_feitos(p.pk)) >= 3, limite=60, mensagem="3 blocos feitos",
            estado=_estado(p.pk),
        )  # fmt: skip
        for pid in [*integracao.filhos(primeiro.pid), primeiro.pid]:
            os.kill(pid, signal.SIGKILL)
        primeiro.wait(10)
    finally:
        integracao.parar_worker(primeiro)
    p.refresh_from_db()
    feitos_antes = blocos_feitos(p.pk)
    assert p.situacao == Situacao.EXECUTANDO and 3 <= len(feitos_antes) < BLOCOS
    assert p.processados == len(feitos_antes)  # counts committed with their chunks

    # Nothing moves while the heartbeat is young: the job does not steal a live run.
    assert p not in processos_para_retomar()
    # Two minutes pass without a heartbeat.
    Processo.objects.filter(pk=p.pk).update(
        batimento_em=timezone.now() - datetime.timedelta(minutes=3)
    )
    (tmp_path / "w2").mkdir()
    segundo = iniciar_worker_processos(tmp_path / "w2", banco)
    try:
        assert tasks.processos_retomar_task() == 1
        integracao.esperar(
            lambda: Processo.objects.get(pk=p.pk).situacao == Situacao.CONCLUIDO,
            limite=60, mensagem="processo retomado concluído", estado=_estado(p.pk),
        )  # fmt: skip
    finally:
        integracao.parar_worker(segundo)
    p.refresh_from_db()
    assert blocos_feitos(p.pk) == list(range(BLOCOS))  # each chunk once (primary key)
    assert (p.processados, p.total, p.percentual) == (BLOCOS, BLOCOS, 100)
    assert p.contadores == {"geradas": {"sms": BLOCOS}, "retomado": 1}
    assert p.erro == ""
