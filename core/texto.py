import re
import unicodedata


def normalizar(texto: str) -> str:
    """Lower-case, accent-free, single-spaced text for searching."""
    decomposto = unicodedata.normalize("NFKD", texto or "")
    sem_acento = "".join(c for c in decomposto if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", sem_acento).strip().lower()


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def celula_csv(valor) -> str:
    """Free text for a CSV cell, guarded against spreadsheet formula injection:
    a leading ``=``, ``+``, ``-`` or ``@`` gets a quote so Excel shows it as text."""
    texto = str(valor or "")
    return "'" + texto if texto.startswith(_FORMULA) else texto
