"""The run framework (services.processos) with steps registered for the test only."""

import datetime

import pytest
from django.utils import timezone

from core.exceptions import RegraViolada
from faturamento.models import Processo
from faturamento.services import processos
from faturamento.services.processos import (
    BATIMENTO_MAXIMO,
    ETAPAS,
    mensagens_preparar,
    processo_cancelar,
    processo_criar,
    processo_executar,
    processos_para_retomar,
    referencia_atual,
    referencia_ler,
    referencia_seguinte,
)
from tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db

TIPO = "teste"
OUTRO = "teste_outro"
Situacao = Processo.Situacao


@pytest.fixture
def etapa(monkeypatch):
    """Register a step for ``TIPO`` (and an idle one for ``OUTRO``); ``etapa.corpo``
    is what it does, ``etapa.chamadas`` how many times it ran."""

    class Etapa:
        chamadas = 0
        corpo = staticmethod(lambda execucao: None)

        def __call__(self, execucao):
            Etapa.chamadas += 1
            self.corpo(execucao)

    passo = Etapa()
    monkeypatch.setitem(ETAPAS, TIPO, passo)
    monkeypatch.setitem(ETAPAS, OUTRO, lambda execucao: None)
    return passo


def _parado(processo, *, minutos=3):
    """As if the worker of ``processo`` died ``minutos`` ago."""
    antes = timezone.now() - datetime.timedelta(minutes=minutos)
    Processo.objects.filter(pk=processo.pk).update(
        situacao=Situacao.EXECUTANDO, iniciado_em=antes, batimento_em=antes
    )


def test_criar_recusa_segundo_ativo_do_mesmo_tipo(etapa):
    usuario = UsuarioFactory()
    primeiro = processo_criar(TIPO, referencia=202612, usuario=usuario)
    assert (primeiro.situacao, primeiro.referencia, primeiro.usuario) == (
        Situacao.AGUARDANDO,
        202612,
        usuario,
    )
    with pytest.raises(
        RegraViolada, match=rf"Já há um processo .* em andamento \(nº {primeiro.pk}\)"
    ):
        processo_criar(TIPO)
    processo_criar(OUTRO)  # another type is free
    Processo.objects.filter(pk=primeiro.pk).update(situacao=Situacao.EXECUTANDO)
    with pytest.raises(RegraViolada, match="Espere que termine ou cancele-o"):
        processo_criar(TIPO)
    processo_executar(primeiro.pk)  # not taken (alive), still blocks
    Processo.objects.filter(pk=primeiro.pk).update(situacao=Situacao.CONCLUIDO)
    assert processo_criar(TIPO).situacao == Situacao.AGUARDANDO


def test_criar_recusa_tipo_desconhecido_e_referencia_invalida(etapa):
    with pytest.raises(RegraViolada, match="Tipo de processo desconhecido"):
        processo_criar("nao_existe")
    for ruim in (202613, 202600, 199912, 12026):
        with pytest.raises(RegraViolada, match="Referência inválida"):
            processo_criar(TIPO, referencia=ruim)
    assert not Processo.objects.exists()


def test_progresso_e_contagens_somam_por_bloco(etapa):
    vistos = []

    def corpo(execucao):
        execucao.definir_total(5)
        execucao.avancar(2, selecionadas=2, geradas={"sms": 2})
        execucao.avancar(
            3, selecionadas=3, ignoradas={"sem consentimento": 1}, geradas={"sms": 1, "email": 2}
        )
        execucao.definir(ultima_conta=42)

    etapa.corpo = corpo
    p = processo_criar(TIPO)
    p = processo_executar(p.pk, ao_avancar=lambda proc: vistos.append(proc.processados))
    assert p.situacao == Situacao.CONCLUIDO
    assert (p.total, p.processados, p.percentual) == (5, 5, 100)
    assert p.contadores == {
        "selecionadas": 5,
        "ignoradas": {"sem consentimento": 1},
        "geradas": {"sms": 3, "email": 2},
        "ultima_conta": 42,
    }
    assert p.iniciado_em and p.concluido_em and p.iniciado_em <= p.concluido_em
    assert p.erro == ""
    assert vistos == [0, 2, 5, 5]  # definir_total, two chunks, definir


def test_cancelar_um_aguardando_e_imediato(etapa):
    supervisor = UsuarioFactory()
    p = processo_cancelar(processo_criar(TIPO), usuario=supervisor)
    assert p.situacao == Situacao.CANCELADO
    assert p.cancelamento_pedido_por == supervisor and p.concluido_em
    assert processo_executar(p.pk).situacao == Situacao.CANCELADO
    assert etapa.chamadas == 0
    processo_criar(TIPO)  # the type is free again


def test_cancelar_um_executando_para_no_proximo_bloco(etapa):
    feitos = []

    def corpo(execucao):
        execucao.definir_total(3)
        for bloco in range(3):
            feitos.append(bloco)
            if bloco == 1:  # someone presses "Cancelar" while chunk 1 runs
                pedido = processo_cancelar(Processo.objects.get(pk=execucao.processo.pk))
                assert pedido.situacao == Situacao.EXECUTANDO  # not yet: at the next chunk
            execucao.avancar(1)

    etapa.corpo = corpo
    p = processo_executar(processo_criar(TIPO).pk)
    assert p.situacao == Situacao.CANCELADO
    assert feitos == [0, 1] and p.processados == 2
    assert p.concluido_em and p.cancelamento_pedido_em


def test_cancelar_um_terminado_e_recusado(etapa):
    p = processo_executar(processo_criar(TIPO).pk)
    with pytest.raises(RegraViolada, match=rf"O processo nº {p.pk} já terminou \(Concluído\)"):
        processo_cancelar(p)
    p.refresh_from_db()
    assert p.situacao == Situacao.CONCLUIDO and p.cancelamento_pedido_em is None


def test_cancelar_um_executando_sem_worker_e_imediato(etapa):
    p = processo_criar(TIPO)
    _parado(p)
    assert processo_cancelar(p).situacao == Situacao.CANCELADO
    vivo = processo_criar(OUTRO)
    Processo.objects.filter(pk=vivo.pk).update(
        situacao=Situacao.EXECUTANDO, batimento_em=timezone.now()
    )
    assert processo_cancelar(vivo).situacao == Situacao.EXECUTANDO


def test_falha_fica_registrada_em_erro(etapa):
    def corpo(execucao):
        execucao.avancar(1, geradas={"sms": 1})
        raise ValueError("conta sem imóvel")

    etapa.corpo = corpo
    p = processo_executar(processo_criar(TIPO).pk)
    assert p.situacao == Situacao.FALHOU
    assert p.erro == "ValueError: conta sem imóvel"
    assert p.processados == 1 and p.concluido_em
    processo_criar(TIPO)  # a failed run does not block the type


def test_etapa_nao_registrada_falha_com_o_motivo(etapa, monkeypatch):
    p = processo_criar(TIPO)
    monkeypatch.delitem(ETAPAS, TIPO)
    p = processo_executar(p.pk)
    assert p.situacao == Situacao.FALHOU
    assert p.erro == "Nenhuma etapa registrada para o tipo “teste”."  # no class name


def test_retoma_um_executando_cujo_batimento_parou(etapa):
    etapa.corpo = lambda execucao: execucao.avancar(1)
    p = processo_criar(TIPO)
    _parado(p)
    p = processo_executar(p.pk)
    assert etapa.chamadas == 1
    assert p.situacao == Situacao.CONCLUIDO and p.processados == 1


def test_nao_retoma_um_executando_vivo(etapa):
    p = processo_criar(TIPO)
    _parado(p, minutos=0)
    vivo_desde = Processo.objects.get(pk=p.pk).batimento_em
    p = processo_executar(p.pk)
    assert etapa.chamadas == 0
    assert p.situacao == Situacao.EXECUTANDO and p.batimento_em == vivo_desde


def test_executar_duas_vezes_roda_a_etapa_uma_vez(etapa):
    p = processo_criar(TIPO)
    processo_executar(p.pk)
    assert processo_executar(p.pk).situacao == Situacao.CONCLUIDO
    assert etapa.chamadas == 1


def test_para_retomar_so_os_que_nenhum_worker_faz(etapa, monkeypatch):
    agora = timezone.now()
    velho = agora - BATIMENTO_MAXIMO - datetime.timedelta(seconds=5)
    esperando_velho = processo_criar(TIPO)
    Processo.objects.filter(pk=esperando_velho.pk).update(criado_em=velho)
    esperando_novo = processo_criar(OUTRO)
    parado = Processo.objects.create(
        tipo=Processo.Tipo.TRANSMITIR, situacao=Situacao.EXECUTANDO, batimento_em=velho
    )
    Processo.objects.create(
        tipo=Processo.Tipo.EXPIRAR, situacao=Situacao.EXECUTANDO, batimento_em=agora
    )
    Processo.objects.create(
        tipo=Processo.Tipo.IMPORTACAO, situacao=Situacao.CONCLUIDO, batimento_em=velho
    )
    Processo.objects.create(
        tipo=Processo.Tipo.PREPARAR_COBRANCA, situacao=Situacao.FALHOU, batimento_em=velho
    )
    assert list(processos_para_retomar(agora=agora)) == [esperando_velho, parado]
    later = agora + processos.ESPERA_MINIMA + datetime.timedelta(seconds=1)
    assert esperando_novo in processos_para_retomar(agora=later)


def test_referencias():
    assert referencia_ler("202612") == 202612
    assert referencia_ler(" 3/2027 ") == 202703
    assert referencia_ler("12/2026") == 202612
    for ruim in ("", "2026-12", "202613", "13/2026", "20261", "２０２６１２", "abc", None):
        with pytest.raises(RegraViolada, match="Referência inválida"):
            referencia_ler(ruim)
    assert referencia_seguinte(202612) == 202701
    assert referencia_seguinte(202611) == 202612
    assert referencia_atual(datetime.date(2026, 12, 31)) == 202612


def test_preparar_faz_as_referencias_e_depois_a_cobranca(monkeypatch):
    ordem = []

    def faturamento(execucao):
        ordem.append(("faturamento", execucao.referencia))
        execucao.avancar(1, geradas={"sms": 1})

    def cobranca(execucao):
        ordem.append(("cobranca", execucao.referencia))

    monkeypatch.setitem(ETAPAS, Processo.Tipo.PREPARAR_FATURAMENTO, faturamento)
    monkeypatch.setitem(ETAPAS, Processo.Tipo.PREPARAR_COBRANCA, cobranca)
    feitos = mensagens_preparar(referencias=[202612, 202701])
    assert ordem == [("faturamento", 202612), ("faturamento", 202701), ("cobranca", None)]
    assert [p.situacao for p in feitos] == [Situacao.CONCLUIDO] * 3

    # One already active is skipped (and said), the others still run.
    ocupado = processo_criar(Processo.Tipo.PREPARAR_COBRANCA)
    recusas = []
    ordem.clear()
    feitos = mensagens_preparar(
        referencias=[202702], ao_recusar=lambda tipo, erro: recusas.append((tipo, str(erro)))
    )
    assert ordem == [("faturamento", 202702)]
    assert recusas == [
        (
            Processo.Tipo.PREPARAR_COBRANCA,
            f"Já há um processo “Preparar mensagens de cobrança” em andamento (nº {ocupado.pk}). "
            "Espere que termine ou cancele-o.",
        )
    ]
    with pytest.raises(RegraViolada):  # without ao_recusar the refusal stops the sequence
        mensagens_preparar(referencias=[])


def test_preparar_segue_depois_de_uma_falha_e_para_num_cancelamento(monkeypatch):
    def falha(execucao):
        raise RuntimeError("banco fora")

    def cancela(execucao):
        processo_cancelar(execucao.processo)
        execucao.avancar(1)

    monkeypatch.setitem(ETAPAS, Processo.Tipo.PREPARAR_FATURAMENTO, falha)
    monkeypatch.setitem(ETAPAS, Processo.Tipo.PREPARAR_COBRANCA, lambda e: None)
    feitos = mensagens_preparar(referencias=[202612, 202701])
    assert [(p.tipo, p.referencia, p.situacao) for p in feitos] == [
        (Processo.Tipo.PREPARAR_FATURAMENTO, 202612, Situacao.FALHOU),
        (Processo.Tipo.PREPARAR_FATURAMENTO, 202701, Situacao.FALHOU),
        (Processo.Tipo.PREPARAR_COBRANCA, None, Situacao.CONCLUIDO),
    ]

    monkeypatch.setitem(ETAPAS, Processo.Tipo.PREPARAR_FATURAMENTO, cancela)
    feitos = mensagens_preparar(referencias=[202702, 202703])
    assert [(p.referencia, p.situacao) for p in feitos] == [(202702, Situacao.CANCELADO)]
    assert Processo.objects.filter(tipo=Processo.Tipo.PREPARAR_COBRANCA).count() == 1
