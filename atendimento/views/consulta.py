"""Reading screens: search, "Consultar RA", the unit's queue."""

from django.contrib import messages
from django.shortcuts import render
from django.views.decorators.http import require_GET

from atendimento import selectors
from atendimento.models import RegistroAtendimento
from mensageria.selectors import avisos_ra_previsao, sms_protocolo_do_ra


def _querystring_sem(request, *chaves):
    copia = request.GET.copy()
    for chave in chaves:
        copia.pop(chave, None)
    return copia.urlencode()


@require_GET
def busca(request):
    resultado = selectors.registro_atendimento_busca(usuario=request.user, filtros=request.GET)
    if resultado.form.errors:
        messages.error(request, "Corrija os filtros destacados e pesquise de novo.")
    pagina = selectors.paginar(
        resultado.queryset,
        pagina=request.GET.get("pagina"),
        tamanho=request.GET.get("tamanho"),
    )
    return render(
        request,
        "atendimento/registro_list.html",
        {
            "form": resultado.form,
            "pagina": pagina,
            "filtrado": resultado.filtrado,
            "filtros_qs": _querystring_sem(request, "pagina"),
            "tamanhos": selectors.TAMANHOS,
            "ver_dados_pessoais": selectors.ve_dados_pessoais(request.user),
        },
    )


@require_GET
def contagem_busca(request):
    """The number of results, asked for on demand (htmx) instead of on every page."""
    resultado = selectors.registro_atendimento_busca(usuario=request.user, filtros=request.GET)
    total, exato = selectors.contar_ate(resultado.queryset)
    return render(
        request, "atendimento/_partials/contagem_busca.html", {"total": total, "exato": exato}
    )


@require_GET
def detalhe(request, pk):
    ra = selectors.registro_atendimento_get(usuario=request.user, pk=pk)
    return render(
        request,
        "atendimento/registro_detail.html",
        {
            "ra": ra,
            "linha_do_tempo": selectors.linha_do_tempo(ra, usuario=request.user),
            "acoes": selectors.acoes_disponiveis(usuario=request.user, ra=ra),
            "devolucoes": selectors.devolucoes_do_ra(ra),
            "reativacoes": selectors.reativacoes_do_ra(ra),
            "telefones_cliente": selectors.telefones_do_solicitante(ra),
            "sms_protocolo": sms_protocolo_do_ra(ra),
            "avisos": avisos_ra_previsao(ra) if ra.situacao != ra.Situacao.ENCERRADO else [],
            "ver_dados_pessoais": selectors.ve_dados_pessoais(request.user),
        },
    )


@require_GET
def minha_unidade(request):
    unidade = request.user.unidade
    status = request.GET.get("prazo", "")
    if status not in RegistroAtendimento.StatusPrazo.values:
        status = ""
    fila = selectors.fila_unidade(usuario=request.user)
    if status:
        fila = selectors.filtrar_status_prazo(fila, status)
    return render(
        request,
        "atendimento/fila_unidade.html",
        {
            "unidade": unidade,
            "status": status,
            "status_rotulo": RegistroAtendimento.StatusPrazo(status).label if status else "",
            "contagem": selectors.contagem_por_status_prazo(usuario=request.user, unidade=unidade)
            if unidade
            else None,
            "pagina": selectors.paginar(
                fila, pagina=request.GET.get("pagina"), tamanho=request.GET.get("tamanho")
            ),
            "filtros_qs": _querystring_sem(request, "pagina"),
            "ver_dados_pessoais": selectors.ve_dados_pessoais(request.user),
        },
    )
