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
# they are summed four digits at a time from precomputed tables (≥ 100,000 linhas
# digitáveis a second in the batch): the number is padded with zeros on the left to a
# whole period, zeros adding nothing.
_DOBRO = tuple(sum(divmod(2 * d, 10)) for d in range(10))  # digits of 2·d


def _tabela(pesos, somar_digitos: bool) -> dict[str, int]:
    def parcela(d: int, peso: int) -> int:
        produto = d * peso
        return sum(divmod(produto, 10)) if somar_digitos else produto

    return {
        f"{n:04d}": sum(parcela(int(c), p) for c, p in zip(f"{n:04d}", pesos, strict=True))
        for n in range(10_000)
    }


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


def centavos(valor: Decimal | int | str) -> int:
    quantia = valor if isinstance(valor, Decimal) else Decimal(valor)
    if quantia < 0:
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

    def _linha(self, valor_centavos: int, campo_livre: str) -> str:
        if not 0 <= valor_centavos <= VALOR_MAXIMO_CENTAVOS:
            raise CodigoInvalido("O valor não cabe nas 11 posições do código de barras.")
        dv = self._dv
        resto = f"{valor_centavos:011d}{self._empresa}{campo_livre}"
        c = f"{self._cabeca}{dv(self._cabeca + resto)}{resto}"
        a, b, d, e = c[0:11], c[11:22], c[22:33], c[33:44]
        return f"{a}-{dv(a)} {b}-{dv(b)} {d}-{dv(d)} {e}-{dv(e)}"

    def linha_conta(self, matricula: int, referencia: int, valor) -> str:
        """The formatted linha digitável of a bill (``valor`` in reais)."""
        return self._linha(centavos(valor), campo_livre_conta(matricula, referencia))

    def linha_documento(self, numero: int, valor) -> str:
        """The formatted linha digitável of a collection document."""
        return self._linha(centavos(valor), campo_livre_documento(numero))


def anexar_linha(texto: str, linha: str) -> str:
    """The SMS as sent: the rendered text, then the formatted linha digitável."""
    return f"{texto}{SEPARADOR_SMS}{linha}"
