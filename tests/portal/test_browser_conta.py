"""A customer creates a portal account on a phone-sized window, follows the
confirmation link of the e-mail and lands signed in on the portal."""

import re

import pytest

from cadastro.validators import digito_modulo11, formatar_cpf_cnpj
from mensageria.models import Mensagem
from portal.models import ContaExterna
from tests.conftest import SEM_ROLAGEM_LATERAL
from tests.factories import ClienteFactory, ClienteImovelFactory, ImovelFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENHA = "minha-senha-do-portal-2026"


def test_cliente_cria_a_conta_pelo_celular_confirma_o_email_e_entra(celular):
    vinculo = ClienteImovelFactory(
        cliente=ClienteFactory(nome="Ana Pereira"), imovel=ImovelFactory(matricula=10_012_345)
    )
    pagina = celular()
    pagina.goto("/portal/entrar/")
    # No "18 de 254 caracteres" under an e-mail or a password.
    assert pagina.locator(".contador-caracteres").count() == 0
    pagina.get_by_role("link", name="Criar conta").click()
    pagina.wait_for_url("**/portal/cadastro/")
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)

    pagina.get_by_label("CPF ou CNPJ do titular").fill(formatar_cpf_cnpj(vinculo.cliente.cpf_cnpj))
    pagina.get_by_label("Matrícula do imóvel").fill(f"10012345-{digito_modulo11(10_012_345)}")
    pagina.get_by_label("Seu nome").fill("Ana Pereira")
    pagina.get_by_label("E-mail").fill("ana.pereira@exemplo.com.br")
    pagina.get_by_label(re.compile(r"^\s*Senha\b")).fill(SENHA)
    pagina.get_by_label("Repita a senha").fill(SENHA)
    pagina.get_by_role("button", name="Criar conta").click()
    pagina.wait_for_url("**/portal/cadastro/enviado/")
    assert pagina.get_by_role("heading", name="Confira seu e-mail").is_visible()

    conta = ContaExterna.objects.get()
    assert conta.email_confirmado_em is None
    mensagem = Mensagem.objects.get(destino="ana.pereira@exemplo.com.br")
    link = re.search(r"https?://\S+", mensagem.texto).group(0)

    pagina.goto(link)
    pagina.wait_for_url(re.compile(r"/portal/$"))
    conta.refresh_from_db()
    assert conta.email_confirmado_em is not None
    # Signed in: a portal page shows the account in the menu, with "Sair".
    pagina.goto("/portal/senha/enviada/")
    pagina.get_by_role("button", name="Abrir o menu").click()
    assert pagina.get_by_text("Ana Pereira").is_visible()
    assert pagina.get_by_role("button", name="Sair").is_visible()
    assert pagina.violacoes == []
