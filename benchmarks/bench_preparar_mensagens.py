"""Preparing bill messages for 1,000,000 bills on PostgreSQL: time, rate, peak memory.

    DJANGO_SETTINGS_MODULE=gsan.settings.test .venv/bin/python \
        benchmarks/bench_preparar_mensagens.py

Uses its own database ``BENCH_PREPARACAO_DATABASE_URL`` (default
``gsan_bench_preparacao``; created and migrated when missing: the step's tables are
emptied on every run). The first run builds ``BENCH_CONTAS`` (default 1,000,000)
imóveis, each with a cliente usuário, a celular for SMS and an e-mail, and one open
bill of referência 12/2026, written by PostgreSQL itself (INSERT … SELECT over
generate_series); later runs reuse them. The mix is mostly eligible on purpose (the
expensive case): 95 % consent to SMS and 96 % have an SMS phone, 90 % consent to
e-mail and 86 % have one, 2 % of the bills are below the minimum value.

It then runs the real step (``processo_criar`` + ``processo_executar`` of
``PREPARAR_FATURAMENTO``) and prints its seconds, bills/s and Envios/s, the peak RSS
of this process, its CPU time (Python's share: the rest is PostgreSQL or waiting),
the time of a re-run that has nothing to do, and the ratio to a bare ``COPY`` of the
same number of Envio rows into the same table, one COPY and commit per chunk as the
step (the practical limit: same indexes, constraints and foreign-key checks, the
rows' text made beforehand). Targets: ≤ 60 s and ≤ 1 GB peak RSS for 1,000,000 bills;
the machine's load average is printed, as other work on it slows both alike.
"""

import datetime
import os
import resource
import sys
import time
from pathlib import Path

os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_PREPARACAO_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/gsan_bench_preparacao",
)

import _comum

N = int(os.environ.get("BENCH_CONTAS", "1000000"))
REFERENCIA = 202612
ALVO_SEGUNDOS = 60.0
ALVO_RSS_MB = 1024.0
NOMES = (
    "ARRAY['Ana','João','Maria','José','Antônio','Francisca','Luís','Conceição',"
    "'Raimundo','Sebastião']"
)
SOBRENOMES = (
    "ARRAY['Silva','Santos','Oliveira','Souza','Lima','Pereira','Araújo','Gonçalves',"
    "'Ribeiro','Cavalcanti']"
)


def _cpu() -> float:
    uso = resource.getrusage(resource.RUSAGE_SELF)
    return uso.ru_utime + uso.ru_stime


def _cpu_backend(pid: int) -> float:
    """CPU seconds of a PostgreSQL backend of this machine (0 when unreadable)."""
    try:
        campos = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(campos[11]) + int(campos[12])) / os.sysconf("SC_CLK_TCK")


def _medir_escrita(preparacao, connection) -> dict[int, list[float]]:
    """Wraps the step's chunk commit to follow the CPU of the writer's backend."""
    backends: dict[int, list[float]] = {}
    original = preparacao._gravar_lote

    def gravar(*args, **kwargs):
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        backends.setdefault(pid, [_cpu_backend(pid), 0.0])
        try:
            return original(*args, **kwargs)
        finally:
            backends[pid][1] = _cpu_backend(pid)

    preparacao._gravar_lote = gravar
    return backends


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _contas_prontas(cur) -> bool:
    cur.execute(
        "SELECT count(*) FROM faturamento_conta WHERE referencia = %s AND situacao = 'em_aberto'",
        [REFERENCIA],
    )
    return cur.fetchone()[0] == N


def _construir(cur) -> None:
    """N imóveis, clientes, vínculos, phones and bills, written by the server."""
    hoje = datetime.date.today()
    inicio = time.monotonic()
    cur.execute(
        "TRUNCATE faturamento_envio, faturamento_processo, faturamento_conta, "
        "faturamento_documentocobranca, cadastro_telefone, cadastro_clienteimovel, "
        "cadastro_cliente, cadastro_imovel RESTART IDENTITY CASCADE"
    )
    cur.execute(
        "INSERT INTO cadastro_imovel (matricula, localidade, setor, quadra, lote, sublote, "
        "municipio, uf, bairro, logradouro, numero, complemento, cep, situacao_agua, "
        "situacao_esgoto, busca) "
        "SELECT 10000000 + n, 900, n / 10000, n %% 10000, 1, 0, 'Recife', 'PE', 'Boa Viagem', "
        "'Rua ' || n, '100', '', '51020-000', 'ligado', 'potencial', '' "
        "FROM generate_series(1, %s) n",
        [N],
    )
    cur.execute(
        f"INSERT INTO cadastro_cliente (nome, cpf_cnpj, email, recebe_sms, recebe_email, "
        f"busca, criado_em) "
        f"SELECT ({NOMES})[1 + n %% 10] || ' ' || ({SOBRENOMES})[1 + (n / 10) %% 10] || ' ' || "
        f"({SOBRENOMES})[1 + (n / 100) %% 10], '', "
        f"CASE WHEN n %% 7 = 0 THEN '' ELSE 'cliente' || n || '@example.com' END, "
        f"n %% 20 <> 0, n %% 10 <> 3, '', now() "
        f"FROM generate_series(1, %s) n",
        [N],
    )
    cur.execute(
        "INSERT INTO cadastro_telefone (cliente_id, tipo, ddd, numero, ramal, principal, sms) "
        "SELECT id, 'celular', '81', (990000000 + id)::text, '', true, true "
        "FROM cadastro_cliente WHERE id % 25 <> 0"
    )
    cur.execute(
        "INSERT INTO cadastro_clienteimovel (cliente_id, imovel_id, relacao, data_inicio) "
        "SELECT id, id, 'usuario', DATE '2020-01-01' FROM cadastro_imovel"
    )
    cur.execute(
        "INSERT INTO faturamento_conta (imovel_id, referencia, vencimento, valor, situacao, "
        "categoria, atualizada_em) "
        "SELECT id, %s, %s::date + (id %% 20)::int, "
        "CASE WHEN id %% 50 = 0 THEN 5.00 ELSE 20 + (id %% 9000) / 7.0 END, "
        "'em_aberto', 'residencial', now() FROM cadastro_imovel",
        [REFERENCIA, hoje + datetime.timedelta(days=6)],
    )
    cur.execute("ANALYZE")
    print(f"Base construída: {N} contas em {time.monotonic() - inicio:.1f} s", flush=True)


def _copia_pura(cur, n: int, lote: int) -> float:
    """Seconds to COPY ``n`` Envio rows into faturamento_envio, ``lote`` rows to a
    transaction, the rows' text made beforehand (only the ids change)."""
    from django.utils import timezone

    from faturamento.models import Processo

    cur.execute("TRUNCATE faturamento_envio")
    processo = Processo.objects.create(
        tipo=Processo.Tipo.PREPARAR_FATURAMENTO,
        referencia=REFERENCIA,
        situacao=Processo.Situacao.CONCLUIDO,
    )
    cur.execute("SELECT min(id) FROM faturamento_conta")
    primeira = cur.fetchone()[0]
    agora = timezone.now()
    hoje = datetime.date.today()
    sms = "Ana Silva Souza, sua conta 10000001-5 vence em 10/12/2026: R$ 1.234,56.\n" + (
        "82600000012-3 34560000000-1 10000000120-2 26120000000-4"
    )
    colunas = (
        "processo_id, conta_id, documento_id, canal, destino, assunto, texto, enviar_em, "
        "limite, max_tentativas, situacao, criado_em"
    )
    texto = sms.replace("\n", "\\n")  # COPY's text format
    meio = f"\t\\N\t%s\t+5581990000001\t\t{texto}\t{hoje}\t{hoje}"
    fim = f"\t\\N\tpreparada\t{agora.isoformat()}\n"
    inicio = time.monotonic()
    for de in range(0, n, lote):  # one COPY and commit per chunk, as the step does
        linhas = "".join(
            f"{processo.pk}\t{primeira + i // 2}{meio % ('sms', 'email')[i % 2]}{fim}"
            for i in range(de, min(n, de + lote))
        )
        with cur.cursor.copy(f"COPY faturamento_envio ({colunas}) FROM STDIN") as copia:
            copia.write(linhas)
    return time.monotonic() - inicio


def main() -> int:
    _comum.preparar()
    from django.db import connection

    from faturamento.febraban import Gerador
    from faturamento.models import Envio, MensagemFaturamento, ParametrosFaturamento, Processo
    from faturamento.services import preparacao
    from faturamento.services.processos import processo_criar, processo_executar

    with connection.cursor() as cur:
        if not _contas_prontas(cur):
            print(f"Construindo {N} contas (só na primeira vez)…", flush=True)
            _construir(cur)
        cur.execute("TRUNCATE faturamento_envio, faturamento_processo RESTART IDENTITY CASCADE")
    ParametrosFaturamento.atuais()
    Gerador()
    MensagemFaturamento.objects.all().delete()
    MensagemFaturamento.objects.create(
        referencia_inicial=202601,
        dias_antes=5,
        max_tentativas_email=3,
        valor_minimo=10,
        texto_sms="{NOME}, sua conta {MATRICULA} vence em {VENCIMENTO}: R$ {VALOR}.",
        assunto_email="Sua conta {MATRICULA} vence em {VENCIMENTO}",
        texto_email=(
            "Prezado(a) {NOME},\n\nsua conta de água do imóvel {MATRICULA}, no valor de "
            "R$ {VALOR}, vence em {VENCIMENTO}.\n\nCompesa"
        ),
    )
    rss_antes = _rss_mb()
    escrita = _medir_escrita(preparacao, connection)
    connection.ensure_connection()
    leitor = connection.connection.info.backend_pid
    cpu_leitor = _cpu_backend(leitor)

    inicio, cpu = time.monotonic(), _cpu()
    processo = processo_executar(
        processo_criar(Processo.Tipo.PREPARAR_FATURAMENTO, referencia=REFERENCIA).pk
    )
    segundos = time.monotonic() - inicio
    cpu = _cpu() - cpu
    cpu_leitor = _cpu_backend(leitor) - cpu_leitor
    cpu_escrita = sum(depois - antes for antes, depois in escrita.values())
    rss = _rss_mb()
    if processo.situacao != Processo.Situacao.CONCLUIDO:
        print(f"O processo terminou {processo.situacao}: {processo.erro}")
        return 1
    geradas = Envio.objects.count()
    c = processo.contadores
    print(f"Contas: {processo.processados}  selecionadas: {c['selecionadas']}")
    print(f"Envios: {geradas}  {c['geradas']}")
    print(f"Ignoradas: {c['ignoradas']}")
    print(
        f"Preparação: {segundos:.1f} s — {processo.processados / segundos:,.0f} contas/s, "
        f"{geradas / segundos:,.0f} envios/s (alvo ≤ {ALVO_SEGUNDOS:.0f} s)"
    )
    print(
        f"CPU deste processo (Python, sem o PostgreSQL): {cpu:.1f} s; carga da máquina: "
        f"{os.getloadavg()[0]:.1f}"
    )
    print(
        f"CPU do PostgreSQL: {cpu_escrita:.1f} s na escrita (COPY, índices, chaves "
        f"estrangeiras, commits), {cpu_leitor:.1f} s na seleção e nas contagens"
    )
    print(f"RSS de pico: {rss:.0f} MB (antes do passo: {rss_antes:.0f} MB; alvo ≤ 1024 MB)")

    inicio = time.monotonic()
    de_novo = processo_executar(
        processo_criar(Processo.Tipo.PREPARAR_FATURAMENTO, referencia=REFERENCIA).pk
    )
    reexecucao = time.monotonic() - inicio
    assert Envio.objects.count() == geradas, "a reexecução duplicou envios"
    print(
        f"Reexecução (nada a fazer): {reexecucao:.1f} s — geradas {de_novo.contadores['geradas']}"
    )

    with connection.cursor() as cur:
        pura = _copia_pura(cur, geradas, preparacao.LOTE)
        cur.execute("TRUNCATE faturamento_envio, faturamento_processo RESTART IDENTITY CASCADE")
    print(
        f"COPY puro de {geradas} envios: {pura:.1f} s — {geradas / pura:,.0f} linhas/s; "
        f"a preparação leva {segundos / pura:.1f}× o COPY puro"
    )
    ok = segundos <= ALVO_SEGUNDOS and rss <= ALVO_RSS_MB
    print("OK" if ok else "FORA DO ALVO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
