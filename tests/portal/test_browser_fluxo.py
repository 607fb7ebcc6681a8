"""The whole round trip in Chromium: a customer creates a portal account on a phone,
confirms it from the e-mail, opens a contact with an attachment and sees the protocol;
an operator answers it from the console with the keyboard only; the customer follows
the e-mail's link to the answer and complements it; the operator closes it."""

import io
import re

import pytest
from PIL import Image

from atendimento.models import MensagemAtendimento, RegistroAtendimento
from cadastro.validators import digito_modulo11, formatar_cpf_cnpj
from mensageria.models import Mensagem, ModeloMensagem
from tests.atendimento.factories import EspecificacaoFactory, MeioFactory, MotivoFactory
from tests.conftest import SEM_ROLAGEM_LATERAL
from tests.factories import ClienteFactory, ClienteImovelFactory, ImovelFactory, TelefoneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RA = RegistroAtendimento
SENHA = "minha-senha-do-portal-2026"
ATIVO = "document.activeElement"
CSP = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));"""


def _vigiar_csp(pagina):
    pagina.violacoes = []
    pagina.context.add_init_script(CSP)
    pagina.on(
        "console",
        lambda m: "Content Security Policy" in m.text and pagina.violacoes.append(m.text),
    )
    return pagina


@pytest.fixture
def mundo(unidade, live_server, settings):
    """A client of the utility (not yet in the portal), the catalogue open to the portal
    and a closing motivo; answers carry the link to the contact (URL_PUBLICA)."""
    settings.URL_PUBLICA = live_server.url
    ModeloMensagem.objects.update_or_create(
        evento="ra_mensagem",
        defaults={"texto_email": "{mensagem}\n\nLeia e responda no portal: {link}", "ativo": True},
    )
    MeioFactory(nome="Internet")
    EspecificacaoFactory(
        nome="Revisão de conta",
        tipo__nome="Conta",
        portal=True,
        unidade_destino=unidade,
        exige_imovel=True,
    )
    MotivoFactory(nome="Orientação prestada")
    cliente = ClienteFactory(nome="Ana Pereira", email="ana.pereira@exemplo.com.br")
    TelefoneFactory(cliente=cliente, ddd="81", numero="999990001")
    imovel = ImovelFactory(matricula=10_012_345, logradouro="Rua da Aurora", numero="15")
    ClienteImovelFactory(cliente=cliente, imovel=imovel)
    return {"cliente": cliente, "imovel": imovel}


def _png() -> bytes:
    saida = io.BytesIO()
    Image.new("RGB", (60, 40), "blue").save(saida, format="PNG")
    return saida.getvalue()


def _link_do_email(destino: str, **filtro) -> str:
    mensagem = Mensagem.objects.filter(canal="email", destino=destino, **filtro).latest("pk")
    return re.search(r"https?://\S+", mensagem.texto).group(0)


def _cliente_cria_a_conta(pagina, mundo):
    pagina.goto("/portal/")
    pagina.wait_for_url(re.compile(r"/portal/entrar/"))
    pagina.get_by_role("link", name="Criar conta").click()
    pagina.wait_for_url("**/portal/cadastro/")
    pagina.get_by_label("CPF ou CNPJ do titular").fill(formatar_cpf_cnpj(mundo["cliente"].cpf_cnpj))
    pagina.get_by_label("Matrícula do imóvel").fill(f"10012345-{digito_modulo11(10_012_345)}")
    pagina.get_by_label("Seu nome").fill("Ana Pereira")
    pagina.get_by_label("E-mail").fill("ana@portal.com.br")
    pagina.get_by_label(re.compile(r"^\s*Senha\b")).fill(SENHA)
    pagina.get_by_label("Repita a senha").fill(SENHA)
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)
    pagina.get_by_role("button", name="Criar conta").click()
    pagina.wait_for_url("**/portal/cadastro/enviado/")
    # The confirmation link, from the e-mail's row.
    pagina.goto(_link_do_email("ana@portal.com.br"))
    pagina.wait_for_url(re.compile(r"/portal/$"))


def _cliente_abre_o_contato(pagina) -> RegistroAtendimento:
    pagina.get_by_role("button", name="Abrir o menu").click()
    pagina.locator("#menu-portal").get_by_role("link", name="Novo contato").click()
    pagina.wait_for_url(re.compile(r"/portal/novo/$"))
    pagina.get_by_label("Título").fill("Conta de março alta")
    pagina.get_by_label("Classificação e subclassificação").select_option(label="Revisão de conta")
    pagina.get_by_label("Telefone para contato").fill("(81) 99999-0001")
    pagina.get_by_label("Mensagem").fill("Minha conta de março veio o dobro do normal.")
    pagina.get_by_label("Anexos").set_input_files(
        {"name": "conta-marco.png", "mimeType": "image/png", "buffer": _png()}
    )
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)
    pagina.get_by_role("button", name="Salvar").click()
    pagina.wait_for_url(re.compile(r"/portal/contatos/\d+/protocolo/$"))
    ra = RA.objects.get()
    assert pagina.locator("#protocolo").inner_text() == ra.protocolo
    assert ra.origem == RA.Origem.PORTAL and ra.anexos.get().nome_original == "conta-marco.png"
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)
    return ra


def _operador_entra_pelo_teclado(pagina, atendente):
    pagina.goto("/entrar/")
    pagina.get_by_label("Usuário").focus()
    pagina.keyboard.type(atendente.username)
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("senha-de-teste-123")
    pagina.keyboard.press("Enter")
    pagina.wait_for_url(lambda url: "/entrar/" not in url)


def _operador_abre_o_contato(pagina, ra):
    pagina.goto("/atendimento/central/")
    assert pagina.evaluate(f"{ATIVO}.dataset.linha") == str(ra.pk)
    pagina.keyboard.press("Enter")
    pagina.wait_for_url(re.compile(rf"/atendimento/central/{ra.pk}/"))
    assert pagina.evaluate(f"{ATIVO}.id") == "contato-titulo"


def test_cliente_e_operador_conversam_do_cadastro_ao_encerramento(
    celular, media, pagina, mundo, atendente
):
    cliente = celular()
    _cliente_cria_a_conta(cliente, mundo)
    ra = _cliente_abre_o_contato(cliente)

    # The operator, keyboard only: takes the contact and answers the customer.
    operador = _vigiar_csp(pagina)
    _operador_entra_pelo_teclado(operador, atendente)
    _operador_abre_o_contato(operador, ra)
    assert "Conta de março alta" in operador.locator("#central-contato").inner_text()
    operador.keyboard.press("a")
    operador.get_by_text("Atendimento assumido com sucesso!").wait_for()
    operador.keyboard.press("r")
    assert operador.evaluate(f"{ATIVO}.name") == "texto"
    operador.keyboard.type("Olá, Ana! Vamos refazer a leitura. O hidrômetro fica na calçada?")
    operador.keyboard.press("Control+Enter")
    operador.get_by_text("Mensagem enviada ao cliente.").wait_for()
    ra.refresh_from_db()
    assert ra.interacao_pendente == RA.InteracaoPendente.EXTERNA
    resposta = MensagemAtendimento.objects.get(ra=ra, do_solicitante=False)
    assert resposta.visibilidade == "publica" and resposta.autor == atendente

    # The answer went by SMS and e-mail; the e-mail's link opens the contact.
    canais = Mensagem.objects.filter(origem_tipo="ra_mensagem", origem_id=resposta.pk)
    assert sorted(canais.values_list("canal", flat=True)) == ["email", "sms"]
    link = _link_do_email("ana.pereira@exemplo.com.br", origem_id=resposta.pk)
    assert link.endswith(f"/portal/contatos/{ra.pk}/")
    cliente.goto(link)
    conversa = cliente.locator("#conversa")
    assert "O hidrômetro fica na calçada?" in conversa.inner_text()
    assert str(atendente.first_name) not in conversa.inner_text()  # the company, not a name
    assert cliente.get_by_text("Respondido pela companhia").is_visible()

    # The customer complements it: our turn again.
    cliente.get_by_label("Mensagem complementar").fill("Fica, sim, ao lado do portão.")
    cliente.get_by_role("button", name="Complementar").click()
    cliente.wait_for_url(re.compile(rf"/portal/contatos/{ra.pk}/$"))
    assert "Fica, sim, ao lado do portão." in cliente.locator("#conversa").inner_text()
    assert cliente.evaluate(SEM_ROLAGEM_LATERAL)
    ra.refresh_from_db()
    assert ra.interacao_pendente == RA.InteracaoPendente.INTERNA

    # The operator reads it and closes the contact, keyboard only.
    _operador_abre_o_contato(operador, ra)
    assert "Fica, sim, ao lado do portão." in operador.locator(".central-conversa").inner_text()
    operador.keyboard.press("e")
    assert operador.evaluate(f"{ATIVO}.name") == "motivo"
    operador.keyboard.press("ArrowDown")
    operador.keyboard.press("Tab")
    assert operador.evaluate(f"{ATIVO}.name") == "parecer"
    operador.keyboard.type("Leitura refeita; a conta foi corrigida.")
    operador.keyboard.press("Control+Enter")
    operador.get_by_text(f"Chamado {ra.protocolo} encerrado.").wait_for()
    ra.refresh_from_db()
    assert ra.situacao == RA.Situacao.ENCERRADO

    # The customer finds it among the closed ones, with no box to write in.
    cliente.reload()
    assert cliente.locator("#contato-encerrado").is_visible()
    assert cliente.get_by_label("Mensagem complementar").count() == 0
    cliente.goto("/portal/encerrados/")
    assert cliente.get_by_role("link", name=ra.protocolo).is_visible()
    assert cliente.violacoes == [] and operador.violacoes == []
