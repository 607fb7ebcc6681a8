"""A repeat call about an open RA: recorded on it with a protocol of its own."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from atendimento import services
from atendimento.forms import ContatoForm
from atendimento.models import RegistroAtendimento, Reiteracao
from atendimento.selectors import ve_dados_pessoais
from atendimento.views._comum import erro_no_form, url_detalhe
from core.exceptions import RegraViolada
from mensageria.selectors import sms_protocolo_da_reiteracao

PERMISSAO_ABRIR = "atendimento.add_registroatendimento"


@permission_required(PERMISSAO_ABRIR, raise_exception=True)
def contato(request, pk):
    ra = get_object_or_404(
        RegistroAtendimento.objects.select_related("especificacao", "unidade_atual"), pk=pk
    )
    if request.method == "POST":
        form = ContatoForm(request.POST)
        if form.is_valid():
            try:
                registro = services.registro_atendimento_registrar_contato(
                    ra=ra, usuario=request.user, **form.cleaned_data
                )
            except RegraViolada as exc:
                erro_no_form(form, exc)
            else:
                return redirect("atendimento:contato_confirmacao", pk=registro.pk)
    else:
        form = ContatoForm(initial={k: request.GET.get(k, "") for k in ContatoForm.base_fields})
    return render(
        request,
        "atendimento/registro_contato.html",
        {"ra": ra, "form": form, "url_detalhe": url_detalhe(ra)},
    )


@require_GET
@permission_required(PERMISSAO_ABRIR, raise_exception=True)
def contato_confirmacao(request, pk):
    registro = get_object_or_404(
        Reiteracao.objects.select_related("ra", "ra__especificacao", "ra__unidade_atual"), pk=pk
    )
    return render(
        request,
        "atendimento/registro_contato_confirmacao.html",
        {
            "registro": registro,
            "ra": registro.ra,
            "url_detalhe": url_detalhe(registro.ra),
            "sms_protocolo": sms_protocolo_da_reiteracao(registro),
            "ver_dados_pessoais": ve_dados_pessoais(request.user),
        },
    )
