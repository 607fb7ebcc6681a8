"""FEBRABAN *arrecadação* barcode (44 digits) and linha digitável (48 digits).

The barcode of a utility bill (layout "Arrecadação/Recebimento com Utilização do
Código de Barras"):

====  =========  ===============================================================
pos.  digits     content
====  =========  ===============================================================
1     1          product: 8 (arrecadação)
2     1          segment (2 = saneamento)
3     1          value identifier: 6/7 → check digits module 10, 8/9 → module 11
4     1          general check digit, over the other 43 digits
5     11         value in centavos
16    4          company code given by FEBRABAN
20    25         free field, the company's (here: document type, matrícula, ...)
====  =========  ===============================================================

The linha digitável is the barcode cut in four blocks of 11 digits, each followed
by its own check digit (same module as the general one): 48 digits, written
``XXXXXXXXXXX-X XXXXXXXXXXX-X XXXXXXXXXXX-X XXXXXXXXXXX-X``.

Module 10: weights 2, 1, 2, 1… from the right, the *digits* of each product are
summed; DV = 10 − (sum mod 10), and 0 when the remainder is 0.
Module 11: weights 2…9 from the right, repeating; DV = 11 − (sum mod 11); when
the remainder is 0 or 1 the DV is 0 (and a remainder of 10 gives 1).
"""

import functools
from decimal import Decimal

PRODUTO_ARRECADACAO = "8"
# The free field (25 digits): document type, then the company's identification of it.
TIPO_CONTA = "1"
TIPO_DOCUMENTO = "2"
VALOR_MAXIMO_CENTAVOS = 10**11 - 1
# Written after the SMS text: a line break and the formatted linha digitável. This is
# the real appended text, counted in full by the template length check.
SEPARADOR_SMS = "\n"


class CodigoInvalido(ValueError):
    """Input that cannot become a barcode; the message is for the user (pt-BR)."""


# Both modules are sums of digit × weight with weights repeating from the right, so
# any number is summed four digits at a time from precomputed tables (the checked
# functions below; the batch's bills take the faster ``Gerador.linha_conta``): the
# number is padded with zeros on the left to a whole period, zeros adding nothing.
_DOBRO = tuple(sum(divmod(2 * d, 10)) for d in range(10))  # digits of 2·d


def _tabela(pesos, somar_digitos: bool) -> dict[str, int]:
    """Four digits → the sum of their parcels, built a digit at a time."""
    tabela = {"": 0}
    for peso in pesos:
        parcelas = [sum(divmod(d * peso, 10)) if somar_digitos else d * peso for d in range(10)]
        tabela = {k + str(d): v + parcelas[d] for k, v in tabela.items() for d in range(10)}
    return tabela


# Module 10: weights …1, 2, 1, 2 (rightmost 2); each product's digits are summed.
_MOD10 = _tabela((1, 2, 1, 2), somar_digitos=True)
# Module 11: weights …9, 8, 7, 6 | 5, 4, 3, 2 (rightmost 2), repeating every 8.
_MOD11_ALTO = _tabela((9, 8, 7, 6), somar_digitos=False)
_MOD11_BAIXO = _tabela((5, 4, 3, 2), somar_digitos=False)


_FATIAS4 = tuple(slice(i, i + 4) for i in range(0, 48, 4))


def modulo10(numero: str) -> int:
    numero = numero.zfill(-(-len(numero) // 4) * 4)
    soma = sum(map(_MOD10.__getitem__, map(numero.__getitem__, _FATIAS4[: len(numero) // 4])))
    resto = soma % 10
    return 0 if resto == 0 else 10 - resto


def modulo11(numero: str) -> int:
    numero = numero.zfill(-(-len(numero) // 8) * 8)
    n = len(numero) // 4
    soma = sum(map(_MOD11_ALTO.__getitem__, map(numero.__getitem__, _FATIAS4[0:n:2])))
    soma += sum(map(_MOD11_BAIXO.__getitem__, map(numero.__getitem__, _FATIAS4[1:n:2])))
    resto = soma % 11
    if resto in (0, 1):
        return 0
    return 11 - resto  # remainder 10 gives 1


def _dv(identificador_valor: str):
    if identificador_valor in ("6", "7"):
        return modulo10
    if identificador_valor in ("8", "9"):
        return modulo11
    raise CodigoInvalido(
        f"Identificador de valor inválido: {identificador_valor}. Use 6, 7, 8 ou 9."
    )


_ZERO = Decimal(0)  # comparing with a Decimal is three times faster than with 0


def centavos(valor: Decimal | int | str) -> int:
    quantia = valor if isinstance(valor, Decimal) else Decimal(valor)
    if quantia < _ZERO:
        raise CodigoInvalido("O valor não pode ser negativo.")
    n = int(quantia * 100)  # two decimal places: exact
    if n > VALOR_MAXIMO_CENTAVOS:
        raise CodigoInvalido("O valor não cabe nas 11 posições do código de barras.")
    return n


def codigo_barras(
    *,
    valor_centavos: int,
    campo_livre: str,
    segmento: int | str = 2,
    identificador_valor: int | str = 6,
    codigo_empresa: str = "0000",
) -> str:
    """The 44-digit barcode (positions as in the module docstring)."""
    segmento, identificador = str(segmento), str(identificador_valor)
    if len(segmento) != 1 or not segmento.isdigit() or segmento == "0":
        raise CodigoInvalido(f"Segmento inválido: {segmento}. Use um dígito de 1 a 9.")
    if len(codigo_empresa) != 4 or not codigo_empresa.isdigit():
        raise CodigoInvalido("O código da empresa (FEBRABAN) tem 4 dígitos.")
    if len(campo_livre) != 25 or not campo_livre.isdigit():
        raise CodigoInvalido("O campo livre do código de barras tem 25 dígitos.")
    if not 0 <= valor_centavos <= VALOR_MAXIMO_CENTAVOS:
        raise CodigoInvalido("O valor não cabe nas 11 posições do código de barras.")
    dv = _dv(identificador)
    resto = f"{valor_centavos:011d}{codigo_empresa}{campo_livre}"
    cabeca = PRODUTO_ARRECADACAO + segmento + identificador
    return f"{cabeca}{dv(cabeca + resto)}{resto}"


def linha_digitavel(codigo: str) -> str:
    """The 48 digits of the linha digitável of a 44-digit arrecadação barcode."""
    if len(codigo) != 44 or not codigo.isdigit() or codigo[0] != PRODUTO_ARRECADACAO:
        raise CodigoInvalido("Código de barras de arrecadação inválido (44 dígitos, início 8).")
    dv = _dv(codigo[2])
    return "".join(
        f"{bloco}{dv(bloco)}"
        for bloco in (codigo[0:11], codigo[11:22], codigo[22:33], codigo[33:44])
    )


def linha_formatada(linha: str) -> str:
    """``XXXXXXXXXXX-X XXXXXXXXXXX-X XXXXXXXXXXX-X XXXXXXXXXXX-X`` (55 characters)."""
    return " ".join(f"{linha[i : i + 11]}-{linha[i + 11]}" for i in range(0, 48, 12))


def codigo_da_linha(linha: str) -> str:
    """Back from a linha digitável (digits only or formatted) to the barcode, checking
    every block's digit and the general one."""
    digitos = "".join(c for c in linha if c.isdigit())
    if len(digitos) != 48:
        raise CodigoInvalido("A linha digitável tem 48 dígitos.")
    codigo = "".join(digitos[i : i + 11] for i in range(0, 48, 12))
    if linha_digitavel(codigo) != digitos:
        raise CodigoInvalido("Dígito verificador da linha digitável não confere.")
    dv = _dv(codigo[2])
    if dv(codigo[:3] + codigo[4:]) != int(codigo[3]):
        raise CodigoInvalido("Dígito verificador geral do código de barras não confere.")
    return codigo


def campo_livre_conta(matricula: int, referencia: int) -> str:
    """Bill: type 1, matrícula (9 digits), referência AAAAMM, zeros to 25 digits."""
    return f"{TIPO_CONTA}{matricula:09d}{referencia:06d}".ljust(25, "0")


def campo_livre_documento(numero: int) -> str:
    """Collection document: type 2 and its number (up to 24 digits)."""
    return f"{TIPO_DOCUMENTO}{numero:024d}"


# The bill's barcode has fixed positions (0-based, of the 44 digits):
#   0-2 head (8, segment, value identifier)   3 general check digit
#   4-14 value in centavos   15-18 company code   19 type 1   20-28 matrícula
#   29-34 referência AAAAMM   35-43 zeros
# ``Gerador.linha_conta`` cuts the variable numbers with divmod into chunks that never
# cross a block of 11 digits and adds their contributions from tables indexed by the
# chunk's value. Each table entry packs five sums in lanes of 12 bits: the general
# check digit's sum (over the 43 digits without position 3) and the sums of blocks
# A–D; a lane never overflows (43 digits × 9 × 9 = 3483 < 4096).
_LANE = 12
_MASCARA = (1 << _LANE) - 1
# (first position, number of digits) of each chunk: value 3+4+4, matrícula 2+3+4,
# referência year 4 and month 2.
_PEDACOS_CONTA = ((4, 3), (7, 4), (11, 4), (20, 2), (22, 3), (25, 4), (29, 4), (33, 2))


def _peso(modulo: int, indice: int, digito: int) -> int:
    """What one digit adds to the sum of its module, ``indice`` counted from the right."""
    if modulo == 10:
        return _DOBRO[digito] if indice % 2 == 0 else digito
    return digito * (2 + indice % 8)


def _raias(modulo: int, posicao: int, digito: int) -> int:
    """The packed contributions of one barcode digit (position 0-43) to the five sums."""
    total = 0
    if posicao != 3:  # the general digit is left out of its own sum
        total = _peso(modulo, 43 - posicao if posicao > 3 else 42 - posicao, digito)
    bloco, dentro = divmod(posicao, 11)
    return total + (_peso(modulo, 10 - dentro, digito) << (_LANE * (1 + bloco)))


def _tabela_pedaco(modulo: int, inicio: int, digitos: int) -> tuple[int, ...]:
    """Entry ``n``: the packed contributions of the ``digitos``-digit number ``n`` written
    from position ``inicio``, built a digit at a time (entry n·10 + d = entry n + d's)."""
    tabela = [0]
    for posicao in range(inicio, inicio + digitos):
        parcelas = [_raias(modulo, posicao, d) for d in range(10)]
        tabela = [t + p for t in tabela for p in parcelas]
    return tuple(tabela)


@functools.cache
def _tabelas_conta(modulo: int) -> tuple[tuple[int, ...], ...]:
    return tuple(_tabela_pedaco(modulo, p, n) for p, n in _PEDACOS_CONTA)


@functools.cache
def _dv_da_soma(modulo: int) -> tuple[str, ...]:
    """Check digit (as text) by sum, for any sum a lane can hold."""
    if modulo == 10:
        return tuple(str((10 - s % 10) % 10) for s in range(1 << _LANE))
    return tuple(str(0 if s % 11 in (0, 1) else 11 - s % 11) for s in range(1 << _LANE))


_ZEROS4 = tuple(f"{n:04d}" for n in range(10_000))
_ZEROS3 = tuple(f"{n:03d}" for n in range(1000))
_ZEROS2 = tuple(f"{n:02d}" for n in range(100))


class Gerador:
    """Linhas digitáveis with the company's parameters read once: the batch's path
    (values come from the database, already valid; see ``codigo_barras`` for checks)."""

    def __init__(self, parametros=None):
        if parametros is None:
            from .models import ParametrosFaturamento

            parametros = ParametrosFaturamento.atuais()
        # Validates the parameters once.
        codigo_barras(
            valor_centavos=0,
            campo_livre="0" * 25,
            segmento=parametros.segmento,
            identificador_valor=parametros.identificador_valor,
            codigo_empresa=parametros.codigo_empresa,
        )
        self._cabeca = f"{PRODUTO_ARRECADACAO}{parametros.segmento}{parametros.identificador_valor}"
        self._empresa = parametros.codigo_empresa
        self._dv = _dv(str(parametros.identificador_valor))
        modulo = 10 if self._dv is modulo10 else 11
        # The digits that are the same in every bill: head, company, type.
        fixos = {0: self._cabeca[0], 1: self._cabeca[1], 2: self._cabeca[2], 19: TIPO_CONTA}
        fixos.update({15 + i: c for i, c in enumerate(self._empresa)})
        self._fixo = sum(_raias(modulo, p, int(c)) for p, c in fixos.items())
        self._tabelas = _tabelas_conta(modulo)
        self._dv_soma = _dv_da_soma(modulo)
        # What the general digit adds to block A (position 3, weight of index 7).
        self._geral_no_bloco = {str(d): _peso(modulo, 7, d) for d in range(10)}
        self._meio = f"{self._empresa}{TIPO_CONTA}"

    def _linha(self, valor_centavos: int, campo_livre: str) -> str:
        if not 0 <= valor_centavos <= VALOR_MAXIMO_CENTAVOS:
            raise CodigoInvalido("O valor não cabe nas 11 posições do código de barras.")
        dv = self._dv
        resto = f"{valor_centavos:011d}{self._empresa}{campo_livre}"
        c = f"{self._cabeca}{dv(self._cabeca + resto)}{resto}"
        a, b, d, e = c[0:11], c[11:22], c[22:33], c[33:44]
        return f"{a}-{dv(a)} {b}-{dv(b)} {d}-{dv(d)} {e}-{dv(e)}"

    def linha_conta(self, matricula: int, referencia: int, valor) -> str:
        """The formatted linha digitável of a bill (``valor`` in reais); the same as
        ``linha_formatada(linha_digitavel(codigo_barras(...campo_livre_conta...)))``."""
        n = centavos(valor)
        if not 0 <= matricula <= 999_999_999:
            raise CodigoInvalido("A matrícula tem até 9 dígitos.")
        if not 0 <= referencia <= 999_999:
            raise CodigoInvalido("A referência tem 6 dígitos (AAAAMM).")
        valor_alto, valor_baixo = divmod(n, 10_000)
        valor_a, valor_b = divmod(valor_alto, 10_000)
        matricula_alta, matricula_baixa = divmod(matricula, 10_000_000)
        matricula_b, matricula_c = divmod(matricula_baixa, 10_000)
        ano, mes = divmod(referencia, 100)
        t0, t1, t2, t3, t4, t5, t6, t7 = self._tabelas
        soma = (
            self._fixo
            + t0[valor_a]
            + t1[valor_b]
            + t2[valor_baixo]
            + t3[matricula_alta]
            + t4[matricula_b]
            + t5[matricula_c]
            + t6[ano]
            + t7[mes]
        )
        dv = self._dv_soma
        geral = dv[soma & _MASCARA]
        # Zero-padded numbers from tables of strings: formatting with ``:04d`` costs
        # more than all the arithmetic above.
        return (
            f"{self._cabeca}{geral}{_ZEROS3[valor_a]}{_ZEROS4[valor_b]}-"
            f"{dv[((soma >> 12) & _MASCARA) + self._geral_no_bloco[geral]]} "
            f"{_ZEROS4[valor_baixo]}{self._meio}{_ZEROS2[matricula_alta]}-"
            f"{dv[(soma >> 24) & _MASCARA]} "
            f"{_ZEROS3[matricula_b]}{_ZEROS4[matricula_c]}{_ZEROS4[ano]}-"
            f"{dv[(soma >> 36) & _MASCARA]} "
            f"{_ZEROS2[mes]}000000000-{dv[soma >> 48]}"
        )

    def linha_documento(self, numero: int, valor) -> str:
        """The formatted linha digitável of a collection document."""
        return self._linha(centavos(valor), campo_livre_documento(numero))


def anexar_linha(texto: str, linha: str) -> str:
    """The SMS as sent: the rendered text, then the formatted linha digitável."""
    return f"{texto}{SEPARADOR_SMS}{linha}"
