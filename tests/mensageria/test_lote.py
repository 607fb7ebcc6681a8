"""Many messages at once (the billing batch): ``mensagens_criar_lote`` and the bulk
discard ``mensagens_descartar``."""

import datetime
import zoneinfo

import pytest

import gsan.celery
from mensageria import services, tasks
from mensageria.models import Mensagem, MensagemHistorico

from .factories import modem_criar

pytestmark = pytest.mark.django_db
Status = Mensagem.Status
RECIFE = zoneinfo.ZoneInfo("America/Recife")
VALIDA_ATE = datetime.datetime(2026, 12, 10, 23, 59, 59, tzinfo=RECIFE)


class Publicadas(list):
    conexoes: list


@pytest.fixture
def filas(monkeypatch):
    """Every task published, and how many broker connections were opened for them."""
    publicadas = Publicadas()
    conexoes = []
    original = gsan.celery.conexao_publicar

    def apply_async(args=None, queue=None, **kwargs):
        publicadas.append((args[0], queue))

    def conexao_publicar(*a, **kw):
        conexoes.append(1)
        return original(*a, **kw)

    monkeypatch.setattr(tasks.mensagem_enviar_task, "apply_async", apply_async)
    monkeypatch.setattr(gsan.celery, "conexao_publicar", conexao_publicar)
    publicadas.conexoes = conexoes
    return publicadas


def sms(destino="(81) 99999-0001", texto="Sua conta vence em 10/12/2026.", **kw):
    return {
        "canal": "sms",
        "destino": destino,
        "texto": texto,
        "evento": Mensagem.Evento.FATURAMENTO,
        **kw,
    }


def email(destino="Maria@Exemplo.com.br", texto="Sua conta vence em 10/12/2026.", **kw):
    return {
        "canal": "email",
        "destino": destino,
        "assunto": "Conta de\r\ndezembro",
        "texto": texto,
        "evento": Mensagem.Evento.FATURAMENTO,
        **kw,
    }


def test_cria_sms_e_email_com_as_regras_de_cada_canal(filas, django_capture_on_commit_callbacks):
    modem = modem_criar(nome="principal")
    longo = "Conta " + "á" * 100  # an accent: UCS-2, 70 per part → 2 parts
    with django_capture_on_commit_callbacks(execute=True):
        criadas = services.mensagens_criar_lote(
            [
                sms(origem_tipo="conta", origem_id=7, valida_ate=VALIDA_ATE),
                email(origem_tipo="conta", origem_id=7, valida_ate=VALIDA_ATE, max_tentativas=2),
                sms(
                    destino="81999990002",
                    texto=longo,
                    evento=Mensagem.Evento.COBRANCA,
                    origem_tipo="documento",
                    origem_id=9,
                ),
            ]
        )
    a, b, c = (Mensagem.objects.get(pk=m.pk) for m in criadas)
    assert (a.canal, a.destino, a.modem, a.partes, a.codificacao) == (
        "sms",
        "+5581999990001",
        modem,
        1,
        "gsm7",
    )
    assert (a.evento, a.origem_tipo, a.origem_id, a.valida_ate) == (
        "faturamento",
        "conta",
        7,
        VALIDA_ATE,
    )
    assert (b.canal, b.destino, b.modem, b.assunto, b.max_tentativas) == (
        "email",
        "maria@exemplo.com.br",
        None,
        "Conta de dezembro",
        2,
    )
    assert (c.partes, c.codificacao, c.evento, c.origem_tipo, c.origem_id) == (
        2,
        "ucs2",
        "cobranca",
        "documento",
        9,
    )
    assert {m.status for m in (a, b, c)} == {Status.PENDENTE}
    assert a.max_tentativas is None and c.valida_ate is None
    assert all(m.enfileirada_em is not None for m in (a, b, c))
    assert sorted(filas) == sorted([(a.pk, modem.fila), (b.pk, "email"), (c.pk, modem.fila)])
    assert len(filas.conexoes) == 1  # one broker connection for the whole batch
    for m in (a, b, c):
        assert list(m.historico.values_list("de", "para")) == [("", "pendente")]


def test_invalidas_ficam_com_erro_e_nao_impedem_as_outras(
    filas, django_capture_on_commit_callbacks
):
    modem_criar(nome="principal")
    with django_capture_on_commit_callbacks(execute=True):
        criadas = services.mensagens_criar_lote(
            [
                sms(destino="123"),
                email(destino="maria@"),
                sms(texto="x" * 400),
                email(texto="   "),
                sms(),
            ]
        )
    numero, endereco, longo, vazio, boa = (Mensagem.objects.get(pk=m.pk) for m in criadas)
    assert (numero.status, numero.erro_classe) == (Status.FALHOU, "numero")
    assert (endereco.status, endereco.erro_classe) == (Status.FALHOU, "email")
    assert endereco.erro_texto == "O endereço de e-mail “maria@” não é válido."
    assert (longo.status, longo.erro_classe) == (Status.FALHOU, "texto")
    assert "164" in longo.erro_texto
    assert (vazio.status, vazio.erro_texto) == (Status.FALHOU, "O e-mail não tem texto.")
    assert boa.status == Status.PENDENTE
    assert filas == [(boa.pk, boa.modem.fila)]
    assert list(numero.historico.values_list("de", "para", "observacao")) == [
        ("", "pendente", ""),
        ("pendente", "falhou", numero.erro_texto),
    ]


def test_as_mesmas_regras_que_a_criacao_de_uma(filas):
    """The batch and ``mensagem_sms_criar`` store the same fields for the same input."""
    modem_criar(nome="principal")
    texto = "Olá \x1a Maria, sua conta venceu."
    uma = services.mensagem_sms_criar(destino="81 99999-0001", texto=texto, evento="faturamento")
    (lote,) = services.mensagens_criar_lote([sms(destino="81 99999-0001", texto=texto)])
    campos = ("destino", "texto", "codificacao", "partes", "status", "modem_id")
    assert [getattr(lote, c) for c in campos] == [getattr(uma, c) for c in campos]
    assert "\x1a" not in lote.texto


def test_distribui_pelos_modems_com_menos_trabalho_em_espera(filas):
    ocupado = modem_criar(nome="ocupado")
    livre = modem_criar(nome="livre")
    pausado = modem_criar(nome="pausado", pausado_em=datetime.datetime.now(datetime.UTC))
    services.mensagem_sms_criar(destino="81999990009", texto="Espera", modem=ocupado)
    Mensagem.objects.update(partes=3)  # ocupado has 3 parts waiting
    criadas = services.mensagens_criar_lote([sms() for _ in range(5)])
    modems = [m.modem for m in criadas]
    # livre takes the first 3 (0, 1, 2 parts waiting); then they alternate from equal load.
    assert modems[:3] == [livre, livre, livre]
    assert modems.count(ocupado) == 1 and modems.count(livre) == 4
    assert pausado not in modems


def test_sem_modem_disponivel_fica_pendente_para_a_varredura(filas):
    modem_criar(nome="pausado", pausado_em=datetime.datetime.now(datetime.UTC))
    (m,) = services.mensagens_criar_lote([sms()])
    assert m.status == Status.PENDENTE and m.modem is None
    assert filas == []


def test_numero_de_consultas_nao_cresce_com_o_lote(filas, django_assert_max_num_queries):
    modem_criar(nome="principal")
    with django_assert_max_num_queries(8):
        services.mensagens_criar_lote([sms(), email()])
    with django_assert_max_num_queries(8):
        services.mensagens_criar_lote([sms() if i % 2 else email() for i in range(200)])
    assert Mensagem.objects.count() == 202
    assert MensagemHistorico.objects.count() == 202


def test_lote_vazio_nao_faz_nada(filas, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert services.mensagens_criar_lote([]) == []


# --- bulk discard ----------------------------------------------------------------------


@pytest.fixture
def varias(filas):
    modem_criar(nome="principal")
    criadas = services.mensagens_criar_lote([sms() for _ in range(6)])
    por_status = dict(zip(Status.values, criadas, strict=True))
    for status, m in por_status.items():
        Mensagem.objects.filter(pk=m.pk).update(status=status)
    return por_status


def test_descartar_so_as_que_nunca_sairam(varias, supervisor):
    n = services.mensagens_descartar(
        Mensagem.objects.all(), motivo="Conta paga antes do envio.", usuario=supervisor
    )
    assert n == 2
    status = dict(Mensagem.objects.values_list("pk", "status"))
    assert status[varias["pendente"].pk] == status[varias["falhou"].pk] == Status.DESCARTADA
    for intocada in ("enviando", "enviada", "incerta"):
        assert status[varias[intocada].pk] == intocada
    pendente = Mensagem.objects.get(pk=varias["pendente"].pk)
    assert pendente.erro_texto == "Conta paga antes do envio."
    ultima = pendente.historico.last()
    assert (ultima.de, ultima.para, ultima.usuario) == ("pendente", "descartada", supervisor)
    assert ultima.observacao == "Descartada: Conta paga antes do envio."
    falhou = Mensagem.objects.get(pk=varias["falhou"].pk).historico.last()
    assert (falhou.de, falhou.para) == ("falhou", "descartada")
    # Again: nothing left to discard, no second history row.
    assert services.mensagens_descartar(Mensagem.objects.all(), motivo="De novo.") == 0
    assert pendente.historico.count() == 2


def test_descartar_por_ids_com_classe(varias):
    ids = [varias["pendente"].pk, varias["enviada"].pk]
    assert services.mensagens_descartar(ids, motivo="Expirou.", classe="expirada", lote=1) == 1
    pendente = Mensagem.objects.get(pk=varias["pendente"].pk)
    assert (pendente.status, pendente.erro_classe) == (Status.DESCARTADA, "expirada")
    assert Mensagem.objects.get(pk=varias["enviada"].pk).status == Status.ENVIADA
