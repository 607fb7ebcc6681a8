"""Preparing collection messages: documents em aberto, still valid, of an active action
that sends by SMS or e-mail; limit = validade, linha of the document."""

import datetime
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from faturamento import textos
from faturamento.febraban import Gerador, anexar_linha
from faturamento.models import AcaoCobranca, DocumentoCobranca, Envio, Processo
from faturamento.services import preparacao
from faturamento.services.processos import processo_criar, processo_executar
from tests.faturamento.test_preparacao import imovel_com_cliente

pytestmark = pytest.mark.django_db

SMS_MODELO = "Débito de R$ {VALOR}: pague até {VALIDADE} e evite o corte."
EMAIL_MODELO = "Seu documento de cobrança de R$ {VALOR} vale até {VALIDADE}."
_numeros = count(900_001)


def hoje():
    return timezone.localdate()


def acao(descricao, **campos) -> AcaoCobranca:
    dados = {
        "por_sms": True,
        "por_email": True,
        "max_tentativas_email": 2,
        "texto_sms": SMS_MODELO,
        "assunto_email": "Aviso de débito até {VALIDADE}",
        "texto_email": EMAIL_MODELO,
    }
    dados.update(campos)
    return AcaoCobranca.objects.create(descricao=descricao, **dados)


def documento(acao_, imovel=None, **campos) -> DocumentoCobranca:
    dados = {
        "numero": next(_numeros),
        "emissao": hoje() - datetime.timedelta(days=3),
        "validade": hoje() + datetime.timedelta(days=10),
        "valor": Decimal("250.00"),
    }
    dados.update(campos)
    return DocumentoCobranca.objects.create(
        imovel=imovel or imovel_com_cliente(), acao=acao_, **dados
    )


def executar() -> Processo:
    processo = processo_criar(Processo.Tipo.PREPARAR_COBRANCA)
    return processo_executar(processo.pk)


@pytest.fixture
def docs():
    ambos = acao("Aviso de corte")
    so_sms = acao("Lembrete por SMS", por_email=False, texto_email="", max_tentativas_email=None)
    inativa = acao("Antiga", ativa=False)
    sem_mensagem = acao("Corte", por_sms=False, por_email=False, gera_os=True)
    return {
        "ok": documento(ambos),
        "futuro": documento(
            ambos,
            emissao=hoje() + datetime.timedelta(days=2),
            validade=hoje() + datetime.timedelta(days=12),
        ),
        "vale_hoje": documento(ambos, validade=hoje()),
        "so_sms": documento(so_sms),
        "sem_consent": documento(so_sms, imovel_com_cliente(recebe_sms=False)),
        "sem_email": documento(ambos, imovel_com_cliente(email="")),
        "vencido": documento(ambos, validade=hoje() - datetime.timedelta(days=1)),
        "pago": documento(ambos, situacao=DocumentoCobranca.Situacao.PAGA),
        "inativa": documento(inativa),
        "sem_mensagem": documento(sem_mensagem),
    }


def test_seleciona_os_documentos_validos_de_acoes_que_enviam(docs):
    processo = executar()

    assert processo.situacao == Processo.Situacao.CONCLUIDO, processo.erro
    ids = {k: v.pk for k, v in docs.items()}
    sms = set(Envio.objects.filter(canal="sms").values_list("documento_id", flat=True))
    email = set(Envio.objects.filter(canal="email").values_list("documento_id", flat=True))
    assert sms == {ids["ok"], ids["futuro"], ids["vale_hoje"], ids["so_sms"], ids["sem_email"]}
    assert email == {ids["ok"], ids["futuro"], ids["vale_hoje"]}
    assert not Envio.objects.filter(conta__isnull=False).exists()
    assert processo.total == processo.processados == 6
    assert processo.contadores["selecionadas"] == 6
    assert processo.contadores["geradas"] == {"sms": 5, "email": 3}
    assert processo.contadores["ignoradas"] == {
        preparacao.IGNORADA_SEM_CONSENTIMENTO_SMS: 1,
        preparacao.IGNORADA_SEM_EMAIL: 1,
    }


def test_datas_textos_e_tentativas(docs):
    executar()

    d = docs["ok"]
    sms = Envio.objects.get(documento=d, canal="sms")
    email = Envio.objects.get(documento=d, canal="email")
    valores = textos.valores_documento(validade=d.validade, valor=d.valor)
    linha = Gerador().linha_documento(d.numero, d.valor)
    assert sms.texto == anexar_linha(textos.renderizar(SMS_MODELO, valores), linha)
    assert "R$ 250,00" in sms.texto
    assert sms.enviar_em == hoje()  # emitted three days ago: from today
    assert sms.limite == d.validade
    assert email.assunto == f"Aviso de débito até {textos.data_br(d.validade)}"
    assert email.texto.startswith(textos.renderizar(EMAIL_MODELO, valores))
    assert f"Linha digitável: {linha}" in email.texto
    assert email.max_tentativas == 2
    assert email.limite == d.validade

    futuro = Envio.objects.get(documento=docs["futuro"], canal="sms")
    assert futuro.enviar_em == docs["futuro"].emissao  # not before it is issued


def test_reexecucao_nao_duplica(docs):
    primeira = executar()
    segunda = executar()

    assert segunda.situacao == Processo.Situacao.CONCLUIDO, segunda.erro
    assert Envio.objects.count() == 8
    assert Envio.objects.exclude(processo=primeira).count() == 0
    assert segunda.contadores["geradas"] == {"sms": 0, "email": 0}
    # The two documents skipped for a reason are looked at again (consent may come).
    assert segunda.contadores["ignoradas"] == {
        preparacao.IGNORADA_JA_PREPARADA: 8,
        preparacao.IGNORADA_SEM_CONSENTIMENTO_SMS: 1,
        preparacao.IGNORADA_SEM_EMAIL: 1,
    }
    assert segunda.processados == 6
