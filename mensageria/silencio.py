"""Quiet hours: messages of the chosen events wait for the morning, on every channel.

One decision, :func:`silencio_ate`, for the SMS send (``services.mensagens._enviar``)
and the e-mail send. The window is read in ``Parametros.silencio_fuso`` (not
``settings.TIME_ZONE``): the utility's clock, whatever the server's. Its end is
built as a wall-clock time of that zone, so a daylight-saving change inside the
window still ends it at the configured hour.
"""

import datetime
import logging
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

log = logging.getLogger(__name__)

# Alerts to supervisors say something is wrong now: they never wait.
EVENTOS_SEMPRE_IMEDIATOS = frozenset({"alerta"})


@cache
def _fusos() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validar_fuso(nome: str) -> None:
    if (nome or "").strip() not in _fusos():
        raise ValidationError(
            "Fuso horário desconhecido: “%(nome)s”. Use um nome da base de fusos, "
            "como America/Recife, America/Sao_Paulo ou America/Manaus.",
            params={"nome": nome},
            code="fuso",
        )


def fuso(parametros) -> datetime.tzinfo:
    """The quiet-hours zone; an unknown name stored behind the form's back falls back
    to ``settings.TIME_ZONE`` (and says so in the log) instead of stopping every send."""
    nome = (parametros.silencio_fuso or "").strip()
    try:
        return zoneinfo.ZoneInfo(nome)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        log.warning("Fuso do silêncio desconhecido (%r); usando %s", nome, settings.TIME_ZONE)
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def janela_fim(parametros, agora: datetime.datetime) -> datetime.datetime | None:
    """When the quiet-hours window that holds ``agora`` ends, or None outside it
    (or with no window: start or end empty, or both equal)."""
    inicio, fim = parametros.silencio_inicio, parametros.silencio_fim
    if not inicio or not fim or inicio == fim:
        return None
    zona = fuso(parametros)
    local = agora.astimezone(zona)
    hora, dia = local.time().replace(tzinfo=None), local.date()
    if inicio < fim:  # e.g. 12:00–14:00, within one day
        if not inicio <= hora < fim:
            return None
        dia_fim = dia
    elif hora >= inicio:  # e.g. 21:00–08:00, evening part: ends tomorrow
        dia_fim = dia + datetime.timedelta(days=1)
    elif hora < fim:  # morning part: ends today
        dia_fim = dia
    else:
        return None
    # A wall-clock time of the zone (not local + timedelta): a DST change at night
    # moves the UTC instant, never the hour the supervisor chose.
    return datetime.datetime.combine(dia_fim, fim, tzinfo=zona).astimezone(datetime.UTC)


def silencio_ate(
    evento: str, agora: datetime.datetime | None = None, *, parametros=None
) -> datetime.datetime | None:
    """Until when a message of ``evento`` must wait at ``agora`` (the end of the quiet
    hours), or None when it may go now: outside the window, or an event not chosen in
    ``Parametros.silencio_eventos`` (protocol SMS go at once unless chosen)."""
    if evento in EVENTOS_SEMPRE_IMEDIATOS:
        return None
    if parametros is None:
        from .models import Parametros

        parametros = Parametros.atuais()
    if evento not in (parametros.silencio_eventos or []):
        return None
    return janela_fim(parametros, agora or timezone.now())
