"""The citizen channel's demo data: public especificações and reports to triage, one of
them next to an open RA so the triage screen has a duplicate to link."""

import io

import pytest
from django.core.management import call_command

from atendimento.models import Especificacao, RegistroAtendimento
from cidadao.models import ParametrosCidadao, Relato
from cidadao.selectors.proximidade import distancia_m
from mensageria.models import MODELOS_PADRAO, ModeloMensagem

pytestmark = pytest.mark.django_db

CODIGOS = {"vazamento-agua-via-publica", "vazamento-esgoto-via-publica", "falta-agua"}


def _contagens():
    return (
        Relato.objects.count(),
        Especificacao.objects.count(),
        Especificacao.objects.filter(publica=True).count(),
        RegistroAtendimento.objects.count(),
    )


def test_load_demo_do_canal_do_cidadao_e_idempotente():
    call_command("load_demo", stdout=io.StringIO())
    publicas = Especificacao.objects.filter(publica=True)
    assert set(publicas.values_list("codigo_servico", flat=True)) == CODIGOS
    assert all(e.descricao_publica and not e.exige_imovel for e in publicas)
    assert ParametrosCidadao.atual().meio.nome == "Internet"

    relatos = Relato.objects.filter(situacao=Relato.Situacao.NOVO)
    assert relatos.count() == 4
    assert relatos.filter(canal=Relato.Canal.OPEN311).count() == 1
    assert relatos.filter(latitude__isnull=True).exclude(endereco="").count() == 1
    assert all(r.especificacao.publica for r in relatos)

    # The duplicate: an open RA of the same kind, with a point, within the radius.
    abertos = RegistroAtendimento.objects.filter(
        situacao__in=["pendente", "bloqueado"], latitude__isnull=False
    )
    distancias = {}
    for relato in relatos.filter(latitude__isnull=False):
        mesmos = abertos.filter(especificacao=relato.especificacao)
        distancias[relato.pk] = min(
            (
                distancia_m(relato.latitude, relato.longitude, r.latitude, r.longitude)
                for r in mesmos
            ),
            default=None,
        )
    perto = [
        (pk, d)
        for pk, d in distancias.items()
        if d is not None and d <= Relato.objects.get(pk=pk).especificacao.raio_duplicidade_m
    ]
    assert len(perto) == 1
    assert 60 <= perto[0][1] <= 100
    # ... and one far from every open RA of a public especificação
    longe = [pk for pk, d in distancias.items() if d is None or d > 1000]
    assert longe

    antes = _contagens()
    call_command("load_demo", stdout=io.StringIO())
    assert _contagens() == antes


def test_sem_url_publica_os_textos_padrao_ficam(settings):
    settings.URL_PUBLICA = ""
    call_command("load_demo", stdout=io.StringIO())
    modelo = ModeloMensagem.objects.get(evento="ra_aberto")
    assert modelo.texto == MODELOS_PADRAO["ra_aberto"]


def test_com_url_publica_o_sms_de_protocolo_leva_o_link(settings):
    settings.URL_PUBLICA = "http://127.0.0.1:8000"
    call_command("load_demo", stdout=io.StringIO())
    for evento in ("ra_aberto", "ra_existente"):
        assert ModeloMensagem.objects.get(evento=evento).texto.endswith("Acompanhe: {link}")
