import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_atendente_entra_e_ve_sua_unidade(entrar, atendente):
    pagina = entrar(atendente)
    assert pagina.get_by_role("heading", level=1).inner_text().startswith("Olá")
    assert "Central de Atendimento" in pagina.content()


def test_senha_errada_mostra_mensagem(pagina, atendente):
    pagina.goto("/entrar/")
    pagina.get_by_label("Usuário").fill(atendente.username)
    pagina.get_by_label("Senha").fill("errada")
    pagina.get_by_role("button", name="Entrar").click()
    alerta = pagina.get_by_text("Usuário ou senha incorretos")
    alerta.wait_for()
    assert alerta.is_visible()
