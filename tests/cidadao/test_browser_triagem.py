"""The triage screens in Chromium: the navbar's badge, the queue, the report's map with
the nearby RAs, linking, and the page without a map."""

import re
from decimal import Decimal

import pytest

from cidadao.models import ParametrosCidadao, Relato
from tests.atendimento.factories import RegistroAtendimentoFactory
from tests.cidadao.factories import PONTO, EspecificacaoPublicaFactory, RelatoFactory
from tests.conftest import SEM_ROLAGEM_LATERAL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _vigiar_csp(pagina):
    violacoes = []
    pagina.on(
        "console",
        lambda m: violacoes.append(m.text) if "Content Security Policy" in m.text else None,
    )
    pagina.context.add_init_script(
        """document.addEventListener("securitypolicyviolation", (e) =>
             console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));"""
    )
    return violacoes


@pytest.fixture
def cenario(live_server):
    params = ParametrosCidadao.atual()
    # No tile server on the internet in tests: one on the live server that answers 404,
    # so the map draws its markers and says the background did not load.
    params.mapa_url_tiles = f"{live_server.url}/static/sem-mosaicos/{{z}}/{{x}}/{{y}}.png"
    params.save()
    especificacao = EspecificacaoPublicaFactory(nome="Vazamento de água na via pública")
    relato = RelatoFactory(
        especificacao=especificacao, descricao="<b>Água</b> jorrando", endereco="Rua da Aurora"
    )
    perto = RegistroAtendimentoFactory(
        especificacao=especificacao,
        latitude=PONTO[0] + Decimal("0.0004"),
        longitude=PONTO[1],
        local_ocorrencia="Rua da Aurora, 200",
    )
    mais_longe = RegistroAtendimentoFactory(
        especificacao=especificacao,
        latitude=PONTO[0] + Decimal("0.0015"),
        longitude=PONTO[1],
    )
    return {"relato": relato, "perto": perto, "mais_longe": mais_longe}


def test_atendente_vincula_o_relato_ao_ra_mais_perto(pagina, entrar, atendente, cenario):
    violacoes = _vigiar_csp(pagina)
    entrar(atendente)
    pagina.set_viewport_size({"width": 1280, "height": 900})
    pagina.goto("/")
    link = pagina.get_by_role("link", name=re.compile(r"^Triagem"))
    pagina.locator("#badge-triagem").wait_for()
    assert pagina.locator("#badge-triagem").inner_text().startswith("1")
    link.click()
    pagina.wait_for_url("**/cidadao/triagem/")
    assert pagina.get_by_text("1 relato aguardando").is_visible()
    linha = pagina.locator(f"tr[data-relato='{cenario['relato'].pk}']")
    assert "<b>Água</b> jorrando" in linha.inner_text()
    linha.get_by_role("link").first.click()

    pagina.wait_for_url(f"**/cidadao/triagem/{cenario['relato'].pk}/")
    # The map: the report's marker, the radius circle and one dot per nearby RA.
    pagina.locator("#mapa .leaflet-marker-icon").wait_for()
    assert pagina.locator("#mapa path.leaflet-interactive").count() == 2
    pagina.locator("#mapa-falhou").wait_for(state="visible")
    itens = pagina.locator("#ras-proximos li[data-ra]")
    assert itens.count() == 2
    primeiro = itens.first
    assert primeiro.get_attribute("data-ra") == str(cenario["perto"].pk)
    assert "a 44 m" in primeiro.inner_text()
    primeiro.get_by_role("button", name="Vincular a este RA").click()

    pagina.wait_for_url("**/cidadao/triagem/")
    protocolo = cenario["perto"].protocolo
    pagina.get_by_text(f"Relato vinculado ao RA {protocolo}").wait_for()
    assert pagina.get_by_text("Nenhum relato aguardando triagem.").is_visible()
    relato = Relato.objects.get(pk=cenario["relato"].pk)
    assert relato.situacao == Relato.Situacao.VINCULADO
    assert relato.ra_id == cenario["perto"].pk
    assert violacoes == []


def test_relato_no_celular_sem_rolagem_lateral(entrar, atendente, cenario):
    pagina = entrar(atendente)
    pagina.set_viewport_size({"width": 390, "height": 844})
    pagina.goto(f"/cidadao/triagem/{cenario['relato'].pk}/")
    pagina.locator("#mapa .leaflet-marker-icon").wait_for()
    assert pagina.locator("#mapa").is_visible()
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)
    pagina.goto("/cidadao/triagem/")
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)


def test_sem_mapa_a_triagem_funciona_pela_lista(entrar, atendente, cenario):
    ParametrosCidadao.objects.update(mapa_url_tiles="")
    pagina = entrar(atendente)
    pagina.goto(f"/cidadao/triagem/{cenario['relato'].pk}/")
    assert not pagina.locator("#mapa").count()
    pagina.get_by_label("Motivo do descarte").fill("Relato de teste")
    pagina.get_by_role("button", name="Descartar").click()
    pagina.get_by_text("Relato descartado.").wait_for()
    assert Relato.objects.get(pk=cenario["relato"].pk).situacao == Relato.Situacao.DESCARTADO
