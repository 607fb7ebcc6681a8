"""The filters of the RA search (DOMAIN §4.5 and seed 004), over all history.

Each filter is written so PostgreSQL can answer it from an index: dates become
half-open ranges on the raw column (never ``__date``), protocols and CPFs are
resolved to ids before the main query, and "open" always reads
``NOT situacao = 'encerrado'`` to match the partial indexes.
"""

import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from atendimento.models import (
    DevolucaoValor,
    Especificacao,
    MeioSolicitacao,
    RegistroAtendimento,
    Reiteracao,
    TipoSolicitacao,
    Tramite,
)
from atendimento.widgets import SelectRapido
from cadastro.models import Cliente, UnidadeOrganizacional, Usuario
from cadastro.validators import matriculas_candidatas, somente_digitos
from core.texto import normalizar

RA = RegistroAtendimento
ABERTO = ~Q(situacao=RA.Situacao.ENCERRADO)
BIGINT_MAX = 2**63 - 1
NOME_MAX_CLIENTES = 2000


def prazo_q(status: str, agora: datetime.datetime) -> Q:
    """The date part of a deadline status, for querysets already limited to open RAs
    (so PostgreSQL can count from the partial indexes, which include pausado_desde,
    without reading the table). A paused RA has only the "pausado" status."""
    if status == RA.StatusPrazo.PAUSADO:
        return Q(pausado_desde__isnull=False)
    correndo = Q(pausado_desde__isnull=True)
    if status == RA.StatusPrazo.VENCIDO:
        return correndo & Q(data_prevista_atual__lte=agora)
    if status == RA.StatusPrazo.ATENCAO:
        return correndo & Q(data_atencao__lte=agora, data_prevista_atual__gt=agora)
    return correndo & Q(data_atencao__gt=agora, data_prevista_atual__gt=agora)


def status_prazo_q(status: str, agora: datetime.datetime) -> Q:
    """SQL twin of ``RegistroAtendimento.status_prazo()`` (same precedence)."""
    return ABERTO & prazo_q(status, agora)


def protocolo_q(protocolo: str) -> Q:
    """RAs that gave ``protocolo``: their own or a later one (``RegistroAtendimento.protocolos``
    lists the same sources; a new source of protocols is added to both)."""
    # Resolved first so the main query is an OR of index lookups.
    ids = list(Reiteracao.objects.filter(protocolo=protocolo).values_list("ra_id", flat=True))
    return Q(protocolo=protocolo) | Q(pk__in=ids)


def inicio_do_dia(dia: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(dia, datetime.time.min))


# --- Form fields that turn what people type into something indexable ----------


PROTOCOLO_MAX = 20  # the widest format (ANS): 6 + 8 + 6 digits
_SEPARADORES_PROTOCOLO = re.compile(r"[\s.\-/]")


def protocolo_normalizar(texto) -> str | None:
    """The digits of a protocol as people type it ("2026 1 000000123", "2026.1-..."),
    or None when it cannot be one (letters, control characters, too long)."""
    if not isinstance(texto, str) or len(texto) > 3 * PROTOCOLO_MAX:
        return None
    digitos = _SEPARADORES_PROTOCOLO.sub("", texto)
    if not digitos or len(digitos) > PROTOCOLO_MAX or not digitos.isascii():
        return None
    return digitos if digitos.isdigit() else None


class ProtocoloField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        digitos = protocolo_normalizar(value)
        if digitos is None:
            raise ValidationError(f"O protocolo tem só números (até {PROTOCOLO_MAX} dígitos).")
        return digitos


class MatriculaField(forms.CharField):
    """The matrícula in the forms every screen accepts (``cadastro.validators``).

    Returns the candidate matrículas: ``100123457`` may be 100123457 or 10012345-7.
    """

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        return matriculas_candidatas(value)


class CpfCnpjField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        digitos = somente_digitos(value)
        if len(digitos) not in (11, 14) or re.search(r"[^\d.\-/\s]", value):
            raise ValidationError("Informe o CPF (11 dígitos) ou o CNPJ (14 dígitos).")
        return digitos


class NomeField(forms.CharField):
    """Words of a name, accent-free, each of 3+ letters (what a trigram index can serve)."""

    def clean(self, value):
        texto = normalizar(super().clean(value))
        if not texto:
            return []
        palavras = [re.sub(r"[\W_]", "", p) for p in texto.split()]
        palavras = [p for p in palavras if len(p) >= 3][:6]
        if not palavras:
            raise ValidationError("Digite pelo menos 3 letras do nome.")
        return palavras


class DataField(forms.DateField):
    input_formats = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {"invalid": "Data inválida: use o formato dd/mm/aaaa."}

    def clean(self, value):
        value = super().clean(value)
        if value and not 1900 <= value.year <= 2100:
            raise ValidationError("Data fora do intervalo aceito (1900 a 2100).")
        return value


class InteiroField(forms.IntegerField):
    default_error_messages = {"invalid": "Informe um número inteiro."}


class _Filtro(django_filters.Filter):
    """A filter whose form field does the parsing; ``method`` does the querying."""


class ProtocoloFilter(_Filtro):
    field_class = ProtocoloField


class MatriculaFilter(_Filtro):
    field_class = MatriculaField


class CpfCnpjFilter(_Filtro):
    field_class = CpfCnpjField


class NomeFilter(_Filtro):
    field_class = NomeField


class DataFilter(_Filtro):
    field_class = DataField


class InteiroFilter(_Filtro):
    field_class = InteiroField


# --- The form: cross-field checks --------------------------------------------

PERIODOS = (
    ("abertura_de", "abertura_ate", "abertura"),
    ("encerramento_de", "encerramento_ate", "encerramento"),
    ("tramite_de", "tramite_ate", "trâmite"),
)


class BuscaForm(forms.Form):
    def clean(self):
        dados = super().clean()
        for de, ate, nome in PERIODOS:
            inicio, fim = dados.get(de), dados.get(ate)
            if inicio and fim and inicio > fim:
                self.add_error(ate, f"O fim do período de {nome} é anterior ao início.")
        return dados


# --- The filter set ----------------------------------------------------------

SITUACOES = [
    ("abertos", "Em aberto (pendentes e bloqueados)"),
    *RA.Situacao.choices,
]
DEVOLUCAO = [("sim", "Com devolução de valores"), *DevolucaoValor.Motivo.choices]
ORDENS = {
    "-abertura": ("Abertura (mais recentes)", ("-data_abertura", "-id")),
    "abertura": ("Abertura (mais antigas)", ("data_abertura", "id")),
    "prazo": ("Prazo (mais próximo)", ("data_prevista_atual", "id")),
    "-numero": ("Número (maior primeiro)", ("-id",)),
    "numero": ("Número (menor primeiro)", ("id",)),
    "protocolo": ("Protocolo", ("protocolo",)),
    "cliente": ("Nome do cliente", ("cliente__nome", "-data_abertura", "-id")),
    "operador": (
        "Operador (aberto por)",
        ("usuario_abertura__first_name", "usuario_abertura__last_name", "-id"),
    ),
}
ORDEM_PADRAO = ORDENS["-abertura"][1]

_LISTA = {"empty_label": "Todos"}


def usuarios_ativos():
    return Usuario.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class RegistroAtendimentoFilter(django_filters.FilterSet):
    protocolo = ProtocoloFilter(
        label="Protocolo",
        max_length=24,
        method="filtrar_protocolo",
        help_text="Do RA ou de uma reiteração. Atalho: Alt+B.",
        widget=forms.TextInput(attrs={"data-atalho": "b", "inputmode": "numeric"}),
    )
    numero = InteiroFilter(label="Número do RA", field_name="pk", min_value=1, max_value=BIGINT_MAX)
    matricula = MatriculaFilter(
        label="Matrícula", max_length=14, method="filtrar_matricula", help_text="Com ou sem dígito."
    )
    cliente = NomeFilter(label="Nome do cliente", max_length=150, method="filtrar_cliente")
    cpf_cnpj = CpfCnpjFilter(label="CPF/CNPJ", max_length=20, method="filtrar_cpf_cnpj")
    situacao = django_filters.ChoiceFilter(
        label="Situação", choices=SITUACOES, method="filtrar_situacao", **_LISTA
    )
    status_prazo = django_filters.ChoiceFilter(
        label="Prazo", choices=RA.StatusPrazo.choices, method="filtrar_status_prazo", **_LISTA
    )
    tipo = django_filters.ModelChoiceFilter(
        label="Tipo de solicitação",
        field_name="especificacao__tipo",
        queryset=TipoSolicitacao.objects.order_by("nome"),
        **_LISTA,
    )
    especificacao = django_filters.ModelChoiceFilter(
        label="Especificação",
        queryset=Especificacao.objects.select_related("tipo"),
        **_LISTA,
    )
    unidade_atual = django_filters.ModelChoiceFilter(
        label="Unidade atual", queryset=UnidadeOrganizacional.objects.order_by("sigla"), **_LISTA
    )
    unidade_abertura = django_filters.ModelChoiceFilter(
        label="Unidade de abertura",
        queryset=UnidadeOrganizacional.objects.order_by("sigla"),
        **_LISTA,
    )
    responsavel = django_filters.ModelChoiceFilter(
        label="Responsável", queryset=usuarios_ativos(), null_label="Sem responsável", **_LISTA
    )
    usuario_abertura = django_filters.ModelChoiceFilter(
        label="Aberto por", queryset=usuarios_ativos(), **_LISTA
    )
    meio = django_filters.ModelChoiceFilter(
        label="Meio", queryset=MeioSolicitacao.objects.order_by("nome"), **_LISTA
    )
    interacao_pendente = django_filters.ChoiceFilter(
        label="Interação pendente", choices=RA.InteracaoPendente.choices, **_LISTA
    )
    prioridade = django_filters.ChoiceFilter(
        label="Prioridade", choices=RA.Prioridade.choices, **_LISTA
    )
    devolucao = django_filters.ChoiceFilter(
        label="Devolução de valores", choices=DEVOLUCAO, method="filtrar_devolucao", **_LISTA
    )
    abertura_de = DataFilter(label="Aberto de", method="filtrar_periodo")
    abertura_ate = DataFilter(label="até", method="filtrar_periodo")
    encerramento_de = DataFilter(label="Encerrado de", method="filtrar_periodo")
    encerramento_ate = DataFilter(label="até", method="filtrar_periodo")
    tramite_de = DataFilter(label="Tramitado de", method="filtrar_periodo")
    tramite_ate = DataFilter(label="até", method="filtrar_periodo")
    ordem = django_filters.ChoiceFilter(
        label="Ordenar por",
        choices=[(k, v[0]) for k, v in ORDENS.items()],
        method="ordenar",
        empty_label=None,
    )

    class Meta:
        model = RegistroAtendimento
        fields: list = []
        form = BuscaForm

    def __init__(self, *args, agora=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agora = agora or timezone.now()
        for filtro in self.filters.values():
            if isinstance(filtro, django_filters.ChoiceFilter | django_filters.ModelChoiceFilter):
                filtro.extra.setdefault("widget", SelectRapido(attrs={"class": "form-select"}))

    # Methods ---------------------------------------------------------------

    def filtrar_protocolo(self, queryset, name, value):
        return queryset.filter(protocolo_q(value))

    def filtrar_matricula(self, queryset, name, value):
        return queryset.filter(imovel__matricula__in=value)

    def filtrar_cliente(self, queryset, name, value):
        # Every word, anywhere in the name ("maria silva" finds "Maria Aparecida da Silva").
        palavras = Q()
        for palavra in value:
            palavras &= Q(busca__contains=palavra)
        clientes = Cliente.objects.filter(palavras).order_by()
        ids = list(clientes.values_list("pk", flat=True)[: NOME_MAX_CLIENTES + 1])
        if len(ids) <= NOME_MAX_CLIENTES:
            # Resolved first: the RAs come from the cliente index, then a small sort.
            return queryset.filter(cliente_id__in=ids)
        # A very common name: its RAs are everywhere, the newest-first walk fills a page.
        return queryset.filter(cliente__in=clientes)

    def filtrar_cpf_cnpj(self, queryset, name, value):
        ids = list(Cliente.objects.filter(cpf_cnpj=value).values_list("pk", flat=True))
        return queryset.filter(Q(cliente_id__in=ids) | Q(solicitante_cpf_cnpj=value))

    def filtrar_situacao(self, queryset, name, value):
        if value == "abertos":
            return queryset.filter(ABERTO)
        return queryset.filter(situacao=value)

    def filtrar_status_prazo(self, queryset, name, value):
        return queryset.filter(status_prazo_q(value, self.agora))

    def filtrar_devolucao(self, queryset, name, value):
        if value == "sim":
            return queryset.filter(
                Q(especificacao__natureza=Especificacao.Natureza.DEVOLUCAO)
                | Exists(DevolucaoValor.objects.filter(ra=OuterRef("pk")))
            )
        return queryset.filter(
            Exists(DevolucaoValor.objects.filter(ra=OuterRef("pk"), motivo=value))
        )

    def filtrar_periodo(self, queryset, name, value):
        campo, lado = name.rsplit("_", 1)
        if campo == "tramite":
            return queryset  # both ends go into one subquery, see filter_queryset
        coluna = {"abertura": "data_abertura", "encerramento": "data_encerramento"}[campo]
        if lado == "de":
            return queryset.filter(**{f"{coluna}__gte": inicio_do_dia(value)})
        fim = inicio_do_dia(value + datetime.timedelta(days=1))
        queryset = queryset.filter(**{f"{coluna}__lt": fim})
        if campo == "encerramento":
            # Implied (closing ≥ opening, a CHECK constraint): lets PostgreSQL start the
            # newest-first walk at the end of the period instead of at today.
            queryset = queryset.filter(data_abertura__lt=fim)
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Both ends of a routing period must hold for the same trâmite. An IN over the
        # trâmites of the period (index on data) beats a correlated EXISTS per RA.
        de, ate = (self.form.cleaned_data.get(k) for k in ("tramite_de", "tramite_ate"))
        if de or ate:
            tramites = Tramite.objects.all()
            if de:
                tramites = tramites.filter(data__gte=inicio_do_dia(de))
            if ate:
                fim = inicio_do_dia(ate + datetime.timedelta(days=1))
                tramites = tramites.filter(data__lt=fim)
                # Implied: an RA is routed only after it is opened (see encerramento).
                queryset = queryset.filter(data_abertura__lt=fim)
            queryset = queryset.filter(pk__in=tramites.values("ra_id"))
        return queryset

    def ordenar(self, queryset, name, value):
        return queryset.order_by(*ORDENS[value][1])
