"""The CSV import in Chromium: from the bills' list to the upload, then the run's page."""

import os

import pytest
from django.urls import reverse

from faturamento.models import Conta, Processo
from faturamento.services.processos import processo_executar
from tests.factories import ImovelFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CABECALHO = "matricula;referencia;vencimento;valor;categoria;situacao;pagamento"


def test_administrador_importa_pela_tela_e_ve_as_rejeitadas(
    entrar, administrador, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    imovel = ImovelFactory()
    arquivo = tmp_path / "contas-202612.csv"
    arquivo.write_text(
        f"{CABECALHO}\n{imovel.matricula};202612;10/01/2027;80,00;pública;em_aberto;\n"
        f"{imovel.matricula};202613;10/01/2027;80,00;residencial;em_aberto;\n",
        encoding="latin-1",
    )
    pagina = entrar(administrador)
    violacoes = []
    pagina.on(
        "console", lambda m: violacoes.append(m.text) if "Content Security" in m.text else None
    )

    pagina.goto(reverse("admin:faturamento_conta_changelist"))
    pagina.get_by_role("link", name="Importar contas (CSV)").click()
    pagina.get_by_label("Arquivo CSV").set_input_files(str(arquivo))
    pagina.get_by_role("button", name="Importar").click()
    pagina.wait_for_url("**/faturamento/processos/*/")
    processo = Processo.objects.get(tipo=Processo.Tipo.IMPORTACAO)
    assert pagina.url.endswith(reverse("faturamento:processo", args=[processo.pk]))
    processo_executar(processo.pk)  # what the worker does; the page follows it live

    rejeitadas = pagina.get_by_role("table", name="Linhas rejeitadas")
    rejeitadas.wait_for()
    assert "referência fora do intervalo: 202613" in rejeitadas.inner_text()
    pagina.get_by_text("Concluído", exact=True).first.wait_for()
    assert "latin-1" in pagina.inner_text("main")
    if os.environ.get("SCREENSHOTS"):
        pagina.screenshot(path=os.environ["SCREENSHOTS"] + "/importacao.png", full_page=True)
    pagina.goto(reverse("admin:faturamento_conta_changelist"))
    assert "12/2026" in pagina.locator("#result_list").inner_text()
    assert Conta.objects.get().valor == 80
    assert violacoes == []
