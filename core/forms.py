from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Usuário ou senha incorretos. Confira e tente de novo "
            "(maiúsculas e minúsculas fazem diferença)."
        ),
        "inactive": "Este usuário está desativado. Procure o administrador do sistema.",
    }


def _no_intervalo(valor) -> None:
    # Python dates stop at year 9999 and PostgreSQL stores past it in UTC:
    # a date near the edges overflows (here or when the row is read back).
    if valor and not 1900 <= valor.year <= 2100:
        raise forms.ValidationError("Data fora do intervalo aceito (1900 a 2100).")


class DataField(forms.DateField):
    """A date within 1900-2100."""

    def clean(self, value):
        value = super().clean(value)
        _no_intervalo(value)
        return value


class DataHoraField(forms.DateTimeField):
    """A date and time within 1900-2100."""

    def clean(self, value):
        value = super().clean(value)
        _no_intervalo(value)
        return value
