import csv
import io

import pytest

from core.texto import celula_csv


def _pela_planilha(valor):
    """What a CSV reader gets back for one cell written with our guard."""
    saida = io.StringIO()
    csv.writer(saida, delimiter=";").writerow([celula_csv(valor)])
    return next(csv.reader(io.StringIO(saida.getvalue()), delimiter=";"))[0]


@pytest.mark.parametrize(
    "valor",
    [
        "20250000000043",  # 14-digit protocol: Excel shows 2,025E+13
        "202500000000000000043",  # 20-digit protocol (ANS format): Excel also loses digits
        "+5581999990001",  # E.164 phone: Excel reads a formula or a number
        "+55 81 9****-1234",  # masked phone
        "0081999990001",  # leading zero: Excel drops it
    ],
)
def test_codigos_numericos_saem_como_texto(valor):
    assert celula_csv(valor) == f'="{valor}"'
    assert _pela_planilha(valor) == f'="{valor}"'


@pytest.mark.parametrize(
    ("valor", "esperado"),
    [
        ("42", "42"),  # a short number stays a number (counts, RA nº)
        ("12345678901", "12345678901"),  # 11 digits: Excel still shows it whole
        (0, "0"),
        (None, ""),
        ("1234567-8", "1234567-8"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ('+1"&cmd', "'+1\"&cmd"),  # a quote can never close the string literal
        ("-5 dias", "'-5 dias"),
        ("Vazamento na rua", "Vazamento na rua"),
    ],
)
def test_outros_valores(valor, esperado):
    assert celula_csv(valor) == esperado
