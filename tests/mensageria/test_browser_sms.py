import pytest
from django.urls import reverse

from mensageria import services
from mensageria.backends import erro_cms, memoria
from mensageria.models import Mensagem

from .factories import modem_criar, ra_criar

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
    campo = pagina.get_by_label("Celular", exact=True)
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
    pagina.get_by_text("1 mensagem.").wait_for()
    assert "Protocolo 20261000000001" in pagina.content()


def test_supervisor_corrige_o_numero_tambem_no_ra(entrar, supervisor, unidade, atendente):
    """The later "RA atendido" SMS must not fail again on the same wrong number."""
    modem_criar(nome="principal")
    ra = ra_criar(unidade=unidade, usuario=atendente, telefone="+5581999990001")
    memoria.falhas.append(erro_cms(1))
    mensagem = services.registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    services.mensagem_enviar(mensagem_id=mensagem.pk)

    pagina = entrar(supervisor)
    pagina.goto(reverse("mensageria:mensagem_erros"))
    opcao = pagina.get_by_label(f"Corrigir também o telefone do solicitante no RA nº {ra.pk}")
    assert opcao.is_checked()
    pagina.get_by_label("Celular", exact=True).fill("(81) 98888-7777")
    pagina.get_by_role("button", name="Reenviar").click()
    pagina.get_by_text(
        f"voltou para a fila de envio; corrigido também o telefone do solicitante no RA nº {ra.pk}"
    ).wait_for()
    ra.refresh_from_db()
    assert ra.solicitante_telefone == "+5581988887777"
    _encerrar_executado(ra, atendente)
    atendida = Mensagem.objects.get(registro_atendimento=ra, evento="ra_atendido")
    assert atendida.destino == "+5581988887777"

    # The RA's timeline shows who corrected it (numbers masked), from what to what.
    pagina.goto(reverse("atendimento:detalhe", args=[ra.pk]))
    pagina.get_by_text("Telefone do solicitante corrigido").wait_for()
    assert "+55 81 9****-0001 → +55 81 9****-7777" in pagina.content()


def _encerrar_executado(ra, usuario):
    from atendimento.models import MotivoEncerramento
    from atendimento.services import registro_atendimento_encerrar

    motivo = MotivoEncerramento.objects.create(
        nome="Executado", tipo=MotivoEncerramento.Tipo.EXECUTADO
    )
    registro_atendimento_encerrar(ra=ra, motivo=motivo, parecer="Conserto feito.", usuario=usuario)
