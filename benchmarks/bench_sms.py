"""SMS pipeline throughput: emulated modems, real Celery workers, the GSM backend.

(a) one modem, latency 1 s, interval 1 s: achieved rate ÷ (1 / max(latency, interval)) ≥ 0.98
(b) two modems, same settings: rate ≥ 1.95 × the rate of one
(c) latency 0, interval 0: ≥ 100 messages/s end to end (enqueue → sent)

Each modem is an emulator on a pseudo-terminal in this process and one worker
subprocess (concurrency 1) on its queue, on PostgreSQL (BENCH_DATABASE_URL) and
Redis (TEST_REDIS_URL). Environment: BENCH_SMS_N (messages per modem, default 100),
BENCH_SMS_N_RAPIDO (messages in (c), default 1000), BENCH_SMS_CASOS (e.g. "c"; default "abc").
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# A database of its own: other benchmarks open RAs, and RAs create SMS that
# would be picked up by this benchmark's modems.
os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_SMS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gsan_bench_sms"
)

import _comum

N = int(os.environ.get("BENCH_SMS_N", "100"))
N_RAPIDO = int(os.environ.get("BENCH_SMS_N_RAPIDO", "1000"))
CASOS = os.environ.get("BENCH_SMS_CASOS", "abc")
PREFIXO = "bench-sms-"


def iniciar_worker(fila: str, pasta: Path) -> subprocess.Popen:
    """The modem worker of `make run` (gsan/run_dev.py) and the README: one process."""
    return _comum.iniciar_worker(
        fila, pasta, env={"SMS_BACKEND": "mensageria.backends.gsm.GsmBackend"}
    )


def limpar():
    from mensageria.models import Mensagem, Modem

    Mensagem.objects.filter(modem__nome__startswith=PREFIXO).delete()
    Modem.objects.filter(nome__startswith=PREFIXO).delete()


def rodada(modems, emuladores, *, quantidade: int, latencia: float, intervalo: float) -> float:
    """Create ``quantidade`` messages per modem while paused, resume, time until all are sent."""
    from django.db.models import Max

    from mensageria import services
    from mensageria.models import Mensagem, Modem

    for emulador in emuladores:
        emulador.latencia = latencia
    Modem.objects.filter(pk__in=[m.pk for m in modems]).update(
        intervalo_segundos=intervalo, pausado_em=None, ultimo_inicio_envio=None
    )
    # Warm-up: each worker opens its port and initialises the modem outside the timing.
    aquecimento = [
        services.mensagem_sms_criar(destino="+5581900000000", texto="aquecimento", modem=m)
        for m in modems
    ]
    _esperar(Mensagem.objects.filter(pk__in=[m.pk for m in aquecimento]), 1 * len(modems))
    for modem in modems:
        services.modem_pausar(modem=modem, motivo="benchmark: carregando a fila")
    ids = []
    for i in range(quantidade):
        for modem in modems:
            texto = f"Protocolo 2026{i:010d}: sua solicitação foi registrada."
            mensagem = services.mensagem_sms_criar(
                destino=f"+55819{i % 100_000_000:08d}", texto=texto, modem=modem
            )
            ids.append(mensagem.pk)
    for modem in modems:
        modem.refresh_from_db()
    inicio = time.time()
    for modem in modems:
        services.modem_retomar(modem=modem)
    qs = Mensagem.objects.filter(pk__in=ids)
    _esperar(qs, len(ids))
    fim = qs.aggregate(fim=Max("enviada_em"))["fim"].timestamp()
    return len(ids) / (fim - inicio)


def _esperar(qs, total: int, limite: float = 1200):
    fim = time.monotonic() + limite
    while time.monotonic() < fim:
        if qs.filter(status="enviada").count() >= total:
            return
        if qs.exclude(status__in=["pendente", "enviando", "enviada"]).exists():
            raise RuntimeError("mensagem falhou no benchmark")
        time.sleep(0.1)
    raise RuntimeError("tempo esgotado esperando os envios")


def main() -> int:
    _comum.preparar()
    from mensageria.emulador import EmuladorModem
    from mensageria.models import Modem

    limpar()
    pasta = Path(tempfile.mkdtemp(prefix="bench-sms-"))
    emuladores = [
        EmuladorModem(pasta / f"tty{i}", log_enviados=pasta / f"enviados{i}.log").iniciar()
        for i in (1, 2)
    ]
    modems = [
        Modem.objects.create(
            nome=f"{PREFIXO}{i}", dispositivo=str(emuladores[i - 1].link), timeout_segundos=30
        )
        for i in (1, 2)
    ]
    workers = [iniciar_worker(m.fila, pasta) for m in modems]
    ok = True
    try:
        if "a" in CASOS or "b" in CASOS:
            um = rodada(modems[:1], emuladores[:1], quantidade=N, latencia=1, intervalo=1)
            alvo = 1 / max(1, 1)
            print(f"(a) 1 modem, latência 1 s, intervalo 1 s, {N} SMS: {um:.3f} SMS/s")
            print(f"    taxa ÷ (1/max(latência, intervalo)) = {um / alvo:.3f}  (alvo ≥ 0.98)")
            ok &= um / alvo >= 0.98
        if "b" in CASOS:
            dois = rodada(modems, emuladores, quantidade=N, latencia=1, intervalo=1)
            razao = dois / um
            print(f"(b) 2 modems, {2 * N} SMS: {dois:.3f} SMS/s = {razao:.3f} × um  (alvo ≥ 1.95)")
            ok &= razao >= 1.95
        if "c" in CASOS:
            rapido = rodada(
                modems[:1], emuladores[:1], quantidade=N_RAPIDO, latencia=0, intervalo=0
            )
            print(f"(c) latência 0, intervalo 0, {N_RAPIDO} SMS: {rapido:.1f} SMS/s  (alvo ≥ 100)")
            ok &= rapido >= 100
    finally:
        _comum.parar_workers(workers, emuladores)
        limpar()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
