import re
import unicodedata


def normalizar(texto: str) -> str:
    """Lower-case, accent-free, single-spaced text for searching."""
    decomposto = unicodedata.normalize("NFKD", texto or "")
    sem_acento = "".join(c for c in decomposto if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", sem_acento).strip().lower()
