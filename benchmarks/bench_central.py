"""The operator console (Central de atendimento ao cliente) over 1,000,000 RAs: p50/p95
of its queue with any one filter.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python benchmarks/bench_central.py

Uses ``BENCH_DATABASE_URL`` (default ``gsan_bench``; created and migrated when
missing), filled on the first run up to ``BENCH_IMOVEIS`` imóveis (default 500,000)
and ``BENCH_RAS`` RAs (default 1,000,000, by the SQL generator of ``_volume_ra.py``;
rows already there are kept). Those RAs are all internal, so the first run turns
one in ten into portal contacts (a título; a few closed ones excluded, some with a
complementary status) and gives the console's role to whoever holds RAs. Each
filter runs ``BENCH_CONSULTAS`` (default 100) times with varied values, filters
interleaved, through the real view (test client: middleware, session, filter
form, selector, template; one page of 25 rows) as an operator of a central de
atendimento, and as a unit's operator for his boxes. Target: p95 ≤ 100 ms.
"""

import datetime
import os
import random
import sys
import time

import _comum

ALVO_P95_MS = 100.0
N_CONSULTAS = int(os.environ.get("BENCH_CONSULTAS", "100"))
FRACAO_PORTAL = 10  # one RA in ten comes from the portal


N_IMOVEIS = int(os.environ.get("BENCH_IMOVEIS", "500000"))
N_RAS = int(os.environ.get("BENCH_RAS", "1000000"))


def _garantir_volume():
    """The imóveis of ``generate_volume`` and the RAs of the SQL generator (``_volume_ra``:
    units, operators and responsáveis spread as the console needs), on the first run."""
    from django.core.management import call_command

    from atendimento.models import RegistroAtendimento
    from cadastro.models import Imovel

    if (faltam := N_IMOVEIS - Imovel.objects.count()) > 0:
        print(f"Gerando {faltam} imóveis (só na primeira vez)…", flush=True)
        call_command("generate_volume", imoveis=faltam)
    if (faltam := N_RAS - RegistroAtendimento.objects.count()) > 0:
        import _volume_ra

        inicio = time.monotonic()
        print(f"Gerando {faltam} RAs com o gerador SQL (só na primeira vez)…", flush=True)
        _volume_ra.gerar_ras(faltam, sys.stdout)
        print(f"… em {time.monotonic() - inicio:.0f} s", flush=True)
    return Imovel.objects.count(), RegistroAtendimento.objects.count()


def _preparar_portal():
    """Portal contacts, exclusions and complementary statuses on the volume (once)."""
    from django.db import connection

    from atendimento.models import RegistroAtendimento, StatusComplementar

    # Done once per database; bench_portal's client may already have portal RAs.
    if StatusComplementar.objects.filter(nome="Bench status 0").exists():
        return
    inicio = time.monotonic()
    print("Marcando 1 RA em 10 como contato do portal (só na primeira vez)…", flush=True)
    status = [
        StatusComplementar.objects.get_or_create(nome=f"Bench status {n}")[0].pk for n in range(4)
    ]
    with connection.cursor() as cur:
        cur.execute(
            f"""
            UPDATE atendimento_registroatendimento SET
                origem = 'portal',
                titulo = (ARRAY['Conta alta', 'Falta de água', 'Vazamento', 'Religação',
                                'Segunda via', 'Hidrômetro parado'])[1 + id % 6]
                         || ' ' || id,
                interacao_pendente = CASE WHEN situacao <> 'encerrado' AND id % 7 = 0
                                          THEN 'interna' ELSE interacao_pendente END,
                excluido = (situacao = 'encerrado' AND id % 970 = 0),
                status_complementar_id = CASE WHEN id % 13 = 0
                    THEN (ARRAY{status}::bigint[])[1 + id % 4] END
            WHERE (id * 48271 % 2147483647) % {FRACAO_PORTAL} = 3
            """
        )
        # A volume without responsáveis (generate_volume's): half the open RAs get one.
        cur.execute(
            "SELECT array_agg(id) FROM cadastro_usuario WHERE is_active AND unidade_id IS NOT NULL"
        )
        usuarios = cur.fetchone()[0] or []
        if usuarios and not RegistroAtendimento.objects.filter(responsavel__isnull=False).exists():
            cur.execute(
                f"""
                UPDATE atendimento_registroatendimento
                SET responsavel_id = (ARRAY{usuarios}::bigint[])[1 + id % {len(usuarios)}]
                WHERE situacao <> 'encerrado' AND id % 2 = 0
                """
            )
        cur.execute("VACUUM ANALYZE atendimento_registroatendimento")
    print(f"… em {time.monotonic() - inicio:.0f} s", flush=True)


def _operadores():
    """A central's operator (acts on every unit) and the unit operator with most open RAs."""
    from django.contrib.auth.models import Group
    from django.db.models import Count, Q

    from atendimento.models import RegistroAtendimento
    from cadastro.models import UnidadeOrganizacional, Usuario
    from core.papeis import ATENDENTE

    grupo = Group.objects.get(name=ATENDENTE)
    central, _ = UnidadeOrganizacional.objects.get_or_create(
        sigla="BENCH-CAC",
        defaults={
            "nome": "Central de atendimento (bench)",
            "tipo": "central",
            "abre_ra": True,
            "central_atendimento": True,
        },
    )
    operador, _ = Usuario.objects.get_or_create(
        username="bench-central", defaults={"unidade": central, "first_name": "Operadora"}
    )
    # Whoever holds RAs works the console too (the responsável filter lists them).
    responsaveis = Usuario.objects.filter(
        pk__in=RegistroAtendimento.objects.filter(responsavel__isnull=False)
        .values("responsavel_id")
        .distinct()
    )
    grupo.user_set.add(operador, *responsaveis)
    da_unidade = (
        responsaveis.filter(unidade__central_atendimento=False)
        .annotate(
            n=Count(
                "registros_responsavel",
                filter=~Q(registros_responsavel__situacao=RegistroAtendimento.Situacao.ENCERRADO)
                & Q(registros_responsavel__origem="portal"),
            )
        )
        .order_by("-n")
        .first()
    )
    return operador, da_unidade


def _consultas(aleatorio, operador, da_unidade):
    from atendimento.models import (
        Especificacao,
        MotivoEncerramento,
        RegistroAtendimento,
        StatusComplementar,
        TipoSolicitacao,
    )
    from cadastro.models import Usuario

    tipos = list(TipoSolicitacao.objects.values_list("pk", flat=True))
    especificacoes = list(Especificacao.objects.values_list("pk", flat=True))
    motivos = list(MotivoEncerramento.objects.values_list("pk", flat=True))
    status = list(StatusComplementar.objects.values_list("pk", flat=True))
    responsaveis = list(
        Usuario.objects.filter(groups__permissions__codename="usar_central")
        .exclude(pk=operador.pk)
        .values_list("pk", flat=True)
    )
    ras = list(
        RegistroAtendimento.objects.filter(origem="portal", excluido=False)
        .order_by("?")
        .values_list("pk", "protocolo")[:N_CONSULTAS]
    )
    hoje = datetime.date.today()

    def periodo():
        inicio = hoje - datetime.timedelta(days=aleatorio.randint(0, 5 * 365))
        return {
            "abertura_de": inicio.isoformat(),
            "abertura_ate": (inicio + datetime.timedelta(days=30)).isoformat(),
        }

    def n(gerar, usuario=operador):
        return [(usuario, gerar(i)) for i in range(N_CONSULTAS)]

    escolha = aleatorio.choice
    return {
        "padrão (em aberto, portal)": n(lambda i: {}),
        "origem: todas": n(lambda i: {"origem": "todas"}),
        "caixa: todos": n(lambda i: {"caixa": "todos"}),
        "caixa: encerrados": n(lambda i: {"caixa": "encerrados"}),
        "caixa: excluídos": n(lambda i: {"caixa": "excluidos"}),
        "pendentes do perfil": n(lambda i: {"caixa": "perfil"}),
        "perfil (unidade)": n(lambda i: {"caixa": "perfil"}, da_unidade),
        "pendentes do operador": n(lambda i: {"caixa": "operador"}, da_unidade),
        "classificação": n(lambda i: {"tipo": escolha(tipos)}),
        "subclassificação": n(lambda i: {"especificacao": escolha(especificacoes)}),
        "motivo": n(lambda i: {"motivo": escolha(motivos)}),
        "motivo (encerrados)": n(lambda i: {"caixa": "encerrados", "motivo": escolha(motivos)}),
        "abertura entre (30 d)": n(lambda i: periodo()),
        "prazo expirado": n(lambda i: {"status_prazo": "vencido"}),
        "atenção ao prazo": n(lambda i: {"status_prazo": "atencao"}),
        "dentro do prazo": n(lambda i: {"status_prazo": "no_prazo"}),
        "responsável": n(lambda i: {"responsavel": escolha(responsaveis)}),
        "status: expirado": n(lambda i: {"status": "expirado"}),
        "status: dentro": n(lambda i: {"status": "dentro"}),
        "status complementar": n(lambda i: {"status": f"sc{escolha(status)}"}),
        "protocolo": [(operador, {"protocolo": p, "caixa": "todos"}) for _, p in ras],
        "nº do chamado": [(operador, {"numero": pk, "caixa": "todos"}) for pk, _ in ras],
        **{
            f"ordem: {ordem}": n(lambda i, o=ordem: {"ordem": o})
            for ordem in ("cliente", "operador", "abertura", "chamado", "protocolo", "titulo")
        },
        "todos, ordem cliente": n(lambda i: {"caixa": "todos", "ordem": "cliente"}),
        "página 40": n(lambda i: {"pagina": 40}),
    }


def _medir(consultas, aleatorio):
    from django.test import Client
    from django.urls import reverse

    url = reverse("atendimento:central")
    clientes = {}

    def cliente_de(usuario):
        if usuario.pk not in clientes:
            c = Client(HTTP_HOST="127.0.0.1")
            c.force_login(usuario)
            clientes[usuario.pk] = c
        return clientes[usuario.pk]

    fila = [(nome, u, f) for nome, lista in consultas.items() for u, f in lista]
    aleatorio.shuffle(fila)
    for _nome, usuario, filtros in fila[:30]:  # warm caches and connections
        cliente_de(usuario).get(url, filtros)
    medidas = {nome: {"ms": [], "achou": 0} for nome in consultas}
    for nome, usuario, filtros in fila:
        inicio = time.perf_counter()
        resposta = cliente_de(usuario).get(url, filtros)
        medidas[nome]["ms"].append((time.perf_counter() - inicio) * 1000)
        assert resposta.status_code == 200, (filtros, resposta.status_code)
        assert b"filtros com problema" not in resposta.content, filtros
        medidas[nome]["achou"] += b"data-linha=" in resposta.content
    return medidas


def main():
    _comum.preparar()
    from django.db import connection

    imoveis, ras = _garantir_volume()
    _preparar_portal()
    aleatorio = random.Random(20261201)
    operador, da_unidade = _operadores()
    consultas = _consultas(aleatorio, operador, da_unidade)
    from atendimento.models import RegistroAtendimento

    portal = RegistroAtendimento.objects.filter(origem="portal").count()
    print()

    def milhar(n):
        return f"{n:_}".replace("_", ".")

    print(
        f"Central de atendimento — {milhar(ras)} RAs ({milhar(portal)} do portal), "
        f"{milhar(imoveis)} imóveis, PostgreSQL {connection.settings_dict['NAME']}, "
        f"{N_CONSULTAS} consultas por filtro"
    )
    print()
    cabecalho = f"{'filtro':<28} {'n':>4} {'achou':>5} {'p50':>7} {'p95':>7}"
    cabecalho += f"  alvo p95 ≤ {ALVO_P95_MS:.0f} ms"
    print(cabecalho)
    print("-" * len(cabecalho))
    carga = os.getloadavg()[0]
    medidas = _medir(consultas, aleatorio)
    todos_ok = True
    for nome, m in medidas.items():
        p50, p95 = _comum.percentis(m["ms"])
        ok = p95 <= ALVO_P95_MS
        todos_ok &= ok
        print(
            f"{nome:<28} {len(m['ms']):>4} {m['achou']:>5} {p50:>7.1f} {p95:>7.1f}  "
            f"{'ok' if ok else 'ACIMA DO ALVO'}"
        )
    print()
    print("Milissegundos no servidor (test client: middleware, filtros, consultas, template),")
    print("uma página de 25 linhas, sem contagem (Contar é um pedido à parte).")
    print(
        f"Carga da máquina (load average 1 min): {carga:.1f} no início, "
        f"{os.getloadavg()[0]:.1f} no fim, {os.cpu_count()} CPUs."
    )
    return 0 if todos_ok else 1


if __name__ == "__main__":
    sys.exit(main())
