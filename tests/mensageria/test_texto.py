import pytest
from django.core.exceptions import ValidationError

from mensageria.models import validar_tags
from mensageria.telefones import NumeroInvalido, celular_mascarar, celular_normalizar
from mensageria.texto import GSM7, UCS2, preparar


def test_controle_removido_0x1a_e_esc():
    p = preparar("Protocolo\x1a 123\x1b4\x00 ok\x7f")
    assert p.texto == "Protocolo 1234 ok"
    assert "\x1a" not in p.texto and "\x1b" not in p.texto


def test_quebra_de_linha_preservada_e_emoji_removido():
    assert preparar("a\r\nb😀").texto == "a\nb"


def test_gsm7_quando_todos_os_caracteres_cabem():
    p = preparar("Seu protocolo e 2026 [ok] €")
    assert p.codificacao == GSM7
    assert p.unidades == 27 + 3  # [ ] € are escaped: two septets each
    assert p.partes == 1


def test_acento_fora_do_gsm7_forca_ucs2():
    p = preparar("Solicitação concluída")
    assert p.codificacao == UCS2
    assert p.unidades == 21


def test_transliteracao_mantem_gsm7():
    p = preparar("Solicitação concluída, ônibus", transliterar_acentos=True)
    assert p.texto == "Solicitacao concluida, onibus"
    assert p.codificacao == GSM7


@pytest.mark.parametrize(
    ("tamanho", "codificacao", "partes"),
    [(160, GSM7, 1), (161, GSM7, 2), (306, GSM7, 2), (307, GSM7, 3)],
)
def test_partes_gsm7(tamanho, codificacao, partes):
    p = preparar("a" * tamanho)
    assert (p.codificacao, p.partes) == (codificacao, partes)


@pytest.mark.parametrize(("tamanho", "partes"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_partes_ucs2(tamanho, partes):
    p = preparar("ã" * tamanho)
    assert (p.codificacao, p.partes) == (UCS2, partes)


@pytest.mark.parametrize(
    "entrada",
    ["+55 81 99999-0000", "81999990000", "(81) 99999-0000", "5581999990000", "081999990000"],
)
def test_celular_brasileiro_normalizado(entrada):
    assert celular_normalizar(entrada) == "+5581999990000"


@pytest.mark.parametrize(
    ("entrada", "motivo"),
    [
        ("", "Informe"),
        ("+1 202 555 0100", "não é um número brasileiro"),
        ("(81) 3333-4444", "telefone fixo"),
        ("81 8999-0000", r"DDD \+ 9"),
        ("+55 00 99999-0000", "DDD 00"),
        ("81 89999-0000", "começam com 9"),
        ("9999", r"DDD \+ 9"),
        ("abc", "não é um número"),
    ],
)
def test_numero_recusado_com_motivo(entrada, motivo):
    with pytest.raises(NumeroInvalido, match=motivo):
        celular_normalizar(entrada)


def test_mascara_lgpd():
    assert celular_mascarar("+5581999991234") == "+55 81 9****-1234"


def test_tags_validas_aceitas():
    validar_tags("Protocolo {protocolo}, previsão {data_prevista} ({especificacao}) {{ok}}")


@pytest.mark.parametrize(
    ("texto", "motivo"),
    [
        ("Protocolo {protocolo", "desbalanceadas"),
        ("Protocolo protocolo}", "desbalanceadas"),
        ("Olá {nome}", "desconhecidas: {nome}"),
        ("Olá {}", "vazio"),
    ],
)
def test_tags_recusadas(texto, motivo):
    with pytest.raises(ValidationError, match=motivo):
        validar_tags(texto)
