"""Reads of the operator console (Central de atendimento ao cliente, seed 004): its queue
and one contact's pane."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from atendimento.filters_central import (
    CAIXA_PADRAO,
    CAIXAS,
    ORDEM_CENTRAL_PADRAO,
    ORDENS_CENTRAL,
    ORIGEM_PADRAO,
    CentralFilter,
)
from atendimento.models import (
    Anexo,
    EventoRA,
    MensagemAtendimento,
    RegistroAtendimento,
)
from atendimento.permissoes import pode_atuar
from atendimento.selectors.busca import Busca, registro_atendimento_get
from atendimento.selectors.visibilidade import registros_visiveis

RA = RegistroAtendimento
PADROES = {"caixa": CAIXA_PADRAO, "origem": ORIGEM_PADRAO, "ordem": ORDEM_CENTRAL_PADRAO}
# Query-string keys that are not filters (page, page size, the open contact).
NAO_FILTROS = ("pagina", "tamanho", "ra")
PERMISSAO_CENTRAL = "atendimento.usar_central"
PERMISSAO_EXCLUIR = "atendimento.excluir_contato"
COLUNAS_RELACIONADAS = (
    "especificacao__tipo",
    "cliente",
    "solicitante_funcionario",
    "usuario_abertura",
    "responsavel",
    "unidade_atual",
    "motivo_encerramento",
)


def pode_usar_central(usuario) -> bool:
    return bool(
        usuario.is_authenticated and usuario.is_active and usuario.has_perm(PERMISSAO_CENTRAL)
    )


def central_filtros(filtros) -> dict:
    """The query string with the console's defaults filled in (box "em aberto", origem
    "Portal", newest first): an absent or blank choice means the default."""
    dados = {}
    for chave, valor in (filtros or {}).items():
        if chave not in NAO_FILTROS:
            dados[chave] = valor
    for chave, padrao in PADROES.items():
        if not dados.get(chave):
            dados[chave] = padrao
    if not dados.get("periodo") and (dados.get("abertura_de") or dados.get("abertura_ate")):
        dados["periodo"] = "entre"  # the dates say it: "entre" them
    return dados


def central_fila(*, usuario, filtros=None, agora=None) -> Busca:
    """Validate ``filtros`` and return the form and the console's filtered queryset.

    Invalid input never reaches the database (empty queryset, the form has the
    messages). ``filtrado`` tells whether anything beyond the defaults is in use.
    """
    dados = central_filtros(filtros)
    # Only what the queue's columns show: PostgreSQL plans a 13-table join in ~10 ms,
    # more than it takes to run it (the pane reads the rest of one RA).
    base = (
        registros_visiveis(usuario)
        .select_related(None)
        .prefetch_related(None)
        .select_related(*COLUNAS_RELACIONADAS)
    )
    filtro = CentralFilter(dados, queryset=base, agora=agora, usuario=usuario)
    if not filtro.is_valid():
        return Busca(filtro.form, RA.objects.none(), filtrado=True)
    filtrado = any(
        v not in ("", None) and PADROES.get(k) != v for k, v in dados.items() if k != "ordem"
    )
    return Busca(filtro.form, filtro.qs, filtrado=filtrado)


def central_caixas(filtros) -> list[dict]:
    """The boxes as tabs: label, value, whether current, and which comes next (F2)."""
    atual = central_filtros(filtros)["caixa"]
    valores = [v for v, _ in CAIXAS]
    if atual not in valores:
        atual = CAIXA_PADRAO
    proxima = valores[(valores.index(atual) + 1) % len(valores)]
    return [
        {"valor": v, "rotulo": r, "atual": v == atual, "proxima": v == proxima} for v, r in CAIXAS
    ]


def central_ordens() -> list[tuple[str, str]]:
    return [(k, v[0]) for k, v in ORDENS_CENTRAL.items()]


def contato_iniciado_motivos(ra) -> list[str]:
    """Why ``ra`` counts as started, in the attendant's words (empty: nobody started it).

    A contact is started as soon as someone of the staff did anything with it:
    somebody took it (a responsável is set), a staff member wrote a message or an
    internal note, it was routed beyond trâmite #1, an OS exists for it, or any
    event after the opening was recorded by a staff user. The requester's own
    messages and attachments, and the system user that opened a portal or API
    contact, do not start it.
    """
    motivos = []
    if ra.responsavel_id is not None:
        motivos.append(f"está com {ra.responsavel}")
    if MensagemAtendimento.objects.filter(ra=ra, do_solicitante=False).exists():
        motivos.append("a equipe já escreveu uma mensagem ou nota interna")
    if ra.tramites.count() > 1:
        motivos.append("já foi tramitado para outra unidade")
    if ra.ordens_servico.exists():
        motivos.append("tem ordem de serviço")
    eventos = ra.eventos.exclude(tipo=EventoRA.Tipo.ABERTURA).filter(usuario__isnull=False)
    if ra.origem != RA.Origem.INTERNA:
        # The system user that opened the portal / API contact is not the staff.
        eventos = eventos.exclude(usuario_id=ra.usuario_abertura_id)
    if eventos.exists():
        motivos.append("há registros da equipe no histórico depois da abertura")
    return motivos


@dataclass
class ContatoCentral:
    """What the console's pane shows of one contact, and what the user may do there."""

    ra: RegistroAtendimento
    mensagens: list
    anexos: list
    eventos: list
    pode_atuar: bool
    e_responsavel: bool
    pode_excluir: bool
    motivos_iniciado: list = field(default_factory=list)

    @property
    def aberto(self) -> bool:
        return self.ra.situacao != RA.Situacao.ENCERRADO

    @property
    def pendente(self) -> bool:
        return self.ra.situacao == RA.Situacao.PENDENTE


def central_contato(*, usuario, pk) -> ContatoCentral:
    """One contact for the pane (404 when the user may not read it): the whole
    conversation (public and internal), attachments of both sides, the RA's log."""
    ra = registro_atendimento_get(usuario=usuario, pk=pk)
    mensagens = list(
        MensagemAtendimento.objects.filter(ra=ra).select_related("autor").order_by("data", "id")
    )
    anexos = list(Anexo.objects.filter(ra=ra).select_related("usuario").order_by("data", "id"))
    eventos = list(EventoRA.objects.filter(ra=ra).select_related("usuario").order_by("data", "id"))
    atua = pode_atuar(usuario, ra)
    motivos = []
    pode_excluir = False
    if atua and ra.pendente and not ra.excluido and usuario.has_perm(PERMISSAO_EXCLUIR):
        motivos = contato_iniciado_motivos(ra)
        pode_excluir = not motivos
    return ContatoCentral(
        ra=ra,
        mensagens=mensagens,
        anexos=anexos,
        eventos=eventos,
        pode_atuar=atua,
        e_responsavel=ra.responsavel_id == usuario.pk,
        pode_excluir=pode_excluir,
        motivos_iniciado=motivos,
    )


def central_exportacao(queryset) -> QuerySet:
    """The console's rows for the CSV, streamed in chunks."""
    return queryset.select_related("motivo_encerramento")
