from django import template

from ordens_servico import selectors

register = template.Library()

CORES = {
    "pendente": "warning",
    "programada": "info",
    "em_execucao": "primary",
    "executada": "success",
    "nao_executada": "secondary",
}


@register.simple_tag
def ordens_do_ra(ra):
    """The RA's OS for the RA page (one query, types/units/teams joined)."""
    return list(selectors.ordens_servico_do_ra(ra=ra))


@register.filter
def cor_situacao(situacao):
    return CORES.get(situacao, "light")
