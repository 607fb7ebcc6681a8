"""Photos built with Pillow for the citizen-channel tests (no files in the repository)."""

import io
import struct
import zlib

from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

# Recife Antigo (tests.cidadao.factories.PONTO): 8°3'46.8" S, 34°52'15.6" W.
GPS_RECIFE = {
    ExifTags.GPS.GPSLatitudeRef: "S",
    ExifTags.GPS.GPSLatitude: (IFDRational(8), IFDRational(3), IFDRational(468, 10)),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (IFDRational(34), IFDRational(52), IFDRational(156, 10)),
}


def foto(
    largura=40,
    altura=20,
    *,
    formato="JPEG",
    modo="RGB",
    cor="red",
    gps=None,
    orientacao=None,
    comentario=None,
) -> bytes:
    """An image in ``formato``; JPEGs may carry EXIF (GPS, orientation) and a comment."""
    imagem = Image.new(modo, (largura, altura), cor)
    opcoes = {}
    if formato == "JPEG":
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "Celular de Teste"
        if orientacao:
            exif[ExifTags.Base.Orientation] = orientacao
        if gps is not None:
            exif[ExifTags.IFD.GPSInfo] = gps
        opcoes["exif"] = exif
        if comentario:
            opcoes["comment"] = comentario
    saida = io.BytesIO()
    imagem.save(saida, format=formato, **opcoes)
    return saida.getvalue()


def png_cabecalho(largura, altura) -> bytes:
    """A PNG that only claims its size: a header and one row of data (no big allocation)."""

    def pedaco(tipo, dados):
        return (
            struct.pack(">I", len(dados))
            + tipo
            + dados
            + struct.pack(">I", zlib.crc32(tipo + dados))
        )

    ihdr = struct.pack(">IIBBBBB", largura, altura, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + pedaco(b"IHDR", ihdr)
        + pedaco(b"IDAT", zlib.compress(b"\x00" * (largura + 1)))
        + pedaco(b"IEND", b"")
    )
