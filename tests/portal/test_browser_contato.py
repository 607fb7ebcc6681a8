"""A customer on a phone-sized window opens a contact with an attachment, sees the
protocol, finds it in Em aberto, complements it and sees the message; the live counter
says how many characters are left."""

import io
import re

import pytest
from PIL import Image

from atendimento.models import RegistroAtendimento
from tests.conftest import SEM_ROLAGEM_LATERAL
from tests.portal.dados_contatos import cenario_criar
from tests.portal.factories import SENHA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    saida = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(saida, format="PNG")
    return saida.getvalue()


def test_cliente_abre_acompanha_e_complementa_pelo_celular(celular, media):
    c = cenario_criar()
    pagina = celular()
    pagina.goto("/portal/novo/")
    pagina.get_by_label("E-mail").fill(c.conta.email)
    pagina.get_by_label("Senha").fill(SENHA)
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url(re.compile(r"/portal/novo/$"))

    pagina.get_by_label("Título").fill("Conta de março alta")
    assert pagina.locator("#id_titulo-contador").inner_text() == "101 caracteres restantes"
    assunto = pagina.get_by_label("Classificação e subclassificação")
    assunto.select_option(label="Vazamento no cavalete")
    assert pagina.locator("#imovel-exigido").is_visible()
    assunto.select_option(label="Segunda via de conta")
    assert not pagina.locator("#imovel-exigido").is_visible()
    assert pagina.get_by_label("Imóvel").input_value() == str(c.imovel.pk)
    assert pagina.get_by_label("Pessoa para contato").input_value() == c.conta.nome
    pagina.get_by_label("Telefone para contato").fill("(81) 98888-7777")
    mensagem = pagina.get_by_label("Mensagem")
    contador = pagina.locator("#id_mensagem-contador")
    assert contador.inner_text() == "4.000 caracteres restantes"
    mensagem.fill("Minha conta veio o dobro do normal.")
    assert contador.inner_text() == "3.965 caracteres restantes"
    pagina.get_by_label("Anexos").set_input_files(
        {"name": "conta-marco.png", "mimeType": "image/png", "buffer": _png()}
    )
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)
    pagina.get_by_role("button", name="Salvar").click()

    pagina.wait_for_url(re.compile(r"/portal/contatos/\d+/protocolo/$"))
    ra = RegistroAtendimento.objects.get()
    assert pagina.locator("#protocolo").inner_text() == ra.protocolo
    assert "por SMS" in pagina.locator("#avisos").inner_text()
    assert ra.anexos.get().nome_original == "conta-marco.png"

    pagina.get_by_role("link", name="Contatos em aberto").click()
    pagina.wait_for_url(re.compile(r"/portal/$"))
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)
    pagina.get_by_role("link", name=ra.protocolo).click()
    pagina.wait_for_url(re.compile(rf"/portal/contatos/{ra.pk}/$"))
    assert "Minha conta veio o dobro do normal." in pagina.locator("#conversa").inner_text()
    assert "conta-marco.png" in pagina.locator("#conversa").inner_text()

    pagina.get_by_label("Mensagem complementar").fill("Segue também a leitura do hidrômetro: 1234.")
    assert pagina.locator("#id_texto-contador").inner_text() == "3.957 caracteres restantes"
    pagina.get_by_role("button", name="Complementar").click()
    pagina.wait_for_url(re.compile(rf"/portal/contatos/{ra.pk}/$"))
    conversa = pagina.locator("#conversa")
    assert "Segue também a leitura do hidrômetro: 1234." in conversa.inner_text()
    assert "Mensagem enviada" in pagina.content()
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)
    ra.refresh_from_db()
    assert ra.interacao_pendente == RegistroAtendimento.InteracaoPendente.INTERNA
    assert pagina.violacoes == []
