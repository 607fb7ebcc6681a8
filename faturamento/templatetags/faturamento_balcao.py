from django import template

from faturamento import selectors

register = template.Library()


@register.inclusion_tag("faturamento/_contas_imovel.html", takes_context=True)
def contas_do_imovel(context, imovel):
    """The imóvel's open bills with their linhas digitáveis (cadastro's imóvel page)."""
    return {
        "imovel": imovel,
        "contas": selectors.contas_em_aberto_com_linha(imovel),
        "perms": context["perms"],
        "csrf_token": context.get("csrf_token"),
    }
