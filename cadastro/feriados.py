"""National holidays of Brazil, including the ones that move with Easter."""

import datetime


def pascoa(ano: int) -> datetime.date:
    """Easter Sunday (Gregorian calendar; anonymous algorithm of Meeus/Jones/Butcher)."""
    a = ano % 19
    b, c = divmod(ano, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    mes, dia = divmod(h + m - 7 * n + 114, 31)
    return datetime.date(ano, mes, dia + 1)


_FIXOS = [
    (1, 1, "Confraternização Universal"),
    (4, 21, "Tiradentes"),
    (5, 1, "Dia do Trabalho"),
    (9, 7, "Independência do Brasil"),
    (10, 12, "Nossa Senhora Aparecida"),
    (11, 2, "Finados"),
    (11, 15, "Proclamação da República"),
    (11, 20, "Dia Nacional de Zumbi e da Consciência Negra"),
    (12, 25, "Natal"),
]


def feriados_nacionais(ano: int) -> list[tuple[datetime.date, str]]:
    """National holidays and the nationwide Easter-based days off, in date order."""
    p = pascoa(ano)
    dias = [(datetime.date(ano, mes, dia), nome) for mes, dia, nome in _FIXOS]
    dias += [
        (p - datetime.timedelta(days=48), "Carnaval (segunda-feira)"),
        (p - datetime.timedelta(days=47), "Carnaval (terça-feira)"),
        (p - datetime.timedelta(days=2), "Sexta-feira Santa"),
        (p + datetime.timedelta(days=60), "Corpus Christi"),
    ]
    return sorted(dias)
