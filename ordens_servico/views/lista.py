"""The OS list with filters, paginated without COUNT(*) (fast over millions of rows)."""

import csv

from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.exportacao import auditada
from core.paginacao import paginar
from core.texto import celula_csv
from ordens_servico import selectors
from ordens_servico.forms import FiltroOSForm
from ordens_servico.templatetags.ordens_servico_tags import CORES

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
                celula_csv(os.tipo_servico.descricao),
                os.unidade_atual.sigla,
                celula_csv(os.equipe.nome if os.equipe_id else ""),
                os.data_programada.strftime("%d/%m/%Y") if os.data_programada else "",
                celula_csv(os.ra.protocolo if os.ra_id else ""),
                celula_csv(os.imovel.matricula_formatada if os.imovel_id else ""),
                celula_csv(os.endereco),
                timezone.localtime(os.data_geracao).strftime("%d/%m/%Y %H:%M"),
                timezone.localtime(os.data_limite).strftime("%d/%m/%Y %H:%M"),
                timezone.localtime(os.data_encerramento).strftime("%d/%m/%Y %H:%M")
                if os.data_encerramento
                else "",
                celula_csv(os.motivo_encerramento),
            ]
        )


# Only what a row shows (the RA row alone has dozens of columns).
CAMPOS_LISTA = (
    "situacao",
    "data_geracao",
    "data_limite",
    "data_programada",
    "tipo_servico__descricao",
    "unidade_atual__sigla",
    "equipe__nome",
    "ra__protocolo",
    "ra__local_ocorrencia",
    "imovel__logradouro",
    "imovel__numero",
    "imovel__complemento",
    "imovel__bairro",
    "imovel__municipio",
    "imovel__uf",
)


def _linhas(ordens):
    """Rows formatted once in Python: the template then only prints strings."""
    agora = timezone.now()
    url = reverse("ordens_servico:lista")
    linhas = []
    for os in ordens:
        equipe = ""
        if os.equipe_id:
            equipe = os.equipe.nome
            if os.data_programada:
                equipe += f" · {os.data_programada:%d/%m}"
        linhas.append(
            {
                "os": os,
                "url": f"{url}{os.pk}/",
                "situacao": os.get_situacao_display(),
                "cor": CORES.get(os.situacao, "light"),
                "vencida": os.vencida(agora),
                "tipo": os.tipo_servico.descricao,
                "endereco": os.endereco,
                "unidade": os.unidade_atual.sigla,
                "equipe": equipe,
                "protocolo": os.ra.protocolo if os.ra_id else "",
                "gerada": f"{timezone.localtime(os.data_geracao):%d/%m/%Y %H:%M}",
                "limite": f"{timezone.localtime(os.data_limite):%d/%m/%Y %H:%M}",
            }
        )
    return linhas


# Like the OS page: reading OS needs the permission (the list shows addresses).
@permission_required("ordens_servico.view_ordemservico", raise_exception=True)
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
        # Addresses and matrículas, no CPF/CNPJ or phones: the field list, audited.
        pedacos = auditada(_csv(ordens), request=request, nome="Ordens de serviço", cabecalho=2)
        resposta = StreamingHttpResponse(pedacos, content_type="text/csv; charset=utf-8")
        nome = f"ordens-servico-{timezone.localdate():%Y%m%d}.csv"
        resposta["Content-Disposition"] = f'attachment; filename="{nome}"'
        return resposta
    pagina = paginar(
        ordens.only(*CAMPOS_LISTA) if form.is_valid() else ordens.none(),
        pagina=request.GET.get("pagina"),
        tamanho=POR_PAGINA,
        tamanhos=(POR_PAGINA,),
        por_ids=False,
    )
    query = dados.copy()
    query.pop("pagina", None)
    query.pop("formato", None)
    return render(
        request,
        "ordens_servico/os_lista.html",
        {
            "form": form,
            "linhas": _linhas(pagina.itens),
            "pagina": pagina.numero,
            "tem_proxima": pagina.tem_proxima,
            "query": query.urlencode(),
        },
    )
