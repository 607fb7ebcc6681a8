"""At the counter: send one open bill's linha digitável to the client (imóvel page)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from cadastro.models import Imovel
from core.exceptions import RegraViolada
from faturamento.services.balcao import CANAIS, conta_linha_digitavel_enviar


@require_POST
@permission_required("faturamento.enviar_linha_digitavel", raise_exception=True)
def conta_enviar(request, imovel_pk: int, pk: int, canal: str):
    if canal not in CANAIS:
        raise Http404("Canal desconhecido.")
    imovel = get_object_or_404(Imovel, pk=imovel_pk)
    try:
        enviada = conta_linha_digitavel_enviar(
            conta_id=pk, imovel=imovel, canal=canal, usuario=request.user
        )
    except RegraViolada as exc:
        messages.error(request, f"Linha digitável não enviada. {exc}")
    else:
        messages.success(
            request,
            f"Linha digitável enviada por {CANAIS[canal]} para {enviada.destino_mascarado} "
            f"(mensagem nº {enviada.mensagem.pk}).",
        )
    return redirect("cadastro:imovel_detalhe", pk=imovel.pk)
