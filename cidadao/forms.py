"""The public report form. It only reads the fields: every rule (location, area,
lengths, phone, photo) is ``relato_registrar``'s, so the form and the Open311 API
refuse the same things with the same words."""

from django import forms

from atendimento.models import Especificacao
from cidadao.services.relatos import DESCRICAO_MAX, ENDERECO_MAX


def especificacoes_publicas():
    return Especificacao.objects.filter(publica=True, ativa=True, tipo__ativo=True).select_related(
        "tipo"
    )


class RelatoForm(forms.Form):
    especificacao = forms.ModelChoiceField(
        label="Qual é o problema?",
        queryset=Especificacao.objects.none(),
        required=False,  # the service says "Escolha o tipo de problema" with the other errors
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Escolha o tipo de problema."},
    )
    # Filled by the map or the phone's GPS (relato.js); the service checks them.
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    endereco = forms.CharField(
        label="Endereço ou ponto de referência",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": ENDERECO_MAX, "autocomplete": "street-address"}),
        help_text="Rua, número aproximado e bairro, ou algo conhecido perto "
        "(ex.: em frente à escola municipal).",
    )
    foto = forms.FileField(
        label="Foto",
        required=False,
        allow_empty_file=True,  # the service explains an empty photo
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    descricao = forms.CharField(
        label="Descrição",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": DESCRICAO_MAX}),
        help_text="O que está acontecendo: água limpa ou esgoto, muita ou pouca, desde quando.",
    )
    celular = forms.CharField(
        label="Celular",
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "inputmode": "tel",
                "autocomplete": "tel-national",
                "maxlength": 30,
                "placeholder": "(81) 99999-0000",
            }
        ),
        help_text="Opcional. Para receber por SMS o número do protocolo e o aviso quando "
        "o serviço for concluído. Só celular do Brasil, com DDD.",
    )
    # Honeypot: hidden from people by CSS (relato.css), filled by bots that fill every
    # field. A filled one stores nothing and shows the usual confirmation.
    site_pessoal = forms.CharField(label="Deixe este campo em branco", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["especificacao"].queryset = especificacoes_publicas()
        self.fields["especificacao"].label_from_instance = lambda especificacao: especificacao.nome
        self.fields["site_pessoal"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        for nome in ("endereco", "foto", "descricao", "celular"):
            self.fields[nome].widget.attrs["class"] = "form-control form-control-lg"
            self.fields[nome].widget.attrs["aria-describedby"] = f"id_{nome}_ajuda"

    def marcar_erros(self) -> None:
        """Bootstrap's red border and the screen reader's "invalid" on refused fields."""
        for nome in self.errors:
            if nome in self.fields and "class" in self.fields[nome].widget.attrs:
                attrs = self.fields[nome].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{nome}_erro id_{nome}_ajuda"

    @property
    def armadilha(self) -> bool:
        return bool((self.data.get("site_pessoal") or "").strip())
