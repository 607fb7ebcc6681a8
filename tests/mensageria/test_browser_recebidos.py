import datetime

import pytest
from django.utils import timezone

from mensageria import services
from mensageria.models import SmsRecebido

from .factories import modem_criar, ra_criar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_atendente_anexa_sms_recebido_a_um_ra(entrar, atendente, unidade):
    modem = modem_criar(nome="principal")
    ra = ra_criar(unidade=unidade, usuario=atendente, telefone="+5581999990001")
    sms = services.sms_recebido_registrar(
        modem=modem,
        remetente="+5581999990001",
        texto="Bom dia, a água voltou mas está barrenta.",
        recebido_em=timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 30)),
        partes=1,
    )

    pagina = entrar(atendente)
    pagina.get_by_role("button", name="SMS").click()
    pagina.get_by_role("link", name="SMS recebidos").click()
    pagina.get_by_text("a água voltou mas está barrenta").wait_for()
    # First a protocol that does not exist: a clear message, nothing attached.
    pagina.get_by_label("Protocolo do RA").fill("2026.1.999999999")
    pagina.get_by_role("button", name="Anexar ao RA").click()
    pagina.get_by_text("Não há RA com o protocolo 20261999999999").wait_for()
    pagina.get_by_label("Protocolo do RA").fill(f"{ra.protocolo[:4]} {ra.protocolo[4:]}")
    pagina.get_by_role("button", name="Anexar ao RA").click()
    pagina.get_by_text(f"anexado ao RA do protocolo {ra.protocolo}").wait_for()
    assert SmsRecebido.objects.get(pk=sms.pk).situacao == "anexado"

    # The RA's timeline shows the requester's message.
    pagina.get_by_label("Situação").select_option("anexado")
    pagina.get_by_role("button", name="Filtrar").click()
    pagina.get_by_role("link", name=ra.protocolo).click()
    pagina.get_by_text("a água voltou mas está barrenta").first.wait_for()
    ra.refresh_from_db()
    assert ra.interacao_pendente == ra.InteracaoPendente.INTERNA
