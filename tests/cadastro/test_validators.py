import pytest
from django.core.exceptions import ValidationError

from cadastro import validators


@pytest.mark.parametrize("cpf", ["529.982.247-25", "52998224725", "111.444.777-35"])
def test_cpf_valido(cpf):
    validators.validar_cpf_cnpj(cpf)


@pytest.mark.parametrize(
    ("valor", "mensagem"),
    [
        ("529.982.247-24", "CPF inválido"),
        ("111.111.111-11", "CPF inválido"),
        ("11.222.333/0001-80", "CNPJ inválido"),
        ("123", "Informe um CPF"),
    ],
)
def test_cpf_cnpj_invalido(valor, mensagem):
    with pytest.raises(ValidationError, match=mensagem):
        validators.validar_cpf_cnpj(valor)


def test_cnpj_valido():
    validators.validar_cpf_cnpj("11.222.333/0001-81")


def test_matricula_digito_modulo11_e_interpretacao():
    assert validators.digito_modulo11(1234567) == 9  # 112 % 11 = 2; 11 - 2 = 9
    assert validators.formatar_matricula(1234567) == "1234567-9"
    assert validators.interpretar_matricula("1234567-9") == 1234567
    with pytest.raises(ValidationError, match="Dígito verificador"):
        validators.interpretar_matricula("1234567-8")


@pytest.mark.parametrize(
    ("ddd", "numero", "celular", "erro"),
    [
        ("81", "999887766", True, None),
        ("81", "33221100", False, None),
        ("81", "33221100", True, "não é de celular"),
        ("00", "999887766", True, "não é um telefone brasileiro válido"),
        ("8", "99988", True, "Telefone inválido"),
    ],
)
def test_validar_telefone(ddd, numero, celular, erro):
    if erro is None:
        validators.validar_telefone(ddd, numero, celular=celular)
    else:
        with pytest.raises(ValidationError, match=erro):
            validators.validar_telefone(ddd, numero, celular=celular)
