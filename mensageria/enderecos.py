"""E-mail addresses of the e-mail channel: validation and masking (the twin of telefones.py)."""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

_validar = EmailValidator()


class EmailInvalido(ValueError):
    """The address cannot receive e-mail; the message is shown to the user as is (pt-BR)."""


def email_normalizar(endereco: str) -> str:
    """The address as it is stored and sent: trimmed, domain in lower case.

    Raises :class:`EmailInvalido` for anything Django's ``EmailValidator`` refuses
    (which also keeps line breaks, the vehicle of header injection, out).
    """
    valor = (endereco or "").strip()
    if not valor:
        raise EmailInvalido("Não há endereço de e-mail.")
    try:
        _validar(valor)
    except ValidationError as exc:
        raise EmailInvalido(f"O endereço de e-mail “{valor[:80]}” não é válido.") from exc
    usuario, _, dominio = valor.rpartition("@")
    return f"{usuario}@{dominio.lower()}"


def email_mascarar(endereco: str) -> str:
    """Least exposure (LGPD): jo***@exemplo.com.br."""
    if not endereco or "@" not in endereco:
        return "***" if endereco else ""
    usuario, _, dominio = endereco.rpartition("@")
    return f"{usuario[: 2 if len(usuario) > 3 else 1]}***@{dominio}"
