from django import template

from core.dados_pessoais import email_mascarar
from mensageria.enderecos import destino_mascarar
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


@register.filter
def destino(mensagem, ver_completo: bool = False) -> str:
    """A message's phone or e-mail address: full with personal-data access, masked otherwise."""
    return mensagem.destino if ver_completo else destino_mascarar(mensagem.destino, mensagem.canal)


@register.inclusion_tag("mensageria/_partials/canal.html")
def canal_mensagem(mensagem):
    """An icon and the channel's name (SMS or e-mail)."""
    email = mensagem.canal == "email"
    return {"icone": "bi-envelope" if email else "bi-phone", "rotulo": mensagem.get_canal_display()}


@register.filter
def email(endereco: str, ver_completo: bool = False) -> str:
    """Full address for who may see personal data, masked otherwise (LGPD)."""
    return endereco if ver_completo else email_mascarar(endereco)


@register.inclusion_tag("mensageria/_partials/status.html")
def status_mensagem(mensagem):
    return {"mensagem": mensagem, "cor": _CORES.get(mensagem.status, "secondary")}


@register.inclusion_tag("mensageria/_partials/entrega.html")
def entrega_mensagem(mensagem):
    """The operator's delivery report: "entregue 01/12 10:32", "não entregue: …"."""
    return {"mensagem": mensagem}


@register.filter
def partes_sms(mensagem) -> str:
    """ "3 partes" for a concatenated SMS, "" for one part."""
    partes = getattr(mensagem, "partes", 1) or 1
    return f"{partes} partes" if partes > 1 else ""
