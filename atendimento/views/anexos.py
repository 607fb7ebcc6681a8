"""Attachments are served by Django to users who may read the RA, never from MEDIA_URL."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from atendimento import selectors

_EXIBIVEIS = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf")


@require_GET
def anexo(request, pk):
    anexo = selectors.anexo_get(usuario=request.user, pk=pk)
    try:
        arquivo = anexo.arquivo.open("rb")
    except (FileNotFoundError, ValueError) as erro:
        raise Http404("O arquivo deste anexo não foi encontrado.") from erro
    inline = anexo.tipo_mime in _EXIBIVEIS and request.GET.get("baixar") is None
    resposta = FileResponse(
        arquivo,
        as_attachment=not inline,
        filename=anexo.nome_original,
        content_type=anexo.tipo_mime if inline else "application/octet-stream",
    )
    resposta["X-Content-Type-Options"] = "nosniff"
    resposta["Cache-Control"] = "private, no-store"
    return resposta
