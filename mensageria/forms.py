from django import forms

from core.forms import DataField

from .enderecos import EmailInvalido, email_normalizar
from .models import Mensagem, SmsRecebido
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
    canal = forms.ChoiceField(
        label="Canal", required=False, choices=[("", "Todos"), *Mensagem.Canal.choices]
    )
    protocolo = forms.CharField(label="Protocolo ou nº do RA", required=False, max_length=20)
    telefone = forms.CharField(label="Celular ou e-mail", required=False, max_length=254)

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
            if "@" in telefone:
                return email_normalizar(telefone)
            return celular_normalizar(telefone)
        except (EmailInvalido, NumeroInvalido) as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        dados = super().clean()
        if dados.get("inicio") and dados.get("fim") and dados["inicio"] > dados["fim"]:
            raise forms.ValidationError("A data inicial é posterior à final.")
        return dados


class ReenviarForm(forms.Form):
    # A phone for an SMS, an address for an e-mail (checked by the service).
    destino = forms.CharField(label="Celular ou e-mail", max_length=254)
    atualizar_origem = forms.BooleanField(
        label="Corrigir também onde o número está cadastrado", required=False
    )


class DescartarForm(forms.Form):
    motivo = forms.CharField(label="Motivo do descarte", max_length=200)


class SmsRecebidoFiltroForm(forms.Form):
    """The screen opens on the new SMS (what an attendant must treat); "todos" is all."""

    situacao = forms.ChoiceField(
        label="Situação",
        required=False,
        choices=[*SmsRecebido.Situacao.choices, ("todos", "Todas")],
    )
    limitados = forms.BooleanField(label="Só os não respondidos por limite", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situacao"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["limitados"].widget.attrs["class"] = "form-check-input"

    def filtros(self) -> dict:
        situacao = self.cleaned_data.get("situacao") if self.is_valid() else ""
        limitados = self.cleaned_data.get("limitados", False) if self.is_valid() else False
        situacao = situacao or SmsRecebido.Situacao.NOVO
        return {"situacao": "" if situacao == "todos" else situacao, "limitados": limitados}


class SmsAnexarForm(forms.Form):
    protocolo = forms.CharField(label="Protocolo do RA", max_length=40)


class SmsDescartarForm(forms.Form):
    motivo = forms.CharField(label="Motivo do descarte", max_length=300)
