"""The embedded broker of `make run`: kombu's SQLAlchemy transport on SQLite vs the filesystem one.

For each transport, with the product's Celery options (acks late, prefetch 1,
a per-modem queue ``modem.bench`` on its direct exchange) and one worker of
concurrency 1 (like the modem's), in a scratch folder:

1. latency: ``BENCH_BROKER_N`` (40) tasks published one every 1.5 s from another
   process (slower than a worker drains, as SMS arrive) → time from
   ``apply_async`` to the task starting, p50/p95/max;
2. burst: ``BENCH_BROKER_PUBLICADORES`` (4) processes publish ``BENCH_BROKER_RAJADA``
   (50) tasks each at once → delivered exactly once, lost, duplicated, tasks/s, and
   whether the worker survived (the filesystem transport can hand the consumer a
   file still being written: ``JSONDecodeError``, and the worker dies);
3. idle cost: the worker's CPU (main + pool process) over ``BENCH_BROKER_OCIOSO``
   (30) s with nothing to do, as % of one core.

Target for the embedded default: burst 0 lost, 0 duplicated, worker alive.
It needs no database or Redis:

    .venv/bin/python benchmarks/bench_broker_embutido.py
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = int(os.environ.get("BENCH_BROKER_N", "40"))
PUBLICADORES = int(os.environ.get("BENCH_BROKER_PUBLICADORES", "4"))
RAJADA = int(os.environ.get("BENCH_BROKER_RAJADA", "50"))
OCIOSO = float(os.environ.get("BENCH_BROKER_OCIOSO", "30"))
BIN = Path(sys.executable).parent

APP = """
import json, os, time
from celery import Celery

PASTA = os.environ["BENCH_PASTA"]
TRANSPORTE = os.environ["BENCH_TRANSPORTE"]
app = Celery("benchbroker")
app.conf.update(
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)
if TRANSPORTE == "filesystem":
    # The options gsan/settings/base.py used for it.
    fila = os.path.join(PASTA, "queue")
    for sub in ("queue", "processed", "control"):
        os.makedirs(os.path.join(PASTA, sub), exist_ok=True)
    app.conf.broker_url = "filesystem://"
    app.conf.broker_transport_options = {
        "data_folder_in": fila, "data_folder_out": fila,
        "processed_folder": os.path.join(PASTA, "processed"), "store_processed": False,
        "control_folder": os.path.join(PASTA, "control"), "polling_interval": 0.2,
    }
else:
    # The embedded default of gsan/settings/base.py.
    app.conf.broker_url = "sqla+sqlite:///" + os.path.join(PASTA, "celery.sqlite")
    app.conf.broker_transport_options = {"connect_args": {"timeout": 10}}


@app.task(name="bench.marcar")
def marcar(ident, enviado):
    with open(os.path.join(PASTA, "recebidas.log"), "a") as f:
        f.write(json.dumps([ident, time.time() - enviado]) + "\\n")
"""

PUBLICAR = """
import sys, time
from benchbroker_app import marcar
inicio, quantos, pausa = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
for i in range(inicio, inicio + quantos):
    marcar.apply_async(args=[i, time.time()], queue="modem.bench")
    if pausa:
        time.sleep(pausa)
"""


def cpu_segundos(pid: int) -> float:
    """utime + stime of a process and its children still alive (pool), in seconds."""
    total = 0.0
    tique = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            campos = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(campos[1]) == pid:
            total += (int(campos[11]) + int(campos[12])) / tique
    return total


def recebidas(pasta: Path) -> list:
    arquivo = pasta / "recebidas.log"
    if not arquivo.exists():
        return []
    return [json.loads(linha) for linha in arquivo.read_text().splitlines() if linha.strip()]


def esperar(condicao, prazo):
    limite = time.monotonic() + prazo
    while time.monotonic() < limite and not condicao():
        time.sleep(0.2)
    return condicao()


def rodar(transporte: str) -> dict:
    pasta = Path(tempfile.mkdtemp(prefix=f"bench-broker-{transporte}-"))
    (pasta / "benchbroker_app.py").write_text(APP)
    (pasta / "publicar.py").write_text(PUBLICAR)
    env = {**os.environ, "BENCH_PASTA": str(pasta), "BENCH_TRANSPORTE": transporte}
    env["PYTHONPATH"] = str(pasta)
    log = pasta / "worker.log"
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "benchbroker_app",
            "worker",
            "-Q",
            "modem.bench",
            "-c",
            "1",
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=pasta,
        env=env,
        stdout=open(log, "w"),  # noqa: SIM115 - lives as long as the worker
        stderr=subprocess.STDOUT,
    )

    def publicar(inicio, quantos, pausa):
        return subprocess.Popen(
            [sys.executable, "publicar.py", str(inicio), str(quantos), str(pausa)],
            cwd=pasta,
            env=env,
            stderr=subprocess.DEVNULL,
        )

    resultado = {"transporte": transporte}
    try:
        if not esperar(lambda: "ready." in log.read_text(), 60):
            raise RuntimeError(f"worker {transporte} não subiu:\n{log.read_text()[-2000:]}")
        publicar(-1, 1, 0).wait()  # warm-up
        esperar(lambda: recebidas(pasta), 30)

        publicar(0, N, 1.5).wait()
        esperar(lambda: len(recebidas(pasta)) >= N + 1, 60)
        latencias = sorted(d for i, d in recebidas(pasta) if 0 <= i < N)
        resultado["latencia"] = (
            statistics.median(latencias) * 1000,
            latencias[int(0.95 * (len(latencias) - 1))] * 1000,
            latencias[-1] * 1000,
        )

        base = 1000
        inicio_rajada = time.monotonic()
        processos = [publicar(base + k * RAJADA, RAJADA, 0) for k in range(PUBLICADORES)]
        for processo in processos:
            processo.wait()
        total = PUBLICADORES * RAJADA

        def na_rajada():
            return [i for i, _ in recebidas(pasta) if i >= base]

        esperar(lambda: len(na_rajada()) >= total or worker.poll() is not None, 600)
        ids = na_rajada()
        resultado["rajada"] = {
            "publicadas": total,
            "entregues_uma_vez": len(set(ids)) - sum(1 for i in set(ids) if ids.count(i) > 1),
            "perdidas": total - len(set(ids)),
            "duplicadas": len(ids) - len(set(ids)),
            "segundos": time.monotonic() - inicio_rajada,
            "worker_vivo": worker.poll() is None,
            "erro": next(
                (
                    linha.strip()
                    for linha in log.read_text().splitlines()
                    if "Unrecoverable" in linha
                ),
                "",
            ),
        }

        if worker.poll() is None:
            antes = cpu_segundos(worker.pid)
            time.sleep(OCIOSO)
            resultado["cpu_ocioso"] = 100 * (cpu_segundos(worker.pid) - antes) / OCIOSO
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
    return resultado


def main() -> int:
    print(
        f"{'transporte':<11} {'lat p50':>8} {'p95':>7} {'máx':>7}  "
        "rajada (entregues/perdidas/dupl., s, worker)  CPU ocioso"
    )
    falhou = False
    for transporte in ("filesystem", "sqla"):
        r = rodar(transporte)
        p50, p95, maximo = r["latencia"]
        ra = r["rajada"]
        cpu = r.get("cpu_ocioso")
        print(
            f"{transporte:<11} {p50:>6.0f}ms {p95:>5.0f}ms {maximo:>5.0f}ms  "
            f"{ra['entregues_uma_vez']}/{ra['perdidas']}/{ra['duplicadas']} de {ra['publicadas']}, "
            f"{ra['segundos']:.1f} s ({ra['entregues_uma_vez'] / ra['segundos']:.1f}/s), "
            f"{'vivo' if ra['worker_vivo'] else 'MORREU'}"
            f"{'  ' + (f'{cpu:.2f} %' if cpu is not None else '—'):>12}",
            flush=True,
        )
        if ra["erro"]:
            print(f"            {ra['erro'][:160]}")
        if transporte == "sqla" and (ra["perdidas"] or ra["duplicadas"] or not ra["worker_vivo"]):
            falhou = True
    return 1 if falhou else 0


if __name__ == "__main__":
    sys.exit(main())
