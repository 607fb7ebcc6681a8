"""A citizen files a report from a phone-sized window: kind, a tap on the map, photo,
description and mobile; then the report's page says what happens next. Tiles come
from our own static files (no internet)."""

import re

import pytest

from cidadao.models import ParametrosCidadao, Relato
from tests.cidadao.factories import EspecificacaoPublicaFactory
from tests.cidadao.imagens import GPS_RECIFE, foto
from tests.conftest import SEM_ROLAGEM_LATERAL

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media"),
]

MOSAICO_LOCAL = "/static/vendor/leaflet/images/layers.png"


@pytest.fixture
def cenario():
    params = ParametrosCidadao.atual()
    params.mapa_url_tiles = MOSAICO_LOCAL
    params.mapa_atribuicao = "Mapa de teste"
    params.save()
    return {
        "agua": EspecificacaoPublicaFactory(
            nome="Vazamento de água na rua", descricao_publica="Água limpa correndo na rua."
        ),
        "esgoto": EspecificacaoPublicaFactory(
            nome="Esgoto na rua", descricao_publica="Esgoto transbordando."
        ),
        "params": params,
    }


def test_cidadao_relata_pelo_celular_tocando_no_mapa(celular, cenario):
    pagina = celular()
    pagina.goto("/relatar/")
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)

    pagina.get_by_label(re.compile("Esgoto na rua")).check()
    mapa = pagina.locator("#mapa")
    assert mapa.is_visible()
    pagina.locator("#mapa .leaflet-tile-loaded").first.wait_for()
    caixa = mapa.bounding_box()
    mapa.tap(position={"x": caixa["width"] * 0.6, "y": caixa["height"] * 0.4})
    pagina.locator("#mapa .leaflet-marker-icon").wait_for()
    assert "Ponto marcado" in pagina.locator("#mapa-situacao").inner_text()
    latitude = float(pagina.locator("input[name=latitude]").input_value())
    longitude = float(pagina.locator("input[name=longitude]").input_value())

    pagina.get_by_label("Tire ou escolha uma foto do problema").set_input_files(
        {"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": foto(gps=GPS_RECIFE)}
    )
    pagina.get_by_label("Descrição").fill("Esgoto saindo do bueiro <b>há dois dias</b>.")
    pagina.get_by_label("Celular").fill("(81) 99999-0001")
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)
    pagina.get_by_role("button", name="Enviar relato").click()

    pagina.wait_for_url(re.compile(r"/relatar/[\w-]+/$"))
    assert pagina.locator("h1").inner_text().endswith("Relato recebido")
    assert "aguardando análise" in pagina.locator("#situacao-relato").inner_text()
    passos = pagina.locator("#proximos-passos").inner_text()
    assert "Um atendente vai verificar se já existe um atendimento para este local" in passos
    assert "Você receberá o número do protocolo por SMS" in passos
    assert "<b>há dois dias</b>" in pagina.locator("#descricao-relato").inner_text()
    assert pagina.evaluate(SEM_ROLAGEM_LATERAL)

    relato = Relato.objects.get()
    assert relato.token in pagina.url
    assert relato.especificacao == cenario["esgoto"]
    assert relato.situacao == Relato.Situacao.NOVO
    assert (float(relato.latitude), float(relato.longitude)) == pytest.approx(
        (latitude, longitude), abs=1e-6
    )
    assert cenario["params"].dentro_da_area(relato.latitude, relato.longitude)
    assert relato.foto and relato.foto_latitude is not None
    assert relato.celular == "+5581999990001"
    assert pagina.violacoes == []


def test_usar_minha_localizacao(celular, cenario):
    # Praça do Marco Zero, inside the area.
    pagina = celular(geolocation={"latitude": -8.0631, "longitude": -34.8711})
    pagina.context.grant_permissions(["geolocation"])
    pagina.goto("/relatar/")
    pagina.get_by_label(re.compile("Vazamento de água na rua")).check()
    pagina.get_by_role("button", name="Usar minha localização").click()
    pagina.locator("#mapa .leaflet-marker-icon").wait_for()
    assert pagina.locator("input[name=latitude]").input_value() == "-8.063100"
    assert pagina.locator("input[name=longitude]").input_value() == "-34.871100"
    pagina.get_by_role("button", name="Enviar relato").click()
    pagina.wait_for_url(re.compile(r"/relatar/[\w-]+/$"))
    relato = Relato.objects.get()
    assert (str(relato.latitude), str(relato.longitude)) == ("-8.063100", "-34.871100")
    assert pagina.violacoes == []


def test_localizacao_fora_da_area_nao_marca(celular, cenario):
    pagina = celular(geolocation={"latitude": -23.5505, "longitude": -46.6333})  # São Paulo
    pagina.context.grant_permissions(["geolocation"])
    pagina.goto("/relatar/")
    pagina.get_by_role("button", name="Usar minha localização").click()
    situacao = pagina.locator("#mapa-situacao")
    situacao.filter(has_text="fora da área atendida").wait_for()
    assert pagina.locator("input[name=latitude]").input_value() == ""


def test_sem_mosaicos_so_o_endereco(celular, cenario):
    cenario["params"].mapa_url_tiles = ""
    cenario["params"].save()
    pagina = celular()
    pagina.goto("/relatar/")
    assert pagina.locator("#mapa").is_hidden()
    pagina.get_by_label(re.compile("Vazamento de água na rua")).check()
    pagina.get_by_label("Endereço ou ponto de referência").fill("Rua da Aurora, 100")
    pagina.get_by_role("button", name="Enviar relato").click()
    pagina.wait_for_url(re.compile(r"/relatar/[\w-]+/$"))
    relato = Relato.objects.get()
    assert relato.latitude is None and relato.endereco == "Rua da Aurora, 100"
    assert pagina.violacoes == []


def test_sem_javascript_e_um_formulario_comum(celular, cenario):
    pagina = celular(java_script_enabled=False)
    pagina.goto("/relatar/")
    assert pagina.locator("#mapa").is_hidden()
    assert pagina.locator("#usar-localizacao").is_hidden()
    assert pagina.locator(".campo-armadilha input").bounding_box()["x"] < 0  # off screen
    pagina.get_by_label(re.compile("Esgoto na rua")).check()
    pagina.get_by_role("button", name="Enviar relato").click()
    # Refused (no location), what was chosen kept.
    assert "Informe o local do problema" in pagina.locator("#erros-relato").inner_text()
    assert pagina.get_by_label(re.compile("Esgoto na rua")).is_checked()
    pagina.get_by_label("Endereço ou ponto de referência").fill("Em frente ao mercado")
    pagina.get_by_role("button", name="Enviar relato").click()
    pagina.wait_for_url(re.compile(r"/relatar/[\w-]+/$"))
    assert Relato.objects.get().endereco == "Em frente ao mercado"


def test_foto_grande_demais_avisada_antes_de_enviar(celular, cenario):
    cenario["params"].foto_tamanho_max_kb = 1
    cenario["params"].save()
    pagina = celular()
    pagina.goto("/relatar/")
    entrada = pagina.get_by_label("Tire ou escolha uma foto do problema")
    entrada.set_input_files(
        {"name": "f.jpg", "mimeType": "image/jpeg", "buffer": foto() + b"\x00" * 200_000}
    )
    assert re.match(
        r"A foto tem \d+ KB; o limite é 1 KB\.", pagina.locator("#foto-situacao").inner_text()
    )
    assert entrada.evaluate("e => e.files.length") == 0
