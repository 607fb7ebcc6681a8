"""Open RAs near a citizen's report (the triage's duplicate check) and the queue."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from atendimento.models import RegistroAtendimento
from cidadao.models import Relato
from cidadao.selectors.fila import relatos_fila
from cidadao.selectors.proximidade import (
    METROS_POR_GRAU,
    caixa_envolvente,
    distancia_m,
    ras_proximos,
)
from core.papeis import ATENDENTE
from tests.atendimento.factories import AnexoFactory, RegistroAtendimentoFactory
from tests.cidadao.factories import PONTO, EspecificacaoPublicaFactory, RelatoFactory
from tests.factories import ImovelFactory, UsuarioFactory

pytestmark = pytest.mark.django_db
LAT, LON = PONTO
Situacao = RegistroAtendimento.Situacao


def _graus_lat(metros) -> Decimal:
    return Decimal(metros / METROS_POR_GRAU).quantize(Decimal("0.000001"))


def _graus_lon(metros) -> Decimal:
    import math

    cos = math.cos(math.radians(float(LAT)))
    return Decimal(metros / (METROS_POR_GRAU * cos)).quantize(Decimal("0.000001"))


def _ra(especificacao, *, norte=0, leste=0, **kwargs):
    dados = {
        "especificacao": especificacao,
        "latitude": LAT + _graus_lat(norte),
        "longitude": LON + _graus_lon(leste),
        "historico": False,
    }
    dados.update(kwargs)
    return RegistroAtendimentoFactory(**dados)


@pytest.fixture
def especificacao(db):
    return EspecificacaoPublicaFactory(raio_duplicidade_m=250)


@pytest.fixture
def cenario(especificacao):
    outra = EspecificacaoPublicaFactory()
    imovel = ImovelFactory(logradouro="Rua do Bom Jesus", numero="120", bairro="Recife")
    a_100 = _ra(especificacao, norte=100, imovel=imovel, descricao="Vazamento no meio-fio.")
    a_50 = _ra(
        especificacao,
        leste=-50,
        imovel=None,
        local_ocorrencia="Em frente à Torre Malakoff",
        situacao=Situacao.BLOQUEADO,
        status="vencido",
    )
    a_240 = _ra(especificacao, norte=-170, leste=170)  # 240 m, diagonal
    return {
        "dentro": [a_50, a_100, a_240],
        "outra_especificacao": _ra(outra, norte=10),
        "encerrado": _ra(especificacao, norte=20, encerrado=True),
        # Inside the box (225 m north and east) but 318 m away.
        "canto": _ra(especificacao, norte=225, leste=225),
        "longe": _ra(especificacao, norte=600),
        "sem_coordenadas": _ra(especificacao, latitude=None, longitude=None),
    }


def test_ras_abertos_da_mesma_especificacao_no_raio_mais_perto_primeiro(especificacao, cenario):
    proximos = ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON)
    assert [p.ra for p in proximos] == cenario["dentro"]
    assert [p.distancia_m for p in proximos] == [50, 100, 240]
    # Every row left out above is one the query would find without its rule.
    deixados = {cenario[k].pk for k in cenario if k != "dentro"}
    assert deixados.isdisjoint({p.ra.pk for p in proximos})


def test_contexto_de_cada_ra_endereco_descricao_idade(especificacao, cenario):
    a_50, a_100, _ = ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON)
    assert a_100.endereco == "Rua do Bom Jesus, 120 — Recife"
    assert a_100.descricao == "Vazamento no meio-fio."
    assert a_50.endereco == "Em frente à Torre Malakoff"  # no imóvel: the place typed
    assert a_50.idade > datetime.timedelta(days=12)
    assert a_100.idade < a_50.idade


def test_foto_e_o_primeiro_anexo_de_imagem(especificacao, cenario):
    a_50, a_100, a_240 = cenario["dentro"]
    AnexoFactory(ra=a_100, tipo_mime="application/pdf", nome_original="laudo.pdf")
    primeira = AnexoFactory(ra=a_100, data=timezone.now() - datetime.timedelta(hours=1))
    AnexoFactory(ra=a_100)
    AnexoFactory(ra=a_240, tipo_mime="application/pdf", nome_original="laudo.pdf")
    por_ra = {
        p.ra: p.foto_url
        for p in ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON)
    }
    assert por_ra[a_100] == reverse("atendimento:anexo", args=[primeira.pk])
    assert por_ra[a_240] == ""  # a PDF is not a photo
    assert por_ra[a_50] == ""


def test_sem_anexo_de_imagem_a_foto_de_um_relato_vinculado(especificacao, cenario, monkeypatch):
    from cidadao.selectors import proximidade

    a_50, a_100, _ = cenario["dentro"]
    AnexoFactory(ra=a_100)
    RelatoFactory(especificacao=especificacao, ra=a_50, situacao=Relato.Situacao.VINCULADO)
    com_foto = RelatoFactory(
        especificacao=especificacao,
        ra=a_50,
        situacao=Relato.Situacao.VINCULADO,
        foto="relatos/2026/12/x.jpg",
    )
    RelatoFactory(
        especificacao=especificacao,
        ra=a_100,
        foto="relatos/2026/12/y.jpg",
        situacao=Relato.Situacao.VINCULADO,
    )
    monkeypatch.setattr(proximidade, "_url_foto_relato", lambda pk: f"/foto-do-relato/{pk}/")
    por_ra = {
        p.ra: p.foto_url
        for p in ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON)
    }
    assert por_ra[a_50] == f"/foto-do-relato/{com_foto.pk}/"
    assert por_ra[a_100].startswith("/atendimento/anexos/")  # the RA's own photo first


def test_raio_informado_limite_e_teto_de_1000_metros(especificacao, cenario):
    a_50 = cenario["dentro"][0]
    curto = ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON, raio_m=60)
    assert [p.ra for p in curto] == [a_50]
    dois = ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON, limite=2)
    assert [p.ra for p in dois] == cenario["dentro"][:2]
    muito_longe = _ra(especificacao, norte=1500)
    teto = ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON, raio_m=5000)
    pks = [p.ra.pk for p in teto]
    assert cenario["longe"].pk in pks and muito_longe.pk not in pks


def test_raio_zero_desliga_a_busca(especificacao, cenario):
    assert ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON, raio_m=0) == []
    especificacao.raio_duplicidade_m = 0
    assert ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON) == []
    assert ras_proximos(especificacao=especificacao, latitude=None, longitude=None) == []


def test_sem_consultas_por_ra(especificacao, cenario, django_assert_num_queries):
    for ra in cenario["dentro"][:2]:
        AnexoFactory(ra=ra)
    for n in range(6):
        _ra(especificacao, norte=5 * n, leste=7, imovel=ImovelFactory())
    # Two queries whatever the count: the box's points, then the nearest RAs with
    # their imóvel and photo.
    with django_assert_num_queries(2):
        proximos = ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON)
        [(p.endereco, p.foto_url, p.ra.protocolo) for p in proximos]
    assert len(proximos) == 9
    with django_assert_num_queries(2):
        assert (
            len(ras_proximos(especificacao=especificacao, latitude=LAT, longitude=LON, limite=3))
            == 3
        )


def test_distancia_haversine_e_caixa_que_contem_o_circulo():
    # One degree along a meridian of the mean sphere; the same east-west at 60° is half.
    assert round(distancia_m(0, 0, 1, 0)) == 111_195
    assert round(distancia_m(60, 0, 60, 1)) == pytest.approx(55_597, abs=2)
    lat_min, lat_max, lon_min, lon_max = caixa_envolvente(LAT, LON, 250)
    for norte, leste in ((250, 0), (-250, 0), (0, 250), (0, -250)):
        lat, lon = LAT + _graus_lat(norte), LON + _graus_lon(leste)
        assert lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


# --- the queue ----------------------------------------------------------------------


def test_fila_so_relatos_novos_mais_antigos_primeiro(atendente, especificacao):
    agora = timezone.now()
    recente = RelatoFactory(especificacao=especificacao, criado_em=agora)
    antigo = RelatoFactory(
        especificacao=especificacao, criado_em=agora - datetime.timedelta(hours=3)
    )
    outro_tipo = RelatoFactory(criado_em=agora - datetime.timedelta(hours=1))
    RelatoFactory(especificacao=especificacao, situacao=Relato.Situacao.RETIDO)
    RelatoFactory(
        especificacao=especificacao,
        situacao=Relato.Situacao.DESCARTADO,
        motivo_descarte="Trote.",
    )
    assert list(relatos_fila(usuario=atendente)) == [antigo, outro_tipo, recente]
    assert list(relatos_fila(usuario=atendente, especificacao=especificacao)) == [antigo, recente]


def test_fila_vazia_para_quem_nao_ve_relatos(especificacao):
    RelatoFactory(especificacao=especificacao)
    sem_papel = UsuarioFactory()
    assert list(relatos_fila(usuario=sem_papel)) == []
    assert relatos_fila(usuario=UsuarioFactory(papeis=[ATENDENTE])).count() == 1


def test_fila_le_o_tipo_de_cada_relato_sem_consultas_extras(
    atendente, especificacao, django_assert_num_queries
):
    for _ in range(4):
        RelatoFactory(especificacao=especificacao)
        RelatoFactory()
    atendente.has_perm("cidadao.view_relato")  # the permissions are read once per user
    with django_assert_num_queries(1):
        nomes = [
            (r.especificacao.nome, r.especificacao.tipo.nome)
            for r in relatos_fila(usuario=atendente)
        ]
    assert len(nomes) == 8
