"""Tags of the billing and collection templates and how they are filled.

Templates use upper-case tags between braces: ``{MATRICULA}``, ``{NOME}``,
``{VENCIMENTO}``, ``{VALOR}`` for bills; ``{VALIDADE}``, ``{VALOR}`` for collection
documents. The SMS then gets the linha digitável appended
(:func:`faturamento.febraban.anexar_linha`). Every rendering goes through
:func:`renderizar`, and the length check fills templates with
:func:`valores_mais_longos`, the widest value each tag can take.
"""

import datetime
import functools
from decimal import Decimal

from cadastro.validators import formatar_matricula

TAGS_CONTA = {
    "MATRICULA": "Matrícula do imóvel, com o dígito",
    "NOME": "Nome do cliente usuário (até 30 caracteres)",
    "VENCIMENTO": "Vencimento da conta (dd/mm/aaaa)",
    "VALOR": "Valor da conta (1.234,56)",
}
TAGS_DOCUMENTO = {
    "VALIDADE": "Validade do documento de cobrança (dd/mm/aaaa)",
    "VALOR": "Valor do documento (1.234,56)",
}

# Names are cut to this width in messages (at a word when possible): a 150-character
# name would not fit an SMS, and the length check must have a widest value.
NOME_MAX = 30
VALOR_MAXIMO = Decimal("999999999.99")  # 11 digits in centavos, the barcode's field


def nome_curto(nome: str) -> str:
    nome = " ".join((nome or "").split())
    if len(nome) <= NOME_MAX:
        return nome
    corte = nome[: NOME_MAX + 1].rsplit(" ", 1)[0]
    return corte if len(corte) >= NOME_MAX // 2 else nome[:NOME_MAX]


def valor_br(valor: Decimal) -> str:
    """1234.5 → ``1.234,50``."""
    return f"{valor:,.2f}".translate(str.maketrans(",.", ".,"))


@functools.lru_cache(maxsize=4096)  # the batch renders a few distinct dates a million times
def data_br(data: datetime.date) -> str:
    return f"{data:%d/%m/%Y}"


def valores_conta(
    *, matricula: int, nome: str, vencimento: datetime.date, valor: Decimal
) -> dict[str, str]:
    return {
        "MATRICULA": formatar_matricula(matricula),
        "NOME": nome_curto(nome),
        "VENCIMENTO": data_br(vencimento),
        "VALOR": valor_br(valor),
    }


def valores_documento(*, validade: datetime.date, valor: Decimal) -> dict[str, str]:
    return {"VALIDADE": data_br(validade), "VALOR": valor_br(valor)}


def renderizar(texto: str, valores: dict[str, str]) -> str:
    """The template filled in (tags already validated when the template was saved)."""
    return texto.format_map(valores)


def valores_mais_longos(tags: dict[str, str], *, com_acento: bool) -> dict[str, str]:
    """The widest value of each tag; with ``com_acento`` the name has accents (which
    force UCS-2 when accents are not transliterated)."""
    data = data_br(datetime.date(2099, 12, 31))
    todos = {
        "MATRICULA": formatar_matricula(999_999_999),
        "NOME": ("ç" if com_acento else "x") * NOME_MAX,
        "VENCIMENTO": data,
        "VALIDADE": data,
        "VALOR": valor_br(VALOR_MAXIMO),
    }
    return {tag: todos[tag] for tag in tags}
