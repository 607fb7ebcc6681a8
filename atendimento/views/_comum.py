from django.urls import reverse

from core.exceptions import VersaoDesatualizada


def erro_no_form(form, exc, *, so_campos_sem_erro=False) -> None:
    """Show a domain error next to its field when the form has it, on top otherwise.

    ``RegrasVioladas`` shows each of its errors. ``form.campos_servico`` maps a
    service's field name to the form's (``imovel`` → ``matricula``). With
    ``so_campos_sem_erro`` a field that already shows an error of the form keeps
    only that one (the rule may have been checked on an empty value).
    """
    nomes = getattr(form, "campos_servico", {})
    for erro in getattr(exc, "erros", [exc]):
        campo = nomes.get(erro.campo, erro.campo)
        if isinstance(erro, VersaoDesatualizada) or campo not in form.fields:
            campo = None
        if so_campos_sem_erro and campo is not None and campo in form.errors:
            continue
        if str(erro) not in form.errors.get(campo or "__all__", []):
            form.add_error(campo, str(erro))


def url_detalhe(ra) -> str:
    """Consultar RA: where every action returns."""
    return reverse("atendimento:detalhe", args=[ra.pk])
