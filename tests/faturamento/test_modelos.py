"""Rules of the billing message versions and of the collection actions' messages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from faturamento.models import AcaoCobranca, MensagemFaturamento
from faturamento.services.modelos import mensagem_faturamento_salvar
from mensageria.models import Parametros

pytestmark = pytest.mark.django_db

DADOS = {
    "referencia_inicial": 202612,
    "dias_antes": 5,
    "max_tentativas_email": 3,
    "valor_minimo": Decimal("10.00"),
    "categorias": ["residencial", "comercial"],
    "texto_sms": "{NOME}: conta {MATRICULA} de R$ {VALOR} vence {VENCIMENTO}.",
    "assunto_email": "Sua conta {MATRICULA} vence em {VENCIMENTO}",
    "texto_email": "Olá, {NOME}. A conta de R$ {VALOR} vence em {VENCIMENTO}.",
}


@pytest.fixture(autouse=True)
def _parametros(db):
    Parametros.objects.update_or_create(
        pk=1, defaults={"transliterar": True, "tamanho_maximo": 164}
    )


def _erros(exc) -> dict:
    return exc.value.message_dict


# --- MensagemFaturamento -----------------------------------------------------


def test_versao_valida_passa():
    MensagemFaturamento(**DADOS).full_clean()


@pytest.mark.parametrize(
    ("mudanca", "campo", "trecho"),
    [
        ({"referencia_inicial": 202613}, "referencia_inicial", "Referência inválida"),
        ({"referencia_inicial": 199912}, "referencia_inicial", "Referência inválida"),
        ({"texto_sms": "", "texto_email": ""}, "texto_sms", "o do e-mail ou os dois"),
        ({"texto_sms": "Conta {VALIDADE}"}, "texto_sms", "Tags desconhecidas: {VALIDADE}"),
        ({"texto_sms": "x" * 109}, "texto_sms", "linha digitável acrescentada"),
        ({"texto_email": "Conta {VALOR"}, "texto_email", "Chaves desbalanceadas"),
        ({"assunto_email": "Conta {NUMERO}"}, "assunto_email", "Tags desconhecidas: {NUMERO}"),
        ({"assunto_email": ""}, "assunto_email", "Informe o assunto"),
        ({"categorias": []}, "categorias", "ao menos uma categoria"),
        ({"categorias": ["residencial", "rural"]}, "categorias", "desconhecidas: rural"),
        ({"categorias": "residencial"}, "categorias", "ao menos uma categoria"),
        ({"dias_antes": 61}, "dias_antes", "60"),
        ({"max_tentativas_email": 0}, "max_tentativas_email", "1"),
        ({"max_tentativas_email": 100}, "max_tentativas_email", "99"),
    ],
)
def test_versao_invalida_e_recusada_no_campo(mudanca, campo, trecho):
    with pytest.raises(ValidationError) as exc:
        MensagemFaturamento(**{**DADOS, **mudanca}).full_clean()
    assert campo in _erros(exc)
    assert trecho in " ".join(_erros(exc)[campo])


def test_so_sms_ou_so_email_basta():
    MensagemFaturamento(**{**DADOS, "texto_email": "", "assunto_email": ""}).full_clean()
    MensagemFaturamento(**{**DADOS, "texto_sms": ""}).full_clean()


def test_salvar_cria_nova_versao_e_retira_a_vigente(administrador):
    primeira = mensagem_faturamento_salvar(DADOS, usuario=administrador)
    assert primeira.vigente and primeira.retirada_em is None
    assert primeira.criada_por == administrador
    segunda = mensagem_faturamento_salvar(
        {**DADOS, "dias_antes": 3, "categorias": ["comercial", "residencial"]},
        usuario=administrador,
    )
    primeira.refresh_from_db()
    assert segunda.pk != primeira.pk and segunda.vigente
    assert not primeira.vigente and primeira.retirada_em is not None
    # The old version is untouched: history as it was.
    assert primeira.dias_antes == 5
    assert segunda.categorias == ["residencial", "comercial"]
    assert MensagemFaturamento.objects.filter(vigente=True).get() == segunda


def test_salvar_invalido_nao_retira_a_vigente(administrador):
    primeira = mensagem_faturamento_salvar(DADOS, usuario=administrador)
    with pytest.raises(ValidationError):
        mensagem_faturamento_salvar({**DADOS, "texto_sms": "{X}"}, usuario=administrador)
    primeira.refresh_from_db()
    assert primeira.vigente and MensagemFaturamento.objects.count() == 1


def test_banco_recusa_duas_vigentes():
    MensagemFaturamento.objects.create(**DADOS)
    with pytest.raises(IntegrityError):
        MensagemFaturamento.objects.create(**DADOS)


# --- AcaoCobranca ------------------------------------------------------------

ACAO = {
    "descricao": "Aviso de débito",
    "por_sms": True,
    "texto_sms": "Debito de R$ {VALOR}, pague ate {VALIDADE}.",
    "por_email": True,
    "max_tentativas_email": 5,
    "assunto_email": "Aviso de débito",
    "texto_email": "Há um débito de R$ {VALOR}; o documento vale até {VALIDADE}.",
}


def test_acao_com_mensagens_valida_passa():
    AcaoCobranca(**ACAO).full_clean()
    AcaoCobranca(descricao="Corte", gera_os=True, cronograma=True).full_clean()


@pytest.mark.parametrize(
    ("mudanca", "campo", "trecho"),
    [
        ({"texto_sms": ""}, "texto_sms", "Informe o texto do SMS"),
        ({"texto_sms": "Conta {MATRICULA}"}, "texto_sms", "Tags desconhecidas: {MATRICULA}"),
        ({"texto_sms": "x" * 109}, "texto_sms", "linha digitável acrescentada"),
        ({"texto_email": ""}, "texto_email", "Informe o texto do e-mail"),
        ({"texto_email": "{VALOR"}, "texto_email", "Chaves desbalanceadas"),
        ({"assunto_email": ""}, "assunto_email", "Informe o assunto"),
        ({"max_tentativas_email": None}, "max_tentativas_email", "1 a 99"),
        ({"max_tentativas_email": 100}, "max_tentativas_email", "99"),
        ({"gera_os": True}, "gera_os", "não gera ordem de serviço"),
        ({"cronograma": True}, "cronograma", "não faz parte do cronograma"),
    ],
)
def test_acao_invalida_e_recusada_no_campo(mudanca, campo, trecho):
    with pytest.raises(ValidationError) as exc:
        AcaoCobranca(**{**ACAO, **mudanca}).full_clean()
    assert campo in _erros(exc)
    assert trecho in " ".join(_erros(exc)[campo])


def test_flags_desligados_nao_exigem_textos_mas_validam_os_que_houver():
    AcaoCobranca(descricao="Só registro").full_clean()
    with pytest.raises(ValidationError) as exc:
        AcaoCobranca(descricao="Rascunho", texto_sms="{NOME}").full_clean()
    assert "texto_sms" in _erros(exc)
    # Not sent by SMS: no length check on a draft text.
    AcaoCobranca(descricao="Rascunho", texto_sms="x" * 300).full_clean()


def test_acao_que_envia_nao_tem_predecessora_nem_sucessoras():
    anterior = AcaoCobranca.objects.create(descricao="Corte", gera_os=True)
    with pytest.raises(ValidationError) as exc:
        AcaoCobranca(**ACAO, predecessora=anterior).full_clean()
    assert "não tem ação predecessora" in " ".join(_erros(exc)["predecessora"])

    aviso = AcaoCobranca.objects.create(descricao="Aviso")
    AcaoCobranca.objects.create(descricao="Religação", predecessora=aviso)
    for campo, valor in ACAO.items():
        setattr(aviso, campo, valor)
    aviso.descricao = "Aviso"
    with pytest.raises(ValidationError) as exc:
        aviso.full_clean()
    assert "é predecessora de “Religação”" in " ".join(_erros(exc)["por_sms"])


def test_acao_nao_pode_suceder_uma_que_envia():
    aviso = AcaoCobranca.objects.create(**ACAO)
    with pytest.raises(ValidationError) as exc:
        AcaoCobranca(descricao="Corte", gera_os=True, predecessora=aviso).full_clean()
    assert "“Aviso de débito” envia mensagens" in " ".join(_erros(exc)["predecessora"])
    AcaoCobranca(
        descricao="Corte", gera_os=True, predecessora=AcaoCobranca.objects.create(descricao="X")
    ).full_clean()
