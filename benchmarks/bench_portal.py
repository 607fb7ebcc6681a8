"""The customer portal's "Em aberto" page of a client with 10,000 RAs in a database of
1,000,000 RAs: server time p50/p95, in process through the test client on PostgreSQL.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python benchmarks/bench_portal.py

Uses ``BENCH_DATABASE_URL`` (default ``gsan_bench``; created and migrated when
missing). The volume is the RA search benchmark's (``bench_ra_busca``: up to
``BENCH_IMOVEIS`` imóveis, default 500,000, and ``BENCH_RAS`` RAs, default
1,000,000, generated on the first run and reused). Then, once, one large client (a
municipality, say) with three imóveis, a portal account and ``BENCH_RAS_CLIENTE``
RAs (default 10,000): copies of volume RAs spread over the same five years with their
situations (so most are closed and a few hundred open), a tenth of the open ones
answered by the company. Each round GETs the portal pages ``BENCH_CONSULTAS`` times
(default 200), kinds interleaved, with the database connection kept between requests
as in production (``CONN_MAX_AGE`` 60 unless set): Em aberto (the target), Encerrados,
a later page of Encerrados and one contact's page. Target: Em aberto p95 ≤ 50 ms.
Prints the figures; asserts nothing.
"""

import os
import random
import sys
import time

os.environ.setdefault("CONN_MAX_AGE", "60")  # production's default

import _comum  # sets the settings up before Django is imported

ALVO_P95_MS = 50.0
N_RAS_CLIENTE = int(os.environ.get("BENCH_RAS_CLIENTE", "10000"))
N_CONSULTAS = int(os.environ.get("BENCH_CONSULTAS", "200"))
CPF_CLIENTE = "52998224725"
EMAIL_CONTA = "bench-portal@exemplo.com.br"
PREFIXO = "20988"  # protocols of the copies (the volume's start with 2099 or the year)


def _n(numero: int) -> str:
    return f"{numero:,}".replace(",", ".")


def _cliente_grande():
    """The client, its imóveis, its account and its RAs (created once)."""
    import datetime

    from django.db import connection

    from atendimento.models import RegistroAtendimento
    from cadastro.models import Cliente, ClienteImovel, Imovel
    from portal.models import ContaExterna

    cliente, _ = Cliente.objects.get_or_create(
        cpf_cnpj=CPF_CLIENTE,
        defaults={"nome": "Prefeitura do Benchmark", "email": "prefeitura@exemplo.com.br"},
    )
    if not ClienteImovel.objects.filter(cliente=cliente).exists():
        base = 9_000_000
        for k in range(3):
            imovel = Imovel.objects.create(
                matricula=base + k,
                localidade=999,
                setor=999,
                quadra=999,
                lote=k + 1,
                municipio="Recife",
                bairro="Centro",
                logradouro=f"Praça do Benchmark {k + 1}",
                numero="1",
                cep="50000-000",
            )
            ClienteImovel.objects.create(
                cliente=cliente,
                imovel=imovel,
                relacao=ClienteImovel.Relacao.USUARIO,
                data_inicio=datetime.date(2015, 1, 1),
            )
    conta = ContaExterna.objects.filter(email=EMAIL_CONTA).first()
    if conta is None:
        conta = ContaExterna(
            email=EMAIL_CONTA,
            nome="Secretaria de Obras",
            cliente=cliente,
            email_confirmado_em=datetime.datetime.now(datetime.UTC),
        )
        conta.set_unusable_password()
        conta.save()
    faltam = N_RAS_CLIENTE - RegistroAtendimento.objects.filter(cliente=cliente).count()
    if faltam > 0:
        print(f"Copiando {_n(faltam)} RAs para o cliente do portal (só na primeira vez)…")
        imoveis = list(
            ClienteImovel.objects.filter(cliente=cliente).values_list("imovel_id", flat=True)
        )
        _copiar_ras(cliente.pk, imoveis, faltam)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE atendimento_registroatendimento")
    return conta


def _copiar_ras(cliente_id: int, imoveis: list[int], quantidade: int) -> None:
    """Copy ``quantidade`` volume RAs, evenly spread over the ids (so over the years),
    as the client's: its imóveis, portal-like titles, a tenth of the open ones
    answered. Written by PostgreSQL itself (INSERT … SELECT)."""
    from django.db import connection, transaction

    from atendimento.models import RegistroAtendimento

    colunas = [f.column for f in RegistroAtendimento._meta.concrete_fields if f.column != "id"]
    trocas = {
        "protocolo": f"'{PREFIXO}' || lpad((coalesce(m.ultimo, 0) + s.n)::text, 9, '0')",
        "cliente_id": str(cliente_id),
        "tipo_solicitante": "'cliente'",
        "solicitante_nome": "''",
        "solicitante_telefone": "''",
        "imovel_id": f"(ARRAY{imoveis}::bigint[])[1 + mod(s.n, {len(imoveis)})]",
        "local_ocorrencia": "''",
        "titulo": "'Pedido da prefeitura nº ' || s.n",
        "origem": "CASE WHEN mod(s.n, 3) = 0 THEN 'portal' ELSE r.origem END",
        "excluido": "false",
        "ra_origem_id": "NULL",  # one-to-one: a reactivation is not copied
        "interacao_pendente": (
            "CASE WHEN r.situacao <> 'encerrado' AND mod(s.n, 10) = 0 THEN 'externa' "
            "ELSE r.interacao_pendente END"
        ),
    }
    selecao = ", ".join(trocas.get(c, f"r.{c}") for c in colunas)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM atendimento_registroatendimento")
        menor, maior = cursor.fetchone()
        passo = max(1, (maior - menor) // quantidade)
        cursor.execute(
            f"""
            WITH m AS (
                SELECT max(substr(protocolo, 6)::bigint) AS ultimo
                FROM atendimento_registroatendimento WHERE protocolo LIKE '{PREFIXO}%%'
            ),
            s AS (
                SELECT row_number() OVER (ORDER BY id) AS n, id
                FROM atendimento_registroatendimento
                WHERE id BETWEEN %s AND %s AND (id - %s) %% %s = 0
                  AND protocolo NOT LIKE '{PREFIXO}%%'
                ORDER BY id
                LIMIT %s
            )
            INSERT INTO atendimento_registroatendimento ({", ".join(colunas)})
            SELECT {selecao}
            FROM s JOIN atendimento_registroatendimento r ON r.id = s.id CROSS JOIN m
            """,
            [menor, maior, menor, passo, quantidade],
        )


def _cliente_http(conta):
    from importlib import import_module

    from django.conf import settings
    from django.test import Client

    from portal import sessao

    loja = import_module(settings.SESSION_ENGINE).SessionStore()
    loja[sessao._CONTA] = conta.pk
    loja[sessao._HASH] = conta.get_session_auth_hash()
    loja.save()
    cliente = Client(HTTP_HOST="127.0.0.1")
    cliente.cookies[sessao.COOKIE] = loja.session_key
    cliente.cookies[sessao.COOKIE]["path"] = sessao.PREFIXO
    return cliente


def _medir(conta, aleatorio):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal import selectors

    abertos = list(selectors.contatos_list(conta=conta).values_list("pk", flat=True)[:500])
    paginas_encerrados = max(1, min(40, N_RAS_CLIENTE // 25 // 4))
    tipos = {
        "Em aberto (pág. 1)": lambda _i: "/portal/",
        "Encerrados (pág. 1)": lambda _i: "/portal/encerrados/",
        f"Encerrados (pág. 2–{paginas_encerrados})": lambda _i: (
            f"/portal/encerrados/?pagina={aleatorio.randint(2, max(2, paginas_encerrados))}"
        ),
        "Ver contato": lambda _i: f"/portal/contatos/{aleatorio.choice(abertos)}/",
    }
    cliente = _cliente_http(conta)
    fila = [tipo for tipo in tipos for _ in range(N_CONSULTAS)]
    aleatorio.shuffle(fila)
    for tipo in list(tipos) * 5:  # warm caches and the connection
        cliente.get(tipos[tipo](0))
    consultas = {}
    for tipo, url in tipos.items():
        with CaptureQueriesContext(connection) as capturadas:
            assert cliente.get(url(0)).status_code == 200
        consultas[tipo] = len(capturadas)
    tempos = {tipo: [] for tipo in tipos}
    for i, tipo in enumerate(fila):
        url = tipos[tipo](i)
        inicio = time.perf_counter()
        resposta = cliente.get(url)
        tempos[tipo].append((time.perf_counter() - inicio) * 1000)
        assert resposta.status_code == 200, (url, resposta.status_code)
    return tempos, consultas, len(abertos)


def main():
    _comum.preparar()
    from bench_ra_busca import _garantir_volume
    from django.db import connection

    from atendimento.models import RegistroAtendimento

    imoveis, _ras = _garantir_volume()
    conta = _cliente_grande()
    ras = RegistroAtendimento.objects.count()
    do_cliente = RegistroAtendimento.objects.filter(cliente=conta.cliente).count()
    aleatorio = random.Random(20261201)
    tempos, consultas, abertos = _medir(conta, aleatorio)
    print()
    print(
        f"Portal do cliente — {_n(ras)} RAs e {_n(imoveis)} imóveis no PostgreSQL "
        f"({connection.settings_dict['NAME']}); o cliente tem {_n(do_cliente)} RAs "
        f"({_n(abertos)}{'+' if abertos >= 500 else ''} em aberto), "
        f"{N_CONSULTAS} consultas por página"
    )
    print()
    cabecalho = (
        f"{'página':<26} {'consultas SQL':>13} {'p50':>7} {'p95':>7} {'máx':>7}"
        f"   alvo: Em aberto p95 ≤ {ALVO_P95_MS:.0f} ms"
    )
    print(cabecalho)
    print("-" * len(cabecalho))
    carga_antes = os.getloadavg()[0]
    ok = True
    for tipo, amostras in tempos.items():
        p50, p95 = _comum.percentis(amostras)
        alvo = ""
        if tipo.startswith("Em aberto"):
            ok = p95 <= ALVO_P95_MS
            alvo = "ok" if ok else "ACIMA DO ALVO"
        print(
            f"{tipo:<26} {consultas[tipo]:>13} {p50:>7.1f} {p95:>7.1f} {max(amostras):>7.1f}"
            f"   {alvo}"
        )
    print()
    print("Tempos em milissegundos no servidor (test client: middleware, sessão do portal,")
    print("consultas, template), sem rede, com a conexão ao banco mantida entre pedidos.")
    print(
        f"Carga da máquina (load average 1 min): {carga_antes:.1f} no início, "
        f"{os.getloadavg()[0]:.1f} no fim, {os.cpu_count()} CPUs."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
