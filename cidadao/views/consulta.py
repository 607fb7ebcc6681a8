"""The public status page by protocol, and its short link for SMS (no login).

Anti-enumeration: a protocol that does not exist, a text that cannot be a protocol
and any look-up once the IP went over its limit all get the same answer, byte for
byte (status 404, the neutral page, the same headers), and the limited look-ups never
reach the database, so a real protocol is not revealed while limited. The neutral
page repeats nothing of what was typed. The pages render no CSRF token (nothing is
posted from them), so no two answers differ by a random token and no cookie is set.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cidadao.models import ParametrosCidadao
from cidadao.selectors.publico import situacao_publica
from cidadao.views._publico import contexto_publico
from core.limites import limite_ip_atingido


def _responder(request, template, *, status=200, **extra):
    # csrf_token="" overrides the context processor: no masked (random) token per render.
    contexto = contexto_publico(csrf_token="", **extra)
    resposta = render(request, template, contexto, status=status)
    resposta["Cache-Control"] = "no-store"
    resposta["X-Robots-Tag"] = "noindex"
    return resposta


def _consultar(request, texto):
    maximo = ParametrosCidadao.atual().consultas_por_ip_minuto
    if limite_ip_atingido(request, grupo="consulta", maximo=maximo, periodo="m"):
        situacao = None
    else:
        situacao = situacao_publica(texto)
    if situacao is None:
        return _responder(request, "cidadao/consulta_nao_encontrado.html", status=404)
    return _responder(request, "cidadao/consulta_protocolo.html", situacao=situacao)


@login_not_required
@require_safe
def inicio(request):
    """The form asking for the protocol; with ``?protocolo=`` it answers in place."""
    if "protocolo" in request.GET:
        return _consultar(request, request.GET["protocolo"])
    return _responder(request, "cidadao/consulta_inicio.html")


@login_not_required
@require_safe
def protocolo(request, protocolo):
    """``/acompanhar/<protocolo>/`` and the SMS short link ``/p/<protocolo>``."""
    return _consultar(request, protocolo)
