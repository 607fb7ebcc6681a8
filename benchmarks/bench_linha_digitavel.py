"""Linhas digitáveis a second (FEBRABAN arrecadação), module 10 and module 11.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python benchmarks/bench_linha_digitavel.py

Pure computation, no database: ``Gerador.linha_conta`` (the batch's path) over
``BENCH_LINHAS`` (default 300,000) random bills — matrícula, referência and a
``Decimal`` value as they come from PostgreSQL — for identifier 6 (module 10) and
8 (module 11), best of ``BENCH_REPETICOES`` (default 3) runs, against the target of
100,000 a second. For comparison it also times the checked path of the public
functions (``codigo_barras`` + ``linha_digitavel`` + ``linha_formatada``).
"""

import os
import random
import sys
import time
from decimal import Decimal

import _comum  # noqa: F401  (path and settings)

ALVO_POR_SEGUNDO = 100_000
N_LINHAS = int(os.environ.get("BENCH_LINHAS", "300000"))
REPETICOES = int(os.environ.get("BENCH_REPETICOES", "3"))


def _entradas(aleatorio):
    return [
        (
            aleatorio.randrange(1, 10**9),
            aleatorio.randint(2020, 2030) * 100 + aleatorio.randint(1, 12),
            Decimal(aleatorio.randrange(1, 10**6)) / 100,
        )
        for _ in range(N_LINHAS)
    ]


def _taxa(funcao, entradas) -> float:
    melhor = float("inf")
    for _ in range(REPETICOES):
        inicio = time.perf_counter()
        for matricula, referencia, valor in entradas:
            funcao(matricula, referencia, valor)
        melhor = min(melhor, time.perf_counter() - inicio)
    return len(entradas) / melhor


def main():
    import django

    django.setup()
    from faturamento import febraban
    from faturamento.models import ParametrosFaturamento

    entradas = _entradas(random.Random(20261201))
    verificadas = entradas[: max(1, N_LINHAS // 10)]
    print(
        f"Linha digitável (FEBRABAN arrecadação) — {N_LINHAS:_} contas, ".replace("_", ".")
        + f"melhor de {REPETICOES}"
    )
    print()
    cabecalho = (
        f"{'módulo':<22} {'Gerador.linha_conta':>20} {'÷ alvo':>7} {'funções verificadas':>20}"
        f"  alvo ≥ {ALVO_POR_SEGUNDO:,}/s".replace(",", ".")
    )
    print(cabecalho)
    print("-" * len(cabecalho))
    todos_ok = True
    carga_antes = os.getloadavg()[0]
    for identificador, nome in ((6, "10 (identificador 6)"), (8, "11 (identificador 8)")):
        parametros = ParametrosFaturamento(
            segmento=2, codigo_empresa="0123", identificador_valor=identificador
        )
        gerador = febraban.Gerador(parametros)

        def verificada(matricula, referencia, valor, identificador=identificador):
            codigo = febraban.codigo_barras(
                valor_centavos=febraban.centavos(valor),
                campo_livre=febraban.campo_livre_conta(matricula, referencia),
                segmento=2,
                identificador_valor=identificador,
                codigo_empresa="0123",
            )
            return febraban.linha_formatada(febraban.linha_digitavel(codigo))

        rapida = _taxa(gerador.linha_conta, entradas)
        lenta = _taxa(verificada, verificadas)
        ok = rapida >= ALVO_POR_SEGUNDO
        todos_ok &= ok
        print(
            f"{nome:<22} {rapida:>18,.0f}/s {rapida / ALVO_POR_SEGUNDO:>6.2f}× "
            f"{lenta:>18,.0f}/s  {'ok' if ok else 'ABAIXO DO ALVO'}".replace(",", ".")
        )
    print()
    print("Linhas por segundo num só processo (Python puro), entradas já na memória.")
    print(
        f"Carga da máquina (load average 1 min): {carga_antes:.1f} no início, "
        f"{os.getloadavg()[0]:.1f} no fim, {os.cpu_count()} CPUs."
    )
    return 0 if todos_ok else 1


if __name__ == "__main__":
    sys.exit(main())
