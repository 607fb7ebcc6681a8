import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from atendimento.models import Anexo, EventoRA, MensagemAtendimento, ParametrosAtendimento
from atendimento.services import (
    registro_atendimento_anexar,
    registro_atendimento_encerrar,
    registro_atendimento_mensagem_adicionar,
)
from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def png(lado):
    saida = io.BytesIO()
    Image.new("RGB", (lado, lado // 2), "blue").save(saida, format="PNG")
    return saida.getvalue()


def png_cabecalho(largura, altura):
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


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_mensagens_atualizam_interacao_pendente(abrir, tecnico, estranho):
    ra = abrir()
    registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=tecnico, texto="Equipe a caminho", visibilidade="publica"
    )
    ra.refresh_from_db()
    assert ra.interacao_pendente == "externa"
    registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=None, texto="Obrigado", visibilidade="publica", do_solicitante=True
    )
    ra.refresh_from_db()
    assert ra.interacao_pendente == "interna"
    registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=tecnico, texto="Verificar hidrômetro", visibilidade="interna"
    )
    ra.refresh_from_db()
    assert ra.interacao_pendente == "interna"
    assert MensagemAtendimento.objects.filter(ra=ra).count() == 3
    assert EventoRA.objects.filter(ra=ra, tipo="mensagem").count() == 3
    with pytest.raises(RegraViolada, match="texto da mensagem"):
        registro_atendimento_mensagem_adicionar(
            ra=ra, usuario=tecnico, texto="", visibilidade="interna"
        )
    with pytest.raises(RegraViolada, match="pública ou nota"):
        registro_atendimento_mensagem_adicionar(ra=ra, usuario=tecnico, texto="x", visibilidade="?")
    with pytest.raises(PermissaoNegada):
        registro_atendimento_mensagem_adicionar(
            ra=ra, usuario=estranho, texto="x", visibilidade="interna"
        )
    assert MensagemAtendimento.objects.filter(ra=ra).count() == 3


def test_mensagem_em_ra_encerrado_recusada(abrir, tecnico, motivos):
    ra = abrir()
    registro_atendimento_encerrar(ra=ra, motivo=motivos["executado"], parecer="x", usuario=tecnico)
    with pytest.raises(TransicaoInvalida):
        registro_atendimento_mensagem_adicionar(
            ra=ra, usuario=tecnico, texto="x", visibilidade="interna"
        )


def test_anexar_pdf(abrir, tecnico):
    ra = abrir()
    anexo = registro_atendimento_anexar(
        ra=ra, usuario=tecnico, arquivo=SimpleUploadedFile("laudo.pdf", PDF)
    )
    assert anexo.tipo_mime == "application/pdf" and anexo.tamanho == len(PDF)
    assert anexo.arquivo.read() == PDF
    assert EventoRA.objects.filter(ra=ra, tipo="anexo").exists()


def test_exe_renomeado_para_pdf_recusado(abrir, tecnico):
    ra = abrir()
    with pytest.raises(RegraViolada, match="renomeado"):
        registro_atendimento_anexar(
            ra=ra, usuario=tecnico, arquivo=SimpleUploadedFile("nota.pdf", EXE)
        )
    with pytest.raises(RegraViolada, match="não é aceito"):
        registro_atendimento_anexar(
            ra=ra, usuario=tecnico, arquivo=SimpleUploadedFile("nota.exe", EXE)
        )
    with pytest.raises(RegraViolada, match="vazio"):
        registro_atendimento_anexar(
            ra=ra, usuario=tecnico, arquivo=SimpleUploadedFile("a.pdf", b"")
        )
    assert not Anexo.objects.exists()


def test_anexo_acima_do_limite_recusado(abrir, tecnico):
    ParametrosAtendimento.objects.update_or_create(pk=1, defaults={"anexo_tamanho_max_kb": 1})
    ra = abrir()
    grande = PDF + b"0" * 2048
    with pytest.raises(RegraViolada, match="limite é 1 KB"):
        registro_atendimento_anexar(
            ra=ra, usuario=tecnico, arquivo=SimpleUploadedFile("g.pdf", grande)
        )
    assert not Anexo.objects.exists()


def test_imagem_redimensionada(abrir, tecnico):
    ParametrosAtendimento.objects.update_or_create(pk=1, defaults={"anexo_imagem_max_px": 100})
    ra = abrir()
    anexo = registro_atendimento_anexar(
        ra=ra, usuario=tecnico, arquivo=SimpleUploadedFile("foto.png", png(400))
    )
    with Image.open(anexo.arquivo.path) as imagem:
        assert imagem.size == (100, 50)


@pytest.mark.parametrize(
    ("largura", "altura", "texto"),
    [
        (20_000, 20_000, "20.000 × 20.000 pixels"),  # Pillow's own bomb error
        (13_000, 13_000, "13.000 × 13.000 pixels"),
        (8_000, 6_500, "8.000 × 6.500 pixels"),  # past our limit, short of Pillow's
    ],
)
def test_imagem_com_pixels_demais_recusada_sem_decodificar(
    abrir, tecnico, settings, largura, altura, texto
):
    settings.ANEXO_IMAGEM_MAX_PIXELS = 50_000_000
    ra = abrir()
    arquivo = SimpleUploadedFile("planta.png", png_cabecalho(largura, altura))
    with pytest.raises(RegraViolada, match=texto) as erro:
        registro_atendimento_anexar(ra=ra, usuario=tecnico, arquivo=arquivo)
    assert "o máximo é 50 megapixels" in erro.value.mensagem
    assert not Anexo.objects.exists()


def test_imagem_no_limite_de_pixels_aceita(abrir, tecnico, settings):
    settings.ANEXO_IMAGEM_MAX_PIXELS = 400 * 200
    ra = abrir()
    anexo = registro_atendimento_anexar(
        ra=ra, usuario=tecnico, arquivo=SimpleUploadedFile("foto.png", png(400))
    )
    assert anexo.tamanho > 0
    settings.ANEXO_IMAGEM_MAX_PIXELS = 400 * 200 - 1
    with pytest.raises(RegraViolada, match="400 × 200 pixels"):
        registro_atendimento_anexar(
            ra=ra, usuario=tecnico, arquivo=SimpleUploadedFile("foto.png", png(400))
        )


def test_anexos_na_abertura_validados_antes_de_gravar(abrir):
    with pytest.raises(RegraViolada, match="renomeado"):
        abrir(anexos=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", EXE)])
    assert not Anexo.objects.exists()
    ra = abrir(anexos=[SimpleUploadedFile("a.pdf", PDF)])
    assert ra.anexos.count() == 1
