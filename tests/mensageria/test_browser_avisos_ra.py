import pytest

from mensageria import services
from mensageria.models import Mensagem, Parametros

from .factories import modem_criar, ra_criar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_atendente_escreve_mensagem_publica_e_ve_as_entregas(entrar, atendente, unidade):
    Parametros.objects.update_or_create(pk=1, defaults={"silencio_inicio": None})
    modem_criar(nome="principal")
    ra = ra_criar(
        unidade=unidade,
        usuario=atendente,
        telefone="+5581999990001",
        solicitante_email="maria@example.com",
    )
    pagina = entrar(atendente)
    pagina.goto(f"/atendimento/ra/{ra.pk}/")
    avisos = pagina.locator("#avisos-previsao")
    assert "Mensagem pública: SMS para +5581999990001" in " ".join(avisos.inner_text().split())
    pagina.goto(f"/atendimento/ra/{ra.pk}/mensagem/")
    pagina.get_by_label("Pública (solicitante vê)").check()
    pagina.get_by_label("Mensagem").fill("A equipe passa amanhã de manhã; deixe o registro livre.")
    pagina.get_by_role("button", name="Enviar").click()
    pagina.wait_for_url(f"**/atendimento/ra/{ra.pk}/")
    pagina.get_by_text("Mensagem registrada e enviada ao solicitante por SMS e e-mail.").wait_for()
    item = pagina.locator('#linha-do-tempo li[data-tipo="mensagem"]')
    entregas = item.locator(".entregas li")
    sms, email = [t.strip() for t in entregas.all_inner_texts()]
    assert sms == "A enviar por SMS para (81) 99999-0001"
    # An e-mail worker left running by other tests may already have sent it.
    assert email in (
        "A enviar por e-mail para maria@example.com",
        "Enviada por e-mail para maria@example.com",
    )
    # The workers send them; the page then shows each delivery with its outcome.
    for mensagem in Mensagem.objects.filter(origem_tipo="ra_mensagem"):
        services.mensagem_enviar(mensagem_id=mensagem.pk)
    Mensagem.objects.filter(canal="sms").update(entrega="entregue")
    pagina.reload()
    textos = [t.strip() for t in item.locator(".entregas li").all_inner_texts()]
    assert textos == [
        "Enviada por SMS para (81) 99999-0001 · entregue",
        "Enviada por e-mail para maria@example.com",
    ]
    assert item.locator('.entregas li[data-status="enviada"]').count() == 2
