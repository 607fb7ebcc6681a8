import pytest

from mensageria import services
from mensageria.backends import erro_cms, memoria
from mensageria.models import Mensagem

from .factories import modem_criar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_corrige_numero_e_reenvia_pelo_menu(entrar, supervisor):
    modem = modem_criar(nome="principal")
    memoria.falhas.append(erro_cms(1))
    mensagem = services.mensagem_sms_criar(
        destino="+5581999990001", texto="Protocolo 20261000000001", modem=modem
    )
    services.mensagem_enviar(mensagem_id=mensagem.pk)

    pagina = entrar(supervisor)
    pagina.get_by_role("button", name="SMS").click()
    pagina.get_by_role("link", name="Mensagens com erro").click()
    pagina.get_by_text("número inexistente").first.wait_for()
    campo = pagina.get_by_label("Celular")
    campo.fill("(81) 98888-7777")
    pagina.get_by_role("button", name="Reenviar").click()
    # The page reloads on the same URL: wait for the confirmation itself.
    pagina.get_by_text("voltou para a fila de envio").wait_for()
    mensagem.refresh_from_db()
    assert mensagem.status == Mensagem.Status.PENDENTE
    assert mensagem.destino == "+5581988887777"

    pagina.get_by_role("button", name="SMS").click()
    pagina.get_by_role("link", name="Consultar mensagens SMS").click()
    pagina.get_by_label("Situação").select_option("pendente")
    pagina.get_by_role("button", name="Filtrar").click()
    pagina.wait_for_url("**status=pendente**")
    pagina.get_by_text("1 mensagem(ns).").wait_for()
    assert "Protocolo 20261000000001" in pagina.content()
