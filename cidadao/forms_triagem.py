"""Forms of the attendants' triage screens: the queue's filter and one form per action."""

from django import forms

from atendimento.models import Especificacao, RegistroAtendimento
from cidadao.models import Relato

MOTIVO_MAX = Relato._meta.get_field("motivo_descarte").max_length


class _PorNome(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.nome


class FiltroFilaForm(forms.Form):
    especificacao = _PorNome(
        label="Problema",
        queryset=Especificacao.objects.filter(publica=True).only("pk", "nome").order_by("nome"),
        required=False,
        empty_label="Todos",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={"invalid_choice": "Escolha um dos problemas da lista."},
    )


class AbrirRaForm(forms.Form):
    descricao = forms.CharField(
        label="Descrição do RA",
        required=False,
        max_length=RegistroAtendimento._meta.get_field("descricao").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Vazio: a descrição do cidadão. Corrija ou complete se precisar.",
    )


class VincularForm(forms.Form):
    ra = forms.ModelChoiceField(
        label="RA",
        queryset=RegistroAtendimento.objects.select_related("especificacao"),
        error_messages={
            "required": "Escolha o RA ao qual vincular o relato.",
            "invalid_choice": "Este RA não foi encontrado. Recarregue a página e escolha de novo.",
        },
    )


class DescartarForm(forms.Form):
    motivo = forms.CharField(
        label="Motivo do descarte",
        max_length=MOTIVO_MAX,
        error_messages={"required": "Informe o motivo do descarte."},
    )
    avisar = forms.BooleanField(label="Avisar o cidadão por SMS", required=False)


class BloquearForm(forms.Form):
    motivo = forms.CharField(
        label="Motivo do bloqueio",
        max_length=200,
        error_messages={"required": "Informe o motivo do bloqueio."},
    )
