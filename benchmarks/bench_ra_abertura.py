"""Opening an RA through its service: p50/p95, and 10,000 concurrent openings with
zero duplicate protocols.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python benchmarks/bench_ra_abertura.py

Uses ``BENCH_DATABASE_URL`` (default ``gsan_bench``, shared with the other
benchmarks, so openings run next to their volume of imóveis and RAs). Needs at
least ``BENCH_IMOVEIS_ABERTURA`` imóveis (default 20,000; generated when
missing). Each opening is the full path of ``registro_atendimento_abrir``:
validations, duplicate check under the imóvel's row lock, deadline with
holidays, protocol from the row-locked counter, RA + trâmite + event +
simple-history rows, the OS seam and the SMS seam (message row; its Celery
enqueue runs on commit).

Part 1: ``BENCH_SEQUENCIAL`` (default 500) openings one after the other → p50/p95
(target p95 ≤ 20 ms). Part 2: ``BENCH_CONCORRENTE`` (default 10,000) openings by
``BENCH_THREADS`` (default 8) threads at once → throughput, p50/p95 under
contention, duplicate protocols (target 0) and gaps in the sequence.
"""

import os
import random
import sys
import threading
import time

os.environ.setdefault("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
import _comum

ALVO_P95_MS = 20.0
N_IMOVEIS = int(os.environ.get("BENCH_IMOVEIS_ABERTURA", "20000"))
N_SEQUENCIAL = int(os.environ.get("BENCH_SEQUENCIAL", "500"))
N_CONCORRENTE = int(os.environ.get("BENCH_CONCORRENTE", "10000"))
N_THREADS = int(os.environ.get("BENCH_THREADS", "8"))
AQUECIMENTO = 20


def _preparar():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from atendimento.demo import catalogo_carregar
    from atendimento.models import MeioSolicitacao
    from cadastro.models import Imovel, UnidadeOrganizacional, Usuario
    from core.papeis import ATENDENTE

    if Imovel.objects.count() < N_IMOVEIS:
        faltam = N_IMOVEIS - Imovel.objects.count()
        print(f"Gerando {faltam} imóveis (só na primeira vez)…", flush=True)
        call_command("generate_volume", imoveis=faltam)
    central, _ = UnidadeOrganizacional.objects.get_or_create(
        sigla="BENCH-CAT",
        defaults={
            "nome": "Central (benchmark)",
            "tipo": "central",
            "abre_ra": True,
            "central_atendimento": True,
        },
    )
    manutencao, _ = UnidadeOrganizacional.objects.get_or_create(
        sigla="BENCH-MAN", defaults={"nome": "Manutenção (benchmark)", "tipo": "operacional"}
    )
    usuario, criado = Usuario.objects.get_or_create(
        username="bench-abertura", defaults={"unidade": central}
    )
    if criado:
        usuario.groups.add(Group.objects.get(name=ATENDENTE))
    catalogo = catalogo_carregar()
    # Real especificações: one that generates an OS and texts the requester.
    especificacoes = [
        catalogo["Vazamento de água na via pública"],
        catalogo["Vazamento no cavalete"],
        catalogo["Água com cor ou cheiro"],
        catalogo["Retorno de esgoto no imóvel"],
    ]
    for esp in especificacoes:
        if esp.unidade_destino is None:
            esp.unidade_destino = manutencao
            esp.save(update_fields=["unidade_destino"])
    meio = MeioSolicitacao.objects.get(nome="Telefone")
    return usuario, especificacoes, meio


def _imoveis_livres(especificacao, quantidade, aleatorio):
    """Imóveis without an open RA of this especificação (else the duplicate rule refuses)."""
    from django.db.models import Exists, Max, Min, OuterRef

    from atendimento.models import RegistroAtendimento
    from atendimento.selectors import EM_ABERTO
    from cadastro.models import Imovel

    limites = Imovel.objects.aggregate(menor=Min("pk"), maior=Max("pk"))
    aberto = RegistroAtendimento.objects.filter(
        imovel=OuterRef("pk"), especificacao=especificacao, situacao__in=EM_ABERTO
    )
    escolhidos = set()
    while len(escolhidos) < quantidade:
        ids = {aleatorio.randint(limites["menor"], limites["maior"]) for _ in range(quantidade)}
        escolhidos |= set(
            Imovel.objects.filter(pk__in=ids - escolhidos)
            .exclude(Exists(aberto))
            .values_list("pk", flat=True)
        )
    lista = list(escolhidos)[:quantidade]
    return list(Imovel.objects.filter(pk__in=lista))


def _abrir(usuario, especificacao, meio, imovel, n):
    from atendimento.services import registro_atendimento_abrir

    return registro_atendimento_abrir(
        usuario=usuario,
        especificacao=especificacao,
        meio=meio,
        descricao="Vazamento forte na calçada (benchmark).",
        tipo_solicitante="livre",
        solicitante_nome=f"Solicitante {n}",
        solicitante_telefone=f"819{99000000 + n % 999999:08d}",
        imovel=imovel,
    )


def _trabalho(usuario, especificacoes, meio, imoveis_por_esp, total, aleatorio):
    fila = []
    for i in range(total):
        esp = especificacoes[i % len(especificacoes)]
        fila.append((esp, imoveis_por_esp[esp.pk].pop()))
    aleatorio.shuffle(fila)
    return fila


def main():
    _comum.preparar()
    from django.db import connection

    from atendimento.models import RegistroAtendimento

    aleatorio = random.Random(20261125)
    usuario, especificacoes, meio = _preparar()
    total = AQUECIMENTO + N_SEQUENCIAL + N_CONCORRENTE
    por_esp = -(-total // len(especificacoes))
    imoveis = {e.pk: _imoveis_livres(e, por_esp, aleatorio) for e in especificacoes}
    fila = _trabalho(usuario, especificacoes, meio, imoveis, total, aleatorio)
    ras_antes = RegistroAtendimento.objects.count()

    # Part 1: one after the other.
    tempos = []
    for n, (esp, imovel) in enumerate(fila[: AQUECIMENTO + N_SEQUENCIAL]):
        inicio = time.perf_counter()
        _abrir(usuario, esp, meio, imovel, n)
        if n >= AQUECIMENTO:
            tempos.append((time.perf_counter() - inicio) * 1000)
    p50, p95 = _comum.percentis(tempos)

    # Part 2: N_THREADS threads at once.
    restante = fila[AQUECIMENTO + N_SEQUENCIAL :]
    partes = [restante[i::N_THREADS] for i in range(N_THREADS)]
    protocolos, tempos_conc, erros = [], [], []
    trava = threading.Lock()
    largada = threading.Barrier(N_THREADS)

    def rodar(parte, base):
        meus, medidas = [], []
        try:
            largada.wait()
            for k, (esp, imovel) in enumerate(parte):
                inicio = time.perf_counter()
                ra = _abrir(usuario, esp, meio, imovel, base + k)
                medidas.append((time.perf_counter() - inicio) * 1000)
                meus.append(ra.protocolo)
        except Exception as exc:  # reported after the run
            erros.append(repr(exc))
        finally:
            connection.close()
            with trava:
                protocolos.extend(meus)
                tempos_conc.extend(medidas)

    threads = [
        threading.Thread(target=rodar, args=(parte, 1_000_000 * (i + 1)))
        for i, parte in enumerate(partes)
    ]
    inicio = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duracao = time.perf_counter() - inicio
    c50, c95 = _comum.percentis(tempos_conc) if tempos_conc else (0.0, 0.0)
    duplicados = len(protocolos) - len(set(protocolos))
    por_prefixo = {}
    for p in protocolos:
        por_prefixo.setdefault(p[:5], []).append(int(p[5:]))
    lacunas = sum(max(s) - min(s) + 1 - len(s) for s in por_prefixo.values())
    no_banco = RegistroAtendimento.objects.count() - ras_antes

    print()
    print(
        f"Abertura de RA pelo serviço — PostgreSQL ({connection.settings_dict['NAME']}), "
        f"{ras_antes:,} RAs já existentes".replace(",", ".")
    )
    print()
    print(
        f"Sequencial: {len(tempos)} aberturas   p50 {p50:.1f} ms   p95 {p95:.1f} ms   "
        f"(alvo p95 ≤ {ALVO_P95_MS:.0f} ms) {'ok' if p95 <= ALVO_P95_MS else 'ACIMA DO ALVO'}"
    )
    print(
        f"Concorrente: {len(protocolos)} aberturas em {N_THREADS} threads, {duracao:.1f} s "
        f"({len(protocolos) / duracao:.0f} RAs/s)   p50 {c50:.1f} ms   p95 {c95:.1f} ms"
    )
    print(
        f"Protocolos duplicados: {duplicados}   lacunas na sequência: {lacunas}   "
        f"RAs gravados: {no_banco}   erros: {len(erros)}"
    )
    for erro in erros[:5]:
        print(f"  erro: {erro}")
    print(
        f"Carga da máquina (load average 1 min): {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs."
    )
    ok = p95 <= ALVO_P95_MS and duplicados == 0 and not erros
    ok &= len(protocolos) == len(restante)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
