"""The transmission and expiry steps of the batch (in-process, fixed clock) and the
counts of a preparation run. The real modem and SMTP server are in
test_integracao_lote.py."""

import datetime
import itertools
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from faturamento.models import AcaoCobranca, Conta, DocumentoCobranca, Envio, Processo
from faturamento.services import transmissao
from faturamento.services.processos import processo_cancelar, processo_criar, processo_executar
from mensageria.models import Mensagem, MensagemHistorico
from tests.factories import ImovelFactory

pytestmark = pytest.mark.django_db
RECIFE = zoneinfo.ZoneInfo("America/Recife")
HOJE = datetime.date(2026, 12, 5)
Situacao = Envio.Situacao
_seq = itertools.count(1)


# --- data (shared with test_integracao_lote.py) -------------------------------------


def processo_preparacao(referencia=202612) -> Processo:
    return Processo.objects.create(
        tipo=Processo.Tipo.PREPARAR_FATURAMENTO,
        referencia=referencia,
        situacao=Processo.Situacao.CONCLUIDO,
    )


def conta_criar(vencimento=datetime.date(2026, 12, 10), **campos) -> Conta:
    dados = {
        "imovel": ImovelFactory(),
        "referencia": 202612,
        "vencimento": vencimento,
        "valor": Decimal("87.45"),
    }
    dados.update(campos)
    return Conta.objects.create(**dados)


def documento_criar(validade=datetime.date(2026, 12, 8), **campos) -> DocumentoCobranca:
    acao, _ = AcaoCobranca.objects.get_or_create(
        descricao="Aviso de débito", defaults={"por_sms": True, "por_email": True}
    )
    dados = {
        "numero": 900_000 + next(_seq),
        "imovel": ImovelFactory(),
        "acao": acao,
        "emissao": datetime.date(2026, 11, 20),
        "validade": validade,
        "valor": Decimal("150.00"),
    }
    dados.update(campos)
    return DocumentoCobranca.objects.create(**dados)


def envio_criar(processo, *, canal="sms", conta=None, documento=None, **campos) -> Envio:
    if conta is None and documento is None:
        conta = conta_criar()
    origem = conta or documento
    limite = conta.vencimento if conta else documento.validade
    n = next(_seq)
    dados = {
        "processo": processo,
        "conta": conta,
        "documento": documento,
        "canal": canal,
        "destino": f"8199999{n:04d}" if canal == "sms" else f"cliente{n}@exemplo.com.br",
        "assunto": "Sua conta" if canal == "email" else "",
        "texto": f"Conta {origem.pk}: vence em {limite:%d/%m/%Y}.",
        "enviar_em": limite - datetime.timedelta(days=5),
        "limite": limite,
        "max_tentativas": 3 if canal == "email" else None,
    }
    dados.update(campos)
    return Envio.objects.create(**dados)


def executar(tipo, referencia=None) -> Processo:
    processo = processo_criar(tipo, referencia=referencia)
    return processo_executar(processo.pk)


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture
def hoje(monkeypatch):
    """A fixed clock: 12:00 in Recife on HOJE."""
    agora = datetime.datetime.combine(HOJE, datetime.time(12), tzinfo=RECIFE)
    monkeypatch.setattr(timezone, "now", lambda: agora.astimezone(datetime.UTC))
    return HOJE


@pytest.fixture
def preparacao():
    return processo_preparacao()


# --- TRANSMITIR --------------------------------------------------------------------------


def test_transmite_so_dentro_da_janela(hoje, preparacao):
    dentro = envio_criar(preparacao, enviar_em=hoje, limite=hoje)
    antes = envio_criar(preparacao, enviar_em=hoje + datetime.timedelta(days=1))
    depois = envio_criar(
        preparacao,
        enviar_em=hoje - datetime.timedelta(days=9),
        limite=hoje - datetime.timedelta(days=1),
    )
    run = executar(Processo.Tipo.TRANSMITIR)
    assert run.situacao == Processo.Situacao.CONCLUIDO, run.erro
    for e in (dentro, antes, depois):
        e.refresh_from_db()
    assert dentro.situacao == Situacao.TRANSMITIDA and dentro.mensagem is not None
    assert antes.situacao == depois.situacao == Situacao.PREPARADA
    assert antes.mensagem is None and depois.mensagem is None
    assert Mensagem.objects.count() == 1
    assert (run.total, run.processados) == (1, 1)
    assert run.contadores == {"transmitidas": {"sms": 1, "email": 0}, "dispensadas": 0}


def test_mensagem_com_prazo_evento_origem_e_tentativas(hoje, preparacao):
    conta = conta_criar(vencimento=hoje)
    sms = envio_criar(preparacao, conta=conta, destino="(81) 99999-0001")
    email = envio_criar(preparacao, conta=conta, canal="email", max_tentativas=4)
    documento = documento_criar(validade=hoje + datetime.timedelta(days=2))
    cobranca = envio_criar(preparacao, documento=documento)
    executar(Processo.Tipo.TRANSMITIR)
    fim_do_dia = datetime.datetime(2026, 12, 5, 23, 59, 59, 999999, tzinfo=RECIFE)
    m = Mensagem.objects.get(envio_faturamento=sms)
    assert (m.canal, m.destino, m.texto, m.status) == (
        "sms",
        "+5581999990001",
        sms.texto,
        "pendente",
    )
    assert (m.evento, m.origem_tipo, m.origem_id) == ("faturamento", "conta", conta.pk)
    assert m.valida_ate == fim_do_dia and m.max_tentativas is None
    e = Mensagem.objects.get(envio_faturamento=email)
    assert (e.canal, e.destino, e.assunto, e.max_tentativas) == (
        "email",
        email.destino,
        "Sua conta",
        4,
    )
    assert e.valida_ate == fim_do_dia
    c = Mensagem.objects.get(envio_faturamento=cobranca)
    assert (c.evento, c.origem_tipo, c.origem_id) == ("cobranca", "documento", documento.pk)
    assert c.valida_ate == datetime.datetime(2026, 12, 7, 23, 59, 59, 999999, tzinfo=RECIFE)
    assert MensagemHistorico.objects.filter(para="pendente").count() == 3


def test_conta_paga_ou_documento_cancelado_e_dispensado(hoje, preparacao):
    paga = envio_criar(preparacao, conta=conta_criar(situacao=Conta.Situacao.PAGA))
    # Paid before its window opens: dispensed as well, it will never be due.
    futura = envio_criar(
        preparacao,
        conta=conta_criar(situacao=Conta.Situacao.PAGA),
        enviar_em=hoje + datetime.timedelta(days=3),
    )
    cancelado = envio_criar(
        preparacao, documento=documento_criar(situacao=DocumentoCobranca.Situacao.CANCELADA)
    )
    aberta = envio_criar(preparacao, canal="email")
    aberto_futuro = envio_criar(preparacao, enviar_em=hoje + datetime.timedelta(days=3))
    run = executar(Processo.Tipo.TRANSMITIR)
    situacoes = dict(Envio.objects.values_list("pk", "situacao"))
    assert situacoes[paga.pk] == situacoes[futura.pk] == situacoes[cancelado.pk] == "dispensada"
    assert situacoes[aberta.pk] == "transmitida"
    assert situacoes[aberto_futuro.pk] == "preparada"
    assert list(Mensagem.objects.values_list("envio_faturamento", flat=True)) == [aberta.pk]
    assert run.contadores == {"transmitidas": {"sms": 0, "email": 1}, "dispensadas": 3}


def test_repetir_nao_duplica(hoje, preparacao):
    envios = [envio_criar(preparacao, canal=c) for c in ("sms", "email", "sms")]
    primeira = executar(Processo.Tipo.TRANSMITIR)
    segunda = executar(Processo.Tipo.TRANSMITIR)
    assert primeira.contadores["transmitidas"] == {"sms": 2, "email": 1}
    assert segunda.total == 0 and segunda.contadores == {}
    assert Mensagem.objects.count() == 3
    assert {e.pk for e in envios} == set(
        Mensagem.objects.values_list("envio_faturamento", flat=True)
    )


def test_em_lotes_com_cancelamento_e_retomada(hoje, preparacao, monkeypatch):
    monkeypatch.setattr(transmissao, "LOTE", 2)
    for _ in range(5):
        envio_criar(preparacao)
    processo = processo_criar(Processo.Tipo.TRANSMITIR)
    avancar = transmissao.Execucao.avancar
    chamadas = []

    def avancar_e_cancelar(self, *a, **kw):
        chamadas.append(a)
        if len(chamadas) == 1:
            processo_cancelar(self.processo)
        return avancar(self, *a, **kw)

    monkeypatch.setattr(transmissao.Execucao, "avancar", avancar_e_cancelar)
    run = processo_executar(processo.pk)
    assert run.situacao == Processo.Situacao.CANCELADO
    assert (run.total, run.processados) == (5, 2)
    assert Envio.objects.filter(situacao=Situacao.TRANSMITIDA).count() == 2
    assert Mensagem.objects.count() == 2

    run = executar(Processo.Tipo.TRANSMITIR)
    assert (run.total, run.processados, len(chamadas)) == (3, 3, 3)
    assert Mensagem.objects.count() == 5
    assert not Envio.objects.filter(situacao=Situacao.PREPARADA).exists()


def test_referencia_limita_aos_envios_daquela_preparacao(hoje, preparacao):
    outra = processo_preparacao(referencia=202611)
    desta = envio_criar(preparacao)
    da_outra = envio_criar(outra)
    executar(Processo.Tipo.TRANSMITIR, referencia=202612)
    desta.refresh_from_db()
    da_outra.refresh_from_db()
    assert (desta.situacao, da_outra.situacao) == ("transmitida", "preparada")


def test_destino_invalido_e_transmitido_e_fica_com_erro(hoje, preparacao):
    envio = envio_criar(preparacao, destino="123")
    run = executar(Processo.Tipo.TRANSMITIR)
    envio.refresh_from_db()
    assert run.situacao == Processo.Situacao.CONCLUIDO
    assert envio.situacao == Situacao.TRANSMITIDA
    assert (envio.mensagem.status, envio.mensagem.erro_classe) == ("falhou", "numero")


# --- EXPIRAR -------------------------------------------------------------------------------


def test_expirar_envios_e_mensagens_vencidas(hoje, preparacao):
    vencido = envio_criar(
        preparacao,
        limite=hoje - datetime.timedelta(days=1),
        enviar_em=hoje - datetime.timedelta(days=6),
    )
    no_prazo = envio_criar(preparacao, limite=hoje)
    transmitido = envio_criar(preparacao)
    enviado = envio_criar(preparacao)
    executar(Processo.Tipo.TRANSMITIR)
    transmitido.refresh_from_db()
    enviado.refresh_from_db()
    Envio.objects.filter(pk=no_prazo.pk).update(situacao=Situacao.PREPARADA, mensagem=None)
    ontem = timezone.now() - datetime.timedelta(days=1)
    Mensagem.objects.filter(pk=transmitido.mensagem_id).update(valida_ate=ontem)
    Mensagem.objects.filter(pk=enviado.mensagem_id).update(valida_ate=ontem, status="enviada")
    avulsa = Mensagem.objects.create(destino="+5581999990009", texto="x", valida_ate=ontem)

    run = executar(Processo.Tipo.EXPIRAR)
    assert run.situacao == Processo.Situacao.CONCLUIDO, run.erro
    assert run.contadores == {"expiradas": 1, "mensagens_expiradas": 1}
    assert (run.total, run.processados) == (1, 1)
    situacoes = dict(Envio.objects.values_list("pk", "situacao"))
    assert situacoes[vencido.pk] == "expirada"
    assert situacoes[no_prazo.pk] == "preparada"
    m = Mensagem.objects.get(pk=transmitido.mensagem_id)
    assert (m.status, m.erro_classe) == ("descartada", "expirada")
    assert Mensagem.objects.get(pk=enviado.mensagem_id).status == "enviada"
    avulsa.refresh_from_db()
    assert avulsa.status == "pendente"  # not the batch's: the sweep's business

    again = executar(Processo.Tipo.EXPIRAR)
    assert again.contadores == {"mensagens_expiradas": 0}


# --- counts ----------------------------------------------------------------------------------


def test_contagens_do_processo(hoje, preparacao, django_assert_num_queries):
    outra = processo_preparacao(referencia=202611)
    envio_criar(outra)  # another run's: never counted here
    por = {}
    for nome, canal in [
        ("preparada", "sms"),
        ("enviada", "sms"),
        ("entregue", "sms"),
        ("falhou", "email"),
        ("incerta", "sms"),
        ("descartada", "email"),
        ("descartada_expirada", "sms"),
        ("pendente", "email"),
        ("expirada", "email"),
        ("dispensada", "sms"),
        ("paga_depois", "email"),
    ]:
        por[nome] = envio_criar(preparacao, canal=canal)
    Envio.objects.filter(pk=por["preparada"].pk).update(enviar_em=hoje + datetime.timedelta(1))
    Envio.objects.filter(pk=por["expirada"].pk).update(situacao="expirada")
    Envio.objects.filter(pk=por["dispensada"].pk).update(situacao="dispensada")
    Envio.objects.filter(processo=outra).update(enviar_em=hoje + datetime.timedelta(1))
    executar(Processo.Tipo.TRANSMITIR)

    def mensagem(nome):
        return Mensagem.objects.filter(envio_faturamento=por[nome])

    mensagem("enviada").update(status="enviada")
    mensagem("entregue").update(status="enviada", entrega="entregue")
    mensagem("falhou").update(status="falhou")
    mensagem("incerta").update(status="incerta")
    mensagem("descartada").update(status="descartada")
    mensagem("descartada_expirada").update(status="descartada", erro_classe="expirada")
    # Paid after transmission: the import dispenses the Envio and discards its message.
    mensagem("paga_depois").update(status="descartada")
    Envio.objects.filter(pk=por["paga_depois"].pk).update(situacao="dispensada")

    with django_assert_num_queries(1):
        contagens = transmissao.contagens_do_processo(preparacao)
    por_canal = contagens.pop("por_canal")
    assert contagens == {
        "geradas": 11,
        "aguardando": 1,
        "transmitidas": 8,
        "enviadas": 2,
        "entregues": 1,
        "falhas": 3,
        "expiradas": 2,
        "dispensadas": 2,
    }
    assert por_canal["email"] == {
        "geradas": 5,
        "aguardando": 0,
        "transmitidas": 4,
        "enviadas": 0,
        "entregues": 0,
        "falhas": 2,
        "expiradas": 1,
        "dispensadas": 1,
    }
    assert por_canal["sms"]["geradas"] == 6


def test_contagens_de_processo_sem_envios(preparacao):
    contagens = transmissao.contagens_do_processo(preparacao)
    assert contagens["geradas"] == 0 and contagens["por_canal"]["sms"]["enviadas"] == 0
