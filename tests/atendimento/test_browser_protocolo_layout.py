"""The protocol is what the citizen has: it is found from the global search box and
fits a phone; long user text and many filters never push the page sideways."""

import re

import pytest

from tests.atendimento.factories import RegistroAtendimentoFactory, ReiteracaoFactory
from tests.conftest import SEM_ROLAGEM_LATERAL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CELULAR = {"width": 360, "height": 740}


def _cabe(locator) -> bool:
    return locator.evaluate("el => el.scrollWidth <= el.clientWidth")


def test_protocolo_de_reiteracao_na_busca_global_leva_ao_ra(entrar, atendente):
    ra = RegistroAtendimentoFactory(status="vencido")
    reiteracao = ReiteracaoFactory(ra=ra, solicitante_nome="José Vizinho")
    outro = RegistroAtendimentoFactory()

    pagina = entrar(atendente)
    caixa = pagina.get_by_label("Buscar imóvel ou cliente")
    caixa.fill(reiteracao.protocolo)
    # Live results: the RA, labelled by its protocol and by its number.
    resultado = pagina.locator("#resultados-ras")
    resultado.wait_for()
    assert reiteracao.protocolo in resultado.inner_text()
    assert f"RA nº {ra.pk}" in resultado.inner_text()
    assert outro.protocolo not in resultado.inner_text()
    # Enter goes straight to the RA.
    caixa.press("Enter")
    pagina.wait_for_url(f"**/atendimento/ra/{ra.pk}/")
    # The breadcrumb and the heading name both numbers, each labelled.
    trilha = pagina.locator(".breadcrumb").inner_text()
    assert ra.protocolo in trilha and f"RA nº {ra.pk}" in trilha
    assert pagina.locator("#protocolo").inner_text() == ra.protocolo
    assert reiteracao.protocolo in pagina.locator("#protocolos").inner_text()
    assert pagina.locator("h1").inner_text().startswith(f"RA nº {ra.pk}")


def test_lista_e_fila_mostram_todos_os_protocolos(entrar, atendente):
    ra = RegistroAtendimentoFactory(
        status="vencido", unidade_abertura=atendente.unidade, usuario_abertura=atendente
    )
    reiteracao = ReiteracaoFactory(ra=ra)
    pagina = entrar(atendente)
    for caminho in ("/atendimento/ra/", "/atendimento/minha-unidade/"):
        pagina.goto(caminho)
        linha = pagina.locator(f"tr[data-ra='{ra.pk}']")
        assert ra.protocolo in linha.inner_text()
        assert reiteracao.protocolo in linha.inner_text()
        assert f"RA nº {ra.pk}" in linha.inner_text()
    # Consultar RAs by the reiteração's protocol finds the RA.
    pagina.goto(f"/atendimento/ra/?protocolo={reiteracao.protocolo}")
    assert pagina.locator("tr[data-ra]").count() == 1


@pytest.mark.parametrize("protocolo", ["20261000000043", "41234520260131000043"])
def test_protocolo_cabe_na_tela_do_celular(entrar, atendente, protocolo):
    ra = RegistroAtendimentoFactory(protocolo=protocolo)
    pagina = entrar(atendente)
    pagina.set_viewport_size(CELULAR)
    for caminho in (f"/atendimento/ra/{ra.pk}/", f"/atendimento/ra/{ra.pk}/confirmacao/"):
        pagina.goto(caminho)
        numero = pagina.locator("#protocolo")
        assert numero.inner_text().replace("\n", "") == protocolo
        assert _cabe(numero), caminho
        assert pagina.evaluate(SEM_ROLAGEM_LATERAL), caminho


def test_palavra_enorme_na_descricao_nao_alarga_a_pagina(entrar, atendente):
    palavra = "A" * 10_000
    ra = RegistroAtendimentoFactory(descricao=palavra, solicitante_nome=palavra[:150])
    pagina = entrar(atendente)
    for largura in (1280, 360):
        pagina.set_viewport_size({"width": largura, "height": 800})
        pagina.goto(f"/atendimento/ra/{ra.pk}/")
        assert palavra[:50] in pagina.locator("#titulo-descricao + .card-body").inner_text()
        assert pagina.evaluate(SEM_ROLAGEM_LATERAL), largura


def test_filtros_da_consulta_ficam_recolhidos_no_celular(entrar, atendente):
    ra = RegistroAtendimentoFactory()
    pagina = entrar(atendente)
    pagina.set_viewport_size(CELULAR)
    pagina.goto("/atendimento/ra/")
    filtros = pagina.get_by_label("Situação", exact=True)
    assert not filtros.is_visible()
    linha = pagina.locator(f"tr[data-ra='{ra.pk}']")
    assert linha.is_visible()
    botao = pagina.get_by_role("button", name=re.compile("Filtros"))
    # The results come first: nothing but the button stands between the title and them.
    assert botao.bounding_box()["y"] < linha.bounding_box()["y"] < 500
    botao.click()
    # Wait for Bootstrap's collapse to finish unfolding: while the panel grows, a click
    # on a button lower down can land where the button was a frame earlier.
    pagina.locator("#painel-filtros.collapse.show").wait_for(state="visible")
    filtros.select_option(label="Encerrado")
    pagina.get_by_role("button", name="Pesquisar").click()
    pagina.wait_for_url("**situacao=encerrado**")
    assert pagina.locator("tr[data-ra]").count() == 0
    # On a desktop the filters stay open beside the results.
    pagina.set_viewport_size({"width": 1280, "height": 800})
    pagina.goto("/atendimento/ra/")
    assert pagina.get_by_label("Situação", exact=True).is_visible()
    assert not pagina.get_by_role("button", name=re.compile("Filtros")).is_visible()


def test_caixa_de_busca_da_barra_leva_ao_ra_pelo_protocolo_de_qualquer_tela(entrar, atendente):
    """On every screen (not only the home page) the navbar's box finds an RA by protocol."""
    ra = RegistroAtendimentoFactory()
    RegistroAtendimentoFactory()
    pagina = entrar(atendente)
    pagina.goto("/atendimento/minha-unidade/")
    caixa = pagina.get_by_role("search").get_by_label("Buscar em todo o sistema")
    pagina.keyboard.press("Alt+b")
    assert caixa.evaluate("el => el === document.activeElement")
    caixa.fill(ra.protocolo)
    caixa.press("Enter")
    pagina.wait_for_url(f"**/atendimento/ra/{ra.pk}/")
    assert pagina.locator("#protocolo").inner_text() == ra.protocolo
