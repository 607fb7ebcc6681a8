"""Point 13: a file past the attachment limit is not kept, nor read past a ceiling."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from atendimento.models import Anexo, ParametrosAtendimento, RegistroAtendimento
from atendimento.uploads import LimiteDeAnexoUploadHandler

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LIMITE_KB = 64
GRANDE = PDF + b"0" * (1024 * 1024)  # 1 MB: 16 times the limit


@pytest.fixture(autouse=True)
def midia(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Files past this go to a temporary file on disk, as big ones do in production.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    ParametrosAtendimento.objects.update_or_create(
        pk=1, defaults={"anexo_tamanho_max_kb": LIMITE_KB}
    )
    return tmp_path


def _arquivos(pasta):
    return [p for p in pasta.rglob("*") if p.is_file()]


def _handler(resposta) -> LimiteDeAnexoUploadHandler:
    return next(
        h
        for h in resposta.wsgi_request.upload_handlers
        if isinstance(h, LimiteDeAnexoUploadHandler)
    )


def test_inserir_ra_com_arquivo_grande_volta_com_a_mensagem(
    client_atendente, especificacao, meio, imovel, midia
):
    dados = {
        "especificacao": especificacao.pk,
        "meio": meio.pk,
        "descricao": "Vazamento forte",
        "tipo_solicitante": "livre",
        "solicitante_nome": "Maria",
        "solicitante_telefone": "(81) 99999-0000",
        "matricula": imovel.matricula_formatada,
        "prioridade": "2",
        "anexos": [SimpleUploadedFile("planta.pdf", GRANDE)],
    }
    resposta = client_atendente.post(reverse("atendimento:inserir"), dados)
    assert resposta.status_code == 200
    assert f"o limite é {LIMITE_KB} KB" in resposta.content.decode()
    assert not RegistroAtendimento.objects.exists()
    assert _arquivos(midia) == []
    handler = _handler(resposta)
    assert handler.armazenados <= LIMITE_KB * 1024 + 1024 < len(GRANDE)


def test_anexar_arquivo_grande_volta_com_a_mensagem(client_atendente, abrir, midia):
    ra = abrir()
    resposta = client_atendente.post(
        reverse("atendimento:anexar", args=[ra.pk]),
        {"versao": ra.versao, "arquivo": SimpleUploadedFile("planta.pdf", GRANDE)},
    )
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "O arquivo planta.pdf tem 1024 KB; o limite é 64 KB" in html
    assert not Anexo.objects.exists()
    assert _arquivos(midia) == []
    assert _handler(resposta).armazenados <= LIMITE_KB * 1024 + 1024


def test_anexar_arquivo_no_limite_e_aceito(client_atendente, abrir):
    ra = abrir()
    arquivo = SimpleUploadedFile("planta.pdf", PDF + b"0" * (LIMITE_KB * 1024 - len(PDF)))
    resposta = client_atendente.post(
        reverse("atendimento:anexar", args=[ra.pk]), {"versao": ra.versao, "arquivo": arquivo}
    )
    assert resposta.status_code == 302
    assert Anexo.objects.get().tamanho == LIMITE_KB * 1024


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_pedido_acima_do_teto_recusado_sem_ler_o_corpo(client_atendente, abrir):
    """Past (limit × files + the form fields' cap) the Content-Length says it all."""
    ra = abrir()
    teto = LIMITE_KB * 1024 * LimiteDeAnexoUploadHandler.ARQUIVOS_POR_PEDIDO + 10_000
    enorme = PDF + b"0" * teto
    client_atendente.raise_request_exception = False
    resposta = client_atendente.post(
        reverse("atendimento:anexar", args=[ra.pk]),
        {"versao": ra.versao, "arquivo": SimpleUploadedFile("planta.pdf", enorme)},
    )
    assert resposta.status_code == 413
    assert "O envio passa do limite" in resposta.content.decode()
    assert not Anexo.objects.exists()
