"""FEBRABAN arrecadação barcode and linha digitável against examples worked out by hand.

The rules (FEBRABAN, "Arrecadação/Recebimento com Utilização do Código de Barras"):

- Module 10: from the right, weights 2, 1, 2, 1…; each product's *digits* are summed
  (7 × 2 = 14 counts 1 + 4 = 5); DV = 10 − (sum mod 10), and 0 when the remainder is 0.
- Module 11: from the right, weights 2, 3, 4, 5, 6, 7, 8, 9, then 2 again…; products
  summed as they are; DV = 11 − (sum mod 11); remainder 0 or 1 → DV 0; remainder 10 → 1.
- The general check digit (position 4) is computed over the other 43 digits; each of
  the four blocks of 11 digits of the linha digitável gets its own digit, same module.
"""

import random
from decimal import Decimal

import pytest

from faturamento import febraban
from faturamento.febraban import CodigoInvalido, Gerador
from faturamento.models import ParametrosFaturamento


def _parametros(identificador, *, segmento=2, empresa="0123"):
    return ParametrosFaturamento(
        segmento=segmento, codigo_empresa=empresa, identificador_valor=identificador
    )


# --- module 10 ---------------------------------------------------------------------


def test_modulo10_exemplo_a_mao():
    # 1 2 3 4 5 6 7 8 9, weights from the right 2 1 2 1 2 1 2 1 2:
    # 9×2=18→1+8=9, 8×1=8, 7×2=14→5, 6×1=6, 5×2=10→1, 4×1=4, 3×2=6, 2×1=2, 1×2=2
    # sum 9+8+5+6+1+4+6+2+2 = 43; 43 mod 10 = 3; DV = 10 − 3 = 7
    assert febraban.modulo10("123456789") == 7


def test_modulo10_resto_zero_da_zero():
    # 1 9: 9×2=18→9, 1×1=1; sum 10; remainder 0 → DV 0 (not 10)
    assert febraban.modulo10("19") == 0
    # 2 3 4 5 0 1 2 3 1 0 0 (block B of the mod-10 barcode below):
    # from the right 0×2, 0×1, 1×2=2, 3×1=3, 2×2=4, 1×1=1, 0×2, 5×1=5, 4×2=8, 3×1=3, 2×2=4
    # sum 2+3+4+1+5+8+3+4 = 30; remainder 0 → DV 0
    assert febraban.modulo10("23450123100") == 0


# --- module 11 ---------------------------------------------------------------------


def test_modulo11_exemplo_a_mao():
    # 1 2 3 4 5 6 7 8 9, weights from the right 2 3 4 5 6 7 8 9 2:
    # 9×2=18, 8×3=24, 7×4=28, 6×5=30, 5×6=30, 4×7=28, 3×8=24, 2×9=18, 1×2=2
    # sum 202; 202 = 11×18 + 4; DV = 11 − 4 = 7
    assert febraban.modulo11("123456789") == 7


def test_modulo11_resto_zero_da_zero():
    # 3 1: 1×2=2, 3×3=9; sum 11; remainder 0 → DV 0 (11 − 0 = 11 is not a digit)
    assert febraban.modulo11("31") == 0


def test_modulo11_resto_um_da_zero():
    # 4 0: 0×2=0, 4×3=12; sum 12; remainder 1 → DV 0 (11 − 1 = 10 is not a digit)
    assert febraban.modulo11("40") == 0


def test_modulo11_resto_dez_da_um():
    # 3 6: 6×2=12, 3×3=9; sum 21; 21 = 11 + 10; remainder 10 → DV 11 − 10 = 1
    assert febraban.modulo11("36") == 1


# --- a whole bill, by hand -----------------------------------------------------------
#
# Bill of matrícula 12345, referência 12/2026, R$ 123,45; segment 2, company 0123.
# Barcode layout: 8 | 2 | id | DV | 00000012345 (value) | 0123 (company) |
#   free field 1 000012345 202612 000000000 (type 1, matrícula, AAAAMM, zeros).
# The 43 digits of the general DV (index from the right: zeros 0–8, referência 9–14,
# matrícula 15–23, type 24, company 25–28, value 29–39, head 40–42).

CAMPO_LIVRE = "1000012345202612000000000"


def test_barcode_e_linha_modulo10_identificador_6():
    # General DV, module 10 (weight 2 at even indexes, 1 at odd):
    #   referência 2 0 2 6 1 2 (idx 14…9): 2×1=2, 1×2=2, 6×1=6, 2×2=4, 0, 2×2=4 → 18
    #   matrícula …1 2 3 4 5 (idx 19…15): 5×1=5, 4×2=8, 3×1=3, 2×2=4, 1×1=1 → 21
    #   type 1 (idx 24): 1×2 = 2
    #   company 0 1 2 3 (idx 28…25): 3×1=3, 2×2=4, 1×1=1, 0 → 8
    #   value …1 2 3 4 5 (idx 33…29): 5×1=5, 4×2=8, 3×1=3, 2×2=4, 1×1=1 → 21
    #   head 8 2 6 (idx 42…40): 6×2=12→3, 2×1=2, 8×2=16→7 → 12
    #   sum 18+21+2+8+21+12 = 82; remainder 2; DV = 8
    codigo = febraban.codigo_barras(
        valor_centavos=12345,
        campo_livre=CAMPO_LIVRE,
        segmento=2,
        identificador_valor=6,
        codigo_empresa="0123",
    )
    assert codigo == "8268000000123450123" + CAMPO_LIVRE
    # Blocks and their DVs (module 10, from the right):
    #   A 8 2 6 8 0 0 0 0 0 0 1: 1×2=2, zeros, 8×1=8, 6×2=12→3, 2×1=2, 8×2=16→7 → 22 → DV 8
    #   B 2 3 4 5 0 1 2 3 1 0 0: sum 30 (see test_modulo10_resto_zero_da_zero) → DV 0
    #   C 0 0 1 2 3 4 5 2 0 2 6: 6×2=12→3, 2×1=2, 0, 2×1=2, 5×2=10→1, 4×1=4, 3×2=6,
    #     2×1=2, 1×2=2, 0, 0 → 22 → DV 8
    #   D 1 2 0 0 0 0 0 0 0 0 0: 2×1=2, 1×2=2 → 4 → DV 6
    formatada = "82680000001-8 23450123100-0 00123452026-8 12000000000-6"
    linha = febraban.linha_digitavel(codigo)
    assert linha == formatada.replace("-", "").replace(" ", "")
    assert febraban.linha_formatada(linha) == formatada
    assert febraban.codigo_da_linha(formatada) == codigo
    assert febraban.codigo_da_linha(linha) == codigo
    gerador = Gerador(_parametros(6))
    assert gerador.linha_conta(12345, 202612, Decimal("123.45")) == formatada


def test_barcode_e_linha_modulo11_identificador_8():
    # General DV, module 11 (weight 2 + index mod 8):
    #   referência 2 0 2 6 1 2 (idx 14…9): 2×3=6, 1×4=4, 6×5=30, 2×6=12, 0×7, 2×8=16 → 68
    #   matrícula …1 2 3 4 5 (idx 19…15): 5×9=45, 4×2=8, 3×3=9, 2×4=8, 1×5=5 → 75
    #   type 1 (idx 24): 1×2 = 2
    #   company 0 1 2 3 (idx 28…25): 3×3=9, 2×4=8, 1×5=5, 0 → 22
    #   value …1 2 3 4 5 (idx 33…29): 5×7=35, 4×8=32, 3×9=27, 2×2=4, 1×3=3 → 101
    #   head 8 2 8 (idx 42…40): 8×2=16, 2×3=6, 8×4=32 → 54
    #   sum 68+75+2+22+101+54 = 322 = 11×29 + 3; DV = 11 − 3 = 8
    codigo = febraban.codigo_barras(
        valor_centavos=12345,
        campo_livre=CAMPO_LIVRE,
        segmento=2,
        identificador_valor=8,
        codigo_empresa="0123",
    )
    assert codigo == "8288000000123450123" + CAMPO_LIVRE
    # Blocks (module 11, weights from the right 2 3 4 5 6 7 8 9 2 3 4):
    #   A 8 2 8 8 0 0 0 0 0 0 1: 1×2=2, zeros, 8×9=72, 8×2=16, 2×3=6, 8×4=32 → 128
    #     = 11×11 + 7 → DV 4
    #   B 2 3 4 5 0 1 2 3 1 0 0: 0, 0, 1×4=4, 3×5=15, 2×6=12, 1×7=7, 0, 5×9=45, 4×2=8,
    #     3×3=9, 2×4=8 → 108 = 11×9 + 9 → DV 2
    #   C 0 0 1 2 3 4 5 2 0 2 6: 6×2=12, 2×3=6, 0, 2×5=10, 5×6=30, 4×7=28, 3×8=24,
    #     2×9=18, 1×2=2, 0, 0 → 130 = 11×11 + 9 → DV 2
    #   D 1 2 0 0 0 0 0 0 0 0 0: 2×3=6, 1×4=4 → 10; remainder 10 → DV 1
    formatada = "82880000001-4 23450123100-2 00123452026-2 12000000000-1"
    linha = febraban.linha_digitavel(codigo)
    assert febraban.linha_formatada(linha) == formatada
    assert febraban.codigo_da_linha(formatada) == codigo
    gerador = Gerador(_parametros(8))
    assert gerador.linha_conta(12345, 202612, Decimal("123.45")) == formatada
    assert gerador.linha_conta(12345, 202612, "123.45") == formatada


REAL = "85820000001-5 66980270116-2 30001280018-9 67222025113-0"


def test_exemplo_real_modulo11_ida_e_volta():
    # A published bill (segment 5, identifier 8 → module 11, R$ 166,98, company 0270).
    # Blocks (weights from the right 2 3 4 5 6 7 8 9 2 3 4):
    #   8 5 8 2 0 0 0 0 0 0 1: 1×2=2, zeros, 2×9=18, 8×2=16, 5×3=15, 8×4=32 → 83
    #     = 11×7 + 6 → DV 5
    #   6 6 9 8 0 2 7 0 1 1 6: 6×2=12, 1×3=3, 1×4=4, 0, 7×6=42, 2×7=14, 0, 8×9=72,
    #     9×2=18, 6×3=18, 6×4=24 → 207 = 11×18 + 9 → DV 2
    #   3 0 0 0 1 2 8 0 0 1 8: 8×2=16, 1×3=3, 0, 0, 8×6=48, 2×7=14, 1×8=8, 0, 0, 0,
    #     3×4=12 → 101 = 11×9 + 2 → DV 9
    #   6 7 2 2 2 0 2 5 1 1 3: 3×2=6, 1×3=3, 1×4=4, 5×5=25, 2×6=12, 0, 2×8=16, 2×9=18,
    #     2×2=4, 7×3=21, 6×4=24 → 133 = 11×12 + 1; remainder 1 → DV 0
    # General DV (4th digit, 2) over the other 43 digits, weight 2 + index mod 8:
    #   last block (idx 0–10): as above, 133
    #   3 0 0 0 1 2 8 0 0 1 8 (idx 21…11, weights 7 6 5 4 3 2 9 8 7 6 5):
    #     8×5=40, 1×6=6, 8×9=72, 2×2=4, 1×3=3, 3×7=21 → 146
    #   6 6 9 8 0 2 7 0 1 1 6 (idx 32…22, weights 2 9 8 7 6 5 4 3 2 9 8):
    #     6×8=48, 1×9=9, 1×2=2, 7×4=28, 2×5=10, 8×7=56, 9×8=72, 6×9=54, 6×2=12 → 291
    #   8 5 8 | 0 0 0 0 0 0 1 (idx 42…33, weights 4 3 2 | 9 8 7 6 5 4 3):
    #     1×3=3, 8×2=16, 5×3=15, 8×4=32 → 66
    #   sum 133+146+291+66 = 636 = 11×57 + 9; DV = 11 − 9 = 2
    codigo = febraban.codigo_da_linha(REAL)
    assert codigo == "85820000001669802701163000128001867222025113"
    assert codigo[3] == "2"
    assert febraban.linha_formatada(febraban.linha_digitavel(codigo)) == REAL
    assert (
        febraban.codigo_barras(
            valor_centavos=16698,
            campo_livre=codigo[19:],
            segmento=5,
            identificador_valor=8,
            codigo_empresa="0270",
        )
        == codigo
    )


# --- refusals ------------------------------------------------------------------------


def test_linha_com_tamanho_errado_recusada():
    with pytest.raises(CodigoInvalido, match="48 dígitos"):
        febraban.codigo_da_linha(REAL[:-1])
    with pytest.raises(CodigoInvalido, match="48 dígitos"):
        febraban.codigo_da_linha(REAL + "1")
    with pytest.raises(CodigoInvalido, match="44 dígitos"):
        febraban.linha_digitavel("8582000000166980270116300012800186722202511")


def test_codigo_que_nao_e_de_arrecadacao_recusado():
    with pytest.raises(CodigoInvalido, match="início 8"):
        febraban.linha_digitavel("7" + "0" * 43)


def test_digito_de_bloco_errado_recusado():
    with pytest.raises(CodigoInvalido, match="Dígito verificador da linha"):
        febraban.codigo_da_linha(REAL.replace("-9 ", "-8 "))
    # One digit changed inside a block, its DV kept.
    with pytest.raises(CodigoInvalido, match="Dígito verificador da linha"):
        febraban.codigo_da_linha(REAL.replace("66980270116", "66980270117"))


def test_digito_geral_errado_recusado():
    # Position 4 changed from 2 to 3 and the first block's DV recomputed: every block
    # checks, the general digit does not.
    codigo = "8583" + febraban.codigo_da_linha(REAL)[4:]
    linha = febraban.linha_digitavel(codigo)
    with pytest.raises(CodigoInvalido, match="geral"):
        febraban.codigo_da_linha(linha)


def test_valor_negativo_recusado():
    with pytest.raises(CodigoInvalido, match="negativo"):
        febraban.centavos(Decimal("-0.01"))
    with pytest.raises(CodigoInvalido, match="negativo"):
        Gerador(_parametros(6)).linha_conta(12345, 202612, Decimal("-1.00"))
    with pytest.raises(CodigoInvalido, match="11 posições"):
        febraban.codigo_barras(valor_centavos=-1, campo_livre=CAMPO_LIVRE)


def test_valor_grande_demais_recusado():
    assert febraban.centavos(Decimal("999999999.99")) == 10**11 - 1
    with pytest.raises(CodigoInvalido, match="11 posições"):
        febraban.centavos(Decimal("1000000000.00"))
    with pytest.raises(CodigoInvalido, match="11 posições"):
        febraban.codigo_barras(valor_centavos=10**11, campo_livre=CAMPO_LIVRE)
    with pytest.raises(CodigoInvalido, match="11 posições"):
        Gerador(_parametros(8)).linha_conta(12345, 202612, Decimal("1000000000.00"))


@pytest.mark.parametrize("empresa", ["123", "12345", "12a4", ""])
def test_codigo_da_empresa_invalido_recusado(empresa):
    with pytest.raises(CodigoInvalido, match="4 dígitos"):
        febraban.codigo_barras(valor_centavos=1, campo_livre=CAMPO_LIVRE, codigo_empresa=empresa)
    with pytest.raises(CodigoInvalido, match="4 dígitos"):
        Gerador(_parametros(6, empresa=empresa))


def test_segmento_identificador_e_campo_livre_invalidos_recusados():
    with pytest.raises(CodigoInvalido, match="Segmento"):
        febraban.codigo_barras(valor_centavos=1, campo_livre=CAMPO_LIVRE, segmento=0)
    with pytest.raises(CodigoInvalido, match="Identificador de valor"):
        febraban.codigo_barras(valor_centavos=1, campo_livre=CAMPO_LIVRE, identificador_valor=5)
    with pytest.raises(CodigoInvalido, match="25 dígitos"):
        febraban.codigo_barras(valor_centavos=1, campo_livre=CAMPO_LIVRE[:-1])


def test_matricula_e_referencia_fora_do_campo_recusadas():
    gerador = Gerador(_parametros(6))
    assert gerador.linha_conta(999_999_999, 209912, 1).startswith("826")
    with pytest.raises(CodigoInvalido, match="matrícula"):
        gerador.linha_conta(1_000_000_000, 202612, 1)
    with pytest.raises(CodigoInvalido, match="matrícula"):
        gerador.linha_conta(-1, 202612, 1)
    with pytest.raises(CodigoInvalido, match="referência"):
        gerador.linha_conta(12345, 2026120, 1)


def test_anexar_linha_poe_a_linha_depois_de_uma_quebra():
    assert febraban.anexar_linha("Sua conta:", REAL) == f"Sua conta:\n{REAL}"


# --- the fast generator against a slow reference ----------------------------------------


def _dv_referencia(digitos: str, modulo: int) -> int:
    """Digit by digit, straight from the standard's text."""
    soma = 0
    for i, c in enumerate(reversed(digitos)):
        if modulo == 10:
            produto = int(c) * (2 if i % 2 == 0 else 1)
            soma += produto // 10 + produto % 10
        else:
            soma += int(c) * (2 + i % 8)
    if modulo == 10:
        return 0 if soma % 10 == 0 else 10 - soma % 10
    resto = soma % 11
    return 0 if resto in (0, 1) else 11 - resto


def _linha_referencia(*, segmento, identificador, empresa, centavos, campo_livre) -> str:
    modulo = 10 if identificador in (6, 7) else 11
    sem_dv = f"8{segmento}{identificador}{centavos:011d}{empresa}{campo_livre}"
    codigo = sem_dv[:3] + str(_dv_referencia(sem_dv, modulo)) + sem_dv[3:]
    blocos = [codigo[i : i + 11] for i in range(0, 44, 11)]
    return " ".join(f"{b}-{_dv_referencia(b, modulo)}" for b in blocos)


def _valor_aleatorio(aleatorio):
    return aleatorio.choice(
        [
            Decimal("0.00"),
            Decimal("999999999.99"),
            Decimal(aleatorio.randrange(10**11)) / 100,
            Decimal(aleatorio.randrange(100_000)) / 100,
        ]
    )


@pytest.mark.parametrize("identificador", [6, 7, 8, 9])
def test_gerador_igual_a_referencia_em_entradas_aleatorias(identificador):
    aleatorio = random.Random(20261201 + identificador)
    for _ in range(8):
        segmento = aleatorio.randint(1, 9)
        empresa = f"{aleatorio.randrange(10_000):04d}"
        gerador = Gerador(_parametros(identificador, segmento=segmento, empresa=empresa))
        for _ in range(400):
            matricula = aleatorio.choice(
                [0, 999_999_999, aleatorio.randrange(10**9), aleatorio.randrange(1000)]
            )
            referencia = aleatorio.choice([0, 999_999, aleatorio.randint(200001, 209912)])
            valor = _valor_aleatorio(aleatorio)
            esperado = _linha_referencia(
                segmento=segmento,
                identificador=identificador,
                empresa=empresa,
                centavos=int(valor * 100),
                campo_livre=f"1{matricula:09d}{referencia:06d}000000000",
            )
            assert gerador.linha_conta(matricula, referencia, valor) == esperado
            numero = aleatorio.randrange(10**12)
            assert gerador.linha_documento(numero, valor) == _linha_referencia(
                segmento=segmento,
                identificador=identificador,
                empresa=empresa,
                centavos=int(valor * 100),
                campo_livre=f"2{numero:024d}",
            )
            # And the generated line goes back to a valid barcode.
            febraban.codigo_da_linha(esperado)
