"""load_demo's billing data: enough to run the batch at once, and idempotent."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from faturamento import demo
from faturamento.models import (
    AcaoCobranca,
    Conta,
    DocumentoCobranca,
    Envio,
    MensagemFaturamento,
    ParametrosFaturamento,
    Processo,
)
from faturamento.services.processos import processo_criar, processo_executar

pytestmark = pytest.mark.django_db


def _referencia(data):
    return data.year * 100 + data.month


def _fotografia():
    return {
        modelo.__name__: sorted(modelo.objects.values_list("pk", flat=True))
        for modelo in (Conta, DocumentoCobranca, AcaoCobranca, MensagemFaturamento)
    } | {
        "situacoes": sorted(Conta.objects.values_list("pk", "situacao")),
        "codigo": ParametrosFaturamento.atuais().codigo_empresa,
    }


@pytest.fixture
def carregado():
    saida = io.StringIO()
    call_command("load_demo", stdout=saida)
    return saida.getvalue()


def test_demo_cria_contas_modelo_e_acao_e_e_idempotente(carregado):
    assert "faturamento:" in carregado
    hoje = timezone.localdate()
    atual = _referencia(hoje)
    assert ParametrosFaturamento.atuais().codigo_empresa == demo.CODIGO_EMPRESA_DEMO

    contas = Conta.objects.select_related("imovel")
    assert contas.count() == 2 * demo.N_IMOVEIS_COM_CONTAS
    assert {c.referencia for c in contas} == {atual, _referencia(demo._mes_anterior(hoje))}
    vencidas = contas.filter(situacao="em_aberto", vencimento__lt=hoje)
    assert vencidas.count() == 1
    assert contas.filter(referencia=atual, situacao="paga").count() == 1
    mensagem = MensagemFaturamento.objects.get(vigente=True)
    assert mensagem.referencia_inicial <= atual
    mensagem.full_clean()
    logo = contas.filter(
        referencia=atual,
        situacao="em_aberto",
        vencimento__lte=hoje + timezone.timedelta(days=mensagem.dias_antes),
    )
    depois = contas.filter(referencia=atual, situacao="em_aberto").exclude(pk__in=logo)
    assert logo.count() >= 2 and depois.exists()

    acao = AcaoCobranca.objects.get(descricao=demo.ACAO_DEMO)
    assert acao.por_sms and acao.por_email
    acao.full_clean()
    documentos = DocumentoCobranca.objects.filter(acao=acao)
    assert documentos.count() == 2 and all(d.validade > hoje for d in documentos)

    antes = _fotografia()
    call_command("load_demo", stdout=io.StringIO())
    assert _fotografia() == antes


def test_demo_o_lote_de_hoje_prepara_as_contas_a_vencer_para_quem_consente(carregado):
    hoje = timezone.localdate()
    processo = processo_criar(Processo.Tipo.PREPARAR_FATURAMENTO, referencia=_referencia(hoje))
    processo = processo_executar(processo.pk)
    assert processo.situacao == Processo.Situacao.CONCLUIDO, processo.erro
    hoje_sms = Envio.objects.filter(canal="sms", enviar_em__lte=hoje)
    assert hoje_sms.exists()
    assert Envio.objects.filter(canal="email").exists()
    # Neither the paid bill nor the overdue one is messaged.
    assert not Envio.objects.filter(conta__situacao="paga").exists()
    assert not Envio.objects.filter(conta__vencimento__lt=hoje).exists()
    # Every SMS carries the bill's linha digitável and fits one GSM-7 SMS.
    for envio in hoje_sms:
        assert envio.texto.count("-") >= 4 and len(envio.texto) <= 160

    cobranca = processo_executar(processo_criar(Processo.Tipo.PREPARAR_COBRANCA).pk)
    assert cobranca.situacao == Processo.Situacao.CONCLUIDO, cobranca.erro
    assert Envio.objects.filter(documento__acao__descricao=demo.ACAO_DEMO).exists()


def test_demo_nao_troca_o_codigo_de_empresa_escolhido(carregado):
    ParametrosFaturamento.objects.filter(pk=1).update(codigo_empresa="4321")
    call_command("load_demo", stdout=io.StringIO())
    assert ParametrosFaturamento.atuais().codigo_empresa == "4321"
