"""Opening an uploaded image without trusting it: the pixel count is checked from the
header before the image is decoded (a decompression bomb), and whatever Pillow's
plugins raise on a broken file becomes one error. Shared by the RA attachments and
the citizen's photo, which word their own messages."""

import io

from django.conf import settings
from PIL import Image, UnidentifiedImageError


class ImagemRecusada(Exception):
    pass


class ImagemCorrompida(ImagemRecusada):
    pass


class ImagemGrandeDemais(ImagemRecusada):
    """More pixels than ``ANEXO_IMAGEM_MAX_PIXELS``; ``tamanho`` is (width, height) when
    the header told it."""

    def __init__(self, tamanho: tuple[int, int] | None):
        super().__init__(tamanho)
        self.tamanho = tamanho


def _milhar(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def pixels_descrever(tamanho: tuple[int, int] | None) -> str:
    """ "4.000 × 3.000 pixels" (or "pixels demais" when the size is unknown)."""
    return f"{_milhar(tamanho[0])} × {_milhar(tamanho[1])} pixels" if tamanho else "pixels demais"


def pixels_maximo_descrever() -> str:
    limite = settings.ANEXO_IMAGEM_MAX_PIXELS
    return f"{limite / 1e6:.0f} megapixels" if limite >= 1e6 else f"{_milhar(limite)} pixels"


def _tamanho_no_cabecalho(conteudo: bytes) -> tuple[int, int] | None:
    """Width and height read from the header by the format's own plugin, which skips
    the bomb check that made ``Image.open`` refuse before telling the size."""
    Image.init()
    for fabrica, aceita in Image.OPEN.values():
        if aceita and aceita(conteudo[:16]):
            try:
                return fabrica(io.BytesIO(conteudo)).size
            except Exception:  # a header its plugin cannot read: size unknown
                return None
    return None


def imagem_abrir(conteudo: bytes) -> Image.Image:
    """The decoded image, or ImagemGrandeDemais / ImagemCorrompida.

    The header tells the size: refuse before decoding, which takes 4 bytes a pixel
    (a 13,000 × 13,000 PNG of 492 KB grew the server to 846 MB).
    """
    try:
        imagem = Image.open(io.BytesIO(conteudo))
    except Image.DecompressionBombError as exc:
        raise ImagemGrandeDemais(_tamanho_no_cabecalho(conteudo)) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImagemCorrompida() from exc
    largura, altura = imagem.size
    if largura * altura > settings.ANEXO_IMAGEM_MAX_PIXELS:
        raise ImagemGrandeDemais(imagem.size)
    try:
        imagem.load()
    except Exception as exc:  # Pillow's plugins raise many types on malformed data
        raise ImagemCorrompida() from exc
    return imagem
