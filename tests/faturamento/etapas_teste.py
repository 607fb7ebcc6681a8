"""Steps registered for the tests only: they exercise the real run framework.

``TIPO_LENTO`` is also imported by the Celery worker of the resume test
(``CELERY_WORKER_INCLUDE``): it works ``parametros["blocos"]`` chunks, sleeping
``parametros["pausa"]`` seconds in each, and records each chunk as a row of a
table of its own (created by the test) whose primary key proves no chunk was done
twice.
"""

import os
import time
from pathlib import Path

from django.db import connection, transaction

from faturamento.services.processos import ETAPAS, Execucao

TIPO_LENTO = "teste_lento"
TABELA = "teste_processo_bloco"


def criar_tabela() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABELA} ("
            " processo_id integer NOT NULL, bloco integer NOT NULL,"
            " feito_em timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (processo_id, bloco))"
        )


def limpar_tabela() -> None:
    criar_tabela()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABELA}")


def blocos_feitos(processo_id: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT bloco FROM {TABELA} WHERE processo_id = %s ORDER BY bloco", [processo_id]
        )
        return [linha[0] for linha in cursor.fetchall()]


def etapa_lenta(execucao: Execucao) -> None:
    """Idempotent: a chunk already recorded (by an attempt that died) is skipped."""
    blocos = int(execucao.parametros.get("blocos", os.environ.get("ETAPA_LENTA_BLOCOS", 10)))
    pausa = float(execucao.parametros.get("pausa", os.environ.get("ETAPA_LENTA_PAUSA", 0)))
    pid = execucao.processo.pk
    execucao.definir_total(blocos)
    feitos = set(blocos_feitos(pid))
    if feitos:  # what a previous attempt committed counts as done
        execucao.definir(retomado=1)
    for bloco in range(blocos):
        if bloco in feitos:
            continue
        time.sleep(pausa)
        # The chunk and its counts commit together, so a resumed attempt stays exact.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {TABELA} (processo_id, bloco) VALUES (%s, %s)", [pid, bloco]
                )
            execucao.avancar(1, geradas={"sms": 1})


ETAPAS[TIPO_LENTO] = etapa_lenta
# In a test worker, the slow step may also stand in for real types (the browser test
# starts "expirar" from the screen and needs it to take a while).
for _tipo in filter(None, os.environ.get("ETAPA_LENTA_TIPOS", "").split(",")):
    ETAPAS[_tipo] = etapa_lenta


def iniciar_worker_processos(pasta: Path, banco: str, **env: str):
    """A real Celery worker on the ``celery`` queue (where runs are enqueued) that
    also imports this module, so it knows :data:`TIPO_LENTO`; ``env`` adds
    variables (``ETAPA_LENTA_TIPOS``, ``ETAPA_LENTA_PAUSA``...)."""
    from tests.mensageria import integracao

    return integracao.iniciar_worker(
        pasta,
        banco,
        filas=("celery",),
        env={"CELERY_WORKER_INCLUDE": __name__, **env},
    )
