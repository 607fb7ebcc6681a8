"""E-mail addresses of the e-mail channel: validation and masking (the twin of telefones.py)."""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from core.dados_pessoais import email_mascarar

_validar = EmailValidator()


class EmailInvalido(ValueError):
    """The address cannot receive e-mail; the message is shown to the user as is (pt-BR)."""


def email_normalizar(endereco: str) -> str:
    """The address as it is stored, searched and sent: trimmed, in lower case (mail
    servers treat the mailbox name case-insensitively in practice).

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
    return valor.lower()


def destino_mascarar(destino: str, canal: str) -> str:
    """A message's destination as a user without personal-data access sees it."""
    from .telefones import celular_mascarar

    return email_mascarar(destino) if canal == "email" else celular_mascarar(destino)
