from django import template

from mensageria.telefones import celular_mascarar

register = template.Library()

_CORES = {
    "pendente": "secondary",
    "enviando": "info",
    "enviada": "success",
    "falhou": "danger",
    "incerta": "warning",
    "descartada": "dark",
}


@register.filter
def celular(numero: str, ver_completo: bool = False) -> str:
    """Full number for who may see personal data, masked otherwise (LGPD)."""
    return numero if ver_completo else celular_mascarar(numero)


@register.inclusion_tag("mensageria/_partials/status.html")
def status_mensagem(mensagem):
    return {"mensagem": mensagem, "cor": _CORES.get(mensagem.status, "secondary")}
