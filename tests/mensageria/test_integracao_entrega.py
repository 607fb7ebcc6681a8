"""Long SMS, delivery reports and inbound SMS through the real pipeline: PostgreSQL,
Redis, a Celery worker subprocess, the GSM backend and the emulator on a pty."""

import importlib.util

import pytest

from mensageria import services
from mensageria.emulador import ler_log
from mensageria.emulador.pdu import codificar_status_report
from mensageria.models import Mensagem, Modem, Parametros, RelatorioEntrega
from mensageria.tasks import modem_ler_saude_task

from . import integracao
from .integracao import esperar, esperar_status

pytestmark = pytest.mark.django_db(transaction=True)
TRES_PARTES = "Aviso de interrupção: " + "ç" * 150  # 172 UCS-2 characters: 3 parts of 67


@pytest.fixture
def modem(emu):
    emu.entrega_padrao = "entregue"
    p = Parametros.atuais()
    p.tamanho_maximo = 300
    p.save()
    return Modem.objects.create(
        nome=integracao.NOME_MODEM,
        dispositivo=str(emu.link),
        intervalo_segundos=0,
        timeout_segundos=2,
        max_tentativas=2,
    )


def criar(modem, texto="Protocolo 20261000000001", destino="+5581999990001"):
    return services.mensagem_sms_criar(destino=destino, texto=texto, modem=modem)


def esperar_entrega(mensagem_id, alvo, limite=30) -> Mensagem:
    esperar(
        lambda: Mensagem.objects.get(pk=mensagem_id).entrega == alvo,
        limite=limite,
        mensagem=f"entrega {alvo} da mensagem {mensagem_id}",
    )
    return Mensagem.objects.get(pk=mensagem_id)


def test_sms_em_tres_partes_com_udh_e_tres_intervalos(emu, modem):
    Modem.objects.filter(pk=modem.pk).update(intervalo_segundos=0.4)
    emu.entregas["+5581999990001"] = "sem-relatorio"
    longa = criar(modem, texto=TRES_PARTES)
    seguinte = criar(modem, destino="+5581999990002")
    longa, seguinte = esperar_status(longa.pk), esperar_status(seguinte.pk)
    assert longa.status == seguinte.status == "enviada"
    primeiro, segundo = ler_log(emu.log_enviados)
    assert primeiro["texto"] == TRES_PARTES and primeiro["codificacao"] == "ucs2"
    assert primeiro["partes"] == longa.partes == 3
    [ref] = {u[0] for u in primeiro["udh"]}
    assert primeiro["udh"] == [[ref, 3, 1], [ref, 3, 2], [ref, 3, 3]]
    assert primeiro["relatorio"] and segundo["relatorio"]  # TP-SRR on every part
    # Every part's +CMGS reference, in order; the first is `referencia`.
    assert longa.referencias == primeiro["referencias"] and len(set(longa.referencias)) == 3
    assert longa.referencia == longa.referencias[0]
    assert seguinte.referencias == segundo["referencias"]
    # Three parts are three sends: the next message starts 3 intervals later (the
    # 10 ms margin absorbs clock slewing between processes, as in the pacing test).
    assert (seguinte.enviando_desde - longa.enviando_desde).total_seconds() >= 3 * 0.4 - 0.01
    assert longa.entrega == "aguardando"


def test_relatorio_de_entrega_marca_entregue(emu, modem):
    m = esperar_entrega(criar(modem).pk, "entregue")
    assert m.entrega_em is not None and m.entrega_status == 0
    [relatorio] = RelatorioEntrega.objects.filter(mensagem=m)
    assert relatorio.referencia == m.referencia and relatorio.destino == "+5581999990001"
    assert relatorio.entregue


def test_sms_em_partes_e_entregue_quando_todas_chegam(emu, modem):
    m = esperar_entrega(criar(modem, texto=TRES_PARTES).pk, "entregue")
    assert sorted(RelatorioEntrega.objects.filter(mensagem=m).values_list("referencia", flat=True))
    assert RelatorioEntrega.objects.filter(mensagem=m).count() == 3


def test_relatorio_de_falha_marca_nao_entregue_com_o_motivo(emu, modem):
    emu.entregas["+5581999990001"] = "naoentregue:0x41"
    m = esperar_entrega(criar(modem).pk, "nao_entregue")
    assert m.status == "enviada" and m.entrega_status == 0x41
    assert "número incompatível" in m.entrega_texto


def test_relatorio_de_referencia_desconhecida_e_guardado_sem_quebrar(emu, modem):
    assert esperar_status(criar(modem).pk).status == "enviada"  # the worker holds the port
    emu.relatorio_injetar(250, "+5581999990009", 0)
    esperar(
        lambda: RelatorioEntrega.objects.filter(referencia=250).exists(),
        mensagem="relatório desconhecido guardado",
    )
    assert RelatorioEntrega.objects.get(referencia=250).mensagem is None
    # The worker carries on.
    assert esperar_entrega(criar(modem, destino="+5581999990002").pk, "entregue").entrega_em


def test_relatorio_guardado_no_modem_e_lido_pela_leitura_periodica(emu, modem):
    assert esperar_status(criar(modem).pk).status == "enviada"
    emu.entregas["+5581999990002"] = "sem-relatorio"
    m = esperar_status(criar(modem, destino="+5581999990002").pk)
    # A report stored while no notification reached us (a lost +CDSI).
    pdu, _ = codificar_status_report(
        m.referencia, m.destino, 0, enviada_em=m.enviada_em, entregue_em=m.enviada_em
    )
    emu._guardar("SR", pdu)
    modem_ler_saude_task.apply_async(args=[modem.pk], queue=modem.fila)
    assert esperar_entrega(m.pk, "entregue").entrega_em
    assert emu.memorias["SR"] == {}  # read, recorded, then deleted


# --- inbound SMS ---------------------------------------------------------------------

# Storage of inbound SMS is another slice's (services.recebidos); until it lands these wait.
com_recebidos = pytest.mark.skipif(
    importlib.util.find_spec("mensageria.services.recebidos") is None,
    reason="mensageria.services.recebidos ainda não existe",
)


def esperar_recebido(remetente, limite=30):
    from mensageria.models import SmsRecebido

    esperar(
        lambda: SmsRecebido.objects.filter(remetente=remetente).exists(),
        limite=limite,
        mensagem=f"SMS de {remetente} guardado",
    )
    return list(SmsRecebido.objects.filter(remetente=remetente))


def apagados_me(emu):
    """AT+CMGD of inbound SMS (the receive memory), not of delivery reports (SR)."""
    return [a for a in emu.apagados if a["memoria"] == "ME"]


@pytest.fixture
def conta_ao_apagar(emu):
    """At each AT+CMGD: how many rows from that sender were committed already."""
    from django.db import connections

    from mensageria.models import SmsRecebido
    from mensageria.pdu import decodificar_recebida

    vistos = []

    def ao_apagar(registro):
        remetente = getattr(decodificar_recebida(registro["pdu"]), "remetente", None)
        if remetente is None:
            return  # a delivery report
        vistos.append(SmsRecebido.objects.filter(remetente=remetente).count())
        connections.close_all()

    emu.ao_apagar = ao_apagar
    return vistos


@pytest.fixture
def modem_conectado(emu, modem):
    emu.entrega_padrao = "sem-relatorio"  # only inbound SMS in these tests
    assert esperar_status(criar(modem).pk).status == "enviada"  # the worker holds the port
    yield modem
    # An automatic answer may still be on its way: let it go before the flush.
    esperar(
        lambda: not Mensagem.objects.filter(status__in=["pendente", "enviando"]).exists(),
        limite=30,
        mensagem="respostas enviadas",
    )


@com_recebidos
@pytest.mark.parametrize(
    ("texto", "ucs2"),
    [("Água faltando na rua São José, protocolo 2026.1000.000001?", True), ("", False)],
    ids=["ucs2", "vazio"],
)
def test_sms_recebido_guardado_antes_de_sair_do_sim(
    emu, modem_conectado, conta_ao_apagar, texto, ucs2
):
    [indice] = emu.receber_sms("+5581988887777", texto, ucs2=ucs2)
    [sms] = esperar_recebido("+5581988887777")
    assert sms.texto == texto and sms.partes == 1 and sms.modem == modem_conectado
    assert sms.recebido_em is not None
    esperar(lambda: apagados_me(emu), mensagem="SMS apagado do SIM")
    assert [a["indice"] for a in apagados_me(emu)] == [indice]
    assert conta_ao_apagar == [1]  # the row was committed before AT+CMGD


@com_recebidos
def test_sms_em_dez_partes_remontado_uma_vez(emu, modem_conectado, conta_ao_apagar):
    texto = "".join(f"[parte {i}: " + "z" * 140 + "]" for i in range(1, 11))
    indices = emu.receber_sms("+5581988886666", texto, partes=10)
    assert len(indices) == 10
    [sms] = esperar_recebido("+5581988886666")
    assert sms.texto == texto and sms.partes == 10
    esperar(lambda: len(apagados_me(emu)) == 10, mensagem="as 10 partes apagadas")
    assert sorted(a["indice"] for a in apagados_me(emu)) == sorted(indices)
    assert conta_ao_apagar == [1] * 10
    assert emu.memorias["ME"] == {}


@com_recebidos
def test_partes_incompletas_ficam_no_sim(emu, modem_conectado):
    from mensageria.models import SmsRecebido

    indices = emu.receber_sms("+5581988885555", "abc" * 200, partes=3, omitir={2})
    assert len(indices) == 2
    modem_ler_saude_task.apply_async(args=[modem_conectado.pk], queue=modem_conectado.fila)
    esperar(
        lambda: Modem.objects.get(pk=modem_conectado.pk).saude_lida_em is not None,
        mensagem="leitura periódica",
    )
    # The same task's listing ran too; a later send proves the worker moved on.
    assert esperar_status(criar(modem_conectado, destino="+5581999990003").pk).status == "enviada"
    assert not SmsRecebido.objects.filter(remetente="+5581988885555").exists()
    assert sorted(emu.memorias["ME"]) == sorted(indices) and apagados_me(emu) == []


@com_recebidos
def test_sms_sem_aviso_e_lido_pela_leitura_periodica(emu, modem_conectado):
    emu.receber_sms("+5581988884444", "consulta 20261000000001", avisar=False)
    modem_ler_saude_task.apply_async(args=[modem_conectado.pk], queue=modem_conectado.fila)
    [sms] = esperar_recebido("+5581988884444")
    assert sms.texto == "consulta 20261000000001"


@com_recebidos
def test_sms_recebido_durante_a_fila_e_lido_entre_dois_envios(emu, modem_conectado):
    """A +CMTI while the worker drains a queue is read before the queue ends."""
    from mensageria.models import SmsRecebido

    Modem.objects.filter(pk=modem_conectado.pk).update(intervalo_segundos=0.3)
    emu.latencia = 0.3
    ids = [criar(modem_conectado, destino=f"+558199999100{i}").pk for i in range(6)]
    esperar_status(ids[0], "enviada")
    emu.receber_sms("+5581988883333", "20261000000001")
    for pk in ids:
        esperar_status(pk)
    [sms] = esperar_recebido("+5581988883333")
    ultima = Mensagem.objects.get(pk=ids[-1])
    assert sms.lido_em < ultima.enviando_desde
    assert SmsRecebido.objects.filter(remetente="+5581988883333").count() == 1
    # (The automatic answer to the query, if any, goes to the sender: not counted here.)
    enviados = [r["numero"] for r in ler_log(emu.log_enviados) if r["numero"] != "+5581988883333"]
    assert enviados == ["+5581999990001", *(f"+558199999100{i}" for i in range(6))]
