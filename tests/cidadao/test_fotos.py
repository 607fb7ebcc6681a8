"""The citizen's photo: checked by content, size and pixels; the EXIF position is read
as data and every piece of metadata is gone from the stored JPEG."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

from atendimento.uploads import ArquivoAcimaDoLimite
from cidadao.fotos import LADO_MAX_PX, foto_preparar
from core.exceptions import RegraViolada
from tests.cidadao.imagens import GPS_RECIFE, foto, png_cabecalho

MB = 1024 * 1024


def preparar(conteudo, nome="foto.jpg", limite_kb=8192):
    return foto_preparar(SimpleUploadedFile(nome, conteudo), limite_kb=limite_kb)


def abrir(conteudo):
    imagem = Image.open(io.BytesIO(conteudo))
    imagem.load()
    return imagem


def test_foto_com_gps_le_a_posicao_e_grava_sem_metadados():
    original = foto(gps=GPS_RECIFE, comentario=b"Rua do Bom Jesus, casa da Maria")
    assert abrir(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's premise

    preparada = preparar(original)

    assert preparada.latitude == Decimal("-8.063000")
    assert preparada.longitude == Decimal("-34.871000")
    guardada = abrir(preparada.conteudo)
    assert guardada.format == "JPEG"
    assert dict(guardada.getexif()) == {}
    assert not guardada.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "comment", "xmp", "icc_profile"} & set(guardada.info)
    assert b"Exif" not in preparada.conteudo
    assert b"Celular de Teste" not in preparada.conteudo
    assert b"casa da Maria" not in preparada.conteudo


def test_foto_sem_gps_nao_tem_posicao():
    preparada = preparar(foto())
    assert (preparada.latitude, preparada.longitude) == (None, None)


def test_posicao_norte_e_leste_positiva():
    gps = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (IFDRational(1), IFDRational(30), IFDRational(0)),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (IFDRational(2), IFDRational(15), IFDRational(36)),
    }
    preparada = preparar(foto(gps=gps))
    assert preparada.latitude == Decimal("1.500000")
    assert preparada.longitude == Decimal("2.260000")


R = IFDRational
LAT, LAT_REF = ExifTags.GPS.GPSLatitude, ExifTags.GPS.GPSLatitudeRef
LON, LON_REF = ExifTags.GPS.GPSLongitude, ExifTags.GPS.GPSLongitudeRef


@pytest.mark.parametrize(
    "estragar",
    [
        pytest.param({LAT_REF: None}, id="sem referência N/S"),
        pytest.param({LON_REF: "X"}, id="referência que não existe"),
        pytest.param({LAT: (R(8), R(3))[:0]}, id="latitude vazia"),
        pytest.param({LAT: (R(8), R(75), R(0))}, id="75 minutos"),
        pytest.param({LAT: (R(95), R(0), R(0))}, id="latitude acima de 90"),
        pytest.param({LON: (R(34), R(52), R(1, 0))}, id="denominador zero"),
        pytest.param({LON: (R(34), R(52), R(15), R(1))}, id="quatro números"),
        pytest.param({LON: None}, id="só a latitude"),
    ],
)
def test_gps_estragado_e_ignorado_e_a_foto_aceita(estragar):
    gps = {**GPS_RECIFE, **estragar}
    gps = {chave: valor for chave, valor in gps.items() if valor is not None}
    preparada = preparar(foto(gps=gps))
    assert (preparada.latitude, preparada.longitude) == (None, None)
    assert abrir(preparada.conteudo).format == "JPEG"


def test_orientacao_do_exif_aplicada():
    # Orientation 6: the camera was held upright; the pixels are stored lying down.
    preparada = preparar(foto(40, 20, orientacao=6))
    assert abrir(preparada.conteudo).size == (20, 40)


def test_foto_grande_reduzida_ao_lado_maximo():
    preparada = preparar(foto(3200, 1000))
    assert abrir(preparada.conteudo).size == (LADO_MAX_PX, 500)


def test_foto_pequena_mantem_o_tamanho():
    assert abrir(preparar(foto(800, 600)).conteudo).size == (800, 600)


@pytest.mark.parametrize("formato", ["PNG", "WEBP"])
def test_png_e_webp_viram_jpeg(formato):
    preparada = preparar(foto(formato=formato), nome="foto.png")
    assert abrir(preparada.conteudo).format == "JPEG"


def test_png_transparente_vira_jpeg_com_fundo_branco():
    preparada = preparar(foto(formato="PNG", modo="RGBA", cor=(0, 0, 0, 0)), nome="f.png")
    imagem = abrir(preparada.conteudo)
    assert imagem.mode == "RGB"
    assert all(canal > 240 for canal in imagem.getpixel((5, 5)))


def test_foto_acima_do_limite_recusada_com_o_tamanho():
    with pytest.raises(RegraViolada) as erro:
        preparar(b"\xff\xd8\xff" + b"0" * (20 * MB - 3))
    assert erro.value.campo == "foto"
    assert erro.value.mensagem.startswith("A foto tem 20,0 MB; o limite é 8 MB.")


def test_foto_descartada_pelo_envio_recusada_pelo_tamanho():
    # What the upload handler leaves past the limit: the true size, no content.
    arquivo = ArquivoAcimaDoLimite("foto.jpg", "image/jpeg", 20 * MB + 1)
    with pytest.raises(RegraViolada, match=r"A foto tem 20,0 MB; o limite é 8 MB\."):
        foto_preparar(arquivo, limite_kb=8192)


def test_foto_logo_acima_do_limite_nao_parece_o_limite():
    with pytest.raises(RegraViolada, match=r"A foto tem 1,01 MB; o limite é 1 MB\."):
        preparar(foto() + b"0" * MB, limite_kb=1024)
    with pytest.raises(RegraViolada, match=r"A foto tem 513 KB; o limite é 512 KB\."):
        preparar(foto() + b"0" * (512 * 1024), limite_kb=512)


def test_foto_no_limite_aceita_e_um_byte_acima_recusada():
    conteudo = foto()
    no_limite = conteudo + b"\x00" * (2048 - len(conteudo))  # bytes after the JPEG's end
    assert preparar(no_limite, limite_kb=2).conteudo
    with pytest.raises(RegraViolada, match="o limite é 2 KB"):
        preparar(no_limite + b"\x00", limite_kb=2)


@pytest.mark.parametrize(
    "conteudo",
    [
        pytest.param("Isto não é uma foto.\n".encode() * 20, id="texto renomeado .jpg"),
        pytest.param(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", id="PDF"),
        pytest.param(foto(formato="GIF", modo="P"), id="GIF"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", id="SVG"),
    ],
)
def test_arquivo_que_nao_e_foto_recusado_pelo_conteudo(conteudo):
    with pytest.raises(RegraViolada) as erro:
        preparar(conteudo, nome="foto.jpg")
    assert erro.value.campo == "foto"
    assert erro.value.mensagem.startswith("O arquivo não é uma foto")


def test_foto_vazia_recusada():
    with pytest.raises(RegraViolada, match="vazio"):
        preparar(b"")


def test_foto_corrompida_recusada():
    inteira = foto(400, 300, cor="green")
    with pytest.raises(RegraViolada, match="corrompida"):
        preparar(inteira[: len(inteira) // 2])


@pytest.mark.parametrize(
    ("largura", "altura", "texto"),
    [
        (20_000, 20_000, "20.000 × 20.000 pixels"),  # Pillow's own bomb error
        (8_000, 6_500, "8.000 × 6.500 pixels"),  # past our limit, short of Pillow's
    ],
)
def test_bomba_de_descompressao_recusada_sem_decodificar(settings, largura, altura, texto):
    settings.ANEXO_IMAGEM_MAX_PIXELS = 50_000_000
    with pytest.raises(RegraViolada, match=texto) as erro:
        preparar(png_cabecalho(largura, altura), nome="foto.png")
    assert "o máximo é 50 megapixels" in erro.value.mensagem
    assert erro.value.campo == "foto"
