from django import forms

from core.forms import DataField

from .models import Mensagem
from .telefones import NumeroInvalido, celular_normalizar


class ConsultaForm(forms.Form):
    inicio = DataField(label="De", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    fim = DataField(label="Até", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        label="Situação", required=False, choices=[("", "Todas"), *Mensagem.Status.choices]
    )
    evento = forms.ChoiceField(
        label="Evento", required=False, choices=[("", "Todos"), *Mensagem.Evento.choices]
    )
    protocolo = forms.CharField(label="Protocolo ou nº do RA", required=False, max_length=20)
    telefone = forms.CharField(label="Celular", required=False, max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo in self.fields.values():
            classe = "form-select" if isinstance(campo, forms.ChoiceField) else "form-control"
            campo.widget.attrs["class"] = f"{classe} form-control-sm"

    def clean_telefone(self):
        telefone = self.cleaned_data["telefone"].strip()
        if not telefone:
            return ""
        try:
            return celular_normalizar(telefone)
        except NumeroInvalido as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        dados = super().clean()
        if dados.get("inicio") and dados.get("fim") and dados["inicio"] > dados["fim"]:
            raise forms.ValidationError("A data inicial é posterior à final.")
        return dados


class ReenviarForm(forms.Form):
    destino = forms.CharField(label="Celular", max_length=30)
    atualizar_origem = forms.BooleanField(
        label="Corrigir também onde o número está cadastrado", required=False
    )


class DescartarForm(forms.Form):
    motivo = forms.CharField(label="Motivo do descarte", max_length=200)
