"""The emulator's side of PDU mode (3GPP TS 23.040).

It decodes the SMS-SUBMIT a sender wrote (``mensageria.pdu``: the sender
encodes with python-gsmmodem-new, so what the tests read is what went over the
wire) and encodes, with its own GSM-7 packing, the SMS-DELIVER (an SMS a
citizen sent) and SMS-STATUS-REPORT (a delivery report) a real network gives a
modem.
"""

import datetime

from ..pdu import PduInvalida, Submit, decodificar_submit
from ..texto import GSM7_BASICO, GSM7_EXTENSAO

__all__ = [
    "PduInvalida",
    "Submit",
    "codificar_deliver",
    "codificar_status_report",
    "decodificar_submit",
    "dividir_texto",
]

SMSC = "+558199990000"
_BASICO = {c: i for i, c in enumerate(GSM7_BASICO) if c != "\x1b"}


def codificar_gsm7(texto: str) -> list[int] | None:
    """GSM-7 codes of ``texto`` (extension characters as ESC + code), or None."""
    codigos = []
    for c in texto:
        if c in _BASICO:
            codigos.append(_BASICO[c])
        elif c in GSM7_EXTENSAO:
            codigos += [0x1B, GSM7_EXTENSAO[c]]
        else:
            return None
    return codigos


def empacotar_septetos(codigos: list[int], bits_preenchimento: int = 0) -> bytes:
    valor = 0
    for i, codigo in enumerate(codigos):
        valor |= (codigo & 0x7F) << (7 * i)
    valor <<= bits_preenchimento
    total_bits = bits_preenchimento + 7 * len(codigos)
    return valor.to_bytes((total_bits + 7) // 8, "little")


def dividir_texto(texto: str, *, ucs2: bool) -> list[str]:
    """Parts of a concatenated SMS: 153 septets (never splitting ESC + code) or 67 UCS-2."""
    if ucs2:
        return [texto[i : i + 67] for i in range(0, len(texto), 67)] or [""]
    if len(codificar_gsm7(texto) or []) <= 160:
        return [texto]
    partes, atual, tamanho = [], [], 0
    for c in texto:
        largura = 2 if c in GSM7_EXTENSAO else 1
        if tamanho + largura > 153:
            partes.append("".join(atual))
            atual, tamanho = [], 0
        atual.append(c)
        tamanho += largura
    partes.append("".join(atual))
    return partes


def _semi_octetos(digitos: str) -> bytes:
    if len(digitos) % 2:
        digitos += "F"
    return bytes(
        int(digitos[i + 1], 16) << 4 | int(digitos[i], 16) for i in range(0, len(digitos), 2)
    )


def _endereco(numero: str) -> bytes:
    digitos = numero.lstrip("+")
    tipo = 0x91 if numero.startswith("+") else 0x81
    return bytes([len(digitos), tipo]) + _semi_octetos(digitos)


def _smsc() -> bytes:
    corpo = bytes([0x91]) + _semi_octetos(SMSC.lstrip("+"))
    return bytes([len(corpo)]) + corpo


def _carimbo(quando: datetime.datetime) -> bytes:
    quando = quando if quando.tzinfo else quando.replace(tzinfo=datetime.UTC)
    quartos = int(quando.utcoffset().total_seconds() // 900)
    campos = [
        quando.year % 100,
        quando.month,
        quando.day,
        quando.hour,
        quando.minute,
        quando.second,
    ]
    octetos = [(v % 10) << 4 | (v // 10) for v in campos]
    fuso = (abs(quartos) % 10) << 4 | (abs(quartos) // 10)
    octetos.append(fuso | (0x08 if quartos < 0 else 0))
    return bytes(octetos)


def codificar_deliver(
    remetente: str,
    texto: str,
    *,
    ucs2: bool = False,
    quando: datetime.datetime | None = None,
    concatenacao: tuple[int, int, int] | None = None,
) -> str:
    """One SMS-DELIVER PDU (hex, SMSC first). ``concatenacao`` = (reference, total, sequence)."""
    codigos = None if ucs2 else codificar_gsm7(texto)
    if codigos is None:
        ucs2 = True
    cabecalho = b""
    if concatenacao:
        cabecalho = bytes([0x05, 0x00, 0x03, *concatenacao])
    if ucs2:
        corpo = cabecalho + texto.encode("utf-16-be")
        dcs, udl = 0x08, len(corpo)
    else:
        bits = len(cabecalho) * 8
        preenchimento = (7 - bits % 7) % 7
        dcs = 0x00
        udl = (bits + preenchimento) // 7 + len(codigos)
        corpo = cabecalho + empacotar_septetos(codigos, preenchimento)
    primeiro = 0x04 | (0x40 if cabecalho else 0)  # SMS-DELIVER, no more messages
    tpdu = (
        bytes([primeiro])
        + _endereco(remetente)
        + bytes([0x00, dcs])
        + _carimbo(quando or datetime.datetime.now(datetime.UTC))
        + bytes([udl])
        + corpo
    )
    return (_smsc() + tpdu).hex().upper()


def codificar_status_report(
    referencia: int,
    destino: str,
    status: int,
    *,
    enviada_em: datetime.datetime,
    entregue_em: datetime.datetime,
) -> tuple[str, int]:
    """One SMS-STATUS-REPORT PDU (hex, SMSC first) and its TPDU length (for +CDS: n)."""
    tpdu = (
        bytes([0x06, referencia & 0xFF])  # SMS-STATUS-REPORT, TP-SRQ=0, no more messages
        + _endereco(destino)
        + _carimbo(enviada_em)
        + _carimbo(entregue_em)
        + bytes([status & 0xFF])
    )
    return (_smsc() + tpdu).hex().upper(), len(tpdu)
