"""The OS page and the actions on one OS (thin views: a form, one service, a redirect)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from atendimento import services as ra_services
from core.exceptions import RegraViolada
from core.redirecionamento import redirecionar_de_volta
from ordens_servico import permissoes, selectors, services
from ordens_servico.forms import (
    CancelarForm,
    EncerrarForm,
    EncerrarRAForm,
    GerarOSForm,
    ProgramarForm,
)
from ordens_servico.models import OrdemServico
from ordens_servico.views.programacao import responder_calendario

VER = "ordens_servico.view_ordemservico"


def _os(pk):
    try:
        return selectors.ordem_servico_get(pk=pk)
    except OrdemServico.DoesNotExist as exc:
        raise Http404("OS não encontrada.") from exc


@permission_required(VER, raise_exception=True)
def detalhe(request, pk):
    os = _os(pk)
    return render(
        request,
        "ordens_servico/os_detalhe.html",
        {
            "os": os,
            "eventos": selectors.ordem_servico_eventos(os=os),
            "pode_atuar": permissoes.pode_atuar(request.user, os),
            "cancelar_form": CancelarForm(initial={"versao": os.versao}),
            "vencida": os.vencida(),
        },
    )


@permission_required(VER, raise_exception=True)
def programar(request, pk):
    os = _os(pk)
    form = ProgramarForm(request.POST or None, os=os)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ordem_servico_programar(
                    os=os,
                    usuario=request.user,
                    equipe=form.cleaned_data["equipe"],
                    data=form.cleaned_data["data_programada"],
                    posicao=form.cleaned_data["posicao"],
                    versao=form.cleaned_data["versao"],
                )
            except RegraViolada as erro:
                if request.htmx:
                    return responder_calendario(request, erro=erro.mensagem)
                form.adicionar_erro(erro)
            else:
                if request.htmx:
                    return responder_calendario(request, sucesso=f"OS nº {os.numero} programada.")
                messages.success(request, f"OS nº {os.numero} programada.")
                return redirect("ordens_servico:detalhe", pk=os.pk)
        elif request.htmx:
            erros = "; ".join(str(e) for lista in form.errors.values() for e in lista)
            return responder_calendario(request, erro=f"Não foi possível programar: {erros}")
    return render(request, "ordens_servico/os_programar.html", {"os": os, "form": form})


@require_POST
@permission_required(VER, raise_exception=True)
def desprogramar(request, pk):
    os = _os(pk)
    try:
        services.ordem_servico_desprogramar(
            os=os, usuario=request.user, versao=request.POST.get("versao") or None
        )
    except RegraViolada as erro:
        if request.htmx:
            return responder_calendario(request, erro=erro.mensagem)
        messages.error(request, erro.mensagem)
    else:
        texto = f"OS nº {os.numero} retirada da programação."
        if request.htmx:
            return responder_calendario(request, sucesso=texto)
        messages.success(request, texto)
    return redirect("ordens_servico:detalhe", pk=os.pk)


@require_POST
@permission_required(VER, raise_exception=True)
def iniciar(request, pk):
    os = _os(pk)
    try:
        services.ordem_servico_iniciar(
            os=os, usuario=request.user, versao=request.POST.get("versao") or None
        )
    except RegraViolada as erro:
        messages.error(request, erro.mensagem)
    else:
        messages.success(request, f"Execução da OS nº {os.numero} iniciada.")
    return redirecionar_de_volta(request, "ordens_servico:detalhe", pk=os.pk)


@permission_required(VER, raise_exception=True)
def encerrar(request, pk):
    os = _os(pk)
    form = EncerrarForm(request.POST or None, os=os)
    if request.method == "POST" and form.is_valid():
        try:
            resultado = ra_services.registro_atendimento_encerrar_pela_os(
                os=os,
                usuario=request.user,
                motivo=form.cleaned_data["motivo"],
                parecer=form.cleaned_data["parecer"],
                data=form.cleaned_data["data"],
                versao=form.cleaned_data["versao"],
            )
        except RegraViolada as erro:
            form.adicionar_erro(erro)
        else:
            texto = f"OS nº {os.numero} encerrada ({resultado.os.get_situacao_display().lower()})."
            if resultado.ra_encerrado:
                texto += f" O RA de protocolo {os.ra.protocolo} também foi encerrado."
            messages.success(request, texto)
            if resultado.oferecer_encerrar_ra:
                return redirect("ordens_servico:encerrar_ra", pk=os.pk)
            return redirect("ordens_servico:detalhe", pk=os.pk)
    return render(request, "ordens_servico/os_encerrar.html", {"os": os, "form": form})


@permission_required(VER, raise_exception=True)
def encerrar_ra(request, pk):
    """Offer to close the RA after its last open OS was closed."""
    os = _os(pk)
    ra = os.ra
    if (
        ra is None
        or not ra.pendente
        or OrdemServico.objects.filter(ra=ra, situacao__in=OrdemServico.ABERTAS).exists()
    ):
        return redirect("ordens_servico:detalhe", pk=os.pk)
    inicial = {"motivo": os.motivo_id, "parecer": os.parecer}
    form = EncerrarRAForm(request.POST or None, initial=inicial)
    if request.method == "POST" and form.is_valid():
        try:
            ra_services.registro_atendimento_encerrar(
                ra=ra,
                motivo=form.cleaned_data["motivo"],
                parecer=form.cleaned_data["parecer"],
                usuario=request.user,
                versao=request.POST.get("versao_ra") or None,
            )
        except RegraViolada as erro:
            form.adicionar_erro(erro)
        else:
            messages.success(request, f"RA de protocolo {ra.protocolo} encerrado.")
            return redirect("ordens_servico:detalhe", pk=os.pk)
    return render(request, "ordens_servico/os_encerrar_ra.html", {"os": os, "ra": ra, "form": form})


@require_POST
@permission_required(VER, raise_exception=True)
def cancelar(request, pk):
    os = _os(pk)
    form = CancelarForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Informe o motivo do cancelamento.")
        return redirect("ordens_servico:detalhe", pk=os.pk)
    try:
        services.ordem_servico_cancelar(
            os=os,
            usuario=request.user,
            motivo=form.cleaned_data["motivo"],
            versao=form.cleaned_data["versao"],
        )
    except RegraViolada as erro:
        messages.error(request, erro.mensagem)
    else:
        messages.success(request, f"OS nº {os.numero} cancelada.")
    return redirect("ordens_servico:detalhe", pk=os.pk)


@permission_required("ordens_servico.add_ordemservico", raise_exception=True)
def gerar_para_ra(request, pk):
    from atendimento.models import RegistroAtendimento

    ra = get_object_or_404(
        RegistroAtendimento.objects.select_related("especificacao", "unidade_atual"), pk=pk
    )
    inicial = {"tipo_servico": ra.especificacao.tipo_servico_id}
    form = GerarOSForm(request.POST or None, initial=inicial)
    if request.method == "POST" and form.is_valid():
        try:
            os = services.ordem_servico_gerar_para_ra(
                ra=ra, tipo_servico=form.cleaned_data["tipo_servico"], usuario=request.user
            )
        except RegraViolada as erro:
            form.adicionar_erro(erro)
        else:
            messages.success(
                request, f"OS nº {os.numero} gerada para o RA de protocolo {ra.protocolo}."
            )
            return redirect(reverse("ordens_servico:detalhe", args=[os.pk]))
    return render(request, "ordens_servico/os_gerar.html", {"ra": ra, "form": form})
