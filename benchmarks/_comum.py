"""Shared setup of the benchmarks: a dedicated PostgreSQL database, migrated.

Import this module before anything from Django: it points the test settings
at ``BENCH_DATABASE_URL`` (default ``gsan_bench``), creates that database when
missing, runs ``django.setup()`` and ``migrate``.
"""

import os
import statistics
import sys
from pathlib import Path
from urllib.parse import urlparse

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))

BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gsan_bench"
)
os.environ["TEST_DATABASE_URL"] = BENCH_DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gsan.settings.test")


def _criar_banco_se_faltar():
    import psycopg

    url = urlparse(BENCH_DATABASE_URL)
    nome = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conexao:
        existe = conexao.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nome]).fetchone()
        if not existe:
            print(f"Criando o banco {nome}…", flush=True)
            conexao.execute(f'CREATE DATABASE "{nome}"')


def preparar():
    import django
    from django.core.management import call_command

    _criar_banco_se_faltar()
    django.setup()
    call_command("migrate", verbosity=0)


def percentis(amostras_ms: list[float]) -> tuple[float, float]:
    """p50 and p95 of a list of milliseconds."""
    cortes = statistics.quantiles(amostras_ms, n=100, method="inclusive")
    return cortes[49], cortes[94]
