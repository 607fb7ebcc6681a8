from django.urls import reverse

from core.exceptions import VersaoDesatualizada


def erro_no_form(form, exc) -> None:
    """Show a domain error next to its field when the form has it, on top otherwise."""
    campo = getattr(exc, "campo", None)
    if isinstance(exc, VersaoDesatualizada) or campo not in form.fields:
        form.add_error(None, str(exc))
    else:
        form.add_error(campo, str(exc))


def url_detalhe(ra) -> str:
    """Consultar RA: where every action returns."""
    return reverse("atendimento:detalhe", args=[ra.pk])
