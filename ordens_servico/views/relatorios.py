"""Supervisor screens: encerrar OS vencida (bulk) and the boletim de OS concluídas."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from core.exceptions import RegraViolada
from core.exportacao import auditada
from core.texto import celula_csv
from ordens_servico import permissoes, selectors, services
from ordens_servico.forms import BoletimForm, EncerrarVencidasForm
from ordens_servico.pdf import boletim_pdf
from ordens_servico.views.lista import _Eco


@permission_required("ordens_servico.encerrar_vencidas", raise_exception=True)
def encerrar_vencidas(request):
    qualquer = request.user.has_perm(permissoes.ATUAR_QUALQUER_UNIDADE)
    form = EncerrarVencidasForm(
        request.POST or None, usuario=request.user, qualquer_unidade=qualquer
    )
    contexto = {"form": form}
    if request.method == "POST" and form.is_valid():
        dados = form.cleaned_data
        unidade = dados.get("unidade")
        unidades = permissoes.unidades_abaixo(unidade) if unidade else None
        try:
            if request.POST.get("acao") == "encerrar":
                total = services.ordens_servico_encerrar_vencidas(
                    tipo_servico=dados["tipo_servico"],
                    dias=dados["dias"],
                    usuario=request.user,
                    unidades=unidades,
                )
                contexto["encerradas"] = total
                messages.success(
                    request,
                    ngettext(
                        "%(n)d OS de “%(tipo)s” encerrada por decurso de prazo.",
                        "%(n)d OS de “%(tipo)s” encerradas por decurso de prazo.",
                        total,
                    )
                    % {"n": total, "tipo": dados["tipo_servico"]},
                )
            else:
                contexto["elegiveis"] = services.ordens_servico_vencidas_elegiveis(
                    tipo_servico=dados["tipo_servico"], dias=dados["dias"], unidades=unidades
                ).count()
        except RegraViolada as erro:
            form.adicionar_erro(erro)
    modelo = "ordens_servico/os_encerrar_vencidas.html"
    if request.htmx:
        modelo = "ordens_servico/_partials/vencidas_resultado.html"
    return render(request, modelo, contexto)


def _boletim_csv(ordens):
    writer = csv.writer(_Eco(), delimiter=";")
    yield "\ufeff"
    yield writer.writerow(
        [
            "OS",
            "Executada em",
            "Equipe",
            "Unidade",
            "Tipo de serviço",
            "Valor (R$)",
            "RA (protocolo)",
            "Endereço",
        ]
    )
    for os in ordens.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                os.numero,
                timezone.localtime(os.data_execucao).strftime("%d/%m/%Y %H:%M"),
                celula_csv(os.equipe.nome if os.equipe_id else ""),
                os.unidade_atual.sigla,
                celula_csv(os.tipo_servico.descricao),
                f"{os.tipo_servico.valor:.2f}".replace(".", ","),
                celula_csv(os.ra.protocolo if os.ra_id else ""),
                celula_csv(os.endereco),
            ]
        )


def _nome(filtros):
    return f"boletim-os-{filtros['de']:%Y%m%d}-{filtros['ate']:%Y%m%d}"


@permission_required("ordens_servico.ver_boletim", raise_exception=True)
def boletim(request):
    hoje = timezone.localdate()
    dados = request.GET.copy()
    if not dados.get("de") and not dados.get("ate"):
        dados["de"] = hoje.replace(day=1).isoformat()
        dados["ate"] = hoje.isoformat()
    form = BoletimForm(dados)
    contexto = {"form": form, "query": ""}
    if form.is_valid():
        filtros = {
            "de": form.cleaned_data["de"],
            "ate": form.cleaned_data["ate"],
            "equipe": form.cleaned_data["equipe"],
            "tipo_servico": form.cleaned_data["tipo_servico"],
            "unidade": form.cleaned_data["unidade"],
        }
        formato = request.GET.get("formato")
        if formato == "csv":
            pedacos = auditada(
                _boletim_csv(selectors.boletim_detalhe(**filtros)),
                request=request,
                nome="Boletim de OS",
                cabecalho=2,
            )
            resposta = StreamingHttpResponse(pedacos, content_type="text/csv; charset=utf-8")
            resposta["Content-Disposition"] = f'attachment; filename="{_nome(filtros)}.csv"'
            return resposta
        resumo = selectors.boletim_os_concluidas(**filtros)
        if formato == "pdf":
            conteudo = boletim_pdf(filtros=filtros, resumo=resumo, emitido_por=request.user)
            resposta = HttpResponse(bytes(conteudo), content_type="application/pdf")
            resposta["Content-Disposition"] = f'inline; filename="{_nome(filtros)}.pdf"'
            return resposta
        consulta = dados.copy()
        consulta.pop("formato", None)
        contexto.update(
            {
                "resumo": resumo,
                "filtros": filtros,
                "query": consulta.urlencode(),
                "grafico": {
                    "rotulos": [t["tipo_servico__descricao"] for t in resumo["por_tipo"]],
                    "valores": [t["quantidade"] for t in resumo["por_tipo"]],
                },
            }
        )
    return render(request, "ordens_servico/boletim.html", contexto)
