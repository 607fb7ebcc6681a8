"""Attendant search over 500,000 imóveis on PostgreSQL: p50/p95 server time.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python benchmarks/bench_busca.py

Uses the database ``BENCH_DATABASE_URL`` (default ``gsan_bench``; created and
migrated when missing) and fills it up to ``BENCH_IMOVEIS`` imóveis (default
500,000) with ``generate_volume`` the first time; later runs reuse the rows.
For each kind of search (matrícula, CPF, name, address) it runs
``BENCH_CONSULTAS`` (default 200) different terms through the real search view
(Django test client: middleware, selector, template) and through the selector
alone, and prints p50/p95 in milliseconds against the target p95 ≤ 50 ms.
"""

import os
import random
import sys
import time

import _comum

ALVO_P95_MS = 50.0
N_IMOVEIS = int(os.environ.get("BENCH_IMOVEIS", "500000"))
N_CONSULTAS = int(os.environ.get("BENCH_CONSULTAS", "200"))


def _garantir_volume():
    from django.core.management import call_command

    from cadastro.models import Imovel

    existentes = Imovel.objects.count()
    if existentes < N_IMOVEIS:
        faltam = N_IMOVEIS - existentes
        print(f"Gerando {faltam} imóveis (só na primeira vez)…", flush=True)
        call_command("generate_volume", imoveis=faltam)
    return Imovel.objects.count()


def _usuario():
    from django.contrib.auth.models import Group

    from cadastro.models import UnidadeOrganizacional, Usuario
    from core.papeis import ATENDENTE

    unidade, _ = UnidadeOrganizacional.objects.get_or_create(
        sigla="BENCH", defaults={"nome": "Benchmark", "tipo": "central", "abre_ra": True}
    )
    usuario, criado = Usuario.objects.get_or_create(
        username="bench-atendente", defaults={"unidade": unidade}
    )
    if criado:
        usuario.groups.add(Group.objects.get(name=ATENDENTE))
    return usuario


def _amostra(modelo, quantidade, aleatorio):
    """Random rows by id (fast on big tables, unlike ORDER BY random())."""
    from django.db.models import Max, Min

    limites = modelo.objects.aggregate(menor=Min("pk"), maior=Max("pk"))
    linhas = []
    while len(linhas) < quantidade:
        ids = [aleatorio.randint(limites["menor"], limites["maior"]) for _ in range(quantidade)]
        linhas += list(modelo.objects.filter(pk__in=ids))
    aleatorio.shuffle(linhas)
    return linhas[:quantidade]


def _termos(aleatorio):
    from cadastro.models import Cliente, Imovel
    from cadastro.validators import digito_modulo11, formatar_cpf_cnpj
    from core.texto import normalizar

    imoveis = _amostra(Imovel, N_CONSULTAS * 2, aleatorio)
    clientes = _amostra(Cliente, N_CONSULTAS * 2, aleatorio)
    matriculas = []
    for i, imovel in enumerate(imoveis[:N_CONSULTAS]):
        m = imovel.matricula
        matriculas.append([f"{m}-{digito_modulo11(m)}", f"{m}{digito_modulo11(m)}", str(m)][i % 3])
    cpfs = [
        formatar_cpf_cnpj(c.cpf_cnpj) if i % 2 else c.cpf_cnpj
        for i, c in enumerate(c for c in clientes if c.cpf_cnpj)
    ][:N_CONSULTAS]
    nomes = []
    for i, cliente in enumerate(clientes[N_CONSULTAS : 2 * N_CONSULTAS]):
        partes = cliente.nome.split()
        # Half the time the whole name, half first + last name (many more hits).
        nomes.append(cliente.nome if i % 2 else f"{partes[0]} {partes[-1]}")
    enderecos = [
        normalizar(f"{i.logradouro} {i.numero}")  # typed without accents
        for i in imoveis[N_CONSULTAS : 2 * N_CONSULTAS]
    ]
    return {"matrícula": matriculas, "CPF": cpfs, "nome": nomes, "endereço": enderecos}


def _medir(termos, usuario, aleatorio):
    """Time every term through the view and the selector, kinds interleaved so that
    load from other processes on the machine spreads over all of them alike."""
    from django.test import Client
    from django.urls import reverse

    from cadastro.selectors import busca_atendimento

    cliente_http = Client(HTTP_HOST="127.0.0.1")
    cliente_http.force_login(usuario)
    url = reverse("cadastro:busca")
    fila = [(tipo, termo) for tipo, lista in termos.items() for termo in lista]
    aleatorio.shuffle(fila)
    for _tipo, termo in fila[:20]:  # warm caches and connections
        cliente_http.get(url, {"q": termo})
    medidas = {tipo: {"tela": [], "seletor": [], "achou": 0} for tipo in termos}
    for tipo, termo in fila:
        inicio = time.perf_counter()
        resposta = cliente_http.get(url, {"q": termo})
        medidas[tipo]["tela"].append((time.perf_counter() - inicio) * 1000)
        assert resposta.status_code == 200, (termo, resposta.status_code)
        inicio = time.perf_counter()
        resultado = busca_atendimento(termo, usuario)
        medidas[tipo]["seletor"].append((time.perf_counter() - inicio) * 1000)
        medidas[tipo]["achou"] += not resultado.vazio
    return medidas


def main():
    _comum.preparar()
    from django.db import connection

    total = _garantir_volume()
    usuario = _usuario()
    aleatorio = random.Random(20261125)
    termos = _termos(aleatorio)
    print()
    print(f"Busca do atendente — {total:,} imóveis no PostgreSQL ".replace(",", "."), end="")
    print(f"({connection.settings_dict['NAME']}), {N_CONSULTAS} termos por tipo")
    print()
    cabecalho = (
        f"{'busca':<10} {'termos':>6} {'achou':>6} {'tela p50':>9} {'tela p95':>9} "
        f"{'seletor p50':>12} {'seletor p95':>12}  alvo p95 ≤ {ALVO_P95_MS:.0f} ms"
    )
    print(cabecalho)
    print("-" * len(cabecalho))
    todos_ok = True
    carga_antes = os.getloadavg()[0]
    medidas = _medir(termos, usuario, aleatorio)
    for tipo, m in medidas.items():
        t50, t95 = _comum.percentis(m["tela"])
        s50, s95 = _comum.percentis(m["seletor"])
        ok = t95 <= ALVO_P95_MS
        todos_ok &= ok
        print(
            f"{tipo:<10} {len(m['tela']):>6} {m['achou']:>6} {t50:>8.1f}  {t95:>8.1f}  "
            f"{s50:>11.1f}  {s95:>11.1f}   {'ok' if ok else 'ACIMA DO ALVO'}"
        )
    print()
    print("Tempos em milissegundos, medidos no servidor (test client: middleware, consultas,")
    print("template), sem rede. 'achou' = termos com ao menos um resultado.")
    print(
        f"Carga da máquina (load average 1 min): {carga_antes:.1f} no início, "
        f"{os.getloadavg()[0]:.1f} no fim, {os.cpu_count()} CPUs."
    )
    return 0 if todos_ok else 1


if __name__ == "__main__":
    sys.exit(main())
