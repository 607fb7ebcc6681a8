"""Forms never fail silently nor lose what was typed (issue 8, points 3 and 5), in Chromium."""

import datetime
import re

import pytest
from django.utils import timezone

from atendimento.models import RegistroAtendimento
from tests.atendimento.factories import EspecificacaoFactory, MeioFactory
from tests.factories import UnidadeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogo(db):
    destino = UnidadeFactory(sigla="MAN", nome="Manutenção", abre_ra=False)
    return {
        "especificacao": EspecificacaoFactory(nome="Vazamento na via", unidade_destino=destino),
        "meio": MeioFactory(nome="Telefone"),
    }


def _preencher_basico(pagina, catalogo):
    pagina.get_by_label("Tipo / especificação").select_option(str(catalogo["especificacao"].pk))
    pagina.get_by_label("Meio de solicitação").select_option(label="Telefone")
    pagina.get_by_label("Local da ocorrência (texto livre)").fill("Rua da Aurora, 100")
    pagina.get_by_label("Nome e telefone").check()
    pagina.get_by_label("Nome", exact=True).fill("Maria das Dores")
    pagina.get_by_label("Telefone", exact=True).fill("(81) 99988-7766")


def test_erro_em_mais_opcoes_abre_a_secao_e_o_resumo_leva_ao_campo(entrar, atendente, catalogo):
    pagina = entrar(atendente)
    pagina.goto("/atendimento/ra/novo/")
    _preencher_basico(pagina, catalogo)
    pagina.get_by_label("Descrição").fill("")  # a form error
    pagina.get_by_label("CPF/CNPJ").fill("111.111.111-12")  # a rule of the service
    pagina.locator("summary", has_text="Mais opções").click()
    amanha = timezone.localtime() + datetime.timedelta(days=1)
    pagina.get_by_label("Data/hora do atendimento").fill(amanha.strftime("%Y-%m-%dT%H:%M"))
    pagina.get_by_role("button", name=re.compile("Registrar RA")).click()
    pagina.wait_for_load_state()

    resumo = pagina.locator("[data-resumo-erros]")
    resumo.wait_for()
    texto = resumo.inner_text()
    # Every error in one round: the form's and the service's.
    assert "Descrição" in texto and "CPF inválido" in texto and "futuro" in texto
    # The collapsed section holding an error is open, its field visible.
    assert pagina.locator("details:has(#id_data_abertura)").get_attribute("open") is not None
    assert pagina.locator("#id_data_abertura").is_visible()
    assert resumo.evaluate("el => el === document.activeElement")
    # A link of the summary takes the attendant to the field.
    resumo.get_by_role("link", name="CPF/CNPJ").click()
    assert pagina.locator("#id_solicitante_cpf_cnpj").evaluate(
        "el => el === document.activeElement"
    )
    # Closed by hand, the section opens again when its error is picked in the summary.
    pagina.locator("summary", has_text="Mais opções").click()
    assert not pagina.locator("#id_data_abertura").is_visible()
    resumo.get_by_role("link", name="Data/hora do atendimento").click()
    assert pagina.locator("#id_data_abertura").is_visible()
    assert not RegistroAtendimento.objects.exists()


def test_contador_de_caracteres_ao_vivo_sem_cortar_o_texto(entrar, atendente, catalogo):
    pagina = entrar(atendente)
    pagina.goto("/atendimento/ra/novo/")
    descricao = pagina.get_by_label("Descrição")
    contador = pagina.locator("#id_descricao-contador")
    assert contador.inner_text() == "0 de 4.000 caracteres"
    descricao.fill("Cano estourado")
    assert contador.inner_text() == "14 de 4.000 caracteres"
    # A line break travels as \r\n: the server counts two, so does the counter.
    descricao.fill("Linha 1\nLinha 2")
    assert contador.inner_text() == "16 de 4.000 caracteres"
    # Past the limit nothing is cut: the counter says by how much.
    descricao.fill("x" * 4010)
    assert len(descricao.input_value()) == 4010
    assert contador.inner_text() == "4.010 de 4.000 caracteres: 10 a mais"
    assert "text-danger" in contador.get_attribute("class")
    # The long single-line fields count too.
    pagina.get_by_label("Local da ocorrência (texto livre)").fill("Rua da Aurora")
    assert pagina.locator("#id_local_ocorrencia-contador").inner_text() == ("13 de 250 caracteres")


def test_contador_vale_em_outros_formularios(entrar, atendente, abrir):
    ra = abrir()
    pagina = entrar(atendente)
    pagina.goto(f"/atendimento/ra/{ra.pk}/mensagem/")
    pagina.locator("#id_texto").fill("Olá")
    assert pagina.locator("#id_texto-contador").inner_text() == "3 de 4.000 caracteres"


def test_inserir_ra_diz_se_o_sms_do_protocolo_vai_e_por_que_nao(entrar, atendente, catalogo):
    from tests.factories import ClienteFactory, ClienteImovelFactory, ImovelFactory, TelefoneFactory

    imovel = ImovelFactory()
    recusa = ClienteFactory(nome="Josefa Recusa", recebe_sms=False)
    TelefoneFactory(cliente=recusa, numero="988887777", sms=True)
    ClienteImovelFactory(cliente=recusa, imovel=imovel, relacao="usuario")

    pagina = entrar(atendente)
    pagina.goto("/atendimento/ra/novo/")
    pagina.get_by_label("Tipo / especificação").select_option(str(catalogo["especificacao"].pk))
    pagina.get_by_label("Nome e telefone").check()
    previsao = pagina.locator("#sms-previsao")
    # Point 7: a landline is recognised while typing, before saving.
    pagina.get_by_label("Telefone", exact=True).fill("(81) 3222-1234")
    previsao.locator("[data-sms-protocolo='nao-vai']", has_text="fixo").wait_for()
    pagina.get_by_label("Telefone", exact=True).fill("(81) 99988-7766")
    previsao.locator("[data-sms-protocolo='vai']").wait_for()
    assert "irá por SMS" in previsao.inner_text()

    # Point 6: a client who does not accept SMS, from the imóvel.
    pagina.goto(f"/atendimento/ra/novo/?imovel={imovel.pk}")
    pagina.get_by_label("Tipo / especificação").select_option(str(catalogo["especificacao"].pk))
    previsao.locator("[data-sms-protocolo='nao-vai']", has_text="não aceita").wait_for()
    pagina.get_by_label("Meio de solicitação").select_option(label="Telefone")
    pagina.get_by_label("Descrição").fill("Cavalete vazando.")
    pagina.get_by_role("button", name=re.compile("Registrar RA")).click()
    pagina.wait_for_url(re.compile(r"/atendimento/ra/\d+/confirmacao/"))
    aviso = pagina.locator("[data-sms-protocolo='nao-vai']")
    assert "não foi enviado por SMS" in aviso.inner_text()
    assert "não aceita receber SMS" in aviso.inner_text()
    ra = RegistroAtendimento.objects.get()
    pagina.goto(f"/atendimento/ra/{ra.pk}/")
    assert "não aceita receber SMS" in pagina.locator("#sms-protocolo").inner_text()
    assert "não aceita SMS" in pagina.locator("#telefones").inner_text()


def test_anexo_nao_se_perde_quando_o_formulario_volta_com_erro(
    entrar, atendente, catalogo, settings, tmp_path
):
    import io

    from PIL import Image

    from atendimento.models import Anexo

    settings.MEDIA_ROOT = tmp_path
    foto = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(foto, format="PNG")
    pagina = entrar(atendente)
    pagina.goto("/atendimento/ra/novo/")
    _preencher_basico(pagina, catalogo)
    pagina.get_by_label("Anexos").set_input_files(
        {"name": "vazamento.png", "mimeType": "image/png", "buffer": foto.getvalue()}
    )
    pagina.get_by_role("button", name=re.compile("Registrar RA")).click()  # no descrição
    pagina.locator("[data-resumo-erros]").wait_for()
    guardados = pagina.locator("#anexos-guardados")
    assert "vazamento.png" in guardados.inner_text()
    assert "não é preciso escolhê-los de novo" in guardados.inner_text()
    assert guardados.get_by_label(re.compile("vazamento.png")).is_checked()
    pagina.get_by_label("Descrição").fill("Cano estourado na calçada.")
    pagina.get_by_role("button", name=re.compile("Registrar RA")).click()
    pagina.wait_for_url(re.compile(r"/atendimento/ra/\d+/confirmacao/"))
    ra = RegistroAtendimento.objects.get()
    assert [a.nome_original for a in Anexo.objects.filter(ra=ra)] == ["vazamento.png"]
