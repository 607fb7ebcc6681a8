"""A preparation killed (SIGKILL) after its first committed chunk and resumed: nothing
duplicated, nothing missing, nothing counted twice."""

import datetime
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from faturamento.models import Envio, Processo
from faturamento.services import preparacao
from faturamento.services.processos import Execucao, processo_criar, processo_executar
from tests.faturamento.test_preparacao import conta, imovel_com_cliente, modelo

RAIZ = Path(__file__).resolve().parents[2]

# The step in a subprocess, with chunks of 3 bills; after its first chunk commits it
# says so and hangs, to be killed there.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from faturamento.services import preparacao
    from faturamento.services.processos import processo_executar
    preparacao.LOTE = 3
    gravar_original = preparacao._gravar_lote
    def gravar(*args, **kwargs):
        gravar_original(*args, **kwargs)
        print("LOTE GRAVADO", flush=True)
        time.sleep(120)
    preparacao._gravar_lote = gravar
    processo_executar(int(sys.argv[1]))
    """
)


def _ambiente() -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gsan.settings.test",
        "TEST_DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
        ),
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
        "PYTHONUNBUFFERED": "1",
    }


@pytest.mark.django_db(transaction=True)
def test_sigkill_depois_do_primeiro_lote_e_retomada_sem_duplicar():
    modelo()
    contas = [conta(imovel_com_cliente()) for _ in range(7)]
    sem_consentimento = conta(imovel_com_cliente(recebe_sms=False, recebe_email=False))
    processo = processo_criar(Processo.Tipo.PREPARAR_FATURAMENTO, referencia=202612)

    filho = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(processo.pk)],
        cwd=RAIZ,
        env=_ambiente(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        linha = filho.stdout.readline()  # blocks until the first chunk is committed
        assert "LOTE GRAVADO" in linha, linha + filho.stdout.read()
        os.kill(filho.pid, signal.SIGKILL)
        filho.wait(timeout=30)
    finally:
        if filho.poll() is None:
            filho.kill()
            filho.wait()
    assert filho.returncode == -signal.SIGKILL

    processo.refresh_from_db()
    assert processo.situacao == Processo.Situacao.EXECUTANDO  # died mid-run
    assert processo.processados == 3
    assert Envio.objects.count() == 6  # first chunk: 3 bills × 2 channels

    # Its heartbeat stops; once old enough the run may be resumed.
    Processo.objects.filter(pk=processo.pk).update(
        batimento_em=timezone.now() - datetime.timedelta(minutes=10)
    )
    processo = processo_executar(processo.pk)

    assert processo.situacao == Processo.Situacao.CONCLUIDO, processo.erro
    assert Envio.objects.count() == 14
    repetidos = (
        Envio.objects.values("conta", "canal").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    assert repetidos == 0
    assert set(Envio.objects.values_list("conta_id", flat=True)) == {c.pk for c in contas}
    assert not Envio.objects.filter(conta=sem_consentimento).exists()
    assert processo.total == processo.processados == 8
    assert processo.contadores["selecionadas"] == 8
    assert processo.contadores["geradas"] == {"sms": 7, "email": 7}
    assert processo.contadores["ignoradas"] == {
        preparacao.IGNORADA_SEM_CONSENTIMENTO_SMS: 1,
        preparacao.IGNORADA_SEM_CONSENTIMENTO_EMAIL: 1,
    }
    assert set(Envio.objects.values_list("processo_id", flat=True)) == {processo.pk}
    # The resume position is no count: the Processos screen shows only these.
    assert set(processo.contadores) == {"selecionadas", "geradas", "ignoradas"}


# --- The writer thread (runs outside a transaction: these tests commit) -------------


@pytest.fixture
def cinco_contas(monkeypatch):
    monkeypatch.setattr(preparacao, "LOTE", 2)
    modelo(texto_email="")
    contas = [conta(imovel_com_cliente()) for _ in range(4)]
    contas.insert(2, conta(imovel_com_cliente(recebe_sms=False)))
    return contas


def _executar():
    processo = processo_criar(Processo.Tipo.PREPARAR_FATURAMENTO, referencia=202612)
    return processo_executar(processo.pk)


@pytest.mark.django_db(transaction=True)
def test_gravacao_em_paralelo_grava_tudo(cinco_contas, monkeypatch):
    threads = []
    original = preparacao._gravar_lote

    def gravar(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(preparacao, "_gravar_lote", gravar)

    processo = _executar()

    assert processo.situacao == Processo.Situacao.CONCLUIDO, processo.erro
    # Chunks of 2, 2 and 1, each committed by one of the writers.
    assert len(threads) == 3
    assert all(nome.startswith("preparacao-gravacao-") for nome in threads)
    assert Envio.objects.count() == 4
    assert not Envio.objects.filter(conta=cinco_contas[2]).exists()
    assert processo.processados == processo.total == 5
    assert processo.contadores["geradas"] == {"sms": 4, "email": 0}
    assert processo.contadores["ignoradas"] == {preparacao.IGNORADA_SEM_CONSENTIMENTO_SMS: 1}


@pytest.mark.django_db(transaction=True)
def test_cancelar_com_gravacao_em_paralelo(cinco_contas, monkeypatch):
    original = Execucao.avancar

    def avancar(self, processados=0, **contadores):
        if processados:  # a chunk is being committed: someone asks to cancel now
            Processo.objects.filter(pk=self.processo.pk).update(
                cancelamento_pedido_em=timezone.now()
            )
        return original(self, processados, **contadores)

    monkeypatch.setattr(Execucao, "avancar", avancar)

    processo = _executar()

    assert processo.situacao == Processo.Situacao.CANCELADO
    assert processo.processados == 2  # the chunk being committed stays, nothing after it
    assert sorted(Envio.objects.values_list("conta_id", flat=True)) == [
        cinco_contas[0].pk,
        cinco_contas[1].pk,
    ]


@pytest.mark.django_db(transaction=True)
def test_falha_na_gravacao_para_o_processo(cinco_contas, monkeypatch):
    original = preparacao._gravar_lote
    chamadas = []
    fim_do_segundo = sorted(c.pk for c in cinco_contas)[3]  # chunks of 2 by id

    def gravar(*args, **kwargs):
        chamadas.append(args[2])  # the chunk's last id
        if args[2] == fim_do_segundo:
            raise RuntimeError("disco cheio")
        return original(*args, **kwargs)

    monkeypatch.setattr(preparacao, "_gravar_lote", gravar)

    processo = _executar()

    assert processo.situacao == Processo.Situacao.FALHOU
    assert "disco cheio" in processo.erro
    assert processo.processados == 2
    assert Envio.objects.count() == 2
    assert fim_do_segundo in chamadas  # and the third chunk, if begun, was rolled back
