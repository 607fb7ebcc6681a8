"""Decode an SMS-SUBMIT PDU (3GPP TS 23.040 §9.2.2.2) as a modem would receive it.

Independent from python-gsmmodem-new's encoder, so the integration tests check
what actually went over the wire.
"""

from dataclasses import dataclass

from ..texto import decodificar_gsm7, desempacotar_septetos


class PduInvalida(ValueError):
    pass


@dataclass
class Submit:
    numero: str
    texto: str
    codificacao: str  # "gsm7" | "ucs2" | "8bit"
    referencia_mr: int
    concatenacao: tuple[int, int, int] | None  # (reference, total, sequence)
    tamanho_tpdu: int


def _semi_octetos(dados: bytes, digitos: int) -> str:
    saida = []
    for b in dados:
        saida.append(str(b & 0x0F))
        alto = b >> 4
        if alto != 0x0F:
            saida.append(str(alto))
    return "".join(saida)[:digitos]


def decodificar_submit(hexa: str) -> Submit:
    try:
        dados = bytes.fromhex(hexa.strip())
    except ValueError as exc:
        raise PduInvalida("PDU não é hexadecimal") from exc
    try:
        smsc = dados[0]
        tpdu = dados[1 + smsc :]
        i = 0
        primeiro = tpdu[i]
        i += 1
        if primeiro & 0x03 != 0x01:
            raise PduInvalida("não é SMS-SUBMIT")
        vpf = (primeiro >> 3) & 0x03
        udhi = bool(primeiro & 0x40)
        mr = tpdu[i]
        i += 1
        digitos = tpdu[i]
        tipo = tpdu[i + 1]
        i += 2
        octetos = (digitos + 1) // 2
        numero = _semi_octetos(tpdu[i : i + octetos], digitos)
        if tipo & 0x70 == 0x10:
            numero = "+" + numero
        i += octetos
        i += 1  # PID
        dcs = tpdu[i]
        i += 1
        i += {0: 0, 2: 1, 1: 7, 3: 7}[vpf]
        udl = tpdu[i]
        i += 1
        ud = tpdu[i:]
        alfabeto = dcs & 0x0C
        cabecalho = 0
        concatenacao = None
        if udhi:
            udhl = ud[0]
            cabecalho = udhl + 1
            j = 1
            while j < cabecalho:
                iei, tam = ud[j], ud[j + 1]
                valor = ud[j + 2 : j + 2 + tam]
                if iei == 0x00:
                    concatenacao = (valor[0], valor[1], valor[2])
                elif iei == 0x08:
                    concatenacao = ((valor[0] << 8) | valor[1], valor[2], valor[3])
                j += 2 + tam
        if alfabeto == 0x00:
            bits = cabecalho * 8
            bits += (7 - bits % 7) % 7
            septetos = udl - bits // 7
            texto = decodificar_gsm7(desempacotar_septetos(ud, septetos, bits))
            codificacao = "gsm7"
        elif alfabeto == 0x08:
            texto = ud[cabecalho:udl].decode("utf-16-be")
            codificacao = "ucs2"
        else:
            texto = ud[cabecalho:udl].decode("latin-1")
            codificacao = "8bit"
    except (IndexError, KeyError, UnicodeDecodeError) as exc:
        raise PduInvalida(f"PDU truncada ou malformada: {exc}") from exc
    return Submit(numero, texto, codificacao, mr, concatenacao, len(tpdu))
