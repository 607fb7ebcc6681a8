from django import forms
from django.core.exceptions import ValidationError

from cadastro import validators
from cadastro.models import Cliente, ClienteImovel, Telefone
from cadastro.services import DadosTelefone


class ClienteForm(forms.Form):
    nome = forms.CharField(label="Nome", max_length=150)
    cpf_cnpj = forms.CharField(
        label="CPF/CNPJ",
        max_length=18,
        required=False,
        help_text="Com ou sem pontuação. Deixe em branco se o cliente não informou.",
    )
    email = forms.EmailField(
        label="E-mail",
        required=False,
        error_messages={"invalid": "E-mail inválido: confira o endereço (ex.: nome@dominio.com)."},
    )
    recebe_sms = forms.BooleanField(label="Aceita receber SMS", required=False)
    recebe_email = forms.BooleanField(label="Aceita receber e-mail", required=False)

    def __init__(self, *args, cliente=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cliente = cliente

    def clean_cpf_cnpj(self):
        valor = self.cleaned_data["cpf_cnpj"].strip()
        if valor:
            if not validators.somente_digitos(valor) or not _SO_CPF.issuperset(valor):
                raise ValidationError(
                    "CPF/CNPJ deve ter só números (pontos, traço e barra são aceitos)."
                )
            validators.validar_cpf_cnpj(valor)
        digitos = validators.somente_digitos(valor)
        # Checked here too (the service checks again) so every error shows at once.
        outros = Cliente.objects.filter(cpf_cnpj=digitos) if digitos else Cliente.objects.none()
        if self.cliente is not None:
            outros = outros.exclude(pk=self.cliente.pk)
        if outros.exists():
            tipo = "CPF" if len(digitos) == 11 else "CNPJ"
            raise ValidationError(f"Este {tipo} já está cadastrado para outro cliente.")
        return digitos


_SO_CPF = set("0123456789.-/ ")


class VinculoNovoForm(forms.Form):
    """Optional link of a new client to the imóvel it was created from."""

    relacao = forms.ChoiceField(
        label="Vincular ao imóvel como",
        choices=[("", "Não vincular"), *ClienteImovel.Relacao.choices],
        required=False,
    )


class TelefoneForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tipo = forms.ChoiceField(label="Tipo", choices=Telefone.Tipo.choices, initial="celular")
    ddd = forms.CharField(label="DDD", max_length=4)
    numero = forms.CharField(label="Número", max_length=12)
    ramal = forms.CharField(label="Ramal", max_length=6, required=False)
    principal = forms.BooleanField(label="Principal", required=False)
    sms = forms.BooleanField(label="SMS", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo in self.fields.values():
            if campo.widget.is_hidden:
                continue
            if isinstance(campo.widget, forms.CheckboxInput):
                classe = "form-check-input"
            elif isinstance(campo.widget, forms.Select):
                classe = "form-select form-select-sm"
            else:
                classe = "form-control form-control-sm"
            campo.widget.attrs["class"] = classe
            campo.widget.attrs["aria-label"] = campo.label
        self.fields["ddd"].widget.attrs.update(size="3", inputmode="numeric", placeholder="81")
        self.fields["numero"].widget.attrs.update(inputmode="tel", placeholder="99999-9999")
        self.fields["ramal"].widget.attrs.update(size="5", inputmode="numeric")

    def clean(self):
        dados = super().clean()
        tipo, ddd, numero = dados.get("tipo"), dados.get("ddd"), dados.get("numero")
        if ddd and numero and tipo:
            try:
                validators.validar_telefone(ddd, numero, celular=tipo == Telefone.Tipo.CELULAR)
            except ValidationError as exc:
                self.add_error("numero", exc)
        if dados.get("sms") and tipo != Telefone.Tipo.CELULAR:
            self.add_error("sms", "Só um celular pode ser marcado para SMS.")
        return dados

    def dados(self) -> DadosTelefone:
        d = self.cleaned_data
        return DadosTelefone(
            id=d.get("id"),
            tipo=d["tipo"],
            ddd=d["ddd"],
            numero=d["numero"],
            ramal=d.get("ramal", ""),
            principal=d.get("principal", False),
            sms=d.get("sms", False),
        )


class BaseTelefoneFormSet(forms.BaseFormSet):
    def clean(self):
        # Counted even when some phone has an error, so every problem shows at once.
        marcados = [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and f.cleaned_data.get("sms")
            and not f.cleaned_data.get("DELETE")
        ]
        if len(marcados) > 1:
            raise ValidationError(
                "Só um telefone do cliente pode receber SMS: desmarque os outros.",
                code="sms_duplicado",
            )

    def _validos(self):
        return [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and f.cleaned_data.get("ddd")
            and not f.cleaned_data.get("DELETE")
        ]

    def telefones(self) -> list[DadosTelefone]:
        return [f.dados() for f in self._validos()]


TelefoneFormSet = forms.formset_factory(
    TelefoneForm, formset=BaseTelefoneFormSet, extra=1, can_delete=True, max_num=10
)


def telefones_iniciais(cliente) -> list[dict]:
    return [
        {
            "id": t.pk,
            "tipo": t.tipo,
            "ddd": t.ddd,
            "numero": t.numero,
            "ramal": t.ramal,
            "principal": t.principal,
            "sms": t.sms,
        }
        for t in cliente.telefones.all()
    ]


class BuscaForm(forms.Form):
    q = forms.CharField(label="Buscar", required=False)
    # Deep pages cost an OFFSET scan; past 100 pages (2,000 rows) the search must be refined.
    pagina = forms.IntegerField(required=False, min_value=1, max_value=100)
