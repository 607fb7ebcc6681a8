"""A preparation killed (SIGKILL) after its first committed chunk and resumed: nothing
duplicated, nothing missing, nothing counted twice."""

import datetime
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from faturamento.models import Envio, Processo
from faturamento.services import preparacao
from faturamento.services.processos import processo_criar, processo_executar
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
