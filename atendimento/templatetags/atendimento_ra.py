"""Template helpers of the RA screens: masked personal data, deadline badges, optional URLs."""

from django import template
from django.forms import Select
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from atendimento import selectors
from atendimento.models import ParametrosAtendimento, RegistroAtendimento
from core.dados_pessoais import email_mascarar

register = template.Library()

_BADGES = {
    RegistroAtendimento.StatusPrazo.NO_PRAZO: "text-bg-success",
    RegistroAtendimento.StatusPrazo.ATENCAO: "text-bg-warning",
    RegistroAtendimento.StatusPrazo.VENCIDO: "text-bg-danger",
    RegistroAtendimento.StatusPrazo.PAUSADO: "text-bg-info",
}


@register.simple_tag
def url_opcional(nome, *args):
    """The URL, or "" when the view does not exist (yet): the page renders regardless."""
    try:
        return reverse(nome, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def cpf_cnpj(context, valor):
    if context.get("ver_dados_pessoais"):
        from cadastro.validators import formatar_cpf_cnpj

        return formatar_cpf_cnpj(valor or "")
    return selectors.mascarar_cpf_cnpj(valor)


@register.simple_tag(takes_context=True)
def telefone(context, valor):
    if context.get("ver_dados_pessoais"):
        return selectors.formatar_telefone(valor)
    return selectors.mascarar_telefone(valor)


@register.simple_tag(takes_context=True)
def email(context, valor):
    return valor if context.get("ver_dados_pessoais") else email_mascarar(valor)


@register.filter
def status_prazo(ra):
    return ra.status_prazo() or ""


@register.filter
def classe_prazo(ra):
    status = ra.status_prazo()
    return f"prazo-{status}" if status else ""


@register.simple_tag
def badge_prazo(ra):
    status = ra.status_prazo()
    if status is None:
        # A closed RA has no deadline status; its situação ("Encerrado") is shown beside.
        return ""
    rotulo = RegistroAtendimento.StatusPrazo(status).label
    return format_html('<span class="badge {}">{}</span>', _BADGES[status], rotulo)


@register.filter
def prazo_texto(especificacao, dias_uteis=False):
    """``{{ especificacao|prazo_texto:dias_uteis }}`` → "1 dia útil", "3 dias úteis", "24 h"."""
    return especificacao.prazo_texto(dias_uteis=bool(dias_uteis))


@register.simple_tag
def prazo_da_especificacao(especificacao):
    """The especificação's deadline in words, in working days when the parameter says so."""
    return especificacao.prazo_texto(dias_uteis=ParametrosAtendimento.atual().prazo_em_dias_uteis)


@register.filter
def dias_em_aberto(ra):
    fim = ra.data_encerramento or timezone.now()
    return max(0, (fim - ra.data_abertura).days)


@register.inclusion_tag("atendimento/_partials/ras_do_imovel.html", takes_context=True)
def ras_do_imovel(context, imovel):
    usuario = context["request"].user
    return {
        "ras": selectors.registro_atendimento_do_imovel(usuario=usuario, imovel=imovel),
        "imovel": imovel,
        "ver_dados_pessoais": selectors.ve_dados_pessoais(usuario),
    }


@register.inclusion_tag("atendimento/_partials/bloco_minha_unidade.html", takes_context=True)
def bloco_minha_unidade(context, limite=10):
    usuario = context["request"].user
    if not selectors.pode_ler_ra(usuario) or usuario.unidade_id is None:
        return {"unidade": None}
    return {
        "unidade": usuario.unidade,
        "contagem": selectors.contagem_por_status_prazo(usuario=usuario, unidade=usuario.unidade),
        "ras": list(selectors.fila_unidade(usuario=usuario)[:limite]),
    }


@register.simple_tag
def campo_filtro(campo):
    """A Bootstrap form field rendered in Python (crispy's templates cost ~1 ms a field)."""
    classe = "form-select" if isinstance(campo.field.widget, Select) else "form-control"
    atributos = {"class": classe + (" is-invalid" if campo.errors else "")}
    if campo.errors:
        atributos["aria-invalid"] = "true"
        atributos["aria-describedby"] = f"{campo.auto_id}_erro"
    erros = format_html_join(
        "", '<div class="invalid-feedback d-block">{}</div>', ((e,) for e in campo.errors)
    )
    ajuda = (
        format_html('<div class="form-text">{}</div>', campo.help_text) if campo.help_text else ""
    )
    return format_html(
        '<div class="mb-3"><label for="{}" class="form-label">{}</label>{}'
        '<div id="{}_erro">{}</div>{}</div>',
        campo.id_for_label,
        campo.label,
        campo.as_widget(attrs=atributos),
        campo.auto_id,
        erros,
        ajuda,
    )
