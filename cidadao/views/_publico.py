"""What every public page (no login) shares."""

from mensageria.models import Parametros


def contexto_publico(**extra) -> dict:
    """The context of ``cidadao/base_publica.html``: the utility's name for the header."""
    return {"nome_empresa": Parametros.atuais().nome_empresa, **extra}
