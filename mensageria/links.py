"""The ``{link}`` tag of the RA texts: where the requester follows the RA.

For most RAs, the short address of the public status page: ``settings.URL_PUBLICA +
"/p/" + protocolo`` (the page ``consulta:curto`` of the citizen channel; a test keeps
both paths equal). For an RA opened in the customer portal (origem "portal"), the
portal's page of that contact (``portal:contato``): the customer signs in there and
reads the whole conversation and answers it. That address is longer, and templates
are checked on save against the status page's, so an SMS that would not fit with it
carries the status page's link instead (``mensageria.services.avisos_ra``).

Without ``URL_PUBLICA`` there is no link, and the words that lead to it go too: the
stretch of the text from the end of the previous sentence (or tag) to ``{link}`` is
taken out of the template, with the link's own full stop when the whole sentence goes.
So "Previsao: {data_prevista}. Acompanhe: {link}" becomes "Previsao: {data_prevista}."
and "Protocolo {protocolo}: {link}" becomes "Protocolo {protocolo}" — no dangling
"Acompanhe:" or stray spaces.
"""

import re

from django.conf import settings
from django.urls import reverse

CAMINHO_CURTO = "/p/"
_LINK = re.compile(r"(?<!\{)\{link\}(?!\})")  # not the literal "{{link}}"
_FIM_DE_FRASE = ".!?\n"
_LIMITES = _FIM_DE_FRASE + "}"  # a sentence's end or the previous tag's
_PONTUACAO = ".!?;,"


def link_consulta(protocolo: str) -> str:
    """The short link to ``protocolo``'s status page, or "" when URL_PUBLICA is unset."""
    base = settings.URL_PUBLICA
    return f"{base}{CAMINHO_CURTO}{protocolo}" if base else ""


def link_do_ra(ra) -> str:
    """The ``{link}`` of ``ra``'s texts (see the module), or "" when URL_PUBLICA is unset."""
    base = settings.URL_PUBLICA
    if not base:
        return ""
    if ra.origem == ra.Origem.PORTAL:
        return f"{base}{reverse('portal:contato', kwargs={'pk': ra.pk})}"
    return link_consulta(ra.protocolo)


def molde_sem_link(molde: str) -> str:
    """``molde`` without ``{link}`` and the words leading to it (see the module)."""
    if not _LINK.search(molde):
        return molde
    while achado := _LINK.search(molde):
        inicio, fim = achado.start(), achado.end()
        while inicio > 0 and molde[inicio - 1] not in _LIMITES:
            inicio -= 1
        if molde[inicio : achado.start()].rstrip().endswith("(") and molde[fim : fim + 1] == ")":
            fim += 1
        frase_inteira = inicio == 0 or molde[inicio - 1] in _FIM_DE_FRASE
        if frase_inteira and molde[fim : fim + 1] and molde[fim] in _PONTUACAO:
            fim += 1
        molde = molde[:inicio] + molde[fim:]
    linhas = [re.sub(r"[ \t]{2,}", " ", linha).strip() for linha in molde.split("\n")]
    return "\n".join(linhas).strip()
