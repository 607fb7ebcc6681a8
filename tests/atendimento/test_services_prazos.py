import datetime

import pytest
from django.utils import timezone

from atendimento import prazos, selectors
from atendimento.models import EventoRA, ParametrosAtendimento
from atendimento.selectors.acoes import acoes_disponiveis
from atendimento.services import (
    registro_atendimento_pausar,
    registro_atendimento_prorrogar,
    registro_atendimento_reiterar,
    registro_atendimento_retomar,
)
from cadastro.models import Feriado
from core.exceptions import RegraViolada
from tests.atendimento.conftest import vencer
from tests.atendimento.factories import EspecificacaoFactory
from tests.factories import ImovelFactory

pytestmark = pytest.mark.django_db


def local(*args):
    return timezone.make_aware(datetime.datetime(*args), timezone.get_current_timezone())


@pytest.fixture
def params(db):
    return ParametrosAtendimento.atual()


def test_dias_uteis_pulam_fim_de_semana_e_feriados(params):
    sexta = local(2026, 11, 13, 10, 30)  # Friday; Sunday 15/11 is a national holiday anyway
    esp = EspecificacaoFactory.build(prazo_dias=2)
    assert prazos.data_prevista(inicio=sexta, especificacao=esp, parametros=params) == local(
        2026, 11, 17, 10, 30
    )
    Feriado.objects.create(data=datetime.date(2026, 11, 16), descricao="Ponte")
    Feriado.objects.create(
        data=datetime.date(2026, 11, 17),
        descricao="Aniversário",
        abrangencia="municipal",
        municipio="Olinda",
    )
    assert prazos.data_prevista(inicio=sexta, especificacao=esp, parametros=params) == local(
        2026, 11, 18, 10, 30
    )
    assert prazos.data_prevista(
        inicio=sexta, especificacao=esp, parametros=params, municipio="Olinda"
    ) == local(2026, 11, 19, 10, 30)


def test_dias_corridos_quando_parametro_desliga(params):
    params.prazo_em_dias_uteis = False
    sexta = local(2026, 11, 13, 10, 0)
    esp = EspecificacaoFactory.build(prazo_dias=2)
    assert prazos.data_prevista(inicio=sexta, especificacao=esp, parametros=params) == local(
        2026, 11, 15, 10, 0
    )


def test_prazo_em_horas(params):
    sexta = local(2026, 11, 13, 22, 0)
    esp = EspecificacaoFactory.build(prazo_dias=None, prazo_horas=24)
    assert prazos.data_prevista(inicio=sexta, especificacao=esp, parametros=params) == local(
        2026, 11, 14, 22, 0
    )


def test_data_atencao_percentual_e_horas(params):
    inicio = local(2026, 11, 2, 8, 0)
    prevista = inicio + datetime.timedelta(hours=100)
    assert prazos.data_atencao(inicio=inicio, prevista=prevista, parametros=params) == (
        inicio + datetime.timedelta(hours=80)
    )
    params.atencao_horas = 4
    assert prazos.data_atencao(inicio=inicio, prevista=prevista, parametros=params) == (
        prevista - datetime.timedelta(hours=4)
    )
    params.atencao_horas = 500
    assert prazos.data_atencao(inicio=inicio, prevista=prevista, parametros=params) == inicio


def test_status_prazo(abrir):
    ra = abrir()
    assert ra.status_prazo() == "no_prazo"
    assert ra.status_prazo(ra.data_atencao) == "atencao"
    assert ra.status_prazo(ra.data_prevista_atual) == "vencido"


def test_prorrogar(abrir, tecnico):
    ra = abrir()
    original = ra.data_prevista_original
    nova = ra.data_prevista_atual + datetime.timedelta(days=3)
    with pytest.raises(RegraViolada, match="motivo"):
        registro_atendimento_prorrogar(ra=ra, usuario=tecnico, nova_data=nova, motivo="")
    with pytest.raises(RegraViolada, match="posterior"):
        registro_atendimento_prorrogar(
            ra=ra, usuario=tecnico, nova_data=ra.data_prevista_atual, motivo="Chuva"
        )
    ra = registro_atendimento_prorrogar(ra=ra, usuario=tecnico, nova_data=nova, motivo="Chuva")
    assert ra.data_prevista_atual == nova and ra.data_prevista_original == original
    assert ra.data_atencao > original - datetime.timedelta(days=1)
    assert "Chuva" in EventoRA.objects.get(ra=ra, tipo="prorrogacao").descricao


def test_pausar_e_retomar_desloca_o_prazo(abrir, tecnico):
    ra = abrir()
    prevista = ra.data_prevista_atual
    with pytest.raises(RegraViolada, match="não está pausado"):
        registro_atendimento_retomar(ra=ra, usuario=tecnico)
    ra = registro_atendimento_pausar(ra=ra, usuario=tecnico, motivo="Aguardando documento")
    with pytest.raises(RegraViolada, match="já está pausado"):
        registro_atendimento_pausar(ra=ra, usuario=tecnico, motivo="de novo")
    # Two hours waiting on the requester.
    type(ra).objects.filter(pk=ra.pk).update(
        pausado_desde=timezone.now() - datetime.timedelta(hours=2)
    )
    ra = registro_atendimento_retomar(ra=ra, usuario=tecnico)
    assert ra.pausado_desde is None
    assert datetime.timedelta(hours=2) <= ra.tempo_pausado < datetime.timedelta(hours=2, minutes=1)
    assert ra.data_prevista_atual - prevista == ra.tempo_pausado
    tipos = list(EventoRA.objects.filter(ra=ra).values_list("tipo", flat=True))
    assert tipos[-2:] == ["pausa", "retomada"]


@pytest.fixture
def pausado_ha_dois_dias(abrir, tecnico):
    """An RA paused two days ago whose (unmoved) deadline passed an hour ago:
    while the clock is stopped the deadline has not really passed."""
    ra = abrir()
    ra = registro_atendimento_pausar(ra=ra, usuario=tecnico, motivo="Aguardando o solicitante")
    agora = timezone.now()
    type(ra).objects.filter(pk=ra.pk).update(
        data_abertura=agora - datetime.timedelta(days=3),
        pausado_desde=agora - datetime.timedelta(days=2),
        data_atencao=agora - datetime.timedelta(hours=10),
        data_prevista_atual=agora - datetime.timedelta(hours=1),
    )
    ra.refresh_from_db()
    return ra


def test_ra_pausado_nao_vence_nem_entra_em_atencao(pausado_ha_dois_dias, abrir, tecnico):
    pausado = pausado_ha_dois_dias
    vencido = vencer(abrir(imovel=ImovelFactory()))  # same unit, not paused
    assert pausado.status_prazo() == "pausado"
    assert vencido.status_prazo() == "vencido"
    todos = type(pausado).objects.all()
    assert list(selectors.filtrar_status_prazo(todos, "vencido")) == [vencido]
    assert list(selectors.filtrar_status_prazo(todos, "atencao")) == []
    assert list(selectors.filtrar_status_prazo(todos, "pausado")) == [pausado]
    contagem = selectors.contagem_por_status_prazo(usuario=tecnico, unidade=pausado.unidade_atual)
    assert contagem == {"no_prazo": 0, "atencao": 0, "vencido": 1, "pausado": 1, "total": 2}
    assert "reiterar" not in [a.nome for a in acoes_disponiveis(usuario=tecnico, ra=pausado)]
    assert "reiterar" in [a.nome for a in acoes_disponiveis(usuario=tecnico, ra=vencido)]


def test_ra_pausado_nao_pode_ser_reiterado(pausado_ha_dois_dias, tecnico):
    with pytest.raises(RegraViolada, match="pausado"):
        registro_atendimento_reiterar(
            ra=pausado_ha_dois_dias, usuario=tecnico, solicitante_nome="Ana"
        )
    assert pausado_ha_dois_dias.reiteracoes.count() == 0


def test_retomar_desloca_o_prazo_pelo_tempo_pausado(pausado_ha_dois_dias, tecnico):
    antes = pausado_ha_dois_dias.data_prevista_atual
    atencao_antes = pausado_ha_dois_dias.data_atencao
    ra = registro_atendimento_retomar(ra=pausado_ha_dois_dias, usuario=tecnico)
    deslocamento = ra.data_prevista_atual - antes
    assert datetime.timedelta(days=2) <= deslocamento < datetime.timedelta(days=2, minutes=1)
    # It was "no prazo" when paused (atenção came 38 h later): so it is again.
    assert ra.status_prazo() == "no_prazo"
    assert ra.data_atencao - atencao_antes == deslocamento


def test_nao_pausa_prazo_ja_vencido(abrir, tecnico):
    ra = vencer(abrir())
    with pytest.raises(RegraViolada, match="já venceu"):
        registro_atendimento_pausar(ra=ra, usuario=tecnico, motivo="Aguardando o solicitante")
    ra.refresh_from_db()
    assert ra.pausado_desde is None
