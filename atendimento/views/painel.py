"""The supervisors' panel: deadline counts by unit and especificação, overdue RAs."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from atendimento import selectors


@require_GET
def painel(request):
    dados = selectors.painel_supervisor(usuario=request.user)
    grafico = {
        "rotulos": [linha["unidade_atual__sigla"] for linha in dados["por_unidade"]],
        "no_prazo": [linha["no_prazo"] for linha in dados["por_unidade"]],
        "atencao": [linha["atencao"] for linha in dados["por_unidade"]],
        "vencido": [linha["vencido"] for linha in dados["por_unidade"]],
    }
    return render(
        request,
        "atendimento/painel_supervisor.html",
        {
            **dados,
            "grafico": grafico,
            "ver_dados_pessoais": selectors.ve_dados_pessoais(request.user),
        },
    )
