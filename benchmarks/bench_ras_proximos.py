"""Open RAs near a citizen's report (the triage's duplicate check) over 1,000,000 RAs,
100,000 of them open, spread over Recife: p50/p95/max of ``ras_proximos``.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python benchmarks/bench_ras_proximos.py

Uses ``BENCH_DATABASE_URL`` (default ``gsan_bench``; created and migrated when
missing) and fills it up to ``BENCH_IMOVEIS`` imóveis (default 500,000, by
``generate_volume``) and ``BENCH_RAS`` RAs (default 1,000,000, by the SQL generator
of ``_volume_ra.py``; each RA keeps its imóvel's point, as the opening service does).
Once, it gives a point to RAs of an older database that have none, and closes the
oldest open RAs (or reopens the newest closed ones) so that ``BENCH_ABERTOS``
(default 100,000) are open, the issue's share.

Then ``BENCH_CONSULTAS`` (default 500) random reports, each with the especificação
of a random open RA: half up to 300 m from an open RA (a leak already reported:
duplicates to find), half anywhere in the area the open RAs cover. Each is looked
up with the especificação's radius (250 m) and at the 1,000 m cap, through the
selector the triage screen calls (bounding box on the partial index
``ra_aberto_local``, exact distance, address and photo of each RA found).
Target: p95 ≤ 30 ms. Prints the figures and the plan; asserts nothing.
"""

import math
import os
import random
import sys
import time

import _comum

ALVO_P95_MS = 30.0
N_IMOVEIS = int(os.environ.get("BENCH_IMOVEIS", "500000"))
N_RAS = int(os.environ.get("BENCH_RAS", "1000000"))
N_ABERTOS = int(os.environ.get("BENCH_ABERTOS", "100000"))
N_CONSULTAS = int(os.environ.get("BENCH_CONSULTAS", "500"))
ABERTAS = ("pendente", "bloqueado")


def _n(numero: int) -> str:
    return f"{numero:,}".replace(",", ".")


def _garantir_volume():
    """Imóveis as ``bench_ra_busca.py`` makes them; RAs by the SQL generator (a million
    in minutes, each with its imóvel's point)."""
    import _volume_ra
    from django.core.management import call_command

    from atendimento.models import RegistroAtendimento
    from cadastro.models import Imovel

    if (faltam := N_IMOVEIS - Imovel.objects.count()) > 0:
        print(f"Gerando {faltam} imóveis (só na primeira vez)…", flush=True)
        call_command("generate_volume", imoveis=faltam)
    if (faltam := N_RAS - RegistroAtendimento.objects.count()) > 0:
        inicio = time.monotonic()
        print(f"Gerando {faltam} RAs com o gerador SQL do benchmark…", flush=True)
        _volume_ra.gerar_ras(faltam, sys.stdout)
        print(f"… em {time.monotonic() - inicio:.0f} s", flush=True)
    return Imovel.objects.count(), RegistroAtendimento.objects.count()


def _pontos_e_abertos():
    """Give a point to RAs that have an imóvel with one but none themselves (an older
    volume), and close the oldest open RAs beyond N_ABERTOS."""
    from django.db import connection

    from atendimento.models import MotivoEncerramento

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE atendimento_registroatendimento ra "
            "SET latitude = i.latitude, longitude = i.longitude "
            "FROM cadastro_imovel i WHERE ra.imovel_id = i.id AND ra.latitude IS NULL "
            "AND i.latitude IS NOT NULL"
        )
        if cur.rowcount:
            print(f"{cur.rowcount:,} RAs receberam o ponto do imóvel.".replace(",", "."))
        cur.execute(
            "SELECT count(*) FROM atendimento_registroatendimento WHERE situacao = ANY(%s)",
            [list(ABERTAS)],
        )
        sobra = cur.fetchone()[0] - N_ABERTOS
        if sobra > 0:
            motivo, _ = MotivoEncerramento.objects.get_or_create(
                nome="Volume: executado", defaults={"tipo": "executado"}
            )
            print(f"Encerrando os {sobra:,} RAs abertos mais antigos…".replace(",", "."))
            cur.execute(
                "UPDATE atendimento_registroatendimento SET situacao = 'encerrado', "
                "data_encerramento = data_abertura + interval '1 hour', "
                "motivo_encerramento_id = %s, parecer_encerramento = 'Atendido.', "
                "pausado_desde = NULL "
                "WHERE id IN (SELECT id FROM atendimento_registroatendimento "
                "WHERE situacao = ANY(%s) ORDER BY data_abertura, id LIMIT %s)",
                [motivo.pk, list(ABERTAS), sobra],
            )
        elif sobra < 0:
            # The SQL generator leaves fewer open: reopen the newest closed ones.
            print(f"Reabrindo os {-sobra:,} RAs encerrados mais recentes…".replace(",", "."))
            cur.execute(
                "UPDATE atendimento_registroatendimento SET situacao = 'pendente', "
                "data_encerramento = NULL, motivo_encerramento_id = NULL, "
                "parecer_encerramento = '' "
                "WHERE id IN (SELECT id FROM atendimento_registroatendimento "
                "WHERE situacao = 'encerrado' ORDER BY data_abertura DESC, id DESC LIMIT %s)",
                [-sobra],
            )
        if cur.rowcount or sobra:
            cur.execute("VACUUM ANALYZE atendimento_registroatendimento")


def _abertos_ao_acaso(quantidade, aleatorio):
    from django.db.models import Max, Min

    from atendimento.models import RegistroAtendimento

    limites = RegistroAtendimento.objects.aggregate(menor=Min("pk"), maior=Max("pk"))
    achados = []
    for _ in range(100):
        if len(achados) >= quantidade:
            break
        ids = [aleatorio.randint(limites["menor"], limites["maior"]) for _ in range(20_000)]
        achados += list(
            RegistroAtendimento.objects.filter(
                pk__in=ids, situacao__in=ABERTAS, latitude__isnull=False
            ).values_list("especificacao_id", "latitude", "longitude")
        )
    aleatorio.shuffle(achados)
    return achados[:quantidade]


def _consultas(aleatorio):
    """(kind, especificação id, latitude, longitude) of each simulated report."""
    from django.db.models import Max, Min

    from atendimento.models import RegistroAtendimento

    area = RegistroAtendimento.objects.filter(
        situacao__in=ABERTAS, latitude__isnull=False
    ).aggregate(
        lat_min=Min("latitude"),
        lat_max=Max("latitude"),
        lon_min=Min("longitude"),
        lon_max=Max("longitude"),
    )
    abertos = _abertos_ao_acaso(N_CONSULTAS, aleatorio)
    consultas = []
    for i, (esp, lat, lon) in enumerate(abertos):
        if i % 2 == 0:
            # Up to 300 m from an open RA, in any direction.
            distancia, rumo = aleatorio.uniform(0, 300), aleatorio.uniform(0, 2 * math.pi)
            dlat = distancia * math.cos(rumo) / 111_320
            dlon = distancia * math.sin(rumo) / (111_320 * math.cos(math.radians(float(lat))))
            consultas.append(("perto de um RA", esp, float(lat) + dlat, float(lon) + dlon))
        else:
            consultas.append(
                (
                    "qualquer ponto",
                    esp,
                    aleatorio.uniform(float(area["lat_min"]), float(area["lat_max"])),
                    aleatorio.uniform(float(area["lon_min"]), float(area["lon_max"])),
                )
            )
    return consultas, area


def _plano(especificacao, lat, lon, raio):
    from cidadao.selectors.proximidade import ras_proximos_candidatos

    qs = ras_proximos_candidatos(
        especificacao=especificacao, latitude=lat, longitude=lon, raio_m=raio
    )
    return qs.explain(analyze=True, buffers=True)


def main():
    _comum.preparar()
    from decimal import Decimal

    from django.db import connection

    from atendimento.models import Especificacao, RegistroAtendimento
    from cidadao.selectors.proximidade import ras_proximos

    imoveis, ras = _garantir_volume()
    _pontos_e_abertos()
    abertos = RegistroAtendimento.objects.filter(situacao__in=ABERTAS)
    n_abertos = abertos.count()
    n_com_ponto = abertos.filter(latitude__isnull=False).count()
    aleatorio = random.Random(20261201)
    consultas, area = _consultas(aleatorio)
    especificacoes = {e.pk: e for e in Especificacao.objects.all()}
    n_esp = abertos.values("especificacao").distinct().count()

    def q(lat):
        return Decimal(f"{lat:.6f}")

    raios = {"raio da especificação": None, "teto de 1.000 m": 1000}
    for _, esp, lat, lon in consultas[:30]:  # warm caches and the connection
        ras_proximos(especificacao=especificacoes[esp], latitude=q(lat), longitude=q(lon))
    medidas = {}
    ordem = [(c[0], rotulo, c) for c in consultas for rotulo in raios]
    aleatorio.shuffle(ordem)
    for tipo, rotulo, (_, esp, lat, lon) in ordem:
        inicio = time.perf_counter()
        achados = ras_proximos(
            especificacao=especificacoes[esp],
            latitude=q(lat),
            longitude=q(lon),
            raio_m=raios[rotulo],
        )
        ms = (time.perf_counter() - inicio) * 1000
        m = medidas.setdefault((rotulo, tipo), {"ms": [], "achados": 0, "com_algum": 0})
        m["ms"].append(ms)
        m["achados"] += len(achados)
        m["com_algum"] += bool(achados)

    print()
    print(
        f"RAs em aberto perto de um relato — {_n(ras)} RAs ({_n(n_abertos)} abertos, "
        f"{_n(n_com_ponto)} com ponto, {n_esp} especificações) e {_n(imoveis)} imóveis no "
        f"PostgreSQL ({connection.settings_dict['NAME']}), {len(consultas)} relatos"
    )
    print(
        f"Área: latitude {area['lat_min']} a {area['lat_max']}, "
        f"longitude {area['lon_min']} a {area['lon_max']}"
    )
    print()
    cabecalho = (
        f"{'raio':<22} {'relato':<15} {'n':>4} {'c/ RA':>5} {'RAs/rel':>7} {'p50':>6} "
        f"{'p95':>6} {'máx':>6} {'p95/alvo':>8}"
    )
    print(cabecalho + f"  alvo p95 ≤ {ALVO_P95_MS:.0f} ms")
    print("-" * (len(cabecalho) + 20))
    todos = []
    for (rotulo, tipo), m in sorted(medidas.items()):
        todos += m["ms"]
        p50, p95 = _comum.percentis(m["ms"])
        n = len(m["ms"])
        print(
            f"{rotulo:<22} {tipo:<15} {n:>4} {m['com_algum']:>5} {m['achados'] / n:>7.1f} "
            f"{p50:>6.1f} {p95:>6.1f} {max(m['ms']):>6.1f} {p95 / ALVO_P95_MS:>8.2f}  "
            f"{'ok' if p95 <= ALVO_P95_MS else 'ACIMA DO ALVO'}"
        )
    p50, p95 = _comum.percentis(todos)
    print(
        f"{'todos':<38} {len(todos):>4} {'':>5} {'':>7} {p50:>6.1f} {p95:>6.1f} "
        f"{max(todos):>6.1f} {p95 / ALVO_P95_MS:>8.2f}"
    )
    print()
    _, esp, lat, lon = consultas[0]
    especificacao = especificacoes[esp]
    print(
        f"Plano da caixa (EXPLAIN ANALYZE, {especificacao.raio_duplicidade_m} m, perto de um RA):"
    )
    plano = _plano(especificacao, q(lat), q(lon), especificacao.raio_duplicidade_m)
    for linha in plano.splitlines():
        print("   ", linha)
    usa = "ra_aberto_local" in plano
    print(f"Índice parcial ra_aberto_local usado: {'sim' if usa else 'NÃO'}")
    print()
    print("Tempos em milissegundos do seletor (caixa no índice, distância exata, endereço e")
    print("foto dos RAs achados), sem rede; 'c/ RA' = relatos com algum RA no raio.")
    carga = os.getloadavg()[0]
    print(f"Carga da máquina (load average 1 min): {carga:.1f}, {os.cpu_count()} CPUs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
