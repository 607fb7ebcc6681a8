"""RA search and the unit queue over 1,000,000 RAs and 500,000 imóveis: p50/p95.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python benchmarks/bench_ra_busca.py

Uses ``BENCH_DATABASE_URL`` (default ``gsan_bench``; created and migrated when
missing). The first run fills it up to ``BENCH_IMOVEIS`` imóveis (default 500,000)
and ``BENCH_RAS`` RAs (default 1,000,000) with ``generate_volume`` (``--ras`` when
the atendimento app offers it, else the SQL generator in ``_volume_ra.py``); later
runs reuse the rows. Each kind of search runs ``BENCH_CONSULTAS`` (default 200)
different terms, kinds interleaved, through the real view (test client:
middleware, session, selector, template) and through the selector alone (one
page of 25 rows). Target: view p95 ≤ 100 ms, with no date range required.
"""

import datetime
import importlib
import importlib.util
import os
import random
import sys
import time

import _comum

ALVO_P95_MS = 100.0
N_IMOVEIS = int(os.environ.get("BENCH_IMOVEIS", "500000"))
N_RAS = int(os.environ.get("BENCH_RAS", "1000000"))
N_CONSULTAS = int(os.environ.get("BENCH_CONSULTAS", "200"))


def _generate_volume_tem_ras() -> bool:
    if importlib.util.find_spec("atendimento.volume") is None:
        return False
    return "ras" in getattr(importlib.import_module("atendimento.volume"), "OPCOES", {})


def _garantir_volume():
    from django.core.management import call_command

    from atendimento.models import RegistroAtendimento
    from cadastro.models import Imovel

    if (faltam := N_IMOVEIS - Imovel.objects.count()) > 0:
        print(f"Gerando {faltam} imóveis (só na primeira vez)…", flush=True)
        call_command("generate_volume", imoveis=faltam)
    if (faltam := N_RAS - RegistroAtendimento.objects.count()) > 0:
        inicio = time.monotonic()
        if _generate_volume_tem_ras():
            print(f"Gerando {faltam} RAs com generate_volume --ras…", flush=True)
            call_command("generate_volume", ras=faltam)
        else:
            import _volume_ra

            print(f"Gerando {faltam} RAs com o gerador SQL do benchmark…", flush=True)
            _volume_ra.gerar_ras(faltam, sys.stdout)
        print(f"… em {time.monotonic() - inicio:.0f} s", flush=True)
    return Imovel.objects.count(), RegistroAtendimento.objects.count()


def _usuarios(aleatorio):
    """One supervisor (sees everything) and users of the busiest units (their queues)."""
    from django.contrib.auth.models import Group
    from django.db.models import Count, Q

    from atendimento.models import RegistroAtendimento
    from cadastro.models import UnidadeOrganizacional, Usuario
    from core.papeis import ATENDENTE, SUPERVISOR

    central, _ = UnidadeOrganizacional.objects.get_or_create(
        sigla="BENCH", defaults={"nome": "Benchmark", "tipo": "central", "abre_ra": True}
    )
    supervisor, criado = Usuario.objects.get_or_create(
        username="bench-supervisor", defaults={"unidade": central}
    )
    if criado:
        supervisor.groups.add(Group.objects.get(name=SUPERVISOR))
    unidades = list(
        RegistroAtendimento.objects.filter(~Q(situacao="encerrado"))
        .values("unidade_atual")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("unidade_atual", flat=True)[:10]
    )
    da_fila = []
    for unidade_id in unidades:
        usuario, criado = Usuario.objects.get_or_create(
            username=f"bench-fila-{unidade_id}", defaults={"unidade_id": unidade_id}
        )
        if criado:
            usuario.groups.add(Group.objects.get(name=ATENDENTE))
        da_fila.append(usuario)
    return supervisor, da_fila


def _amostra_ras(quantidade, aleatorio):
    from django.db.models import Max, Min

    from atendimento.models import RegistroAtendimento

    limites = RegistroAtendimento.objects.aggregate(menor=Min("pk"), maior=Max("pk"))
    ids = [aleatorio.randint(limites["menor"], limites["maior"]) for _ in range(quantidade * 2)]
    ras = list(RegistroAtendimento.objects.filter(pk__in=ids).select_related("imovel", "cliente"))
    aleatorio.shuffle(ras)
    return ras


def _termos(aleatorio, usuarios_fila):
    from cadastro.validators import digito_modulo11

    ras = _amostra_ras(N_CONSULTAS * 3, aleatorio)
    com_imovel = [ra for ra in ras if ra.imovel_id][:N_CONSULTAS]
    com_cliente = [ra for ra in ras if ra.cliente_id][N_CONSULTAS : 2 * N_CONSULTAS]
    matriculas = []
    for i, ra in enumerate(com_imovel):
        m = ra.imovel.matricula
        matriculas.append([f"{m}-{digito_modulo11(m)}", f"{m}{digito_modulo11(m)}", str(m)][i % 3])
    nomes = []
    for i, ra in enumerate(com_cliente):
        partes = ra.cliente.nome.split()
        nomes.append(ra.cliente.nome if i % 2 else f"{partes[0]} {partes[-1]}")
    hoje = datetime.date.today()
    periodos = []
    for _ in range(N_CONSULTAS):
        inicio = hoje - datetime.timedelta(days=aleatorio.randint(365, 5 * 365))
        fim = inicio + datetime.timedelta(days=365)
        periodos.append({"abertura_de": inicio.isoformat(), "abertura_ate": fim.isoformat()})
    return {
        "fila da unidade": [
            ("fila", usuarios_fila[i % len(usuarios_fila)], {}) for i in range(N_CONSULTAS)
        ],
        "protocolo": [("busca", None, {"protocolo": ra.protocolo}) for ra in ras[:N_CONSULTAS]],
        "matrícula": [("busca", None, {"matricula": m}) for m in matriculas],
        "nome do cliente": [("busca", None, {"cliente": n}) for n in nomes],
        "período de 1 ano": [("busca", None, p) for p in periodos],
        "vencidos": [
            ("busca", None, {"status_prazo": "vencido", "ordem": ordem})
            for ordem in ["prazo", "-abertura"] * (N_CONSULTAS // 2)
        ],
    }


def _medir(termos, supervisor, aleatorio):
    from django.test import Client
    from django.urls import reverse

    from atendimento import selectors

    clientes_http = {}

    def cliente_de(usuario):
        if usuario.pk not in clientes_http:
            c = Client(HTTP_HOST="127.0.0.1")
            c.force_login(usuario)
            clientes_http[usuario.pk] = c
        return clientes_http[usuario.pk]

    urls = {"busca": reverse("atendimento:busca"), "fila": reverse("atendimento:minha_unidade")}
    fila = [(tipo, t) for tipo, lista in termos.items() for t in lista]
    aleatorio.shuffle(fila)
    for _tipo, (tela, usuario, filtros) in fila[:30]:  # warm caches and connections
        cliente_de(usuario or supervisor).get(urls[tela], filtros)
    medidas = {tipo: {"tela": [], "seletor": [], "achou": 0} for tipo in termos}
    for tipo, (tela, usuario, filtros) in fila:
        usuario = usuario or supervisor
        inicio = time.perf_counter()
        resposta = cliente_de(usuario).get(urls[tela], filtros)
        medidas[tipo]["tela"].append((time.perf_counter() - inicio) * 1000)
        assert resposta.status_code == 200, (filtros, resposta.status_code)
        assert b"Corrija os filtros" not in resposta.content, filtros
        inicio = time.perf_counter()
        if tela == "fila":
            qs = selectors.fila_unidade(usuario=usuario)
            selectors.contagem_por_status_prazo(usuario=usuario, unidade=usuario.unidade)
        else:
            qs = selectors.registro_atendimento_list(usuario=usuario, filtros=filtros)
        pagina = selectors.paginar(qs, pagina=1, tamanho=25)
        medidas[tipo]["seletor"].append((time.perf_counter() - inicio) * 1000)
        medidas[tipo]["achou"] += bool(pagina.itens)
    return medidas


def _painel(supervisor, vezes=10):
    from django.test import Client
    from django.urls import reverse

    cliente_http = Client(HTTP_HOST="127.0.0.1")
    cliente_http.force_login(supervisor)
    cliente_http.get(reverse("atendimento:painel"))
    tempos = []
    for _ in range(vezes):
        inicio = time.perf_counter()
        assert cliente_http.get(reverse("atendimento:painel")).status_code == 200
        tempos.append((time.perf_counter() - inicio) * 1000)
    return sorted(tempos)[len(tempos) // 2]


def main():
    _comum.preparar()
    from django.db import connection

    imoveis, ras = _garantir_volume()
    aleatorio = random.Random(20261125)
    supervisor, usuarios_fila = _usuarios(aleatorio)
    termos = _termos(aleatorio, usuarios_fila)
    print()
    print(
        f"Busca de RAs — {ras:,} RAs e {imoveis:,} imóveis no PostgreSQL ".replace(",", ".")
        + f"({connection.settings_dict['NAME']}), {N_CONSULTAS} consultas por tipo"
    )
    print()
    cabecalho = (
        f"{'consulta':<17} {'n':>4} {'achou':>5} {'tela p50':>9} {'tela p95':>9} "
        f"{'seletor p50':>12} {'seletor p95':>12}  alvo p95 ≤ {ALVO_P95_MS:.0f} ms"
    )
    print(cabecalho)
    print("-" * len(cabecalho))
    carga_antes = os.getloadavg()[0]
    medidas = _medir(termos, supervisor, aleatorio)
    todos_ok = True
    for tipo, m in medidas.items():
        t50, t95 = _comum.percentis(m["tela"])
        s50, s95 = _comum.percentis(m["seletor"])
        ok = t95 <= ALVO_P95_MS
        todos_ok &= ok
        print(
            f"{tipo:<17} {len(m['tela']):>4} {m['achou']:>5} {t50:>8.1f}  {t95:>8.1f}  "
            f"{s50:>11.1f}  {s95:>11.1f}   {'ok' if ok else 'ACIMA DO ALVO'}"
        )
    print()
    painel = _painel(supervisor)
    print(f"Painel do supervisor (contagens sobre todos os RAs em aberto): p50 {painel:.0f} ms")
    print()
    print("Tempos em milissegundos no servidor (test client: middleware, consultas, template),")
    print("sem rede; 'seletor' = uma página de 25 linhas. Nenhuma consulta exige período.")
    print(
        f"Carga da máquina (load average 1 min): {carga_antes:.1f} no início, "
        f"{os.getloadavg()[0]:.1f} no fim, {os.cpu_count()} CPUs."
    )
    return 0 if todos_ok else 1


if __name__ == "__main__":
    sys.exit(main())
