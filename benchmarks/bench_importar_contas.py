"""CSV import of bills on PostgreSQL: a 1,000,000-row file, imported twice.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python benchmarks/bench_importar_contas.py

Uses ``BENCH_DATABASE_URL`` (default ``gsan_bench``; created and migrated when
missing). Creates, the first time, ``BENCH_IMOVEIS`` imóveis (default 200,000)
in a dedicated inscrição range (localidade 977) and writes a file of
``BENCH_CONTAS`` rows (default 1,000,000: every imóvel × consecutive
referências, matrículas half with the check digit, values with a comma, one row
in ten paid). Deletes the bills of those imóveis, then times:

1. the first import (all rows inserted),
2. the same file again (all rows unchanged),
3. a payment file: the same rows with one in ten more now paid (updated).

Prints rows/s, seconds, peak memory (``ru_maxrss``) and the ratio to the
target (≤ 60 s for 1,000,000 rows).
"""

import logging
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import _comum

ALVO_S = 60.0
N_IMOVEIS = int(os.environ.get("BENCH_IMOVEIS", "200000"))
N_CONTAS = int(os.environ.get("BENCH_CONTAS", "1000000"))
LOCALIDADE = 977
MATRICULA_INICIAL = 80_000_000


def _garantir_imoveis() -> list[int]:
    from cadastro.models import Imovel

    existentes = Imovel.objects.filter(localidade=LOCALIDADE).count()
    if existentes < N_IMOVEIS:
        print(f"Criando {N_IMOVEIS - existentes} imóveis (só na primeira vez)…", flush=True)
        inicio = time.perf_counter()
        lote = []
        for n in range(existentes, N_IMOVEIS):
            lote.append(
                Imovel(
                    matricula=MATRICULA_INICIAL + n,
                    localidade=LOCALIDADE,
                    setor=n // 10_000 + 1,
                    quadra=n % 10_000 // 100 + 1,
                    lote=n % 100 + 1,
                    municipio="Recife",
                    bairro="Boa Viagem",
                    logradouro=f"Rua do Benchmark {n % 500}",
                    numero=str(n % 1000),
                    cep="51020-000",
                    busca="",
                )
            )
            if len(lote) == 10_000:
                Imovel.objects.bulk_create(lote)
                lote = []
        Imovel.objects.bulk_create(lote)
        print(f"  em {time.perf_counter() - inicio:.0f} s", flush=True)
    return list(
        Imovel.objects.filter(localidade=LOCALIDADE)
        .order_by("matricula")
        .values_list("matricula", flat=True)[:N_IMOVEIS]
    )


def _escrever(caminho: Path, matriculas: list[int], *, pagas: tuple[int, ...] = (0,)) -> None:
    from cadastro.validators import digito_modulo11

    aleatorio = random.Random(N_CONTAS)
    categorias = ["residencial", "comercial", "industrial", "pública"]
    with open(caminho, "w", encoding="utf-8", newline="") as f:
        f.write("matricula;referencia;vencimento;valor;categoria;situacao;pagamento\n")
        n = 0
        referencia = 0
        while n < N_CONTAS:
            ano, mes = 2020 + (referencia // 12), referencia % 12 + 1
            for i, matricula in enumerate(matriculas):
                if n >= N_CONTAS:
                    break
                texto = f"{matricula}-{digito_modulo11(matricula)}" if i % 2 else str(matricula)
                valor = f"{aleatorio.randint(1000, 99999) // 100},{aleatorio.randint(0, 99):02d}"
                dia = i % 28 + 1
                if n % 10 in pagas:
                    situacao, pagamento = "paga", f"{dia:02d}/{mes:02d}/{ano}"
                else:
                    situacao, pagamento = "em_aberto", ""
                f.write(
                    f"{texto};{ano}{mes:02d};{dia:02d}/{mes:02d}/{ano};{valor};"
                    f"{categorias[i % 4]};{situacao};{pagamento}\n"
                )
                n += 1
            referencia += 1


def _rodada(nome, caminho):
    from faturamento.services.importacao import importar_arquivo

    inicio = time.perf_counter()
    relatorio = importar_arquivo(caminho)
    segundos = time.perf_counter() - inicio
    pico_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{nome}: {relatorio.lidas} linhas em {segundos:.1f} s = "
        f"{relatorio.lidas / segundos:,.0f} linhas/s; inseridas {relatorio.inseridas}, "
        f"atualizadas {relatorio.atualizadas}, inalteradas {relatorio.inalteradas}, "
        f"rejeitadas {relatorio.rejeitadas}; pico de memória {pico_mb:.0f} MB; "
        f"{segundos / ALVO_S:.2f} do alvo de {ALVO_S:.0f} s",
        flush=True,
    )
    return relatorio, segundos


def main() -> int:
    _comum.preparar()
    from django.db import connection

    registro = logging.getLogger("faturamento.services.importacao")
    registro.setLevel(logging.INFO)
    registro.addHandler(logging.StreamHandler(sys.stdout))
    registro.propagate = False  # printed once, here, not again by the settings' handlers

    matriculas = _garantir_imoveis()
    with connection.cursor() as cursor:
        # Raw: the ORM's delete would load every bill to cascade (no sends here).
        cursor.execute(
            "DELETE FROM faturamento_conta WHERE imovel_id IN"
            " (SELECT id FROM cadastro_imovel WHERE localidade = %s)",
            [LOCALIDADE],
        )
        if cursor.rowcount:
            print(f"{cursor.rowcount} contas de rodadas anteriores apagadas.", flush=True)
        cursor.execute("VACUUM ANALYZE faturamento_conta")
    with tempfile.TemporaryDirectory() as pasta:
        caminho = Path(pasta) / "contas.csv"
        inicio = time.perf_counter()
        _escrever(caminho, matriculas)
        tamanho_mb = caminho.stat().st_size / 1024 / 1024
        print(
            f"Arquivo de {N_CONTAS} linhas ({tamanho_mb:.0f} MB) escrito em "
            f"{time.perf_counter() - inicio:.0f} s.",
            flush=True,
        )
        primeiro, s1 = _rodada("1ª importação (inserção)", caminho)
        segundo, s2 = _rodada("2ª importação (mesmo arquivo)", caminho)
        pagamentos = Path(pasta) / "pagamentos.csv"
        _escrever(pagamentos, matriculas, pagas=(0, 1))
        terceiro, s3 = _rodada("3ª importação (1 em 10 contas agora paga)", pagamentos)
    ok = (
        primeiro.inseridas == N_CONTAS
        and segundo.inalteradas == N_CONTAS
        and segundo.inseridas == segundo.atualizadas == 0
        and terceiro.atualizadas == N_CONTAS // 10
    )
    if not ok:
        print("ERRO: as contagens não conferem.", flush=True)
        return 1
    print(f"Pior rodada: {max(s1, s2, s3):.1f} s para {N_CONTAS} linhas (alvo ≤ {ALVO_S:.0f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
