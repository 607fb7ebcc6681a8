"""Manter RA: Form → registro_atendimento_alterar → domain error as form error → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import reverse

from atendimento import selectors
from atendimento.forms_alteracao import AlterarForm
from atendimento.permissoes import pode_atuar
from atendimento.services import registro_atendimento_alterar
from atendimento.views._comum import erro_no_form
from core.exceptions import RegraViolada


@permission_required("atendimento.change_registroatendimento", raise_exception=True)
def alterar(request, pk):
    ra = selectors.registro_atendimento_get(usuario=request.user, pk=pk)
    url_detalhe = reverse("atendimento:detalhe", args=[ra.pk])
    if request.method == "POST":
        form = AlterarForm(request.POST, ra=ra)
        if form.is_valid():
            try:
                registro_atendimento_alterar(
                    ra=ra,
                    usuario=request.user,
                    dados=form.dados(),
                    versao=form.cleaned_data["versao"],
                )
            except RegraViolada as exc:
                erro_no_form(form, exc)
            else:
                messages.success(request, "Dados do RA alterados.")
                return redirect(url_detalhe)
    else:
        form = AlterarForm(initial=AlterarForm.inicial(ra), ra=ra)
    return render(
        request,
        "atendimento/registro_alterar.html",
        {
            "ra": ra,
            "form": form,
            "pode_atuar": pode_atuar(request.user, ra),
            "url_detalhe": url_detalhe,
        },
    )
