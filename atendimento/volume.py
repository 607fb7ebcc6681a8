"""Volume data for benchmarks: ``generate_volume --ras N``.

RAs with their trâmite #1, opening event and (for most) a closing event and a
second trâmite, inserted with ``bulk_create`` in batches. Protocols are
reserved in one block per opening year (one ``sequencia_proximo`` call each),
so they stay unique and gap-free next to the ones the screens generate.
Deadlines skip weekends but not holidays (a per-row holiday lookup would cost
more than the rest of the row). simple-history rows are not written for
volume data.
"""

import datetime
import random
import time
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

from atendimento.models import (
    EventoRA,
    MeioSolicitacao,
    MotivoEncerramento,
    ParametrosAtendimento,
    RegistroAtendimento,
    Tramite,
)
from cadastro.models import ClienteImovel, Imovel, UnidadeOrganizacional, Usuario
from cadastro.services import sequencia_proximo

OPCOES = {"ras": "quantos RAs criar (com trâmites e eventos; precisa de imóveis)"}

LOTE = 5_000
ANOS_DE_HISTORIA = 3
FRACAO_ENCERRADOS = 0.8
RA = RegistroAtendimento

DESCRICOES = [
    "Vazamento na calçada em frente ao imóvel.",
    "Sem água desde ontem à noite.",
    "Conta com consumo acima da média.",
    "Esgoto retornando pelo ralo do banheiro.",
    "Água com cor barrenta.",
    "Pedido de religação após pagamento.",
    "Hidrômetro parado.",
    "Pagamento feito em duplicidade.",
]
NOMES = ["Maria", "José", "Ana", "João", "Francisca", "Antônio", "Adriana", "Carlos", "Juliana"]
SOBRENOMES = ["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Ferreira", "Costa"]


def _somar_dias_uteis(inicio, dias):
    data = inicio
    while dias > 0:
        data += datetime.timedelta(days=1)
        if data.weekday() < 5:
            dias -= 1
    return data


def _preparar():
    """Units, users and catalogue the RAs point to (created by the demos when missing)."""
    from atendimento import demo as demo_atendimento

    if not Usuario.objects.filter(unidade__abre_ra=True).exists():
        from cadastro import demo as demo_cadastro

        demo_cadastro.carregar(_Silencio())
    with transaction.atomic():
        especificacoes = list(demo_atendimento.catalogo_carregar().values())
    return especificacoes


class _Silencio:
    def write(self, *args, **kwargs):
        pass


def gerar(opcao: str, quantidade: int, stdout) -> None:
    if opcao != "ras" or quantidade <= 0:
        return
    inicio = time.monotonic()
    aleatorio = random.Random(quantidade)
    especificacoes = _preparar()
    params = ParametrosAtendimento.atual()
    meios = list(MeioSolicitacao.objects.all())
    motivos = [m for m in MotivoEncerramento.objects.all() if m.tipo != "duplicidade"]
    recebem = list(UnidadeOrganizacional.objects.filter(ativa=True, recebe_tramite=True))
    atendentes = list(Usuario.objects.filter(unidade__abre_ra=True).select_related("unidade"))
    # With each imóvel's point: an RA keeps it, as the opening service does (the
    # citizen channel's search for open RAs near a report reads it).
    imoveis = list(Imovel.objects.values_list("id", "latitude", "longitude"))
    if not imoveis:
        stdout.write("  atenção: não há imóveis; gere antes com --imoveis.")
        return
    usuarios_do_imovel = dict(
        ClienteImovel.objects.filter(
            relacao=ClienteImovel.Relacao.USUARIO, data_fim__isnull=True
        ).values_list("imovel_id", "cliente_id")
    )
    agora = timezone.now()

    # Opening dates first: protocols are reserved per year, in one block each.
    aberturas = []
    for _ in range(quantidade):
        encerrado = aleatorio.random() < FRACAO_ENCERRADOS
        if encerrado:
            atras = datetime.timedelta(
                seconds=aleatorio.randint(86_400, ANOS_DE_HISTORIA * 365 * 86_400)
            )
        else:
            atras = datetime.timedelta(seconds=aleatorio.randint(60, 20 * 86_400))
        aberturas.append((agora - atras, encerrado))
    aberturas.sort()
    por_ano = Counter(timezone.localtime(d).year for d, _ in aberturas)
    proximo = {
        ano: sequencia_proximo(nome=f"protocolo:gsan:{ano}", quantidade=n)
        for ano, n in por_ano.items()
    }
    origem = params.protocolo_digito_origem

    feitos = 0
    while feitos < quantidade:
        lote = aberturas[feitos : feitos + LOTE]
        with transaction.atomic():
            _lote(
                lote,
                aleatorio=aleatorio,
                proximo=proximo,
                origem=origem,
                especificacoes=especificacoes,
                meios=meios,
                motivos=motivos,
                recebem=recebem,
                atendentes=atendentes,
                imoveis=imoveis,
                usuarios_do_imovel=usuarios_do_imovel,
                params=params,
                agora=agora,
            )
        feitos += len(lote)
        if feitos % 50_000 == 0 or feitos == quantidade:
            stdout.write(f"  RAs: {feitos}/{quantidade} ({time.monotonic() - inicio:.0f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for tabela in (
                "atendimento_registroatendimento",
                "atendimento_tramite",
                "atendimento_eventora",
            ):
                cursor.execute(f"ANALYZE {tabela}")


def _lote(
    lote,
    *,
    aleatorio,
    proximo,
    origem,
    especificacoes,
    meios,
    motivos,
    recebem,
    atendentes,
    imoveis,
    usuarios_do_imovel,
    params,
    agora,
):
    escolha = aleatorio.choice
    ras, planos = [], []
    for abertura, encerrado in lote:
        ano = timezone.localtime(abertura).year
        sequencial = proximo[ano]
        proximo[ano] += 1
        esp = escolha(especificacoes)
        if esp.prazo_horas is not None:
            prevista = abertura + datetime.timedelta(hours=esp.prazo_horas)
        elif params.prazo_em_dias_uteis:
            prevista = _somar_dias_uteis(abertura, esp.prazo_dias or 1)
        else:
            prevista = abertura + datetime.timedelta(days=esp.prazo_dias or 1)
        atencao = prevista - (prevista - abertura) * params.atencao_percentual / 100
        atendente = escolha(atendentes)
        destino = esp.unidade_destino or atendente.unidade
        if destino.centralizadora_id:
            destino = next((u for u in recebem if u.pk == destino.centralizadora_id), destino)
        imovel_id, latitude, longitude = escolha(imoveis)
        cliente_id = usuarios_do_imovel.get(imovel_id) if aleatorio.random() < 0.7 else None
        segundo_destino = escolha(recebem) if aleatorio.random() < 0.2 else None
        if segundo_destino is not None and segundo_destino.pk == destino.pk:
            segundo_destino = None
        fim = None
        if encerrado:
            duracao = (prevista - abertura) * aleatorio.uniform(0.1, 1.5)
            fim = min(abertura + duracao, agora)
        ra = RA(
            protocolo=f"{ano:04d}{origem}{sequencial:09d}",
            especificacao=esp,
            meio=escolha(meios),
            situacao=RA.Situacao.ENCERRADO if encerrado else RA.Situacao.PENDENTE,
            descricao=escolha(DESCRICOES),
            imovel_id=imovel_id,
            latitude=latitude,
            longitude=longitude,
            tipo_solicitante=RA.TipoSolicitante.CLIENTE if cliente_id else RA.TipoSolicitante.LIVRE,
            cliente_id=cliente_id,
            solicitante_nome="" if cliente_id else f"{escolha(NOMES)} {escolha(SOBRENOMES)}",
            solicitante_telefone=""
            if cliente_id
            else f"+55819{aleatorio.randint(8100_0000, 9999_9999)}",
            unidade_abertura=atendente.unidade,
            usuario_abertura=atendente,
            unidade_atual=segundo_destino or destino,
            data_abertura=abertura,
            data_prevista_original=prevista,
            data_prevista_atual=prevista,
            data_atencao=atencao,
            data_encerramento=fim,
            motivo_encerramento=escolha(motivos) if encerrado else None,
            parecer_encerramento="Atendido." if encerrado else "",
            prioridade=2,
            versao=3 if encerrado else 2,
        )
        ras.append(ra)
        planos.append((atendente, destino, segundo_destino))
    RA.objects.bulk_create(ras, batch_size=LOTE)

    tramites, eventos = [], []
    for ra, (atendente, destino, segundo) in zip(ras, planos, strict=True):
        tramites.append(
            Tramite(
                ra=ra,
                unidade_origem=ra.unidade_abertura,
                unidade_destino=destino,
                usuario=atendente,
                data=ra.data_abertura,
                parecer="Trâmite inicial na abertura do RA.",
            )
        )
        eventos.append(
            EventoRA(
                ra=ra,
                tipo=EventoRA.Tipo.ABERTURA,
                usuario=atendente,
                situacao_nova=RA.Situacao.PENDENTE,
                data=ra.data_abertura,
                descricao=f"RA aberto e encaminhado a {destino.sigla}.",
                dados={"protocolo": ra.protocolo},
            )
        )
        if segundo is not None:
            quando = ra.data_abertura + datetime.timedelta(hours=1)
            if ra.data_encerramento is not None:
                quando = min(quando, ra.data_encerramento)
            tramites.append(
                Tramite(
                    ra=ra,
                    unidade_origem=destino,
                    unidade_destino=segundo,
                    usuario=atendente,
                    data=quando,
                    parecer="Encaminhado para a unidade responsável.",
                )
            )
            eventos.append(
                EventoRA(
                    ra=ra,
                    tipo=EventoRA.Tipo.TRAMITE,
                    usuario=atendente,
                    situacao_anterior="pendente",
                    situacao_nova="pendente",
                    data=quando,
                    descricao=f"Tramitado de {destino.sigla} para {segundo.sigla}.",
                )
            )
        if ra.data_encerramento is not None:
            eventos.append(
                EventoRA(
                    ra=ra,
                    tipo=EventoRA.Tipo.ENCERRAMENTO,
                    usuario=atendente,
                    situacao_anterior="pendente",
                    situacao_nova="encerrado",
                    data=ra.data_encerramento,
                    descricao=f"Encerrado ({ra.motivo_encerramento.nome}).",
                )
            )
    Tramite.objects.bulk_create(tramites, batch_size=LOTE)
    EventoRA.objects.bulk_create(eventos, batch_size=LOTE)
