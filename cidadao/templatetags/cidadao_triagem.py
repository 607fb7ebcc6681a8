"""Filters of the triage screens."""

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def ha(valor) -> str:
    """How long ago, in its largest unit: "há 5 min", "há 2 h", "há 3 dias".

    Takes a moment (``criado_em``) or an age (a timedelta); text is returned as is.
    """
    if isinstance(valor, datetime.datetime):
        valor = timezone.now() - valor
    if not isinstance(valor, datetime.timedelta):
        return "" if valor is None else str(valor)
    minutos = max(0, int(valor.total_seconds() // 60))
    if minutos < 1:
        return "agora há pouco"
    if minutos < 60:
        return f"há {minutos} min"
    horas = minutos // 60
    if horas < 24:
        return f"há {horas} h"
    dias = horas // 24
    return "há " + ngettext("%(n)d dia", "%(n)d dias", dias) % {"n": dias}


@register.filter
def metros(valor) -> str:
    """A distance for people: "35 m", "1,2 km"."""
    if valor is None:
        return ""
    valor = float(valor)
    if valor >= 1000:
        return f"{valor / 1000:.1f} km".replace(".", ",")
    return f"{round(valor)} m"
