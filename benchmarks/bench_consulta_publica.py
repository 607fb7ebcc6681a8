"""The public status page by protocol (``/p/<protocolo>``, ``/acompanhar/<protocolo>/``):
server time p50/p95/max, in process through the test client on PostgreSQL.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python benchmarks/bench_consulta_publica.py

Uses ``BENCH_DATABASE_URL`` (default ``gsan_bench``; created and migrated when
missing). Rows around the pages: up to ``BENCH_IMOVEIS`` imóveis (default 20,000, by
``generate_volume``) and ``BENCH_RAS`` RAs (default 100,000, by the SQL generator of
``_volume_ra.py``, with their history). Then, once, ``BENCH_AMOSTRA`` (default 100)
realistic RAs of a citizen's kind: each with 4 public messages (the company's and the
requester's), 2 internal notes, 2 reiterações (own protocols) and a closed third of
them. Each round looks up ``BENCH_CONSULTAS`` (default 300) protocols of each kind —
the RA's own (by the SMS short link), a reiteração's, and a guessed one that does not
exist — interleaved, each from its own IP (so the per-IP limit, counted in the real
Redis, is part of the time but never reached), with the database connection kept
between requests as in production (``CONN_MAX_AGE`` 60 unless set). Target: p95 ≤
20 ms. Prints the figures; asserts nothing.
"""

import datetime
import os
import random
import sys
import time

import _comum

ALVO_P95_MS = 20.0
N_IMOVEIS = int(os.environ.get("BENCH_IMOVEIS", "20000"))
N_RAS = int(os.environ.get("BENCH_RAS", "100000"))
N_AMOSTRA = int(os.environ.get("BENCH_AMOSTRA", "100"))
N_CONSULTAS = int(os.environ.get("BENCH_CONSULTAS", "300"))
PREFIXO_RA = "20267"  # the volume generator's protocols start with 20999
PREFIXO_REITERACAO = "20268"


def _n(numero: int) -> str:
    return f"{numero:,}".replace(",", ".")


def _garantir_volume():
    import _volume_ra
    from django.core.management import call_command

    from atendimento.models import RegistroAtendimento
    from cadastro.models import Imovel

    if (faltam := N_IMOVEIS - Imovel.objects.count()) > 0:
        print(f"Gerando {_n(faltam)} imóveis (só na primeira vez)…", flush=True)
        call_command("generate_volume", imoveis=faltam)
    if (faltam := N_RAS - RegistroAtendimento.objects.count()) > 0:
        print(f"Gerando {_n(faltam)} RAs com o gerador SQL do benchmark…", flush=True)
        _volume_ra.gerar_ras(faltam, sys.stdout)
    return Imovel.objects.count(), RegistroAtendimento.objects.count()


def _amostra():
    """The sample RAs (created once): own protocol, reiterações' protocols."""
    from django.db import transaction
    from django.utils import timezone

    from atendimento.models import (
        MensagemAtendimento,
        MotivoEncerramento,
        RegistroAtendimento,
        Reiteracao,
    )

    RA = RegistroAtendimento
    existentes = RA.objects.filter(protocolo__startswith=PREFIXO_RA).count()
    if existentes < N_AMOSTRA:
        base = RA.objects.filter(situacao="pendente", imovel__isnull=False).first()
        motivo = MotivoEncerramento.objects.filter(tipo="executado").first()
        agora = timezone.now()
        print(f"Criando {N_AMOSTRA - existentes} RAs de amostra…", flush=True)
        with transaction.atomic():
            for i in range(existentes, N_AMOSTRA):
                abertura = agora - datetime.timedelta(days=2, hours=i % 24)
                prevista = abertura + datetime.timedelta(days=3)
                encerrado = i % 3 == 0
                ra = RA.objects.create(
                    protocolo=f"{PREFIXO_RA}{i:09d}",
                    especificacao=base.especificacao,
                    meio=base.meio,
                    situacao="encerrado" if encerrado else "pendente",
                    descricao="Vazamento na calçada em frente ao número 120.",
                    imovel=base.imovel,
                    latitude=base.latitude,
                    longitude=base.longitude,
                    tipo_solicitante="livre",
                    solicitante_nome=f"Solicitante de amostra {i}",
                    solicitante_telefone=f"+5581990{i:06d}",
                    unidade_abertura=base.unidade_abertura,
                    usuario_abertura=base.usuario_abertura,
                    unidade_atual=base.unidade_atual,
                    data_abertura=abertura,
                    data_prevista_original=prevista,
                    data_prevista_atual=prevista,
                    data_atencao=abertura + datetime.timedelta(days=2),
                    data_encerramento=agora if encerrado else None,
                    motivo_encerramento=motivo if encerrado else None,
                    parecer_encerramento="Reparo concluído." if encerrado else "",
                )
                textos = [
                    ("publica", False, "Recebemos o seu pedido; a equipe foi acionada."),
                    ("interna", False, "Verificar se há registro de manobra no setor."),
                    ("publica", True, "O vazamento aumentou, está descendo a rua."),
                    ("publica", False, "A equipe está a caminho, previsão de chegada à tarde."),
                    ("interna", False, "Equipe 3 alocada."),
                    ("publica", False, "Reparo em andamento; o abastecimento volta à noite."),
                ]
                MensagemAtendimento.objects.bulk_create(
                    MensagemAtendimento(
                        ra=ra,
                        visibilidade=vis,
                        texto=texto,
                        do_solicitante=do_solicitante,
                        autor=None if do_solicitante else base.usuario_abertura,
                        data=abertura + datetime.timedelta(hours=n + 1),
                    )
                    for n, (vis, do_solicitante, texto) in enumerate(textos)
                )
                Reiteracao.objects.bulk_create(
                    Reiteracao(
                        ra=ra,
                        tipo="relato" if r else "contato",
                        protocolo=f"{PREFIXO_REITERACAO}{i * 2 + r:09d}",
                        solicitante_nome=f"Vizinho {i}.{r}",
                        usuario=base.usuario_abertura,
                        data=abertura + datetime.timedelta(hours=3 + r),
                    )
                    for r in range(2)
                )
    proprios = list(
        RA.objects.filter(protocolo__startswith=PREFIXO_RA).values_list("protocolo", flat=True)
    )
    reiteracoes = list(
        Reiteracao.objects.filter(protocolo__startswith=PREFIXO_REITERACAO).values_list(
            "protocolo", flat=True
        )
    )
    return proprios, reiteracoes


def _medir(proprios, reiteracoes, aleatorio):
    from django.db import connection
    from django.test import Client

    cliente = Client(HTTP_HOST="127.0.0.1")
    consultas = (
        [
            ("protocolo do RA (/p/)", f"/p/{aleatorio.choice(proprios)}", 200)
            for _ in range(N_CONSULTAS)
        ]
        + [
            ("protocolo de reiteração", f"/acompanhar/{aleatorio.choice(reiteracoes)}/", 200)
            for _ in range(N_CONSULTAS)
        ]
        + [
            ("inexistente (adivinhado)", f"/acompanhar/20265{aleatorio.randrange(10**9):09d}/", 404)
            for _ in range(N_CONSULTAS)
        ]
    )
    aleatorio.shuffle(consultas)
    ip = iter(range(1, 10**7))

    def pedir(url):
        n = next(ip)
        return cliente.get(url, REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")

    for _, url, _ in consultas[:30]:  # warm caches and connections
        pedir(url)
    contadas = []

    def contar(execute, sql, params, many, context):
        contadas.append(sql)
        return execute(sql, params, many, context)

    # Not CaptureQueriesContext: each request's start clears the query log it reads.
    with connection.execute_wrapper(contar):
        pedir(f"/p/{proprios[0]}")
    tempos = {tipo: [] for tipo, _, _ in consultas}
    cpus = []  # this process's CPU per request: what a busy machine does not inflate
    for tipo, url, esperado in consultas:
        inicio, cpu = time.perf_counter(), time.process_time()
        resposta = pedir(url)
        tempos[tipo].append((time.perf_counter() - inicio) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert resposta.status_code == esperado, (url, resposta.status_code)
    return tempos, cpus, len(contadas)


def main():
    # As production.py: a web process keeps its database connection between requests.
    os.environ.setdefault("CONN_MAX_AGE", "60")
    _comum.preparar()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # one "Not Found" per 404
    from django.db import connection

    imoveis, ras = _garantir_volume()
    proprios, reiteracoes = _amostra()
    aleatorio = random.Random(20261201)
    print()
    print(
        f"Consulta pública do protocolo — {_n(ras)} RAs e {_n(imoveis)} imóveis no PostgreSQL "
        f"({connection.settings_dict['NAME']}); amostra de {len(proprios)} RAs com 4 mensagens "
        f"públicas, 2 notas internas e 2 reiterações cada"
    )
    print()
    carga_antes = os.getloadavg()[0]
    tempos, cpus, n_consultas_sql = _medir(proprios, reiteracoes, aleatorio)
    cabecalho = (
        f"{'protocolo':<26} {'n':>4} {'p50':>7} {'p95':>7} {'máx':>7}   alvo p95 ≤ "
        f"{ALVO_P95_MS:.0f} ms"
    )
    print(cabecalho)
    print("-" * len(cabecalho))
    todos = []
    for tipo, amostras in tempos.items():
        todos += amostras
        p50, p95 = _comum.percentis(amostras)
        print(
            f"{tipo:<26} {len(amostras):>4} {p50:>7.2f} {p95:>7.2f} {max(amostras):>7.2f}   "
            f"{p95 / ALVO_P95_MS:.2f} do alvo"
        )
    p50, p95 = _comum.percentis(todos)
    print(
        f"{'todas':<26} {len(todos):>4} {p50:>7.2f} {p95:>7.2f} {max(todos):>7.2f}   "
        f"{p95 / ALVO_P95_MS:.2f} do alvo ({'ok' if p95 <= ALVO_P95_MS else 'ACIMA DO ALVO'})"
    )
    c50, c95 = _comum.percentis(cpus)
    print(
        f"CPU do processo web por consulta (sem a espera por CPU nem o PostgreSQL): "
        f"p50 {c50:.2f} ms, p95 {c95:.2f} ms"
    )
    print()
    print(
        f"Tempos em milissegundos no servidor (test client: middleware, limite por IP no "
        f"Redis, {n_consultas_sql} consultas SQL, template), sem rede."
    )
    print(
        f"Carga da máquina (load average 1 min): {carga_antes:.1f} no início, "
        f"{os.getloadavg()[0]:.1f} no fim, {os.cpu_count()} CPUs."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
