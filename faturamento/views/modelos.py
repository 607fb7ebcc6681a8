"""The SMS counter of the template forms: length and parts as the batch will send."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .. import validacao

# Who edits a template (the admin forms that load the counter).
PERMISSOES_MODELOS = (
    "faturamento.add_mensagemfaturamento",
    "faturamento.change_mensagemfaturamento",
    "faturamento.add_acaocobranca",
    "faturamento.change_acaocobranca",
)
# Far above the 300 a template stores: the counter still answers, the form refuses.
TAMANHO_MAXIMO_ENTRADA = 2000


def _erro(mensagem: str, status: int) -> JsonResponse:
    return JsonResponse({"erro": mensagem}, status=status)


@login_required
@require_POST
def contador_sms(request):
    """POST ``texto`` and ``tipo`` (conta/documento) → the widest rendering's length in
    the real encoding, with the linha digitável appended, its SMS parts, encoding, the
    maximum and the problem that would refuse it on save ("" when none)."""
    usuario = request.user
    if not usuario.is_staff or not any(usuario.has_perm(p) for p in PERMISSOES_MODELOS):
        return _erro("Sem permissão para editar modelos de mensagem.", 403)
    tipo = request.POST.get("tipo", "")
    tags = validacao.TIPOS.get(tipo)
    if tags is None:
        return _erro("Tipo de modelo desconhecido: use conta ou documento.", 400)
    texto = request.POST.get("texto", "")
    if len(texto) > TAMANHO_MAXIMO_ENTRADA:
        return _erro(f"Texto longo demais (mais de {TAMANHO_MAXIMO_ENTRADA} caracteres).", 400)
    if not texto.strip():
        # An empty template sends no SMS (the billing message's "no SMS").
        return JsonResponse(
            {"unidades": 0, "partes": 0, "problema": "", "resumo": "Sem texto: nenhum SMS."}
        )
    try:
        validacao.validar_texto(texto, tags)
    except ValidationError as exc:
        return JsonResponse({"problema": " ".join(exc.messages), "resumo": ""})
    medida = validacao.medir_sms(texto, tags)
    return JsonResponse(
        {
            "unidades": medida.unidades,
            "partes": medida.partes,
            "codificacao": medida.codificacao_rotulo,
            "maximo": medida.maximo,
            "problema": validacao.problema_sms(texto, tags) if medida.problema else "",
            "resumo": medida.resumo,
        }
    )
