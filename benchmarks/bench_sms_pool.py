"""A pool of modems: emulated modems, one real Celery worker per modem, the GSM backend.

(a) three modems vs one, emulator latency 1 s, interval 1 s: rate ratio ≥ 2.9
(b) the same three with one unplugged half-way: every message sent exactly once
    (counts printed), and the two survivors' utilisation after the failure ≥ 0.95
    (time spent sending ÷ wall time, from the unplug to the last send)

Messages are created the way the product creates them (``mensagem_sms_criar``
without a modem: each goes to the available modem with the least waiting work),
in one transaction, so every task is published at its commit; the clock runs
from the commit to the last ``enviada_em``. Each worker first sends a warm-up SMS
(port opened, modem initialised) outside the timing.

A database of its own (``BENCH_POOL_DATABASE_URL``, default ``gsan_bench_pool``):
the pool's workers take any due SMS a busy or paused modem leaves, so another
benchmark's messages must not be in reach. Environment: ``BENCH_POOL_N``
(messages per modem, default 50).
"""

import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

# This benchmark's own database, for _comum and for bench_sms's helpers (worker
# start, waiting), set before either is imported.
BANCO = os.environ.get(
    "BENCH_POOL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gsan_bench_pool"
)
os.environ["BENCH_DATABASE_URL"] = os.environ["BENCH_SMS_DATABASE_URL"] = BANCO

import _comum  # noqa: E402
from bench_sms import _esperar, iniciar_worker  # noqa: E402

N = int(os.environ.get("BENCH_POOL_N", "50"))
PREFIXO = "bench-pool-"
LATENCIA = INTERVALO = 1.0


def limpar():
    from django.db.models import Q

    from mensageria.models import Mensagem, Modem

    Mensagem.objects.filter(
        Q(modem__nome__startswith=PREFIXO) | Q(canal="sms", modem__isnull=True)
    ).delete()
    Modem.objects.filter(nome__startswith=PREFIXO).delete()


def preparar_rodada(modems, emuladores, ativos):
    """Reset the modems (only ``ativos`` active) and warm each active worker up."""
    from mensageria import services
    from mensageria.models import Mensagem, Modem

    for emulador in emuladores:
        if emulador._mestre is None:
            emulador.conectar()
        emulador.latencia = 0
        emulador.log_enviados.write_text("")
    Modem.objects.filter(pk__in=[m.pk for m in modems]).update(
        ativo=False, pausado_em=None, pausa_automatica=False, motivo_pausa="", drenando=False
    )
    Modem.objects.filter(pk__in=[m.pk for m in ativos]).update(
        ativo=True, intervalo_segundos=INTERVALO, ultimo_inicio_envio=None
    )
    aquecimento = [
        services.mensagem_sms_criar(destino="+5581900000000", texto="aquecimento", modem=m).pk
        for m in ativos
    ]
    _esperar(Mensagem.objects.filter(pk__in=aquecimento), len(aquecimento))
    Mensagem.objects.filter(pk__in=aquecimento).delete()
    Modem.objects.filter(pk__in=[m.pk for m in ativos]).update(ultimo_inicio_envio=None)
    for emulador in emuladores:
        emulador.latencia = LATENCIA
        emulador.log_enviados.write_text("")


def criar(quantidade: int) -> tuple[list[int], float]:
    """Create ``quantidade`` SMS in one transaction; returns their ids and the commit instant."""
    from django.db import transaction

    from mensageria import services

    with transaction.atomic():
        ids = [
            services.mensagem_sms_criar(
                destino=f"+55819{i:08d}", texto=f"Protocolo 2026{i:010d}: registrado."
            ).pk
            for i in range(quantidade)
        ]
        inicio = time.time()
    return ids, inicio


def esperar_finais(ids, limite: float = 900):
    from mensageria.models import Mensagem

    fim = time.monotonic() + limite
    qs = Mensagem.objects.filter(pk__in=ids)
    while time.monotonic() < fim:
        if not qs.filter(status__in=["pendente", "enviando"]).exists():
            return
        time.sleep(0.1)
    raise RuntimeError("tempo esgotado esperando os envios")


def taxa(ids, inicio: float) -> float:
    from django.db.models import Max

    from mensageria.models import Mensagem

    fim = Mensagem.objects.filter(pk__in=ids).aggregate(fim=Max("enviada_em"))["fim"]
    return len(ids) / (fim.timestamp() - inicio)


def main() -> int:
    _comum.preparar()
    from django.db.models import Max

    from mensageria.emulador import EmuladorModem, ler_log
    from mensageria.models import Mensagem, Modem

    limpar()
    pasta = Path(tempfile.mkdtemp(prefix="bench-pool-"))
    emuladores = [
        EmuladorModem(pasta / f"tty{i}", log_enviados=pasta / f"enviados{i}.log").iniciar()
        for i in (1, 2, 3)
    ]
    modems = [
        Modem.objects.create(
            nome=f"{PREFIXO}{i}",
            dispositivo=str(emuladores[i - 1].link),
            timeout_segundos=3,
            intervalo_segundos=INTERVALO,
        )
        for i in (1, 2, 3)
    ]
    workers = [iniciar_worker(m.fila, pasta) for m in modems]
    ok = True
    try:
        # (a) one modem, then three.
        preparar_rodada(modems, emuladores, modems[:1])
        ids, inicio = criar(N)
        _esperar(Mensagem.objects.filter(pk__in=ids), len(ids))
        um = taxa(ids, inicio)
        preparar_rodada(modems, emuladores, modems)
        ids, inicio = criar(3 * N)
        _esperar(Mensagem.objects.filter(pk__in=ids), len(ids))
        tres = taxa(ids, inicio)
        por_modem = Counter(
            Mensagem.objects.filter(pk__in=ids).values_list("modem__nome", flat=True)
        )
        razao = tres / um
        print(f"(a) latência {LATENCIA:g} s, intervalo {INTERVALO:g} s")
        print(f"    1 modem,  {N} SMS: {um:.3f} SMS/s")
        print(
            f"    3 modems, {3 * N} SMS: {tres:.3f} SMS/s "
            f"(por modem: {', '.join(f'{n} {c}' for n, c in sorted(por_modem.items()))})"
        )
        alvo = "ok" if razao >= 2.9 else "ABAIXO DO ALVO"
        print(f"    razão 3 ÷ 1 = {razao:.3f}  (alvo ≥ 2.9: {alvo})")
        ok &= razao >= 2.9

        # (b) the same three, the third unplugged half-way.
        preparar_rodada(modems, emuladores, modems)
        ids, inicio = criar(3 * N)
        qs = Mensagem.objects.filter(pk__in=ids)
        while qs.filter(status="enviada").count() < len(ids) // 2:
            time.sleep(0.05)
        falha = time.time()
        emuladores[2].desconectar()
        esperar_finais(ids)
        fim = qs.aggregate(fim=Max("enviada_em"))["fim"].timestamp()
        estados = Counter(qs.values_list("status", flat=True))
        logs = {m.nome: ler_log(e.log_enviados) for m, e in zip(modems, emuladores, strict=True)}
        vezes = Counter((r["numero"], r["texto"]) for log in logs.values() for r in log)
        esperadas = {(m.destino, m.texto) for m in qs}
        duplicadas = sum(1 for n in vezes.values() if n > 1)
        nenhuma_vez = len(esperadas - set(vezes))
        uma_vez = sum(1 for chave in esperadas if vezes.get(chave) == 1)
        print(f"(b) {3 * N} SMS, {modems[2].nome} desplugado com {len(ids) // 2} enviadas")
        print(
            f"    situação: {dict(sorted(estados.items()))}; "
            f"no log dos emuladores: uma vez {uma_vez}, duas ou mais {duplicadas}, "
            f"nenhuma {nenhuma_vez}"
        )
        print(
            "    por modem (log): "
            + ", ".join(f"{nome} {len(log)}" for nome, log in sorted(logs.items()))
        )
        incertas = estados.get("incerta", 0)
        if incertas:
            print(
                f"    {incertas} incerta: a que estava no ar quando o cabo saiu "
                "(o modem recebeu o texto; nunca é reenviada às cegas)"
            )
        exata = duplicadas == 0 and nenhuma_vez == 0 and uma_vez == len(ids)
        ok &= exata and set(estados) <= {"enviada", "incerta"}
        print(f"    exatamente uma vez: {'sim' if exata else 'NÃO'}")
        janela = fim - falha
        for modem in modems[:2]:
            ocupado = 0.0
            for desde, ate in qs.filter(modem=modem, status="enviada").values_list(
                "enviando_desde", "enviada_em"
            ):
                a, b = max(desde.timestamp(), falha), min(ate.timestamp(), fim)
                ocupado += max(b - a, 0.0)
            uso = ocupado / janela
            alvo = "ok" if uso >= 0.95 else "ABAIXO DO ALVO"
            print(
                f"    {modem.nome}: ocupado {ocupado:.1f} s de {janela:.1f} s depois da falha "
                f"= {uso:.3f}  (alvo ≥ 0.95: {alvo})"
            )
            ok &= uso >= 0.95
    finally:
        _comum.parar_workers(workers, emuladores)
        limpar()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
