"""A citizen's photo: type checked by content, size limit, EXIF location read as data
and stripped from the stored image (which is re-encoded)."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class FotoPreparada:
    conteudo: bytes  # a JPEG without metadata, ready to store and serve
    latitude: Decimal | None  # where the EXIF said the photo was taken
    longitude: Decimal | None


def foto_preparar(arquivo, *, limite_kb: int) -> FotoPreparada:
    """Check an uploaded photo and return it cleaned, or raise RegraViolada(campo="foto")."""
    raise NotImplementedError("written in the citizen-form slice")
