"""Point 4: the files of an Inserir RA that comes back with errors are kept."""

import datetime
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from atendimento.models import Anexo, RegistroAtendimento
from atendimento.services.anexos import (
    PASTA_TEMPORARIA,
    VALIDADE_TEMPORARIOS,
    anexos_temporarios_limpar,
)
from tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db

INSERIR = reverse("atendimento:inserir")


def _png(nome="foto.png"):
    saida = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(saida, format="PNG")
    return SimpleUploadedFile(nome, saida.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def midia(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def dados(especificacao, meio, imovel):
    return {
        "especificacao": especificacao.pk,
        "meio": meio.pk,
        "descricao": "Vazamento forte",
        "tipo_solicitante": "livre",
        "solicitante_nome": "Maria",
        "solicitante_telefone": "(81) 99999-0000",
        "matricula": imovel.matricula_formatada,
        "prioridade": "2",
    }


def _tokens(html):
    return re.findall(r'name="anexos_guardados"\s+value="([^"]+)"', html)


def test_arquivo_volta_com_o_formulario_e_e_gravado_no_envio_seguinte(client_atendente, dados):
    errado = {**dados, "descricao": "", "anexos": [_png()]}
    html = client_atendente.post(INSERIR, errado).content.decode()
    assert not RegistroAtendimento.objects.exists()
    assert "Já anexados" in html and "foto.png" in html
    tokens = _tokens(html)
    assert len(tokens) == 1
    # Corrected, sent again without choosing the file: the RA has it.
    resposta = client_atendente.post(INSERIR, {**dados, "anexos_guardados": tokens})
    assert resposta.status_code == 302
    ra = RegistroAtendimento.objects.get()
    assert list(Anexo.objects.filter(ra=ra).values_list("nome_original", flat=True)) == ["foto.png"]
    _, restantes = default_storage.listdir(PASTA_TEMPORARIA)
    assert restantes == []  # the kept copy is gone once the RA holds the file


def test_desmarcado_nao_e_anexado(client_atendente, dados):
    html = client_atendente.post(
        INSERIR, {**dados, "descricao": "", "anexos": [_png()]}
    ).content.decode()
    assert _tokens(html)
    client_atendente.post(INSERIR, dados)  # the checkbox unticked: no token sent
    assert not Anexo.objects.exists()


def test_token_de_outro_usuario_ou_adulterado_pede_o_arquivo_de_novo(
    client, client_atendente, dados, unidade
):
    from core.papeis import ATENDENTE

    html = client_atendente.post(
        INSERIR, {**dados, "descricao": "", "anexos": [_png()]}
    ).content.decode()
    [token] = _tokens(html)
    resposta = client_atendente.post(INSERIR, {**dados, "anexos_guardados": [token + "x"]})
    assert "Escolha-o de novo" in resposta.content.decode()
    client.force_login(UsuarioFactory(username="outro", unidade=unidade, papeis=[ATENDENTE]))
    resposta = client.post(INSERIR, {**dados, "anexos_guardados": [token]})
    assert "Escolha-o de novo" in resposta.content.decode()
    assert not RegistroAtendimento.objects.exists()


def test_limpeza_apaga_so_os_antigos(client_atendente, dados):
    client_atendente.post(INSERIR, {**dados, "descricao": "", "anexos": [_png("a.png")]})
    assert anexos_temporarios_limpar() == 0
    depois = timezone.now() + VALIDADE_TEMPORARIOS + datetime.timedelta(minutes=1)
    assert anexos_temporarios_limpar(agora=depois) == 1
