import re
import unicodedata

from django.utils.translation import ngettext


def normalizar(texto: str) -> str:
    """Lower-case, accent-free, single-spaced text for searching."""
    decomposto = unicodedata.normalize("NFKD", texto or "")
    sem_acento = "".join(c for c in decomposto if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", sem_acento).strip().lower()


_FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Codes a spreadsheet would turn into numbers and mangle: 12 or more digits (Excel
# shows 2,025E+13 and keeps only 15 significant digits), a leading zero (dropped),
# or a phone starting with "+" (read as a formula), masked or not.
_CODIGO = re.compile(r"\d{12,}|0\d+|\+[\d ()*.-]*\d[\d ()*.-]*")


def celula_csv(valor) -> str:
    """A CSV cell that a spreadsheet shows exactly as written.

    Codes that look like numbers (14-digit protocol, ``+55…`` phone, leading zero)
    become the string formula ``="…"``, which Excel and LibreOffice display as text:
    it is safe because the pattern admits no quote, so nothing can follow the
    string. Other text is guarded against formula injection: a leading ``=``,
    ``+``, ``-`` or ``@`` gets a quote so the spreadsheet shows it as text.
    """
    texto = "" if valor is None else str(valor)
    if len(texto) <= 40 and _CODIGO.fullmatch(texto):
        return f'="{texto}"'
    return "'" + texto if texto.startswith(_FORMULA) else texto


def formatar_duracao(duracao) -> str:
    """A duration as people say it: "45 min", "2 h 05 min", "1 dia", "3 dias 4 h".

    Coarser as it grows (minutes are noise next to days); never ``0:00:02.765763``.
    """
    minutos = max(0, int(duracao.total_seconds() // 60))
    if minutos == 0:
        return "menos de 1 min" if duracao.total_seconds() > 0 else "0 min"
    dias, resto = divmod(minutos, 24 * 60)
    horas, minutos = divmod(resto, 60)
    if dias:
        texto = ngettext("%(n)d dia", "%(n)d dias", dias) % {"n": dias}
        return f"{texto} {horas} h" if horas else texto
    if horas:
        return f"{horas} h {minutos:02d} min" if minutos else f"{horas} h"
    return f"{minutos} min"
