import pytest

from core.dados_pessoais import email_mascarar


@pytest.mark.parametrize(
    ("endereco", "mascarado"),
    [
        ("joao.silva@exemplo.com.br", "j***@exemplo.com.br"),
        ("ana@exemplo.com", "a***@exemplo.com"),
        ('"a@b"@exemplo.com', '"***@exemplo.com'),  # the domain is after the last @
        ("sem-arroba", "***"),
        ("", ""),
    ],
)
def test_email_mascarar_mostra_so_a_primeira_letra_e_o_dominio(endereco, mascarado):
    assert email_mascarar(endereco) == mascarado
