"""Deadline arithmetic of an RA: working days, hours, the "atenção" mark.

Pure functions over datetimes; the services decide when to call them.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from cadastro.models import Feriado


def feriados(inicio: datetime.date, fim: datetime.date, municipio: str = "") -> set:
    """National holidays plus the município's own between two dates (inclusive)."""
    filtro = Q(abrangencia=Feriado.Abrangencia.NACIONAL)
    if municipio:
        filtro |= Q(abrangencia=Feriado.Abrangencia.MUNICIPAL, municipio__iexact=municipio)
    return set(
        Feriado.objects.filter(filtro, data__gte=inicio, data__lte=fim).values_list(
            "data", flat=True
        )
    )


def somar_dias_uteis(
    inicio: datetime.datetime, dias: int, municipio: str = ""
) -> datetime.datetime:
    """``inicio`` plus ``dias`` working days, same local time of day.

    Weekends and holidays are skipped; an RA opened on a Saturday with a one-day
    deadline is due on Monday at the same hour (the next working day).
    """
    local = timezone.localtime(inicio)
    # Enough calendar days to hold `dias` working days even around long holidays.
    janela = local.date() + datetime.timedelta(days=dias * 2 + 30)
    fechados = feriados(local.date(), janela, municipio)
    data = local.date()
    restantes = dias
    while restantes > 0:
        data += datetime.timedelta(days=1)
        if data.weekday() < 5 and data not in fechados:
            restantes -= 1
        if data > janela:  # an absurd holiday table: widen and keep going
            janela = data + datetime.timedelta(days=dias * 2 + 30)
            fechados |= feriados(data, janela, municipio)
    ingenuo = datetime.datetime.combine(data, local.time().replace(tzinfo=None))
    return timezone.make_aware(ingenuo, timezone.get_current_timezone())


def data_prevista(*, inicio, especificacao, parametros, municipio: str = ""):
    """When an RA opened at ``inicio`` for ``especificacao`` is due."""
    if especificacao.prazo_horas is not None:
        return inicio + datetime.timedelta(hours=especificacao.prazo_horas)
    dias = especificacao.prazo_dias or 0
    if parametros.prazo_em_dias_uteis:
        return somar_dias_uteis(inicio, dias, municipio)
    return inicio + datetime.timedelta(days=dias)


def data_atencao(*, inicio, prevista, parametros):
    """From when a pending RA is shown as "atenção": the last N hours of the
    deadline when the parameter is set, else the last percentage of it."""
    if parametros.atencao_horas:
        marca = prevista - datetime.timedelta(hours=parametros.atencao_horas)
    else:
        total = prevista - inicio
        marca = prevista - total * parametros.atencao_percentual / 100
    return max(marca, inicio)
