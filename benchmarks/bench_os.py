"""Service orders on PostgreSQL: the OS list over 1,000,000 OS and encerrar OS vencida.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python benchmarks/bench_os.py

Uses ``BENCH_DATABASE_URL`` (default ``gsan_bench``; created and migrated when
missing) and fills it up to ``BENCH_OS`` service orders (default 1,000,000)
with ``generate_volume --os`` the first time; later runs reuse the rows.

1. OS list: for each common filter, ``BENCH_CONSULTAS`` (default 50) requests
   with varied values through the real view (Django test client: middleware,
   form, selector, template); prints p50/p95 in ms. Target: p95 ≤ 100 ms.
2. Encerrar OS vencida: adds ``BENCH_VENCIDAS`` (default 100,000) pending OS of
   a dedicated type, 40–400 days old, then times
   ``ordens_servico_encerrar_vencidas(dias=30)``. Target: ≤ 10 s. The rows and
   their history are deleted afterwards so the next run starts the same.
"""

import os
import random
import sys
import time

import _comum

ALVO_LISTA_P95_MS = 100.0
ALVO_VENCIDAS_S = 10.0
N_OS = int(os.environ.get("BENCH_OS", "1000000"))
N_CONSULTAS = int(os.environ.get("BENCH_CONSULTAS", "50"))
N_VENCIDAS = int(os.environ.get("BENCH_VENCIDAS", "100000"))
TIPO_VENCIDAS = "Benchmark — OS vencidas"


def _analisar():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ordens_servico_ordemservico")
        cursor.execute("ANALYZE ordens_servico_eventoos")


def _garantir_volume():
    from ordens_servico import volume
    from ordens_servico.models import OrdemServico

    existentes = OrdemServico.objects.exclude(tipo_servico__descricao=TIPO_VENCIDAS).count()
    if existentes < N_OS:
        faltam = N_OS - existentes
        print(f"Gerando {faltam} OS (só na primeira vez)…", flush=True)
        inicio = time.perf_counter()
        volume.criar(faltam, stdout=sys.stdout, semente=existentes + 1)
        print(f"  {faltam} OS em {time.perf_counter() - inicio:.0f} s", flush=True)
        _analisar()
    return OrdemServico.objects.count()


def _usuario():
    from django.contrib.auth.models import Group

    from cadastro.models import Usuario
    from core.papeis import SUPERVISOR
    from ordens_servico.models import Equipe

    unidade = Equipe.objects.filter(ativa=True).order_by("pk").first().unidade
    usuario, criado = Usuario.objects.get_or_create(
        username="bench-os", defaults={"unidade": unidade}
    )
    if criado:
        usuario.groups.add(Group.objects.get(name=SUPERVISOR))
    return usuario


def _consultas(aleatorio, usuario):
    from datetime import timedelta

    from django.db.models import Max
    from django.utils import timezone

    from ordens_servico.models import Equipe, OrdemServico, TipoServico

    tipos = list(TipoServico.objects.exclude(descricao=TIPO_VENCIDAS).values_list("pk", flat=True))
    equipes = list(Equipe.objects.values_list("pk", "unidade_id"))
    maior = OrdemServico.objects.aggregate(m=Max("pk"))["m"]
    hoje = timezone.localdate()

    def periodo():
        fim = hoje - timedelta(days=aleatorio.randrange(0, 900))
        return {"gerada_de": (fim - timedelta(days=30)).isoformat(), "gerada_ate": fim.isoformat()}

    def equipe():
        pk, unidade = aleatorio.choice(equipes)
        return pk, unidade

    return {
        "padrão (abertas da unidade)": lambda: {},
        "situação executada": lambda: {"situacao": "executada"},
        "abertas + unidade + página 3": lambda: {
            "situacao": "abertas",
            "unidade": equipe()[1],
            "pagina": 3,
        },
        "tipo de serviço": lambda: {"situacao": "", "tipo_servico": aleatorio.choice(tipos)},
        "unidade + tipo + abertas": lambda: {
            "situacao": "abertas",
            "unidade": equipe()[1],
            "tipo_servico": aleatorio.choice(tipos),
        },
        "equipe": lambda: {"situacao": "", "equipe": equipe()[0]},
        "período de 30 dias": lambda: {"situacao": "", **periodo()},
        "período + situação executada": lambda: {"situacao": "executada", **periodo()},
        "vencidas": lambda: {"situacao": "", "vencidas": "on"},
        "vencidas da unidade": lambda: {
            "situacao": "",
            "vencidas": "on",
            "unidade": equipe()[1],
        },
        "nº da OS": lambda: {"situacao": "", "numero": aleatorio.randrange(1, maior)},
    }


def _bench_lista(aleatorio):
    from django.test import Client
    from django.urls import reverse

    usuario = _usuario()
    cliente = Client(HTTP_HOST="127.0.0.1")
    cliente.force_login(usuario)
    url = reverse("ordens_servico:lista")
    cliente.get(url)  # warm-up (session, permissions, template loading)
    piores = 0.0
    falhou = False
    print(f"\nLista de OS ({N_CONSULTAS} consultas por filtro, view inteira):")
    print(f"{'filtro':<32} {'p50 ms':>8} {'p95 ms':>8}")
    for nome, parametros in _consultas(aleatorio, usuario).items():
        amostras = []
        for _ in range(N_CONSULTAS):
            dados = parametros()
            inicio = time.perf_counter()
            resposta = cliente.get(url, dados)
            amostras.append((time.perf_counter() - inicio) * 1000)
            if resposta.status_code != 200:
                print(f"  {nome}: HTTP {resposta.status_code}")
                falhou = True
                amostras.append(amostras[-1])
                break
        p50, p95 = _comum.percentis(amostras)
        piores = max(piores, p95)
        print(f"{nome:<32} {p50:8.1f} {p95:8.1f}", flush=True)
    ok = piores <= ALVO_LISTA_P95_MS and not falhou
    print(
        f"Pior p95: {piores:.1f} ms (alvo ≤ {ALVO_LISTA_P95_MS:.0f} ms): {'OK' if ok else 'FORA'}"
    )
    return ok


def _bench_vencidas():
    from django.db import connection

    from ordens_servico import volume
    from ordens_servico.models import EventoOS, OrdemServico, TipoServico
    from ordens_servico.services import ordens_servico_encerrar_vencidas

    tipo, _ = TipoServico.objects.get_or_create(
        descricao=TIPO_VENCIDAS, defaults={"prazo_execucao_horas": 24}
    )
    _limpar(tipo)
    print(f"\nEncerrar OS vencida: criando {N_VENCIDAS} OS pendentes elegíveis…", flush=True)
    volume.criar(
        N_VENCIDAS, tipos=[tipo], situacao=OrdemServico.Situacao.PENDENTE, idade_dias=(40, 400)
    )
    _analisar()
    total = OrdemServico.objects.count()
    inicio = time.perf_counter()
    encerradas = ordens_servico_encerrar_vencidas(tipo_servico=tipo, dias=30)
    gasto = time.perf_counter() - inicio
    eventos = EventoOS.objects.filter(os__tipo_servico=tipo).count()
    ok = encerradas == N_VENCIDAS and eventos == N_VENCIDAS and gasto <= ALVO_VENCIDAS_S
    print(
        f"{encerradas} OS encerradas (+{eventos} linhas de histórico) numa tabela de "
        f"{total} OS em {gasto:.2f} s ({encerradas / gasto:,.0f} OS/s); "
        f"alvo ≤ {ALVO_VENCIDAS_S:.0f} s: {'OK' if ok else 'FORA'}"
    )
    _limpar(tipo)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ordens_servico_ordemservico")
    return ok


def _limpar(tipo):
    from django.db import connection, transaction

    from ordens_servico.models import EventoOS, OrdemServico

    # The history is immutable (model and database trigger): the bench rows are removed
    # with row triggers off for this transaction only (replica role; needs a superuser).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        EventoOS.objects.filter(os__tipo_servico=tipo)._raw_delete(connection.alias)
        OrdemServico.objects.filter(tipo_servico=tipo)._raw_delete(connection.alias)


def main():
    _comum.preparar()
    total = _garantir_volume()
    print(f"{total} OS no banco.")
    aleatorio = random.Random(2026)
    ok_lista = _bench_lista(aleatorio)
    ok_vencidas = _bench_vencidas()
    return 0 if ok_lista and ok_vencidas else 1


if __name__ == "__main__":
    sys.exit(main())
