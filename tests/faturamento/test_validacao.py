"""Tags and SMS length of the billing and collection templates."""

import pytest
from django.core.exceptions import ValidationError

from faturamento import febraban, validacao
from faturamento.models import AcaoCobranca, MensagemFaturamento
from faturamento.textos import TAGS_CONTA, TAGS_DOCUMENTO
from mensageria.models import Parametros

pytestmark = pytest.mark.django_db


def _mensagens(exc) -> str:
    return " ".join(exc.value.messages)


@pytest.mark.parametrize(
    ("texto", "trecho"),
    [
        ("Conta {MATRICUL} vence {VENCIMENTO}", "Tags desconhecidas: {MATRICUL}"),
        ("Conta {matricula}", "Tags desconhecidas: {matricula}"),
        ("Conta {} vence", "par de chaves vazio"),
        ("Valor {VALOR:>40}", "sem formatação"),
        ("Valor {VALOR!r}", "sem formatação"),
        ("Conta {MATRICULA vence", "Chaves desbalanceadas"),
        ("Conta MATRICULA} vence", "Chaves desbalanceadas"),
    ],
)
def test_tags_invalidas_sao_recusadas_listando_as_validas(texto, trecho):
    with pytest.raises(ValidationError) as exc:
        validacao.validar_texto(texto, TAGS_CONTA)
    assert trecho in _mensagens(exc)
    assert "{MATRICULA}, {NOME}, {VENCIMENTO}, {VALOR}" in _mensagens(exc)


def test_tags_validas_e_chaves_literais_passam():
    validacao.validar_texto(
        "{NOME}: conta {MATRICULA} de {VALOR} vence {VENCIMENTO} {{ok}}", TAGS_CONTA
    )
    validacao.validar_texto("Documento de {VALOR} valido ate {VALIDADE}", TAGS_DOCUMENTO)


def test_tag_de_conta_nao_vale_em_documento():
    with pytest.raises(ValidationError) as exc:
        validacao.validar_texto("Documento de {NOME}", TAGS_DOCUMENTO)
    assert "{NOME}" in _mensagens(exc) and "Use: {VALIDADE}, {VALOR}" in _mensagens(exc)


def test_linha_de_exemplo_e_uma_linha_digitavel_real():
    assert len(validacao.LINHA_EXEMPLO) == 55
    febraban.codigo_da_linha(validacao.LINHA_EXEMPLO)  # every check digit right


def test_medida_conta_valores_mais_longos_e_a_linha_real():
    Parametros.objects.update_or_create(pk=1, defaults={"transliterar": True})
    texto = "Conta {MATRICULA} de R$ {VALOR} vence {VENCIMENTO}"
    medida = validacao.medir_sms(texto, TAGS_CONTA)
    # "9999999999-9"? the widest matrícula as formatted, 999.999.999,99, 31/12/2099,
    # then "\n" and the 55-character linha digitável: GSM-7, one septet each.
    from faturamento.textos import valores_mais_longos

    valores = valores_mais_longos(TAGS_CONTA, com_acento=False)
    esperado = len(texto.format(**valores)) + 1 + 55
    assert medida.unidades == esperado
    assert medida.codificacao == "gsm7" and medida.partes == 1 and not medida.problema
    assert medida.resumo == f"{esperado} de 164 caracteres · 1 SMS · GSM-7"


def test_nome_com_acento_conta_em_ucs2_sem_transliteracao():
    Parametros.objects.update_or_create(pk=1, defaults={"transliterar": False})
    texto = "{NOME}, sua conta vence {VENCIMENTO}"
    medida = validacao.medir_sms(texto, TAGS_CONTA)
    assert medida.codificacao == "ucs2" and medida.com_acento
    assert medida.partes == 2  # 30 + 24 + 10 + 1 + 55 = 120 > 70
    assert medida.resumo.endswith("2 SMS (concatenado) · UCS-2")
    Parametros.objects.filter(pk=1).update(transliterar=True)
    medida = validacao.medir_sms(texto, TAGS_CONTA)
    assert medida.codificacao == "gsm7" and medida.partes == 1


def test_texto_que_so_nao_cabe_com_a_linha_e_recusado_explicando():
    """GSAN counts 57 for the linha; the real appended text is 56 (\\n + 55)."""
    Parametros.objects.update_or_create(
        pk=1, defaults={"transliterar": True, "tamanho_maximo": 164}
    )
    # 108 + 56 = 164: fits exactly; one more character does not.
    validacao.validar_sms("x" * 108, TAGS_CONTA)
    with pytest.raises(ValidationError) as exc:
        validacao.validar_sms("x" * 109, TAGS_CONTA)
    mensagem = _mensagens(exc)
    assert "linha digitável acrescentada (56 caracteres)" in mensagem
    assert "165 caracteres GSM" in mensagem and "164" in mensagem


def test_recusa_de_tamanho_diz_os_valores_mais_longos_usados():
    Parametros.objects.update_or_create(
        pk=1, defaults={"transliterar": False, "tamanho_maximo": 120}
    )
    with pytest.raises(ValidationError) as exc:
        validacao.validar_sms("Ola {NOME}, conta de R$ {VALOR} vence {VENCIMENTO}", TAGS_CONTA)
    mensagem = _mensagens(exc)
    assert "{NOME} com 30 caracteres, com acento" in mensagem
    assert "{VALOR} 999.999.999,99" in mensagem and "{VENCIMENTO} 31/12/2099" in mensagem
    assert "máximo permitido é 120" in mensagem


def test_multiparte_desligado_recusa_o_que_passa_de_um_sms():
    Parametros.objects.update_or_create(
        pk=1, defaults={"transliterar": True, "permitir_multiparte": False, "tamanho_maximo": 300}
    )
    validacao.validar_sms("x" * 104, TAGS_DOCUMENTO)  # 104 + 56 = 160
    with pytest.raises(ValidationError) as exc:
        validacao.validar_sms("x" * 105, TAGS_DOCUMENTO)
    assert "não cabe num SMS" in _mensagens(exc)


def test_parametros_da_mensageria_nao_deixam_textos_vigentes_de_caber():
    Parametros.objects.update_or_create(
        pk=1, defaults={"transliterar": True, "tamanho_maximo": 164}
    )
    MensagemFaturamento.objects.create(referencia_inicial=202601, texto_sms="y" * 100)
    AcaoCobranca.objects.create(descricao="Aviso", por_sms=True, texto_sms="z" * 90)
    # Withdrawn versions and inactive actions do not count.
    MensagemFaturamento.objects.create(
        referencia_inicial=202501, texto_sms="w" * 150, vigente=False
    )
    AcaoCobranca.objects.create(descricao="Velha", por_sms=True, texto_sms="v" * 150, ativa=False)
    parametros = Parametros.atuais()
    parametros.tamanho_maximo = 150  # 100 + 56 = 156 no longer fits; 90 + 56 = 146 does
    with pytest.raises(ValidationError) as exc:
        parametros.full_clean()
    mensagem = _mensagens(exc)
    assert "mensagem de faturamento vigente" in mensagem
    assert "Aviso" not in mensagem and "Velha" not in mensagem
    parametros.tamanho_maximo = 140  # now the action too
    with pytest.raises(ValidationError) as exc:
        parametros.full_clean()
    assert "ação de cobrança “Aviso”" in _mensagens(exc)
    parametros.tamanho_maximo = 160
    parametros.full_clean()
