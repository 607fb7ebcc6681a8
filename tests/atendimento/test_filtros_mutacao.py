"""RA rules and search filters, each with rows it must keep and rows it must leave out.

Every test here was checked by breaking its rule in the code (a hard-coded
parameter, a dropped condition) and seeing the test fail.
"""

import datetime

import pytest
from django.utils import timezone

from atendimento import prazos, selectors
from atendimento.models import ParametrosAtendimento, RegistroAtendimento
from atendimento.permissoes import pode_atuar
from atendimento.services import registro_atendimento_prorrogar
from core.exceptions import RegraViolada
from tests.atendimento.factories import RegistroAtendimentoFactory, TramiteFactory
from tests.factories import ImovelFactory, UnidadeFactory, UsuarioFactory

pytestmark = pytest.mark.django_db

UM_MS = datetime.timedelta(milliseconds=1)


def buscar(usuario, **filtros):
    return {ra.pk for ra in selectors.registro_atendimento_list(usuario=usuario, filtros=filtros)}


def _atencao_em(percentual, horas=None):
    ParametrosAtendimento.objects.update_or_create(
        pk=1, defaults={"atencao_percentual": percentual, "atencao_horas": horas}
    )


# --- the "atenção" share is the system parameter, not a constant ----------------


@pytest.mark.parametrize("percentual", [50, 10])
def test_data_atencao_usa_o_percentual_do_parametro(percentual):
    _atencao_em(percentual)
    params = ParametrosAtendimento.atual()
    inicio = timezone.now()
    prevista = inicio + datetime.timedelta(hours=100)
    marca = prazos.data_atencao(inicio=inicio, prevista=prevista, parametros=params)
    assert marca == prevista - datetime.timedelta(hours=percentual)


def test_abrir_marca_atencao_pelo_percentual_do_parametro(abrir):
    _atencao_em(50)
    ra = abrir()
    prazo = ra.data_prevista_atual - ra.data_abertura
    assert abs(ra.data_atencao - (ra.data_abertura + prazo / 2)) < UM_MS
    # At 60% of the deadline the RA is already "atenção" (it would not be with 20%).
    assert ra.status_prazo(ra.data_abertura + prazo * 0.6) == "atencao"
    assert ra.status_prazo(ra.data_abertura + prazo * 0.4) == "no_prazo"


def test_prorrogar_recalcula_a_atencao_pelo_parametro(abrir, tecnico):
    ra = abrir()
    _atencao_em(50)
    nova = ra.data_prevista_atual + datetime.timedelta(days=4)
    ra = registro_atendimento_prorrogar(ra=ra, usuario=tecnico, nova_data=nova, motivo="Chuva")
    assert abs(ra.data_atencao - (ra.data_abertura + (nova - ra.data_abertura) / 2)) < UM_MS


def test_atencao_em_horas_prevalece_sobre_o_percentual(abrir):
    _atencao_em(50, horas=3)
    ra = abrir()
    assert ra.data_atencao == ra.data_prevista_atual - datetime.timedelta(hours=3)


# --- Consultar RAs: closing and routing periods ---------------------------------


def _local(dia, hora, minuto=0):
    return timezone.make_aware(datetime.datetime.combine(dia, datetime.time(hora, minuto)))


def test_periodo_de_encerramento_com_dias_inteiros(atendente):
    hoje = timezone.localdate()
    de, ate = hoje - datetime.timedelta(days=5), hoje - datetime.timedelta(days=2)

    def encerrado(quando):
        ra = RegistroAtendimentoFactory(encerrado=True, agora=quando)
        ra.data_encerramento = quando
        ra.save(update_fields=["data_encerramento"])
        return ra

    antes = encerrado(_local(de - datetime.timedelta(days=1), 23, 59))
    primeiro = encerrado(_local(de, 0, 1))
    ultimo = encerrado(_local(ate, 23, 59))
    depois = encerrado(_local(ate + datetime.timedelta(days=1), 0, 1))
    RegistroAtendimentoFactory(agora=_local(de, 12))  # open: no closing date
    de, ate = de.isoformat(), ate.isoformat()
    assert buscar(atendente, encerramento_de=de, encerramento_ate=ate) == {primeiro.pk, ultimo.pk}
    assert buscar(atendente, encerramento_de=de) == {primeiro.pk, ultimo.pk, depois.pk}
    assert buscar(atendente, encerramento_ate=ate) == {antes.pk, primeiro.pk, ultimo.pk}


def test_periodo_de_tramite_deixa_fora_tramites_depois_do_fim(atendente):
    agora = timezone.now()
    no_periodo = RegistroAtendimentoFactory(agora=agora - datetime.timedelta(days=100))
    TramiteFactory(ra=no_periodo, data=agora - datetime.timedelta(days=30))
    # Opened long before, routed again only after the period: left out.
    depois = RegistroAtendimentoFactory(agora=agora - datetime.timedelta(days=100))
    TramiteFactory(ra=depois, data=agora - datetime.timedelta(days=10))
    de = timezone.localtime(agora - datetime.timedelta(days=40)).date().isoformat()
    ate = timezone.localtime(agora - datetime.timedelta(days=20)).date().isoformat()
    assert buscar(atendente, tramite_de=de, tramite_ate=ate) == {no_periodo.pk}
    assert buscar(atendente, tramite_de=de) == {no_periodo.pk, depois.pk}


# --- opening: what counts as a duplicate ----------------------------------------


def test_duplicidade_so_para_o_mesmo_imovel_e_ra_em_aberto(abrir, motivos):
    primeiro = abrir()
    # The same especificação on another imóvel is not a duplicate.
    outro_imovel = abrir(imovel=ImovelFactory())
    assert outro_imovel.pk != primeiro.pk
    # A closed RA does not block a new one.
    RegistroAtendimento.objects.filter(pk=primeiro.pk).update(
        situacao=RegistroAtendimento.Situacao.ENCERRADO,
        data_encerramento=timezone.now(),
        motivo_encerramento=motivos["executado"],
    )
    novo = abrir()
    # ...but the new, open one does.
    with pytest.raises(RegraViolada, match=novo.protocolo):
        abrir()


# --- who may act on an RA -------------------------------------------------------


def test_unidade_inativa_ou_abaixo_da_atual_nao_atua(abrir, executora):
    ra = abrir()  # with MAN (executora)
    abaixo = UsuarioFactory(unidade=UnidadeFactory(sigla="MAN-1", superior=executora))
    inativa = UsuarioFactory(unidade=executora)
    assert pode_atuar(inativa, ra)
    assert not pode_atuar(abaixo, ra)
    executora.ativa = False
    executora.save()
    inativa = type(inativa).objects.get(pk=inativa.pk)
    assert not pode_atuar(inativa, ra)
