"""Forms of the portal's account pages. Every length is bounded and every value
checked here, so bad input comes back as a message on the form, never an error page."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from cadastro.validators import (
    MATRICULA_EXEMPLO,
    matriculas_candidatas,
    somente_digitos,
    validar_cpf_cnpj,
)
from portal.models import ContaExterna

SENHA_MAX = 128


def _campo_email(**atributos) -> forms.EmailField:
    return forms.EmailField(
        label="E-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", **atributos}),
    )


def _campo_senha(rotulo: str, autocomplete: str, **opcoes) -> forms.CharField:
    return forms.CharField(
        label=rotulo,
        strip=False,
        max_length=SENHA_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **opcoes,
    )


class EntrarForm(forms.Form):
    email = _campo_email(autofocus=True)
    senha = _campo_senha("Senha", "current-password")


class NovaSenhaMixin:
    """Two password fields that must match and pass Django's password validators
    (AUTH_PASSWORD_VALIDATORS), judged against the account they are for."""

    def _conta_da_senha(self) -> ContaExterna:
        raise NotImplementedError

    def _validar_senhas(self, dados) -> None:
        senha, confirmacao = dados.get("senha"), dados.get("senha_confirmacao")
        if not senha or not confirmacao:
            return
        if senha != confirmacao:
            self.add_error("senha_confirmacao", "As duas senhas não são iguais.")
            return
        try:
            password_validation.validate_password(senha, self._conta_da_senha())
        except ValidationError as exc:
            self.add_error("senha", exc)


def _campo_nova_senha() -> forms.CharField:
    return _campo_senha(
        "Senha",
        "new-password",
        help_text=password_validation.password_validators_help_text_html(),
    )


def _campo_confirmacao() -> forms.CharField:
    return _campo_senha("Repita a senha", "new-password")


class CadastroForm(NovaSenhaMixin, forms.Form):
    cpf_cnpj = forms.CharField(
        label="CPF ou CNPJ do titular",
        max_length=30,
        help_text="Do cliente cadastrado na companhia. Pode digitar com ou sem pontos.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    matricula = forms.CharField(
        label="Matrícula do imóvel",
        max_length=20,
        help_text=f"Está na conta de água. Com ou sem o dígito (ex.: {MATRICULA_EXEMPLO}).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    nome = forms.CharField(
        label="Seu nome",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = _campo_email()
    senha = _campo_nova_senha()
    senha_confirmacao = _campo_confirmacao()

    def clean_cpf_cnpj(self):
        valor = self.cleaned_data["cpf_cnpj"]
        validar_cpf_cnpj(valor)
        return somente_digitos(valor)

    def clean_matricula(self):
        return matriculas_candidatas(self.cleaned_data["matricula"])

    def clean(self):
        dados = super().clean()
        self._validar_senhas(dados)
        return dados

    def _conta_da_senha(self) -> ContaExterna:
        return ContaExterna(
            email=self.cleaned_data.get("email", ""), nome=self.cleaned_data.get("nome", "")
        )


class SenhaPedirForm(forms.Form):
    email = _campo_email(autofocus=True)


class SenhaDefinirForm(NovaSenhaMixin, forms.Form):
    senha = _campo_nova_senha()
    senha_confirmacao = _campo_confirmacao()

    def __init__(self, conta: ContaExterna, *args, **kwargs):
        self.conta = conta
        super().__init__(*args, **kwargs)

    def clean(self):
        dados = super().clean()
        self._validar_senhas(dados)
        return dados

    def _conta_da_senha(self) -> ContaExterna:
        return self.conta
