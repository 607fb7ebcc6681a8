"""The Manter RA form: it only parses; the rules live in registro_atendimento_alterar."""

from django import forms
from django.db.models import Q

from atendimento.forms import DataInput, VersaoForm
from atendimento.models import RegistroAtendimento, StatusComplementar
from atendimento.services.alteracao import CAMPOS_ALTERAVEIS, DESCRICAO_MAX
from core.forms import DataField

RA = RegistroAtendimento


class AlterarForm(VersaoForm):
    descricao = forms.CharField(
        label="Descrição",
        max_length=DESCRICAO_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "autofocus": True}),
    )
    local_ocorrencia = forms.CharField(label="Local da ocorrência", max_length=250, required=False)
    prioridade = forms.TypedChoiceField(
        label="Prioridade", choices=RA.Prioridade.choices, coerce=int
    )
    data_reservada = DataField(
        label="Data reservada para a visita",
        required=False,
        widget=DataInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Data inválida: use o formato dd/mm/aaaa."},
    )
    melhor_horario = forms.ChoiceField(
        label="Melhor horário",
        choices=[("", "—"), *RA.MelhorHorario.choices],
        required=False,
    )
    status_complementar = forms.ModelChoiceField(
        label="Status complementar",
        queryset=StatusComplementar.objects.none(),
        required=False,
        empty_label="—",
    )

    def __init__(self, *args, ra, **kwargs):
        super().__init__(*args, **kwargs)
        # The RA's current status stays selectable even if it was deactivated since.
        self.fields["status_complementar"].queryset = StatusComplementar.objects.filter(
            Q(ativo=True) | Q(pk=ra.status_complementar_id)
        ).order_by("nome")

    @staticmethod
    def inicial(ra) -> dict:
        return {"versao": ra.versao, **{campo: getattr(ra, campo) for campo in CAMPOS_ALTERAVEIS}}

    def dados(self) -> dict:
        return {campo: self.cleaned_data[campo] for campo in CAMPOS_ALTERAVEIS}
