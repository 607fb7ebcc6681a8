from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from atendimento.forms import NumeracaoManualForm
from atendimento.services import numeracao_manual_emitir
from atendimento.services.numeracao import numero_manual_formatar
from atendimento.views._comum import erro_no_form
from core.exceptions import RegraViolada


@permission_required("atendimento.add_numeromanual", raise_exception=True)
def numeracao_manual(request):
    """Issue numbers for paper forms (outages) and show them ready to print."""
    numeros = []
    if request.method == "POST":
        form = NumeracaoManualForm(request.POST)
        if form.is_valid():
            try:
                emitidos = numeracao_manual_emitir(
                    unidade=request.user.unidade,
                    usuario=request.user,
                    quantidade=form.cleaned_data["quantidade"],
                )
            except RegraViolada as exc:
                erro_no_form(form, exc)
            else:
                numeros = [numero_manual_formatar(n.numero) for n in emitidos]
                form = NumeracaoManualForm()
    else:
        form = NumeracaoManualForm(initial={"quantidade": 10})
    return render(request, "atendimento/numeracao_manual.html", {"form": form, "numeros": numeros})
