"""The client's contacts: open, list, read the conversation, complement.

Thin views: the account comes from the portal's session (``request.conta_externa``),
every read goes through :mod:`portal.selectors` (scoped to the account's client),
every write through :mod:`portal.services.contatos`. A contact that is not the
account's answers 404, exactly as a missing one.
"""

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atendimento.services.abertura import RegistroDuplicado
from atendimento.services.anexos import anexo_temporario_descartar
from atendimento.views._comum import erro_no_form
from atendimento.views.anexos import anexo_servir
from core.exceptions import RegraViolada
from portal import selectors
from portal.decorators import conta_exigida
from portal.forms.contatos import ComplementarForm, NovoContatoForm
from portal.models import ParametrosPortal
from portal.services.contatos import anexos_guardar, contato_abrir, contato_complementar

# A body Django refuses to parse (too many fields or files, cut mid-upload).
ENVIO_ILEGIVEL = (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    MultiPartParserError,
    OSError,
)
ENVIO_ILEGIVEL_TEXTO = (
    "O envio não pôde ser lido (grande demais ou interrompido). Confira os campos e "
    "escolha os anexos de novo; se forem muitos ou grandes, envie menos de cada vez."
)


def _lista(request, *, encerrados: bool):
    pagina = selectors.contatos_pagina(
        conta=request.conta_externa, encerrados=encerrados, pagina=request.GET.get("pagina")
    )
    contexto = {
        "pagina": pagina,
        "encerrados": encerrados,
        "texto_inicio": ParametrosPortal.atual().texto_inicio,
    }
    return render(request, "portal/inicio.html", contexto)


@conta_exigida
@require_GET
def em_aberto(request):
    return _lista(request, encerrados=False)


@conta_exigida
@require_GET
def encerrados(request):
    return _lista(request, encerrados=True)


def _post_legivel(request) -> bool:
    try:
        request.POST  # noqa: B018 - parse now, to answer a body Django refuses
        request.FILES  # noqa: B018
    except ENVIO_ILEGIVEL:
        return False
    return True


@conta_exigida
@require_http_methods(["GET", "HEAD", "POST"])
def novo(request):
    conta = request.conta_externa
    if request.method != "POST":
        return _novo_pagina(request, NovoContatoForm(conta=conta))
    if not _post_legivel(request):
        return _novo_pagina(request, NovoContatoForm(conta=conta), status=400, ilegivel=True)
    form = NovoContatoForm(request.POST, request.FILES, conta=conta)
    if form.is_valid():
        try:
            ra = contato_abrir(conta=conta, **form.dados_servico())
        except RegistroDuplicado as exc:
            form.duplicado_proprio = selectors.contato_get(conta=conta, pk=exc.existente.pk)
            form.add_error(
                "especificacao",
                "Já existe um contato em aberto sobre este assunto para este imóvel."
                if form.duplicado_proprio
                else "Já existe um atendimento em aberto sobre este assunto para este imóvel. "
                "A companhia já está cuidando dele; se quiser acrescentar algo, fale com a "
                "central de atendimento.",
            )
        except RegraViolada as exc:
            erro_no_form(form, exc)
        else:
            for guardado in form.anexos_guardados_lista:
                anexo_temporario_descartar(token=guardado.token)
            return redirect("portal:confirmacao", pk=ra.pk)
    # Refused: the files just sent are kept (the browser cannot refill a file input);
    # a refused file is named with its reason even when the form stopped earlier.
    guardados, recusas = anexos_guardar(conta=conta, arquivos=form.arquivos_enviados())
    form.anexos_guardados_lista += guardados
    for recusa in recusas:
        if str(recusa) not in form.errors.get("anexos", []):
            form.add_error("anexos", str(recusa))
    return _novo_pagina(request, form)


def _novo_pagina(request, form, *, status=200, ilegivel=False):
    contexto = {"form": form, "erro_envio": ENVIO_ILEGIVEL_TEXTO if ilegivel else ""}
    return render(request, "portal/contato_novo.html", contexto, status=status)


@conta_exigida
@require_GET
def confirmacao(request, pk):
    dados = selectors.contato_confirmacao(conta=request.conta_externa, pk=pk)
    if dados is None:
        raise Http404
    return render(request, "portal/contato_confirmacao.html", {"confirmacao": dados})


def _contato_pagina(request, pk, *, form=None, status=200, ilegivel=False):
    contato = selectors.contato_publico(conta=request.conta_externa, pk=pk)
    if contato is None:
        raise Http404
    if form is None and contato.aberto:
        form = ComplementarForm()
    contexto = {
        "contato": contato,
        "form": form if contato.aberto else None,
        "erro_envio": ENVIO_ILEGIVEL_TEXTO if ilegivel else "",
    }
    return render(request, "portal/contato_detalhe.html", contexto, status=status)


@conta_exigida
@require_GET
def contato(request, pk):
    return _contato_pagina(request, pk)


@conta_exigida
@require_POST
def complementar(request, pk):
    conta = request.conta_externa
    ra = selectors.contato_get(conta=conta, pk=pk)
    if ra is None:
        raise Http404
    if not _post_legivel(request):
        return _contato_pagina(request, pk, status=400, ilegivel=True)
    form = ComplementarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            contato_complementar(conta=conta, ra=ra, **form.dados_servico())
        except RegraViolada as exc:
            erro_no_form(form, exc)
        else:
            messages.success(request, "Mensagem enviada. A companhia vai responder por aqui.")
            return redirect("portal:contato", pk=pk)
    return _contato_pagina(request, pk, form=form)


@conta_exigida
@require_GET
def conversa(request, pk):
    contato = selectors.contato_publico(conta=request.conta_externa, pk=pk)
    if contato is None:
        raise Http404
    return render(request, "portal/_partials/contato_conversa.html", {"contato": contato})


@conta_exigida
@require_GET
def anexo(request, pk):
    anexo = selectors.anexo_do_contato(conta=request.conta_externa, pk=pk)
    if anexo is None:
        raise Http404
    return anexo_servir(anexo)
