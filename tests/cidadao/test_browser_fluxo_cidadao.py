"""The citizen channel end to end, in Chromium and through the real SMS pipeline: a
citizen reports a leak from a phone next to an open RA of the same kind; an attendant
links the report to that RA on the triage screen; the citizen's pages show the RA and
its protocol reached the citizen's phone through the emulated modem.

PostgreSQL, Redis, a Celery worker subprocess on the modem's queue, the GSM backend and
the emulator on a pseudo-terminal (tests/conftest.py); tiles from our static files."""

import re
from decimal import Decimal

import pytest

from atendimento.models import Reiteracao
from cidadao.models import ParametrosCidadao, Relato
from mensageria.emulador import ler_log
from tests.atendimento.factories import RegistroAtendimentoFactory
from tests.cidadao.factories import PONTO, EspecificacaoPublicaFactory
from tests.cidadao.imagens import GPS_RECIFE, foto
from tests.mensageria import integracao
from tests.mensageria.integracao import esperar

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media"),
]

MOSAICO_LOCAL = "/static/vendor/leaflet/images/layers.png"
NUMERO_DIGITADO = "(81) 99999-0042"
NUMERO = "+5581999990042"
# About 33 m north of the open RA: well inside the especificação's 250 m.
GPS_CIDADAO = {"latitude": float(PONTO[0]) + 0.0003, "longitude": float(PONTO[1])}


@pytest.fixture
def modem(emu):
    return integracao.modem_do_emulador(emu, sem_silencio=True)


@pytest.fixture
def cenario(unidade):
    params = ParametrosCidadao.atual()
    params.mapa_url_tiles = MOSAICO_LOCAL
    params.mapa_atribuicao = "Mapa de teste"
    params.save()
    especificacao = EspecificacaoPublicaFactory(
        nome="Vazamento de água na rua", raio_duplicidade_m=250, unidade_destino=unidade
    )
    existente = RegistroAtendimentoFactory(
        especificacao=especificacao,
        latitude=PONTO[0],
        longitude=PONTO[1],
        local_ocorrencia="Rua do Bom Jesus, 120",
        unidade_abertura=unidade,
    )
    # Same kind but far away, and another kind on the same spot: neither is offered.
    longe = RegistroAtendimentoFactory(
        especificacao=especificacao, latitude=PONTO[0] + Decimal("0.01"), longitude=PONTO[1]
    )
    outro_tipo = RegistroAtendimentoFactory(
        especificacao=EspecificacaoPublicaFactory(nome="Esgoto na rua"),
        latitude=PONTO[0],
        longitude=PONTO[1],
    )
    return {"existente": existente, "fora": [longe, outro_tipo]}


@pytest.fixture
def telefone_do_cidadao(celular):
    return celular(geolocation=GPS_CIDADAO, permissions=["geolocation"])


def test_relato_do_celular_vinculado_ao_ra_proximo_e_protocolo_por_sms(
    telefone_do_cidadao, pagina, entrar, atendente, cenario, modem, emu
):
    existente = cenario["existente"]

    # 1. The citizen, on a phone: kind, "use my location", photo, description, mobile.
    cidadao = telefone_do_cidadao
    cidadao.goto("/relatar/")
    cidadao.get_by_label(re.compile("Vazamento de água na rua")).check()
    cidadao.get_by_role("button", name="Usar minha localização").click()
    cidadao.locator("#mapa .leaflet-marker-icon").wait_for()
    cidadao.get_by_label("Tire ou escolha uma foto do problema").set_input_files(
        {"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": foto(gps=GPS_RECIFE)}
    )
    cidadao.get_by_label("Descrição").fill("Água jorrando do asfalto <b>desde ontem</b>.")
    cidadao.get_by_label("Celular").fill(NUMERO_DIGITADO)
    cidadao.get_by_role("button", name="Enviar relato").click()
    cidadao.wait_for_url(re.compile(r"/relatar/[\w-]+/$"))
    pagina_do_relato = cidadao.url
    assert "aguardando análise" in cidadao.locator("#situacao-relato").inner_text()
    relato = Relato.objects.get()
    assert relato.situacao == Relato.Situacao.NOVO
    assert relato.celular == NUMERO

    # 2. The attendant: the navbar's badge, the queue, the report and the RA next to it.
    entrar(atendente)
    pagina.set_viewport_size({"width": 1280, "height": 900})
    pagina.goto("/")
    pagina.locator("#badge-triagem").wait_for()
    pagina.get_by_role("link", name=re.compile(r"^Triagem")).click()
    pagina.wait_for_url("**/cidadao/triagem/")
    linha = pagina.locator(f"tr[data-relato='{relato.pk}']")
    assert "<b>desde ontem</b>" in linha.inner_text()
    linha.get_by_role("link").first.click()
    pagina.wait_for_url(f"**/cidadao/triagem/{relato.pk}/")
    assert "Sem localização na foto." not in pagina.content()  # the photo's EXIF is data
    assert pagina.locator("#foto-local").inner_text().startswith("A foto foi tirada a")
    proximos = pagina.locator("#ras-proximos li[data-ra]")
    assert proximos.count() == 1
    assert proximos.first.get_attribute("data-ra") == str(existente.pk)
    assert existente.protocolo in proximos.first.inner_text()
    proximos.first.get_by_role("button", name="Vincular a este RA").click()
    pagina.wait_for_url("**/cidadao/triagem/")
    pagina.get_by_text(
        f"Relato vinculado ao RA {existente.protocolo}; o cidadão recebe o protocolo por SMS."
    ).wait_for()
    relato.refresh_from_db()
    assert relato.situacao == Relato.Situacao.VINCULADO and relato.ra_id == existente.pk
    assert Reiteracao.objects.get(ra=existente).solicitante_telefone == NUMERO

    # 3. The citizen's report page now names the RA and leads to its status page.
    cidadao.goto(pagina_do_relato)
    situacao = cidadao.locator("#situacao-relato")
    assert "vinculado a um atendimento" in situacao.inner_text()
    situacao.get_by_role("link", name=existente.protocolo).click()
    cidadao.wait_for_url(f"**/acompanhar/{existente.protocolo}/")
    status = cidadao.locator("main").inner_text()
    assert existente.protocolo in status
    assert "Vazamento de água na rua" in status
    assert existente.local_ocorrencia not in status  # no address of anyone
    assert cidadao.violacoes == []

    # 4. The RA's protocol reached the citizen's phone through the emulated modem.
    def para_o_cidadao():
        return [r for r in ler_log(emu.log_enviados) if r.get("numero") == NUMERO]

    esperar(lambda: para_o_cidadao(), limite=60, mensagem="SMS do protocolo ao cidadão")
    [sms] = para_o_cidadao()
    assert existente.protocolo in sms["texto"]
