"""Attachments are served by Django to users who may read the RA, never from MEDIA_URL."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from atendimento import selectors

_EXIBIVEIS = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf")


def anexo_servir(anexo, *, inline=False) -> FileResponse:
    """The file of ``anexo`` (already authorised by the caller): shown in the page when
    ``inline`` and of a type a browser shows safely, downloaded otherwise; never sniffed,
    never cached by a shared cache."""
    try:
        arquivo = anexo.arquivo.open("rb")
    except (FileNotFoundError, ValueError) as erro:
        raise Http404("O arquivo deste anexo não foi encontrado.") from erro
    inline = inline and anexo.tipo_mime in _EXIBIVEIS
    resposta = FileResponse(
        arquivo,
        as_attachment=not inline,
        filename=anexo.nome_original,
        content_type=anexo.tipo_mime if inline else "application/octet-stream",
    )
    resposta["X-Content-Type-Options"] = "nosniff"
    resposta["Cache-Control"] = "private, no-store"
    return resposta


@require_GET
def anexo(request, pk):
    anexo = selectors.anexo_get(usuario=request.user, pk=pk)
    return anexo_servir(anexo, inline=request.GET.get("baixar") is None)
