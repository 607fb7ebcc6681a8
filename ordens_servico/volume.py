"""Volume data for benchmarks: ``generate_volume --os N``.

Service orders spread over three years, in every situation, over the existing
field units, teams and imóveis (a few volume types and teams are created when
missing). On PostgreSQL the rows go in with COPY (about a million a minute on
a small machine); elsewhere with ``bulk_create`` in batches. No history rows
are written: these rows exist to measure lists and bulk closing.
"""

import datetime
import random

from django.db import connection, transaction
from django.utils import timezone

from cadastro.models import Imovel, UnidadeOrganizacional, Usuario
from ordens_servico.models import Equipe, OrdemServico, TipoServico

OPCOES = {"os": "quantas ordens de serviço criar (em todas as situações)"}

LOTE = 20_000
S = OrdemServico.Situacao
# Share of each situation in the generated history (old orders are mostly closed).
DISTRIBUICAO = [
    (S.ENCERRADA_EXECUTADA, 70),
    (S.ENCERRADA_NAO_EXECUTADA, 13),
    (S.PENDENTE, 10),
    (S.PROGRAMADA, 5),
    (S.EM_EXECUCAO, 2),
]
TIPOS_VOLUME = [
    ("Volume — reparo de vazamento", 24),
    ("Volume — corte", 72),
    ("Volume — religação", 48),
    ("Volume — vistoria", 72),
    ("Volume — hidrômetro", 120),
]
COLUNAS = (
    "imovel_id",
    "tipo_servico_id",
    "situacao",
    "unidade_atual_id",
    "equipe_id",
    "usuario_geracao_id",
    "data_geracao",
    "data_limite",
    "data_programada",
    "posicao",
    "data_programacao",
    "data_inicio",
    "data_execucao",
    "data_encerramento",
    "parecer",
    "motivo_encerramento",
    "usuario_encerramento_id",
    "versao",
)


def gerar(opcao: str, quantidade: int, stdout) -> None:
    if opcao != "os" or quantidade <= 0:
        return
    criar(quantidade, stdout=stdout)


def _base():
    usuario = Usuario.objects.filter(is_active=True, unidade__isnull=False).order_by("pk").first()
    if usuario is None:
        unidade, _ = UnidadeOrganizacional.objects.get_or_create(
            sigla="VOL", defaults={"nome": "Unidade de volume", "tipo": "operacional"}
        )
        usuario, _ = Usuario.objects.get_or_create(username="volume", defaults={"unidade": unidade})
    tipos = list(TipoServico.objects.filter(ativo=True))
    if len(tipos) < 3:
        tipos += [
            TipoServico.objects.get_or_create(
                descricao=d, defaults={"prazo_execucao_horas": h, "valor": 50}
            )[0]
            for d, h in TIPOS_VOLUME
        ]
    equipes = list(Equipe.objects.filter(ativa=True).select_related("unidade"))
    if not equipes:
        unidades = list(
            UnidadeOrganizacional.objects.filter(ativa=True, recebe_tramite=True)[:4]
        ) or [usuario.unidade]
        equipes = [
            Equipe.objects.get_or_create(
                unidade=u, nome=f"Volume {i}", defaults={"carga_diaria": 20}
            )[0]
            for u in unidades
            for i in (1, 2)
        ]
    imoveis = list(Imovel.objects.order_by("?").values_list("pk", flat=True)[:5000])
    return usuario, tipos, equipes, imoveis


def criar(
    quantidade: int,
    *,
    stdout=None,
    tipos=None,
    situacao=None,
    idade_dias=(0, 3 * 365),
    semente: int = 1,
) -> None:
    """Insert ``quantidade`` OS; ``tipos``/``situacao``/``idade_dias`` narrow them (benchmarks)."""
    usuario, tipos_base, equipes, imoveis = _base()
    tipos = tipos or tipos_base
    aleatorio = random.Random(semente + quantidade)
    agora = timezone.now()
    hoje = timezone.localdate()
    situacoes = [s for s, peso in DISTRIBUICAO for _ in range(peso)]
    feitos = 0
    while feitos < quantidade:
        n = min(LOTE, quantidade - feitos)
        linhas = [
            _linha(
                aleatorio,
                agora,
                hoje,
                usuario,
                tipos,
                equipes,
                imoveis,
                situacao or aleatorio.choice(situacoes),
                idade_dias,
            )
            for _ in range(n)
        ]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copiar(linhas)
            else:
                OrdemServico.objects.bulk_create(
                    [OrdemServico(**dict(zip(COLUNAS, linha, strict=True))) for linha in linhas],
                    batch_size=2000,
                )
        feitos += n
        if stdout is not None and (feitos % 100_000 == 0 or feitos == quantidade):
            stdout.write(f"  … {feitos} OS\n")


def _linha(aleatorio, agora, hoje, usuario, tipos, equipes, imoveis, situacao, idade_dias):
    tipo = aleatorio.choice(tipos)
    equipe = aleatorio.choice(equipes)
    geracao = agora - datetime.timedelta(
        days=aleatorio.uniform(*idade_dias), seconds=aleatorio.randrange(86_400)
    )
    limite = geracao + datetime.timedelta(hours=tipo.prazo_execucao_horas)
    programada = posicao = programacao = inicio = execucao = encerramento = None
    equipe_id = encerrou = None
    parecer = motivo = ""
    if situacao != S.PENDENTE:
        equipe_id = equipe.pk
        programacao = geracao + datetime.timedelta(hours=aleatorio.randrange(1, 24))
        programada = timezone.localtime(programacao).date() + datetime.timedelta(days=1)
        if situacao == S.PROGRAMADA:
            # Still to be done: spread over the next two weeks, not all on today.
            programada = max(programada, hoje + datetime.timedelta(days=aleatorio.randrange(14)))
        posicao = aleatorio.randrange(1, 9)
    if situacao in (S.EM_EXECUCAO, S.ENCERRADA_EXECUTADA):
        inicio = min(programacao + datetime.timedelta(hours=aleatorio.randrange(2, 30)), agora)
    if situacao in OrdemServico.ENCERRADAS:
        encerramento = min(
            (inicio or programacao) + datetime.timedelta(hours=aleatorio.randrange(1, 8)), agora
        )
        encerrou = usuario.pk
        if situacao == S.ENCERRADA_EXECUTADA:
            execucao = encerramento
            motivo, parecer = "Serviço executado", "Serviço executado conforme solicitado."
        else:
            motivo, parecer = "Serviço não executado", "Imóvel fechado."
    return (
        aleatorio.choice(imoveis) if imoveis else None,
        tipo.pk,
        situacao,
        equipe.unidade_id,
        equipe_id,
        usuario.pk,
        geracao,
        limite,
        programada,
        posicao,
        programacao,
        inicio,
        execucao,
        encerramento,
        parecer,
        motivo,
        encerrou,
        1,
    )


def _copiar(linhas) -> None:
    tabela = OrdemServico._meta.db_table
    sql = f"COPY {tabela} ({', '.join(COLUNAS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copia:
        for linha in linhas:
            copia.write_row(linha)
