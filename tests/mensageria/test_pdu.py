"""PDU mode: the emulator's encoders (SMS-DELIVER, SMS-STATUS-REPORT) and our decoders.

The emulator's encoder is checked against published PDUs and against
python-gsmmodem-new's decoder, so the pair "emulator encodes, backend decodes" is
not one piece of code agreeing with itself.
"""

import datetime

import pytest
from gsmmodem.pdu import decodeSmsPdu, encodeSmsSubmitPdu

from mensageria.emulador.pdu import (
    codificar_deliver,
    codificar_status_report,
    dividir_texto,
)
from mensageria.pdu import (
    Deliver,
    PduInvalida,
    RelatorioStatus,
    decodificar_recebida,
    decodificar_submit,
)

RECIFE = datetime.timezone(datetime.timedelta(hours=-3))
QUANDO = datetime.datetime(2026, 12, 1, 10, 32, 5, tzinfo=RECIFE)


def test_pdu_publicado_de_sms_deliver():
    # The classic example of GSM 03.40 tutorials (dreamfabric.com): "How are you?".
    sms = decodificar_recebida(
        "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07"
    )
    assert sms == Deliver(
        "+31641600986",
        "How are you?",
        "gsm7",
        None,
        datetime.datetime(2002, 8, 26, 19, 37, 41, tzinfo=datetime.UTC),
    )


def test_deliver_gsm7_bate_com_o_decodificador_do_gsmmodem():
    pdu = codificar_deliver("+5581999990001", "Protocolo 2026 [ok] {x}", quando=QUANDO)
    sms = decodificar_recebida(pdu)
    assert (sms.remetente, sms.texto, sms.codificacao) == (
        "+5581999990001",
        "Protocolo 2026 [ok] {x}",
        "gsm7",
    )
    assert sms.enviada_em == QUANDO and sms.enviada_em.utcoffset() == datetime.timedelta(hours=-3)
    outro = decodeSmsPdu(pdu)
    assert outro["type"] == "SMS-DELIVER"
    assert (outro["number"], outro["text"]) == ("+5581999990001", "Protocolo 2026 [ok] {x}")
    assert outro["time"] == QUANDO


def test_deliver_ucs2_e_vazio():
    ucs2 = codificar_deliver("+5581999990001", "Água já religada? Não", ucs2=True, quando=QUANDO)
    assert decodificar_recebida(ucs2).texto == "Água já religada? Não"
    assert decodificar_recebida(ucs2).codificacao == "ucs2"
    assert decodeSmsPdu(ucs2)["text"] == "Água já religada? Não"
    # An empty SMS is a valid SMS (TP-UDL = 0).
    vazio = codificar_deliver("+5581999990001", "", quando=QUANDO)
    assert vazio.endswith("00")
    assert decodificar_recebida(vazio).texto == ""
    # A character outside GSM-7 forces UCS-2 even when not asked.
    assert decodificar_recebida(codificar_deliver("+5581999990001", "ção")).codificacao == "ucs2"


@pytest.mark.parametrize("ucs2", [False, True])
def test_deliver_concatenado_em_dez_partes(ucs2):
    texto = "Solicitação " * 55 if ucs2 else "Solicitacao " * 127  # 660 UCS-2, 1524 septets
    partes = dividir_texto(texto, ucs2=ucs2)
    assert len(partes) == 10
    assert "".join(partes) == texto
    pdus = [
        codificar_deliver("+5581999990001", p, ucs2=ucs2, concatenacao=(77, 10, i))
        for i, p in enumerate(partes, start=1)
    ]
    lidas = [decodificar_recebida(p) for p in pdus]
    assert [s.concatenacao for s in lidas] == [(77, 10, i) for i in range(1, 11)]
    assert "".join(s.texto for s in lidas) == texto
    # gsmmodem reads the same user data header and text.
    for pdu, parte in zip(pdus, partes, strict=True):
        outro = decodeSmsPdu(pdu)
        assert outro["text"] == parte
        assert (outro["udh"][0].reference, outro["udh"][0].parts) == (77, len(partes))


def test_divisao_gsm7_nao_separa_caractere_de_extensao():
    texto = "x" * 152 + "€" + "y" * 10
    partes = dividir_texto(texto, ucs2=False)
    assert partes[0] == "x" * 152 and partes[1].startswith("€")


def test_status_report_ida_e_volta():
    entregue_em = QUANDO + datetime.timedelta(seconds=40)
    pdu, tamanho = codificar_status_report(
        201, "+5581999990001", 0x41, enviada_em=QUANDO, entregue_em=entregue_em
    )
    assert tamanho == len(bytes.fromhex(pdu)) - 8  # the SMSC field of the emulator is 8 octets
    assert decodificar_recebida(pdu) == RelatorioStatus(
        201, "+5581999990001", QUANDO, entregue_em, 0x41
    )
    outro = decodeSmsPdu(pdu)
    assert (outro["type"], outro["reference"], outro["status"]) == ("SMS-STATUS-REPORT", 201, 0x41)
    assert outro["number"] == "+5581999990001"


def test_status_report_de_fuso_positivo_e_numero_nacional():
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    quando = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=tokyo)
    pdu, _ = codificar_status_report(7, "81999990001", 0, enviada_em=quando, entregue_em=quando)
    relatorio = decodificar_recebida(pdu)
    assert relatorio.destino == "81999990001" and relatorio.entregue_em == quando


def test_submit_do_gsmmodem_pede_relatorio_e_leva_udh():
    [pdu] = encodeSmsSubmitPdu("+5581999990001", "Oi", reference=3, requestStatusReport=True)
    submit = decodificar_submit(str(pdu))
    assert submit.relatorio is True and submit.texto == "Oi"
    [sem] = encodeSmsSubmitPdu("+5581999990001", "Oi", requestStatusReport=False)
    assert decodificar_submit(str(sem)).relatorio is False
    partes = encodeSmsSubmitPdu("+5581999990001", "ç" * 150, requestStatusReport=True)
    lidas = [decodificar_submit(str(p)) for p in partes]
    assert [s.concatenacao[1:] for s in lidas] == [(3, 1), (3, 2), (3, 3)]
    assert len({s.concatenacao[0] for s in lidas}) == 1
    assert "".join(s.texto for s in lidas) == "ç" * 150 and lidas[0].codificacao == "ucs2"


@pytest.mark.parametrize(
    "hexa", ["", "zz", "07911326040000F004", "0791551899990000", "07915518999900000A00"]
)
def test_pdu_malformada_e_pdu_invalida(hexa):
    with pytest.raises(PduInvalida):
        decodificar_recebida(hexa)
