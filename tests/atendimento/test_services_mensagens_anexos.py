import io

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


def test_anexos_na_abertura_validados_antes_de_gravar(abrir):
    with pytest.raises(RegraViolada, match="renomeado"):
        abrir(anexos=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", EXE)])
    assert not Anexo.objects.exists()
    ra = abrir(anexos=[SimpleUploadedFile("a.pdf", PDF)])
    assert ra.anexos.count() == 1
