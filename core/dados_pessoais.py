"""Masks of personal data for who does not need it in full (LGPD, least exposure).

One rule per kind of data, used by every screen, export and confirmation: the same
address never shows two ways.
"""


def email_mascarar(endereco: str) -> str:
    """``joao.silva@exemplo.com.br`` → ``j***@exemplo.com.br``; not an address → ``***``."""
    if not endereco or "@" not in endereco:
        return "***" if endereco else ""
    usuario, _, dominio = endereco.rpartition("@")
    return f"{usuario[:1]}***@{dominio}"
