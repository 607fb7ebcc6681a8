"""The OS list with filters, paginated without COUNT(*) (fast over millions of rows)."""

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from ordens_servico import selectors
from ordens_servico.forms import FiltroOSForm

POR_PAGINA = 50


class _Eco:
    def write(self, valor):
        return valor


def _csv(ordens):
    writer = csv.writer(_Eco(), delimiter=";")
    yield "\ufeff"
    yield writer.writerow(
        [
            "OS",
            "Situação",
            "Tipo de serviço",
            "Unidade",
            "Equipe",
            "Programada para",
            "RA (protocolo)",
            "Matrícula",
            "Endereço",
            "Gerada em",
            "Executar até",
            "Encerrada em",
            "Motivo",
        ]
    )
    agora = timezone.now()
    for os in ordens.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                os.numero,
                os.get_situacao_display() + (" (vencida)" if os.vencida(agora) else ""),
                os.tipo_servico.descricao,
                os.unidade_atual.sigla,
                os.equipe.nome if os.equipe_id else "",
                os.data_programada.strftime("%d/%m/%Y") if os.data_programada else "",
                os.ra.protocolo if os.ra_id else "",
                os.imovel.matricula_formatada if os.imovel_id else "",
                os.endereco,
                timezone.localtime(os.data_geracao).strftime("%d/%m/%Y %H:%M"),
                timezone.localtime(os.data_limite).strftime("%d/%m/%Y %H:%M"),
                timezone.localtime(os.data_encerramento).strftime("%d/%m/%Y %H:%M")
                if os.data_encerramento
                else "",
                os.motivo_encerramento,
            ]
        )


def lista(request):
    dados = request.GET.copy()
    if not dados:
        dados["situacao"] = selectors.ABERTAS
        if request.user.unidade_id:
            dados["unidade"] = str(request.user.unidade_id)
    form = FiltroOSForm(dados)
    filtros = form.cleaned_data if form.is_valid() else {}
    ordens = selectors.ordem_servico_list(usuario=request.user, filtros=filtros)
    if request.GET.get("formato") == "csv" and form.is_valid():
        resposta = StreamingHttpResponse(_csv(ordens), content_type="text/csv; charset=utf-8")
        nome = f"ordens-servico-{timezone.localdate():%Y%m%d}.csv"
        resposta["Content-Disposition"] = f'attachment; filename="{nome}"'
        return resposta
    try:
        pagina = max(1, int(request.GET.get("pagina", 1)))
    except ValueError:
        pagina = 1
    inicio = (pagina - 1) * POR_PAGINA
    linhas = list(ordens[inicio : inicio + POR_PAGINA + 1]) if form.is_valid() else []
    tem_proxima = len(linhas) > POR_PAGINA
    query = dados.copy()
    query.pop("pagina", None)
    query.pop("formato", None)
    return render(
        request,
        "ordens_servico/os_lista.html",
        {
            "form": form,
            "ordens": linhas[:POR_PAGINA],
            "pagina": pagina,
            "tem_proxima": tem_proxima,
            "query": query.urlencode(),
            "agora": timezone.now(),
            # One reverse() for the page instead of one per row.
            "url_os": reverse("ordens_servico:lista"),
        },
    )
