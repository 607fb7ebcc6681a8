"""Template filters shared by every app's screens."""

from django import template

from core.texto import formatar_duracao

register = template.Library()


@register.filter
def duracao(valor):
    """``{{ ra.tempo_pausado|duracao }}`` → "2 h 05 min" (empty for no value)."""
    return formatar_duracao(valor) if valor is not None else ""
