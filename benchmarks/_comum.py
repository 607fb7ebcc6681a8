"""Shared setup of the benchmarks: a dedicated PostgreSQL database, migrated.

Import this module before anything from Django: it points the test settings
at ``BENCH_DATABASE_URL`` (default ``gsan_bench``), creates that database when
missing, runs ``django.setup()`` and ``migrate``.
"""

import os
import statistics
import subprocess
import sys
import time
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


def iniciar_worker(
    fila: str, pasta: Path, *, concorrencia: int = 1, env: dict | None = None
) -> subprocess.Popen:
    """A Celery worker subprocess on ``fila`` against the benchmark's database and the
    test broker, logging to ``pasta/<fila>.log``; returns once it says "ready."."""
    from django.conf import settings

    ambiente = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gsan.settings.test",
        "TEST_DATABASE_URL": BENCH_DATABASE_URL,
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",  # as in production: a worker keeps its connection
        **(env or {}),
    }
    log = pasta / f"{fila}.log"
    processo = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "gsan", "worker", "-Q", fila),
            *(f"--concurrency={concorrencia}", "--prefetch-multiplier=4"),
            *("--without-heartbeat", "--without-mingle", "--without-gossip"),
            *("-n", f"{fila}-bench-{os.getpid()}@%h", "-l", "INFO"),
        ],
        cwd=RAIZ,
        env=ambiente,
        stdout=open(log, "w"),  # noqa: SIM115 - lives as long as the worker
        stderr=subprocess.STDOUT,
    )
    fim = time.monotonic() + 60
    while time.monotonic() < fim:
        if "ready." in log.read_text():
            return processo
        time.sleep(0.2)
    raise RuntimeError(f"worker {fila} não subiu:\n{log.read_text()[-2000:]}")


def parar_workers(workers, emuladores=()) -> None:
    """Stop the workers (warm shutdown, killed after 60 s), then the emulators."""
    for processo in workers:
        processo.terminate()
    for processo in workers:
        try:
            processo.wait(timeout=60)
        except subprocess.TimeoutExpired:
            processo.kill()
            processo.wait()
    for emulador in emuladores:
        emulador.parar()
