import re

import pytest

from cadastro.models import Cliente
from tests.factories import ImovelFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_atendente_busca_endereco_sem_acento_abre_imovel_e_cadastra_cliente(entrar, atendente):
    imovel = ImovelFactory(logradouro="Rua Amélia", numero="120", bairro="Graças")
    ImovelFactory(logradouro="Avenida Boa Viagem", bairro="Boa Viagem")
    pagina = entrar(atendente)

    caixa = pagina.get_by_label("Buscar imóvel ou cliente")
    assert caixa.evaluate("el => el === document.activeElement")
    caixa.fill("rua amelia")
    caixa.press("Enter")
    pagina.wait_for_url(re.compile(r"/cadastro/busca/\?q=rua\+amelia"))
    assert "Avenida Boa Viagem" not in pagina.content()

    pagina.get_by_role("link", name=imovel.matricula_formatada).click()
    pagina.wait_for_url(f"**/cadastro/imoveis/{imovel.pk}/")
    assert pagina.get_by_role("heading", level=1).inner_text().endswith(imovel.matricula_formatada)
    assert "Nenhum cliente vinculado" in pagina.content()

    pagina.get_by_role("link", name=re.compile("Novo cliente")).last.click()
    pagina.get_by_label("Nome").fill("Clarice Lispector")
    pagina.get_by_label("CPF/CNPJ").fill("529.982.247-25")
    pagina.get_by_label("Vincular ao imóvel como").select_option("usuario")
    pagina.get_by_label("DDD").fill("81")
    pagina.get_by_label("Número").fill("99988-7766")
    pagina.get_by_label("SMS", exact=True).check()
    pagina.get_by_role("button", name=re.compile("Salvar")).click()

    pagina.wait_for_url(f"**/cadastro/imoveis/{imovel.pk}/")
    conteudo = pagina.content()
    assert "Cliente Clarice Lispector cadastrado." in conteudo
    assert "Clarice Lispector" in conteudo
    assert "(81) 99988-7766" in conteudo
    cliente = Cliente.objects.get()
    assert cliente.telefone_sms.e164 == "+5581999887766"
    assert cliente.vinculos.get().imovel == imovel


def test_busca_ao_vivo_e_navegacao_pelo_teclado(entrar, atendente):
    imovel = ImovelFactory(logradouro="Rua da Aurora", numero="7", bairro="Boa Vista")
    pagina = entrar(atendente)
    pagina.keyboard.type("aurora")  # the box has focus on load
    link = pagina.get_by_role("link", name=imovel.matricula_formatada)
    link.wait_for()  # htmx live results, no Enter pressed
    pagina.keyboard.press("ArrowDown")
    assert link.evaluate("el => el === document.activeElement")
    pagina.keyboard.press("Enter")
    pagina.wait_for_url(f"**/cadastro/imoveis/{imovel.pk}/")
    # From any other screen Alt+B goes to the navbar's search box, on the same page.
    pagina.keyboard.press("Alt+b")
    assert pagina.get_by_label("Buscar em todo o sistema").evaluate(
        "el => el === document.activeElement"
    )
    pagina.keyboard.type("aurora")
    pagina.keyboard.press("Enter")
    pagina.wait_for_url(re.compile(r"/cadastro/busca/\?q=aurora"))
    assert pagina.get_by_role("link", name=imovel.matricula_formatada).is_visible()


def test_formulario_mostra_erros_em_portugues(entrar, atendente):
    pagina = entrar(atendente)
    pagina.goto("/cadastro/clientes/novo/")
    pagina.get_by_label("Nome").fill("Fulano")
    pagina.get_by_label("CPF/CNPJ").fill("111.111.111-11")
    pagina.get_by_label("DDD").fill("81")
    pagina.get_by_label("Número").fill("3322-1100")
    pagina.get_by_label("Tipo").select_option("residencial")
    pagina.get_by_label("SMS", exact=True).check()
    pagina.get_by_role("button", name=re.compile("Salvar")).click()
    pagina.get_by_text("CPF inválido: confira os dígitos verificadores.").wait_for()
    conteudo = pagina.content()
    assert "CPF inválido: confira os dígitos verificadores." in conteudo
    assert "Só um celular pode ser marcado para SMS." in conteudo
    assert Cliente.objects.count() == 0
