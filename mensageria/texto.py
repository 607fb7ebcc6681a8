"""SMS text rules: sanitising, GSM 03.38 vs UCS-2, length in the real encoding.

The GSM-7 tables are our own copy of 3GPP TS 23.038 (the emulator decodes with
them, so the sender's encoder and the emulator's decoder are independent).
"""

import re
import unicodedata
from dataclasses import dataclass

GSM7_BASICO = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: the character is sent as ESC (0x1B) + this code.
GSM7_EXTENSAO = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}
# python-gsmmodem-new's table has "`" where 23.038 has "§" (0x5F): keep both out of
# GSM-7 so our count always matches what the library encodes.
_BASICO = {c: i for i, c in enumerate(GSM7_BASICO) if c not in "\x1b§"}
_EXTENSAO_REVERSA = {v: k for k, v in GSM7_EXTENSAO.items()}

GSM7 = "gsm7"
UCS2 = "ucs2"

# Per-segment capacity: single SMS, and each part of a concatenated SMS (UDH eats 6 octets).
CAPACIDADE = {GSM7: (160, 153), UCS2: (70, 67)}

# Control characters: 0x1A (Ctrl-Z) ends the modem's text early, 0x1B (ESC) aborts it.
_CONTROLE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FORA_DO_BMP = re.compile("[\U00010000-\U0010ffff]")
# Typographic characters that have a faithful GSM-7 rendering.
_SUBSTITUICOES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
        "º": "o",
        "ª": "a",
        "`": "'",
    }
)


def limpar(texto: str) -> str:
    """Remove control characters (keeping line breaks) and characters outside the BMP."""
    texto = texto.replace("\r\n", "\n").replace("\r", "\n").replace("`", "'")
    texto = _CONTROLE.sub("", texto)
    texto = _FORA_DO_BMP.sub("", texto)
    return texto.strip()


def septetos_gsm7(texto: str) -> int | None:
    """Length in GSM-7 septets, or None when a character needs UCS-2."""
    total = 0
    for c in texto:
        if c in _BASICO:
            total += 1
        elif c in GSM7_EXTENSAO:
            total += 2
        else:
            return None
    return total


def transliterar(texto: str) -> str:
    """Replace characters GSM-7 lacks (ã, õ, á, â, ê, í, ó, ô, ú, ç…) with the closest ones."""
    saida = []
    for c in texto.translate(_SUBSTITUICOES):
        if c in _BASICO or c in GSM7_EXTENSAO:
            saida.append(c)
            continue
        base = unicodedata.normalize("NFKD", c)
        base = "".join(b for b in base if not unicodedata.combining(b))
        saida.append("".join(b if (b in _BASICO or b in GSM7_EXTENSAO) else "?" for b in base))
    return "".join(saida)


@dataclass(frozen=True)
class TextoPreparado:
    texto: str
    codificacao: str  # GSM7 or UCS2
    unidades: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    partes: int


def preparar(texto: str, *, transliterar_acentos: bool = False) -> TextoPreparado:
    texto = limpar(texto)
    if transliterar_acentos:
        texto = transliterar(texto)
    septetos = septetos_gsm7(texto)
    if septetos is None:
        codificacao, unidades = UCS2, len(texto)
    else:
        codificacao, unidades = GSM7, septetos
    unica, por_parte = CAPACIDADE[codificacao]
    partes = 1 if unidades <= unica else -(-unidades // por_parte)
    return TextoPreparado(texto, codificacao, unidades, partes)


def problema_tamanho(
    preparado: TextoPreparado, *, tamanho_maximo: int, permitir_multiparte: bool
) -> str:
    """Why a prepared text cannot be sent under these limits, or "" (pt-BR, for the admin)."""
    if not preparado.texto:
        return "O texto do SMS está vazio."
    unidade = "caracteres" if preparado.codificacao == UCS2 else "caracteres GSM"
    if preparado.unidades > tamanho_maximo:
        return (
            f"O texto tem {preparado.unidades} {unidade}; o máximo permitido é "
            f"{tamanho_maximo}. Encurte o texto em {preparado.unidades - tamanho_maximo}."
        )
    if preparado.partes > 1 and not permitir_multiparte:
        capacidade = CAPACIDADE[preparado.codificacao][0]
        motivo = " (acentos como ã, é, ç usam UCS-2)" if preparado.codificacao == UCS2 else ""
        return (
            f"O texto não cabe num SMS: {preparado.unidades} {unidade}, máximo {capacidade}"
            f"{motivo}. SMS em várias partes está desligado nos parâmetros."
        )
    return ""


# --- GSM-7 packing (used by the emulator to decode what the sender packed) ---


def decodificar_gsm7(codigos: bytes | list[int]) -> str:
    saida, escape = [], False
    for b in codigos:
        if escape:
            saida.append(_EXTENSAO_REVERSA.get(b, " "))
            escape = False
        elif b == 0x1B:
            escape = True
        else:
            saida.append(GSM7_BASICO[b])
    return "".join(saida)


def desempacotar_septetos(dados: bytes, quantidade: int, bits_preenchimento: int = 0) -> list[int]:
    """Unpack ``quantidade`` septets from octets, skipping ``bits_preenchimento`` leading bits."""
    valor = int.from_bytes(dados, "little")
    valor >>= bits_preenchimento
    return [(valor >> (7 * i)) & 0x7F for i in range(quantidade)]
