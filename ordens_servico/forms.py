from datetime import timedelta

from django import forms
from django.utils import timezone

from atendimento.models import MotivoEncerramento
from cadastro.models import UnidadeOrganizacional
from core.forms import DataField, DataHoraField
from ordens_servico import selectors
from ordens_servico.models import Equipe, OrdemServico, TipoServico
from ordens_servico.permissoes import unidades_abaixo

PARECER_MAX = 2000


class DataInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DataHoraInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ErroDeDominioMixin:
    """Turn a domain error (RegraViolada) into a form error on its field, if any."""

    def adicionar_erro(self, erro):
        campo = erro.campo if erro.campo in self.fields else None
        self.add_error(campo, erro.mensagem)


def _situacoes():
    return [
        ("", "Todas"),
        (selectors.ABERTAS, "Abertas (pendente, programada, em execução)"),
        (selectors.ENCERRADAS, "Encerradas"),
        *OrdemServico.Situacao.choices,
    ]


class CompactoMixin:
    """Small Bootstrap controls for filter bars."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo in self.fields.values():
            widget = campo.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


class FiltroOSForm(CompactoMixin, forms.Form):
    """Filters of the OS list. Plain id choices (one small query each, no
    server-side cursor, no lookup on validation): the list runs on every click."""

    numero = forms.IntegerField(label="Nº da OS", required=False, min_value=1)
    situacao = forms.ChoiceField(label="Situação", required=False, choices=_situacoes)
    tipo_servico = forms.TypedChoiceField(
        label="Tipo de serviço", required=False, coerce=int, empty_value=None
    )
    unidade = forms.TypedChoiceField(
        label="Unidade atual", required=False, coerce=int, empty_value=None
    )
    equipe = forms.TypedChoiceField(label="Equipe", required=False, coerce=int, empty_value=None)
    gerada_de = DataField(label="Gerada de", required=False, widget=DataInput())
    gerada_ate = DataField(label="até", required=False, widget=DataInput())
    vencidas = forms.BooleanField(
        label="Somente vencidas (fora da janela de execução)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        vazio = [("", "Todos")]
        self.fields["tipo_servico"].choices = vazio + list(
            TipoServico.objects.order_by("descricao").values_list("pk", "descricao")
        )
        self.fields["unidade"].choices = vazio + [
            (pk, f"{sigla} — {nome}")
            for pk, sigla, nome in UnidadeOrganizacional.objects.filter(ativa=True)
            .order_by("sigla")
            .values_list("pk", "sigla", "nome")
        ]
        self.fields["equipe"].choices = vazio + [
            (pk, f"{sigla} · {nome}")
            for pk, nome, sigla in Equipe.objects.order_by("unidade__sigla", "nome").values_list(
                "pk", "nome", "unidade__sigla"
            )
        ]

    def clean(self):
        dados = super().clean()
        de, ate = dados.get("gerada_de"), dados.get("gerada_ate")
        if de and ate and de > ate:
            self.add_error("gerada_ate", "A data final deve ser igual ou posterior à inicial.")
        return dados


class ProgramarForm(ErroDeDominioMixin, forms.Form):
    equipe = forms.ModelChoiceField(label="Equipe", queryset=Equipe.objects.none())
    data_programada = DataField(label="Dia da execução", widget=DataInput())
    posicao = forms.IntegerField(
        label="Ordem na fila",
        required=False,
        min_value=1,
        max_value=99,
        help_text="Vazio: no fim da fila.",
    )
    versao = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, os: OrdemServico, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipe"].queryset = Equipe.objects.filter(
            ativa=True, unidade=os.unidade_atual
        ).order_by("nome")
        if not self.is_bound:
            self.initial.setdefault("versao", os.versao)
            self.initial.setdefault("equipe", os.equipe_id)
            self.initial.setdefault(
                "data_programada",
                os.data_programada or timezone.localdate() + timedelta(days=1),
            )
            self.initial.setdefault("posicao", os.posicao)


def _motivos_os():
    return MotivoEncerramento.objects.filter(
        ativo=True,
        tipo__in=[MotivoEncerramento.Tipo.EXECUTADO, MotivoEncerramento.Tipo.NAO_EXECUTADO],
    ).order_by("tipo", "nome")


class EncerrarForm(ErroDeDominioMixin, forms.Form):
    motivo = forms.ModelChoiceField(
        label="Motivo",
        queryset=MotivoEncerramento.objects.none(),
        help_text="Um motivo de execução encerra a OS como executada; os demais, como não "
        "executada.",
    )
    data = DataHoraField(
        label="Data e hora do encerramento",
        widget=DataHoraInput(),
        help_text="Não pode ser anterior à geração da OS nem no futuro.",
    )
    parecer = forms.CharField(
        label="Parecer (o que foi feito)",
        required=False,
        max_length=PARECER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    versao = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, os: OrdemServico, **kwargs):
        super().__init__(*args, **kwargs)
        self.os = os
        self.fields["motivo"].queryset = _motivos_os()
        self.fields["motivo"].label_from_instance = lambda m: (
            f"{m.nome} ({m.get_tipo_display().lower()})"
        )
        if not self.is_bound:
            self.initial.setdefault("versao", os.versao)
            self.initial.setdefault("data", timezone.localtime().replace(second=0, microsecond=0))

    def clean_data(self):
        """The screen has minute precision: a time in the same minute the OS was
        generated (or started) means that very moment, not "before" it."""
        data = self.cleaned_data["data"]
        minimo = max(d for d in (self.os.data_geracao, self.os.data_inicio) if d is not None)
        if data < minimo and data >= minimo.replace(second=0, microsecond=0):
            return minimo
        return data


class CancelarForm(ErroDeDominioMixin, forms.Form):
    motivo = forms.CharField(label="Motivo do cancelamento", max_length=120)
    versao = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GerarOSForm(ErroDeDominioMixin, forms.Form):
    tipo_servico = forms.ModelChoiceField(
        label="Tipo de serviço", queryset=TipoServico.objects.filter(ativo=True)
    )


class EncerrarRAForm(ErroDeDominioMixin, forms.Form):
    motivo = forms.ModelChoiceField(
        label="Motivo do encerramento do RA", queryset=MotivoEncerramento.objects.none()
    )
    parecer = forms.CharField(
        label="Parecer", max_length=PARECER_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motivo"].queryset = _motivos_os()


class EncerrarVencidasForm(ErroDeDominioMixin, forms.Form):
    tipo_servico = forms.ModelChoiceField(
        label="Tipo de serviço", queryset=TipoServico.objects.all()
    )
    dias = forms.IntegerField(
        label="Pendentes há mais de (dias)", min_value=1, max_value=3650, initial=30
    )
    unidade = forms.ModelChoiceField(
        label="Unidade",
        required=False,
        queryset=UnidadeOrganizacional.objects.none(),
        help_text="Inclui as unidades abaixo dela.",
    )

    def __init__(self, *args, usuario, qualquer_unidade: bool, **kwargs):
        super().__init__(*args, **kwargs)
        campo = self.fields["unidade"]
        if qualquer_unidade:
            campo.queryset = UnidadeOrganizacional.objects.filter(ativa=True).order_by("sigla")
            campo.empty_label = "Todas as unidades"
        else:
            abaixo = unidades_abaixo(usuario.unidade) if usuario.unidade_id else []
            campo.queryset = UnidadeOrganizacional.objects.filter(pk__in=abaixo).order_by("sigla")
            campo.required = True
            campo.empty_label = None
            self.initial.setdefault("unidade", usuario.unidade_id)


class BoletimForm(CompactoMixin, forms.Form):
    de = DataField(label="Executadas de", widget=DataInput())
    ate = DataField(label="até", widget=DataInput())
    unidade = forms.ModelChoiceField(
        label="Unidade",
        required=False,
        queryset=UnidadeOrganizacional.objects.filter(ativa=True).order_by("sigla"),
    )
    equipe = forms.ModelChoiceField(
        label="Equipe", required=False, queryset=Equipe.objects.select_related("unidade")
    )
    tipo_servico = forms.ModelChoiceField(
        label="Tipo de serviço", required=False, queryset=TipoServico.objects.all()
    )

    def clean(self):
        dados = super().clean()
        de, ate = dados.get("de"), dados.get("ate")
        if de and ate:
            if de > ate:
                self.add_error("ate", "A data final deve ser igual ou posterior à inicial.")
            elif (ate - de).days > 366:
                self.add_error("ate", "Escolha um período de até um ano.")
        return dados
