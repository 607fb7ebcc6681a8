"""CSV export of any filtered RA list, streamed so a million rows never sit in memory."""

import csv

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from atendimento import exportacao, selectors
from cadastro.selectors import pode_exportar_dados_pessoais
from core.exportacao import auditada


class _Eco:
    """A file-like object whose write() hands the CSV line back to the generator."""

    def write(self, valor):
        return valor


@require_GET
def exportar_csv(request):
    try:
        queryset = selectors.registro_atendimento_list(usuario=request.user, filtros=request.GET)
    except selectors.FiltrosInvalidos as erro:
        messages.error(request, erro.mensagem)
        return redirect(f"{reverse('atendimento:busca')}?{request.GET.urlencode()}")
    com_mensagens = request.GET.get("mensagens") in ("1", "on", "sim")
    dados_pessoais = pode_exportar_dados_pessoais(request.user)
    linhas = selectors.registro_atendimento_exportacao(queryset, com_mensagens=com_mensagens)
    agora = timezone.now()
    escritor = csv.writer(_Eco(), delimiter=";", lineterminator="\r\n")

    def gerar():
        yield exportacao.BOM + escritor.writerow(exportacao.cabecalho(com_mensagens=com_mensagens))
        for ra in linhas.iterator(chunk_size=2000):
            yield escritor.writerow(
                exportacao.linha(
                    ra, dados_pessoais=dados_pessoais, com_mensagens=com_mensagens, agora=agora
                )
            )

    nome = f"registros-atendimento-{timezone.localtime(agora):%Y%m%d-%H%M}.csv"
    pedacos = auditada(
        gerar(), request=request, nome="Registros de atendimento", dados_pessoais=dados_pessoais
    )
    resposta = StreamingHttpResponse(pedacos, content_type="text/csv; charset=utf-8")
    resposta["Content-Disposition"] = f'attachment; filename="{nome}"'
    return resposta
