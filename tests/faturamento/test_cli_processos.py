"""``manage.py processo_mensagens``: synchronous runs with progress, --fila, and refusals."""

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.management import CommandError, call_command

from faturamento.models import Processo
from faturamento.services.processos import ETAPAS, processo_criar, referencia_atual

pytestmark = pytest.mark.django_db

Tipo = Processo.Tipo
Situacao = Processo.Situacao
RAIZ = Path(__file__).resolve().parents[2]


@pytest.fixture
def etapas(monkeypatch):
    """Steps of every batch type that record what they were asked to do."""
    feitos = []

    def faturamento(execucao):
        feitos.append(("faturamento", execucao.referencia))
        execucao.definir_total(4)
        execucao.avancar(2, selecionadas=2, geradas={"sms": 2})
        execucao.avancar(2, selecionadas=2, ignoradas={"sem consentimento": 1},
                         geradas={"email": 1})  # fmt: skip

    def simples(nome):
        def passo(execucao):
            feitos.append((nome, execucao.referencia))
            execucao.avancar(3, transmitidas=3)

        return passo

    monkeypatch.setitem(ETAPAS, Tipo.PREPARAR_FATURAMENTO, faturamento)
    monkeypatch.setitem(ETAPAS, Tipo.PREPARAR_COBRANCA, simples("cobranca"))
    monkeypatch.setitem(ETAPAS, Tipo.TRANSMITIR, simples("transmitir"))
    monkeypatch.setitem(ETAPAS, Tipo.EXPIRAR, simples("expirar"))
    return feitos


def rodar(*args) -> str:
    saida = io.StringIO()
    call_command("processo_mensagens", *args, stdout=saida)
    return saida.getvalue()


def test_preparar_faz_faturamento_da_referencia_e_depois_cobranca(etapas):
    saida = rodar("preparar", "--referencia", "202612")
    assert etapas == [("faturamento", 202612), ("cobranca", None)]
    fat = Processo.objects.get(tipo=Tipo.PREPARAR_FATURAMENTO)
    assert (fat.situacao, fat.referencia, fat.processados) == (Situacao.CONCLUIDO, 202612, 4)
    assert f"Preparar mensagens de faturamento 12/2026 (nº {fat.pk}): iniciado." in saida
    assert "4 de 4 (100%)" in saida
    assert (
        "concluído. Selecionadas 4; Ignoradas 1 (sem consentimento 1); "
        "Geradas 3 (E-mail 1, SMS 2)." in saida
    )
    assert "Preparar mensagens de cobrança" in saida and "Transmitidas 3" in saida


def test_preparar_sem_referencia_usa_o_mes_atual(etapas):
    rodar("preparar")
    assert etapas[0] == ("faturamento", referencia_atual())


@pytest.mark.parametrize("acao", ["transmitir", "expirar"])
def test_transmitir_e_expirar(etapas, acao):
    saida = rodar(acao)
    assert etapas == [(acao, None)]
    assert Processo.objects.get().situacao == Situacao.CONCLUIDO
    assert "concluído. Transmitidas 3." in saida


@pytest.mark.parametrize("ruim", ["202613", "12-2026", "abc", ""])
def test_referencia_ruim_recusada(etapas, ruim):
    with pytest.raises(CommandError, match="Referência inválida"):
        rodar("preparar", "--referencia", ruim)
    assert not Processo.objects.exists() and etapas == []


@pytest.mark.parametrize("acao", ["transmitir", "expirar"])
def test_transmitir_e_expirar_de_uma_referencia(etapas, acao):
    rodar(acao, "--referencia", "12/2026")
    assert etapas == [(acao, 202612)]
    with pytest.raises(CommandError, match="Referência inválida"):
        rodar(acao, "--referencia", "202600")


def test_ativo_do_mesmo_tipo_recusa_antes_de_comecar(etapas):
    ativo = processo_criar(Tipo.PREPARAR_COBRANCA)
    with pytest.raises(CommandError, match=rf"em andamento \(nº {ativo.pk}\)"):
        rodar("preparar")
    assert etapas == []  # not even the bills: the whole preparation is refused
    rodar("transmitir")  # another type is free
    assert etapas == [("transmitir", None)]


def test_falha_sai_com_erro_e_o_motivo_depois_da_cobranca(etapas, monkeypatch):
    def falha(execucao):
        raise RuntimeError("sem modelo de mensagem")

    monkeypatch.setitem(ETAPAS, Tipo.PREPARAR_FATURAMENTO, falha)
    with pytest.raises(CommandError, match="falhou: RuntimeError: sem modelo de mensagem"):
        rodar("preparar", "--referencia", "202612")
    # The bills failed; the collection messages still ran.
    assert Processo.objects.get(tipo=Tipo.PREPARAR_COBRANCA).situacao == Situacao.CONCLUIDO


def test_ctrl_c_fica_registrado(etapas, monkeypatch):
    def interrompido(execucao):
        execucao.avancar(1)
        raise KeyboardInterrupt

    monkeypatch.setitem(ETAPAS, Tipo.EXPIRAR, interrompido)
    with pytest.raises(KeyboardInterrupt):
        rodar("expirar")
    p = Processo.objects.get()
    assert (p.situacao, p.erro, p.processados) == (Situacao.CANCELADO, "Interrompido (Ctrl-C).", 1)
    processo_criar(Tipo.EXPIRAR)  # the type is free again


def test_fila_enfileira_no_redis(etapas, django_capture_on_commit_callbacks):
    fila = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    fila.delete("celery")
    with django_capture_on_commit_callbacks(execute=True):
        saida = rodar("preparar", "--referencia", "202701", "--fila")
    processos = list(Processo.objects.order_by("id"))
    assert [(p.tipo, p.referencia, p.situacao) for p in processos] == [
        (Tipo.PREPARAR_FATURAMENTO, 202701, Situacao.AGUARDANDO),
        (Tipo.PREPARAR_COBRANCA, None, Situacao.AGUARDANDO),
    ]
    assert etapas == []  # nothing ran here
    assert saida.count("enfileirado") == 2
    mensagens = [json.loads(m) for m in fila.lrange("celery", 0, -1)]
    fila.delete("celery")
    publicados = sorted(
        json.loads(base64.b64decode(m["body"]))[0][0]
        for m in mensagens
        if m["headers"]["task"] == "faturamento.processo_executar_task"
    )
    assert publicados == [p.pk for p in processos]


def test_saida_1_pela_linha_de_comando():
    ambiente = dict(os.environ, DJANGO_SETTINGS_MODULE="gsan.settings.test")
    resultado = subprocess.run(
        [sys.executable, "manage.py", "processo_mensagens", "preparar", "--referencia", "202699"],
        cwd=RAIZ, env=ambiente, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert resultado.returncode == 1
    assert "Referência inválida: “202699”" in resultado.stderr


def test_preparar_de_verdade_gera_e_nao_duplica():
    """With the real preparation step (services.preparacao): one eligible bill."""
    from tests.faturamento.test_preparacao import conta, imovel_com_cliente, modelo

    modelo()
    c = conta(imovel_com_cliente())
    saida = rodar("preparar", "--referencia", "202612")
    assert "Selecionadas 1" in saida and "Geradas 2 (E-mail 1, SMS 1)" in saida
    assert sorted(c.envios.values_list("canal", flat=True)) == ["email", "sms"]
    saida = rodar("preparar", "--referencia", "202612")  # again: nothing new
    assert "Geradas 0" in saida and c.envios.count() == 2
