"""A citizen's photo: type checked by content, size limit, EXIF location read as data
and stripped from the stored image (which is re-encoded)."""

import contextlib
import io
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import filetype
from PIL import ExifTags, Image, ImageOps

from atendimento.uploads import LimiteDeAnexoUploadHandler
from cidadao.models import ParametrosCidadao
from core.exceptions import RegraViolada
from core.imagens import (
    ImagemCorrompida,
    ImagemGrandeDemais,
    imagem_abrir,
    pixels_descrever,
    pixels_maximo_descrever,
)

# What phones and their browsers produce (HEIC is converted to JPEG by the browser's
# file picker on iOS when the input accepts image/*).
TIPOS_ACEITOS = {"jpg", "png", "webp"}
LADO_MAX_PX = 1600
QUALIDADE_JPEG = 85
_SEIS_CASAS = Decimal("0.000001")
MB = 1024 * 1024


@dataclass(frozen=True)
class FotoPreparada:
    conteudo: bytes  # a JPEG without metadata, ready to store and serve
    latitude: Decimal | None  # where the EXIF said the photo was taken
    longitude: Decimal | None


def tamanho_descrever(n_bytes: int) -> str:
    """A limit as people say it: "8 MB", "7,5 MB", "512 KB"."""
    if n_bytes >= MB:
        return f"{n_bytes / MB:.1f}".removesuffix(".0").replace(".", ",") + " MB"
    return f"{max(1, round(n_bytes / 1024))} KB"


def _grande_demais(tamanho: int, limite: int) -> RegraViolada:
    if tamanho >= MB:
        mb = round(tamanho / MB, 1)
        if mb <= limite / MB:  # just past the limit: never read as the limit itself
            mb = math.ceil(tamanho * 100 / MB) / 100
        atual = f"{mb:.2f}".removesuffix("0").replace(".", ",") + " MB"
    else:
        atual = f"{math.ceil(tamanho / 1024)} KB"
    return RegraViolada(
        f"A foto tem {atual}; o limite é {tamanho_descrever(limite)}. Escolha uma foto menor "
        "(ou tire outra com resolução menor).",
        campo="foto",
    )


def foto_preparar(arquivo, *, limite_kb: int) -> FotoPreparada:
    """Check an uploaded photo and return it cleaned, or raise RegraViolada(campo="foto").

    The stored image is a new JPEG (at most ``LADO_MAX_PX`` on its longer side, turned
    as the EXIF orientation says) written from the pixels only: no EXIF, GPS, XMP,
    ICC profile or comment of the original survives. The GPS position is returned as
    data, for the attendant to compare with the point the citizen chose.
    """
    limite = limite_kb * 1024
    tamanho = getattr(arquivo, "size", None)
    if tamanho is not None and tamanho > limite:
        raise _grande_demais(tamanho, limite)
    arquivo.seek(0)
    conteudo = arquivo.read(limite + 1)
    if len(conteudo) > limite:
        raise _grande_demais(len(conteudo), limite)
    if not conteudo:
        raise RegraViolada("O arquivo da foto está vazio. Escolha a foto de novo.", campo="foto")
    tipo = filetype.guess(conteudo)
    if tipo is None or tipo.extension not in TIPOS_ACEITOS:
        raise RegraViolada(
            "O arquivo não é uma foto: envie uma imagem JPEG, PNG ou WebP (como as da "
            "câmera do celular).",
            campo="foto",
        )
    try:
        imagem = imagem_abrir(conteudo)
    except ImagemGrandeDemais as exc:
        raise RegraViolada(
            f"A foto tem {pixels_descrever(exc.tamanho)}; o máximo é "
            f"{pixels_maximo_descrever()}. Escolha uma foto menor.",
            campo="foto",
        ) from exc
    except ImagemCorrompida as exc:
        raise RegraViolada(
            "A foto está corrompida ou incompleta. Tire outra foto ou escolha outra.",
            campo="foto",
        ) from exc
    latitude, longitude = _gps(imagem)
    return FotoPreparada(conteudo=_limpa(imagem), latitude=latitude, longitude=longitude)


def _limpa(imagem: Image.Image) -> bytes:
    # An orientation tag Pillow cannot apply: keep the pixels as they are.
    with contextlib.suppress(Exception):
        imagem = ImageOps.exif_transpose(imagem)
    imagem.thumbnail((LADO_MAX_PX, LADO_MAX_PX))
    if imagem.mode in ("RGBA", "LA", "PA") or (
        imagem.mode == "P" and "transparency" in imagem.info
    ):
        fundo = Image.new("RGB", imagem.size, "white")
        fundo.paste(imagem.convert("RGBA"), mask=imagem.convert("RGBA").getchannel("A"))
        imagem = fundo
    elif imagem.mode != "RGB":
        imagem = imagem.convert("RGB")
    # A fresh image holds the pixels only: Pillow would carry a JPEG comment (and
    # other ``info`` entries) from the original into the file it writes.
    limpa = Image.new("RGB", imagem.size)
    limpa.paste(imagem)
    saida = io.BytesIO()
    limpa.save(saida, format="JPEG", quality=QUALIDADE_JPEG, optimize=True)
    return saida.getvalue()


# --- the GPS position in the EXIF ------------------------------------------------


def _gps(imagem: Image.Image) -> tuple[Decimal | None, Decimal | None]:
    """(latitude, longitude) from the EXIF GPS tags, or (None, None) when they are
    missing or do not make a position (garbage is ignored, never an error)."""
    try:
        gps = imagem.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        latitude = _grau(
            gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "NS", 90
        )
        longitude = _grau(
            gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "EW", 180
        )
    except Exception:  # an EXIF block Pillow cannot parse: no position
        return None, None
    if latitude is None or longitude is None:
        return None, None
    return latitude, longitude


def _referencia(valor) -> str:
    if isinstance(valor, bytes):
        valor = valor.decode("ascii", "replace")
    return str(valor or "").strip("\x00 ").upper()[:1]


def _racional(valor) -> Fraction:
    numerador = getattr(valor, "numerator", None)
    denominador = getattr(valor, "denominator", None)
    if numerador is not None and denominador is not None:
        return Fraction(int(numerador), int(denominador))  # 0 denominator: ZeroDivisionError
    return Fraction(str(valor))


def _grau(valor, referencia, letras: str, limite: int) -> Decimal | None:
    """Degrees, minutes and seconds (EXIF rationals) and N/S or E/W to signed degrees."""
    ref = _referencia(referencia)
    if not ref or ref not in letras:
        return None
    if not isinstance(valor, tuple | list) or not 1 <= len(valor) <= 3:
        return None
    try:
        partes = [_racional(v) for v in valor]
    except (ValueError, TypeError, ZeroDivisionError, ArithmeticError):
        return None
    if any(p < 0 for p in partes) or any(p >= 60 for p in partes[1:]):
        return None
    total = sum(p / 60**i for i, p in enumerate(partes))
    if total > limite:
        return None
    try:
        graus = (Decimal(total.numerator) / Decimal(total.denominator)).quantize(_SEIS_CASAS)
    except InvalidOperation:
        return None
    return -graus if ref == letras[1] else graus


# --- the upload, held to the photo's limit while it arrives ---------------------


class LimiteDaFotoUploadHandler(LimiteDeAnexoUploadHandler):
    """The attachment handler with the photo's limit (``ParametrosCidadao``): past it,
    the file is counted and dropped, and ``foto_preparar`` refuses it by its size."""

    def new_file(self, *args, **kwargs):
        if self.limite is None:
            self.limite = ParametrosCidadao.atual().foto_tamanho_max_kb * 1024
        super().new_file(*args, **kwargs)
