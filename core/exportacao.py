"""Audit of CSV exports: every export view streams through :func:`auditada`."""

from core import services


def filtros_do_pedido(request) -> dict:
    """The query string as a JSON-able dict (one value, or a list when repeated)."""
    filtros = {}
    for chave, valores in request.GET.lists():
        if chave == "formato":
            continue
        filtros[chave] = valores[0] if len(valores) == 1 else valores
    return filtros


def auditada(pedacos, *, request, nome, cabecalho=1, dados_pessoais=False, filtros=None):
    """Stream ``pedacos`` (CSV chunks) and record the export when the stream ends.

    ``cabecalho`` is how many leading chunks are not data rows (BOM, header).
    The record is written even if the download is interrupted, with the rows
    sent so far.
    """
    enviados = 0
    try:
        for pedaco in pedacos:
            enviados += 1
            yield pedaco
    finally:
        services.exportacao_registrar(
            usuario=request.user,
            nome=nome,
            filtros=filtros_do_pedido(request) if filtros is None else filtros,
            linhas=max(0, enviados - cabecalho),
            dados_pessoais=dados_pessoais,
        )
