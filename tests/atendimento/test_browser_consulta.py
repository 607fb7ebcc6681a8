import csv
import io

import pytest

from tests.atendimento.factories import RegistroAtendimentoFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_filtra_vencidos_e_baixa_o_csv(entrar, supervisor):
    vencidos = [RegistroAtendimentoFactory(status="vencido") for _ in range(2)]
    no_prazo = RegistroAtendimentoFactory(status="no_prazo")

    pagina = entrar(supervisor)
    pagina.get_by_role("link", name="Consultar RAs").click()
    pagina.get_by_label("Prazo", exact=True).select_option(label="Vencido")
    pagina.get_by_role("button", name="Pesquisar").click()
    pagina.wait_for_url("**status_prazo=vencido**")

    linhas = pagina.locator("tr[data-ra]")
    assert linhas.count() == 2
    assert all("prazo-vencido" in linhas.nth(i).get_attribute("class") for i in range(2))
    assert no_prazo.protocolo not in pagina.content()

    with pagina.expect_download() as espera:
        pagina.get_by_role("button", name="Exportar CSV").click()
    download = espera.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as arquivo:
        dados = list(csv.DictReader(io.StringIO(arquivo.read()), delimiter=";"))
    assert {linha["Protocolo"] for linha in dados} == {f'="{ra.protocolo}"' for ra in vencidos}
    assert {linha["Prazo"] for linha in dados} == {"Vencido"}


def test_supervisor_ve_o_painel_com_grafico(entrar, supervisor):
    RegistroAtendimentoFactory(status="vencido")
    pagina = entrar(supervisor)
    pagina.get_by_role("link", name="Painel").click()
    assert pagina.locator('[data-total="vencido"]').inner_text() == "1"
    # Chart.js drew on the canvas (it sets its size attributes when it renders).
    pagina.wait_for_function(
        "() => typeof Chart !== 'undefined' && Chart.getChart('grafico-unidades') !== undefined"
    )
    pagina.keyboard.press("Alt+v")
    pagina.wait_for_url("**status_prazo=vencido**")
    assert pagina.locator("tr[data-ra]").count() == 1


def test_tecnico_assume_o_ra_pelo_teclado(entrar, abrir, tecnico):
    ra = abrir()
    pagina = entrar(tecnico)
    pagina.get_by_role("link", name="Minha unidade").click()
    pagina.get_by_role("link", name=ra.protocolo, exact=True).click()
    assert pagina.locator("#protocolo").inner_text() == ra.protocolo
    pagina.keyboard.press("Alt+a")  # Assumir
    pagina.wait_for_url("**/assumir/")
    pagina.keyboard.press("Alt+s")  # confirm
    pagina.wait_for_url(f"**/atendimento/ra/{ra.pk}/")
    assert "Atendimento assumido com sucesso!" in pagina.content()
    assert str(tecnico) in pagina.locator("#responsavel").inner_text()
    assert pagina.locator('#linha-do-tempo [data-tipo="assuncao"]').count() == 1
