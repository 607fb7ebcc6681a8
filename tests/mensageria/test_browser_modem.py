"""The modem page in Chromium: the alert banner, the link, the SVG chart under the strict CSP."""

import datetime

import pytest
from django.utils import timezone

from mensageria import services
from mensageria.models import LeituraSaude

from .factories import modem_criar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_ve_o_alerta_e_o_historico_do_modem(entrar, supervisor, tmp_path):
    modem = modem_criar(nome="principal")
    agora = timezone.now()
    for n in range(12):
        LeituraSaude.objects.create(
            modem=modem,
            quando=agora - datetime.timedelta(minutes=5 * (12 - n)),
            sinal=12 + n,
            registrado=True,
            registro="registrado (rede local)",
            operadora="TIM",
        )
    services.modem_pausar(modem=modem, motivo="SIM ausente (+CME ERROR 10)")
    pagina = entrar(supervisor)
    violacoes = []
    pagina.on(
        "console", lambda m: violacoes.append(m.text) if "Content Security" in m.text else None
    )
    pagina.get_by_role("button", name="SMS").click()
    pagina.get_by_role("link", name="Modems").click()
    pagina.get_by_role("alert").filter(has_text="Modem pausado").wait_for()
    assert "Motivo: SIM ausente (+CME ERROR 10)" in pagina.get_by_role("alert").first.inner_text()
    pagina.get_by_role("link", name="principal").click()
    pagina.get_by_role("heading", name="Modem principal").wait_for()
    grafico = pagina.get_by_role("img", name="Sinal nas últimas 24 horas")
    grafico.wait_for()
    caixa = pagina.locator("svg polyline").bounding_box()
    assert caixa is not None and caixa["width"] > 10  # drawn, not collapsed
    assert pagina.get_by_role("row").count() == 13  # header + 12 readings
    pagina.screenshot(path=str(tmp_path / "modem.png"), full_page=True)
    assert violacoes == []
