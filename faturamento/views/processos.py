"""The Processos screen: the batch runs (and imports), their live progress, start and cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import RegraViolada
from core.paginacao import paginar

from ..forms_processos import ProcessoIniciarForm
from ..models import Processo, referencia_formatada
from ..services.processos import (
    CANAIS,
    contagens_rotuladas,
    processo_cancelar,
    processo_criar,
)
from ..tasks import processo_enfileirar

POR_PAGINA = 25
Tipo = Processo.Tipo

# Keys of a run's counts or parameters that hold the rejected rows of an import.
REJEITADAS = ("linhas_rejeitadas", "rejeitadas", "rejeicoes")


def _anotar(processo: Processo) -> Processo:
    processo.duracao = _duracao(processo)
    processo.referencia_texto = referencia_formatada(processo.referencia)
    return processo


def _duracao(processo: Processo) -> str:
    if not processo.iniciado_em:
        return ""
    fim = processo.concluido_em or (timezone.now() if processo.ativo else processo.batimento_em)
    segundos = max(0, int((fim - processo.iniciado_em).total_seconds()))
    horas, resto = divmod(segundos, 3600)
    minutos, segundos = divmod(resto, 60)
    if horas:
        return f"{horas} h {minutos:02d} min"
    if minutos:
        return f"{minutos} min {segundos:02d} s"
    return f"{segundos} s"


def _contagens_dos_envios(processo: Processo) -> list[dict] | None:
    """The live counts of what a preparation generated (waiting, transmitted, sent,
    delivered, failed, expired), in total and per channel, from the transmission
    slice (``services.transmissao.contagens_do_processo``)."""
    if processo.tipo not in (Tipo.PREPARAR_FATURAMENTO, Tipo.PREPARAR_COBRANCA):
        return None
    try:
        from ..services.transmissao import contagens_do_processo
    except ImportError:
        return None
    contagens = dict(contagens_do_processo(processo) or {})
    por_canal = contagens.pop("por_canal", None) or {}
    linhas = []
    for linha in contagens_rotuladas(contagens):
        linha["canais"] = [(por_canal.get(c) or {}).get(linha["chave"], 0) for c in CANAIS]
        linhas.append(linha)
    return linhas


def _rejeitadas(processo: Processo) -> list:
    for origem in (processo.contadores, processo.parametros):
        for chave in REJEITADAS:
            valor = origem.get(chave)
            if isinstance(valor, list):
                return valor
    return []


def _forms_iniciar(form=None) -> dict:
    """One start form per batch type; ``form`` (bound, with errors) replaces its own."""
    forms = {t.value: ProcessoIniciarForm(initial={"tipo": t.value}) for t in Tipo}
    if form is not None:
        forms[form.data.get("tipo")] = form
    return {
        "form_faturamento": forms[Tipo.PREPARAR_FATURAMENTO],
        "tipos_simples": [
            (t, forms[t]) for t in (Tipo.PREPARAR_COBRANCA, Tipo.TRANSMITIR, Tipo.EXPIRAR)
        ],
    }


def _lista(request, form=None, status=200):
    processos = Processo.objects.select_related("usuario")
    pagina = paginar(processos, pagina=request.GET.get("pagina"), tamanho=POR_PAGINA,
                     tamanhos=(POR_PAGINA,), por_ids=False)  # fmt: skip
    for processo in pagina:
        _anotar(processo)
    contexto = {"pagina": pagina, "algum_ativo": any(p.ativo for p in pagina)}
    if request.htmx:
        return render(request, "faturamento/_partials/processo_tabela.html", contexto)
    contexto.update(_forms_iniciar(form))
    return render(request, "faturamento/processo_list.html", contexto, status=status)


@permission_required("faturamento.view_processo", raise_exception=True)
def processo_list(request):
    return _lista(request)


@permission_required("faturamento.view_processo", raise_exception=True)
def processo_detalhe(request, pk):
    processo = _anotar(get_object_or_404(Processo.objects.select_related("usuario"), pk=pk))
    contexto = {
        "processo": processo,
        "contagens": contagens_rotuladas(processo.contadores),
        "contagens_envios": _contagens_dos_envios(processo),
        "canais": CANAIS.values(),
        "rejeitadas": _rejeitadas(processo) if processo.tipo == Tipo.IMPORTACAO else [],
    }
    if request.htmx:
        return render(request, "faturamento/_partials/processo_progresso.html", contexto)
    return render(request, "faturamento/processo_detalhe.html", contexto)


@require_POST
@permission_required("faturamento.executar_processo", raise_exception=True)
def processo_iniciar(request):
    form = ProcessoIniciarForm(request.POST)
    if not form.is_valid():
        if "tipo" in form.errors:
            messages.error(request, form.errors["tipo"][0])
            return redirect("faturamento:processos")
        return _lista(request, form=form, status=400)
    try:
        processo = processo_criar(
            form.cleaned_data["tipo"],
            referencia=form.cleaned_data["referencia"],
            usuario=request.user,
        )
    except RegraViolada as erro:
        messages.error(request, str(erro))
        return redirect("faturamento:processos")
    processo_enfileirar(processo)
    messages.success(request, f"Processo “{processo}” iniciado.")
    return redirect("faturamento:processo", processo.pk)


@require_POST
@permission_required("faturamento.executar_processo", raise_exception=True)
def processo_cancelar_view(request, pk):
    processo = get_object_or_404(Processo, pk=pk)
    try:
        processo = processo_cancelar(processo, usuario=request.user)
    except RegraViolada as erro:
        messages.error(request, str(erro))
    else:
        if processo.situacao == Processo.Situacao.CANCELADO:
            messages.success(request, f"Processo nº {processo.pk} cancelado.")
        else:
            messages.info(
                request,
                f"Cancelamento do processo nº {processo.pk} pedido: "
                "ele para ao fim do bloco atual.",
            )
    return redirect("faturamento:processo", processo.pk)
