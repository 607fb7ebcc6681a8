from django import template
from django.template.loader import get_template

from cadastro.validators import MATRICULA_EXEMPLO
from core.dados_pessoais import email_mascarar

register = template.Library()


@register.simple_tag(takes_context=True)
def incluir_opcional(context, nome_template):
    """Render a template when it exists: a slot other apps fill without editing ours."""
    try:
        parcial = get_template(nome_template)
    except template.TemplateDoesNotExist:
        return ""
    # The flattened context already holds what the context processors gave (request,
    # user, perms…); passing the request again would run them (and their queries) twice.
    return parcial.render(context.flatten())


@register.filter
def telefone(fone, ver_dados):
    """A phone in full for who may see personal data, masked for everyone else."""
    return fone.formatado if ver_dados else fone.mascarado


@register.filter
def documento(cliente, ver_dados):
    return cliente.cpf_cnpj_formatado if ver_dados else cliente.cpf_cnpj_mascarado


@register.filter
def email(cliente, ver_dados):
    """The e-mail in full for who may see personal data, else only its first letter."""
    if ver_dados or "@" not in (cliente.email or ""):
        return cliente.email
    return email_mascarar(cliente.email)


@register.simple_tag
def matricula_exemplo():
    """A real-looking matrícula (8 digits and a valid check digit) for hints."""
    return MATRICULA_EXEMPLO
