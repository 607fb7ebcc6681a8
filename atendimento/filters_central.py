"""The filters of the operator console (Central de atendimento ao cliente, seed 004): the
RA search's filters (:mod:`atendimento.filters`) plus the seed's boxes, origem, motivo,
status and orderings."""

import django_filters
from django.db.models import F, OuterRef, Q, Subquery

from atendimento.filters import (
    ABERTO,
    RA,
    BuscaForm,
    RegistroAtendimentoFilter,
    status_prazo_q,
    usuarios_ativos,
)
from atendimento.models import (
    Especificacao,
    MotivoEncerramento,
    StatusComplementar,
)
from cadastro.models import Cliente, UnidadeOrganizacional, Usuario

# --- The operator console (Central de atendimento ao cliente, seed 004) -------

CAIXAS = [
    ("abertos", "Chamados em aberto"),
    ("todos", "Todos os chamados registrados"),
    ("encerrados", "Chamados encerrados"),
    ("perfil", "Chamados pendentes do perfil (sem responsável)"),
    ("operador", "Chamados pendentes do operador (comigo)"),
    ("excluidos", "Contatos excluídos"),
]
CAIXA_PADRAO = "abertos"
CAIXAS_ABERTAS = ("abertos", "perfil", "operador")
ORIGEM_TODAS = "todas"
ORIGENS = [*RA.Origem.choices, (ORIGEM_TODAS, "Todas")]
ORIGEM_PADRAO = RA.Origem.PORTAL
ORDENS_CENTRAL = {
    "-abertura": ("Data de abertura (mais recentes)", ("-data_abertura", "-id")),
    "abertura": ("Data de abertura (mais antigas)", ("data_abertura", "id")),
    "cliente": ("Nome do cliente", ("cliente__nome", "-data_abertura", "-id")),
    "operador": (
        "Operador (em andamento com)",
        ("responsavel__first_name", "responsavel__last_name", "-data_abertura", "-id"),
    ),
    "chamado": ("Chamado (nº, maior primeiro)", ("-id",)),
    "protocolo": ("Número de protocolo", ("protocolo",)),
    "titulo": ("Título", ("titulo", "-id")),
}
ORDEM_CENTRAL_PADRAO = "-abertura"
PRAZOS_CENTRAL = [
    (RA.StatusPrazo.VENCIDO, "Prazo já expirado"),
    (RA.StatusPrazo.ATENCAO, "Atenção ao prazo"),
    (RA.StatusPrazo.NO_PRAZO, "Dentro do prazo"),
    (RA.StatusPrazo.PAUSADO, "Prazo pausado"),
]
STATUS_DENTRO, STATUS_EXPIRADO = "dentro", "expirado"
STATUS_COMPLEMENTAR = "sc"  # "sc<id>": one of the utility's complementary statuses


def _status_atendimento():
    return [
        (STATUS_DENTRO, "Dentro do prazo"),
        (STATUS_EXPIRADO, "Prazo expirado"),
        *(
            (f"{STATUS_COMPLEMENTAR}{pk}", nome)
            for pk, nome in StatusComplementar.objects.filter(ativo=True)
            .order_by("nome")
            .values_list("pk", "nome")
        ),
    ]


def _operadores():
    """The users who work the console (role permission ``usar_central``) and superusers."""
    central = Q(groups__permissions__codename="usar_central") | Q(
        user_permissions__codename="usar_central"
    )
    ids = Usuario.objects.filter(central | Q(is_superuser=True)).values("pk")
    return usuarios_ativos().filter(pk__in=ids)


class CentralForm(BuscaForm):
    def clean(self):
        dados = super().clean()
        if dados.get("periodo") == "entre" and not (
            dados.get("abertura_de") or dados.get("abertura_ate")
        ):
            self.add_error("abertura_de", "Informe as datas do período de abertura.")
        return dados


def unidades_do_perfil(usuario):
    """Ids of the units whose RAs ``usuario`` may act on (atendimento.permissoes), or
    None for every unit (a central de atendimento, or "act on any unit")."""
    from atendimento.permissoes import PERMISSAO_QUALQUER_UNIDADE

    if usuario.has_perm(PERMISSAO_QUALQUER_UNIDADE):
        return None
    unidade = usuario.unidade
    if unidade is None or not unidade.ativa:
        return []
    if unidade.central_atendimento:
        return None
    # The unit and every unit below it (pode_atuar: "of a unit above it").
    ids, fronteira = {unidade.pk}, [unidade.pk]
    while fronteira:
        abaixo = set(
            UnidadeOrganizacional.objects.filter(superior_id__in=fronteira).values_list(
                "pk", flat=True
            )
        )
        fronteira = list(abaixo - ids)
        ids |= abaixo
    return sorted(ids)


class CentralFilter(RegistroAtendimentoFilter):
    """The console's queue: the search's filters plus the seed's boxes (caixas), origem,
    motivo, status and orderings. ``excluido`` contacts only in the "Excluídos" box."""

    caixa = django_filters.ChoiceFilter(
        label="Filtrar", choices=CAIXAS, method="filtrar_caixa", empty_label=None
    )
    origem = django_filters.ChoiceFilter(
        label="Origem", choices=ORIGENS, method="filtrar_origem", empty_label=None
    )
    motivo = django_filters.ModelChoiceFilter(
        label="Motivo do atendimento",
        field_name="motivo_encerramento",
        queryset=MotivoEncerramento.objects.order_by("nome"),
        help_text="O motivo de encerramento (cadastro de motivos de encerramento).",
        empty_label="Independente do motivo",
    )
    periodo = django_filters.ChoiceFilter(
        label="Data de abertura",
        choices=[("entre", "Entre")],
        method="filtrar_nada",
        empty_label="Independente",
    )
    status = django_filters.ChoiceFilter(
        label="Status de atendimento",
        choices=_status_atendimento,
        method="filtrar_status",
        empty_label="Todos",
    )
    ordem = django_filters.ChoiceFilter(
        label="Ordem",
        choices=[(k, v[0]) for k, v in ORDENS_CENTRAL.items()],
        method="ordenar",
        empty_label=None,
    )

    class Meta(RegistroAtendimentoFilter.Meta):
        form = CentralForm

    def __init__(self, *args, usuario=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.usuario = usuario
        f = self.filters
        f["tipo"].method = self.filtrar_tipo
        f["tipo"].label = "Classificação"
        f["tipo"].extra["empty_label"] = "Independente da classificação"
        f["especificacao"].label = "Subclassificação"
        f["especificacao"].extra["empty_label"] = "Independente da subclassificação"
        f["status_prazo"].label = "Prazo de atendimento"
        f["status_prazo"].extra.update(choices=PRAZOS_CENTRAL, empty_label="--- Independente ---")
        f["responsavel"].label = "Responsável pelo atendimento"
        f["responsavel"].queryset = _operadores()
        f["abertura_de"].label = "Aberto de"

    def filtrar_caixa(self, queryset, name, value):
        if value == "excluidos":
            return queryset.filter(excluido=True)
        if value == "abertos":
            return queryset.filter(ABERTO)
        if value == "encerrados":
            return queryset.filter(situacao=RA.Situacao.ENCERRADO)
        if value == "operador":
            return queryset.filter(ABERTO, responsavel_id=getattr(self.usuario, "pk", None))
        if value == "perfil":
            queryset = queryset.filter(ABERTO, responsavel__isnull=True)
            unidades = unidades_do_perfil(self.usuario)
            return queryset if unidades is None else queryset.filter(unidade_atual_id__in=unidades)
        return queryset

    def filtrar_origem(self, queryset, name, value):
        return queryset if value == ORIGEM_TODAS else queryset.filter(origem=value)

    def filtrar_status(self, queryset, name, value):
        if value == STATUS_EXPIRADO:
            return queryset.filter(status_prazo_q(RA.StatusPrazo.VENCIDO, self.agora))
        if value == STATUS_DENTRO:
            return queryset.filter(
                ABERTO,
                Q(pausado_desde__isnull=False) | Q(data_prevista_atual__gt=self.agora),
            )
        return queryset.filter(status_complementar_id=int(value[len(STATUS_COMPLEMENTAR) :]))

    def filtrar_nada(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        dados = self.form.cleaned_data
        if dados.get("motivo") and dados.get("caixa") in CAIXAS_ABERTAS:
            # The motivo is the closing one: no open contact has it (and asking the
            # database would walk every open RA to find none).
            return queryset.none()
        if dados.get("caixa") != "excluidos":
            queryset = queryset.filter(excluido=False)
        return super().filter_queryset(queryset)

    def filtrar_tipo(self, queryset, name, value):
        # Resolved to its especificações first: no join, so the box's index serves it.
        ids = list(Especificacao.objects.filter(tipo=value).values_list("pk", flat=True))
        return queryset.filter(especificacao_id__in=ids)

    def ordenar(self, queryset, name, value):
        if value == "cliente" and self.form.cleaned_data.get("caixa") in CAIXAS_ABERTAS:
            # An open box is small (the backlog): looking each name up beats hashing
            # every client to sort a few thousand contacts.
            nome = Subquery(Cliente.objects.filter(pk=OuterRef("cliente_id")).values("nome")[:1])
            return queryset.annotate(_nome_cliente=nome).order_by(
                F("_nome_cliente").asc(nulls_last=True), "-data_abertura", "-id"
            )
        return queryset.order_by(*ORDENS_CENTRAL[value][1])
