"""Decode SMS TPDUs (3GPP TS 23.040 §9.2) in PDU mode, as a modem gives them.

* SMS-SUBMIT (§9.2.2.2): what a sender hands the modem; the emulator decodes it
  to check what really went over the wire (the sender encodes with
  python-gsmmodem-new, so encoder and decoder are independent).
* SMS-DELIVER (§9.2.2.1): an SMS a citizen sent us, read with AT+CMGR/AT+CMGL.
* SMS-STATUS-REPORT (§9.2.2.3): a delivery report (+CDS, or stored and announced
  by +CDSI).

Every hex string starts with the SMSC address (AT+CMGF=0 convention). Malformed
input raises :class:`PduInvalida`, never anything else.
"""

import datetime
from dataclasses import dataclass

from .texto import decodificar_gsm7, desempacotar_septetos


class PduInvalida(ValueError):
    pass


@dataclass(frozen=True)
class Submit:
    numero: str
    texto: str
    codificacao: str  # "gsm7" | "ucs2" | "8bit"
    referencia_mr: int
    concatenacao: tuple[int, int, int] | None  # (reference, total, sequence)
    tamanho_tpdu: int
    relatorio: bool = False  # TP-SRR: a status report was requested


@dataclass(frozen=True)
class Deliver:
    remetente: str
    texto: str
    codificacao: str
    concatenacao: tuple[int, int, int] | None  # (reference, total, sequence)
    enviada_em: datetime.datetime | None  # TP-SCTS: when the SMSC took it


@dataclass(frozen=True)
class RelatorioStatus:
    referencia: int  # TP-MR of the SMS-SUBMIT it reports on
    destino: str  # TP-RA
    enviada_em: datetime.datetime | None  # TP-SCTS
    entregue_em: datetime.datetime | None  # TP-DT: delivery (or last attempt) time
    status: int  # TP-ST


def _hexa(hexa: str) -> bytes:
    try:
        return bytes.fromhex(hexa.strip())
    except ValueError as exc:
        raise PduInvalida("PDU não é hexadecimal") from exc


def _semi_octetos(dados: bytes, digitos: int) -> str:
    saida = []
    for b in dados:
        saida.append("0123456789*#abc"[b & 0x0F] if (b & 0x0F) != 0x0F else "")
        alto = b >> 4
        if alto != 0x0F:
            saida.append("0123456789*#abc"[alto])
    return "".join(saida)[:digitos]


def _endereco(tpdu: bytes, i: int) -> tuple[str, int]:
    """Decode an address field (§9.1.2.5) at ``i``; return (address, next index)."""
    digitos, tipo = tpdu[i], tpdu[i + 1]
    octetos = (digitos + 1) // 2
    bruto = tpdu[i + 2 : i + 2 + octetos]
    if len(bruto) < octetos:
        raise PduInvalida("endereço truncado")
    if tipo & 0x70 == 0x50:  # alphanumeric (an operator's or a company's name)
        endereco = decodificar_gsm7(desempacotar_septetos(bruto, digitos * 4 // 7))
    else:
        endereco = _semi_octetos(bruto, digitos)
        if tipo & 0x70 == 0x10:
            endereco = "+" + endereco
    return endereco, i + 2 + octetos


def _bcd(b: int) -> int:
    return (b & 0x0F) * 10 + (b >> 4)


def _carimbo(dados: bytes) -> datetime.datetime | None:
    """Decode a 7-octet timestamp (§9.2.3.11); None when the SMSC sent nonsense."""
    if len(dados) != 7:
        raise PduInvalida("carimbo de tempo truncado")
    try:
        ano, mes, dia, hora, minuto, segundo = (_bcd(b) for b in dados[:6])
        quartos = (dados[6] & 0x07) * 10 + (dados[6] >> 4)
        sinal = -1 if dados[6] & 0x08 else 1
        fuso = datetime.timezone(datetime.timedelta(minutes=sinal * quartos * 15))
        return datetime.datetime(2000 + ano, mes, dia, hora, minuto, segundo, tzinfo=fuso)
    except ValueError:
        return None


def _dados_usuario(
    ud: bytes, udl: int, dcs: int, udhi: bool
) -> tuple[str, str, tuple[int, int, int] | None]:
    """(text, encoding, concatenation) of the user data (§9.2.3.24, TS 23.038 §4)."""
    if dcs & 0xC0 == 0x00 or dcs & 0xF0 == 0xF0:
        alfabeto = (dcs >> 2) & 0x03 if dcs & 0xC0 == 0x00 else (dcs >> 2) & 0x01
    elif dcs & 0xF0 in (0xC0, 0xD0):
        alfabeto = 0  # message waiting indication, GSM-7
    elif dcs & 0xF0 == 0xE0:
        alfabeto = 2
    else:
        alfabeto = (dcs >> 2) & 0x03
    cabecalho = 0
    concatenacao = None
    if udhi:
        udhl = ud[0]
        cabecalho = udhl + 1
        if len(ud) < cabecalho:
            raise PduInvalida("cabeçalho (UDH) truncado")
        j = 1
        while j < cabecalho:
            iei, tam = ud[j], ud[j + 1]
            valor = ud[j + 2 : j + 2 + tam]
            if iei == 0x00 and tam == 3:
                concatenacao = (valor[0], valor[1], valor[2])
            elif iei == 0x08 and tam == 4:
                concatenacao = ((valor[0] << 8) | valor[1], valor[2], valor[3])
            j += 2 + tam
        if concatenacao and not (concatenacao[1] and 1 <= concatenacao[2] <= concatenacao[1]):
            concatenacao = None  # "shall be ignored" (§9.2.3.24.1)
    if alfabeto == 0:
        bits = cabecalho * 8
        bits += (7 - bits % 7) % 7
        septetos = udl - bits // 7
        if septetos < 0 or (udl * 7 + 7) // 8 > len(ud):
            raise PduInvalida("dados do usuário truncados")
        return decodificar_gsm7(desempacotar_septetos(ud, septetos, bits)), "gsm7", concatenacao
    corpo = ud[cabecalho:udl]
    if alfabeto == 2:
        return corpo[: len(corpo) // 2 * 2].decode("utf-16-be", "replace"), "ucs2", concatenacao
    return corpo.decode("latin-1"), "8bit", concatenacao


def decodificar_submit(hexa: str) -> Submit:
    dados = _hexa(hexa)
    try:
        tpdu = dados[1 + dados[0] :]
        primeiro = tpdu[0]
        if primeiro & 0x03 != 0x01:
            raise PduInvalida("não é SMS-SUBMIT")
        vpf = (primeiro >> 3) & 0x03
        mr = tpdu[1]
        numero, i = _endereco(tpdu, 2)
        dcs = tpdu[i + 1]
        i += 2 + {0: 0, 2: 1, 1: 7, 3: 7}[vpf]
        udl = tpdu[i]
        texto, codificacao, concatenacao = _dados_usuario(
            tpdu[i + 1 :], udl, dcs, bool(primeiro & 0x40)
        )
    except (IndexError, KeyError) as exc:
        raise PduInvalida(f"PDU truncada ou malformada: {exc}") from exc
    return Submit(
        numero, texto, codificacao, mr, concatenacao, len(tpdu), relatorio=bool(primeiro & 0x20)
    )


def decodificar_recebida(hexa: str) -> Deliver | RelatorioStatus:
    """An SMS-DELIVER or SMS-STATUS-REPORT, as the modem stores or forwards them."""
    dados = _hexa(hexa)
    try:
        tpdu = dados[1 + dados[0] :]
        primeiro = tpdu[0]
        tipo = primeiro & 0x03
        if tipo == 0x00:
            remetente, i = _endereco(tpdu, 1)
            dcs = tpdu[i + 1]
            enviada_em = _carimbo(tpdu[i + 2 : i + 9])
            udl = tpdu[i + 9]
            texto, codificacao, concatenacao = _dados_usuario(
                tpdu[i + 10 :], udl, dcs, bool(primeiro & 0x40)
            )
            return Deliver(remetente, texto, codificacao, concatenacao, enviada_em)
        if tipo == 0x02:
            referencia = tpdu[1]
            destino, i = _endereco(tpdu, 2)
            enviada_em = _carimbo(tpdu[i : i + 7])
            entregue_em = _carimbo(tpdu[i + 7 : i + 14])
            return RelatorioStatus(referencia, destino, enviada_em, entregue_em, tpdu[i + 14])
    except IndexError as exc:
        raise PduInvalida(f"PDU truncada ou malformada: {exc}") from exc
    raise PduInvalida(f"tipo de PDU inesperado ({tipo})")
