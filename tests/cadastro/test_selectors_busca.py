import datetime

import pytest

from cadastro.selectors import BUSCA_POR_PAGINA, busca_atendimento
from cadastro.validators import formatar_cpf_cnpj
from tests.factories import (
    ClienteFactory,
    ClienteImovelFactory,
    ImovelFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cenario():
    alvo = ImovelFactory(
        matricula=1234567,
        logradouro="Rua Amélia",
        numero="120",
        bairro="Graças",
    )
    outro = ImovelFactory(logradouro="Avenida Boa Viagem", numero="3000", bairro="Boa Viagem")
    joao = ClienteFactory(nome="João Conceição Araújo", cpf_cnpj="52998224725")
    empresa = ClienteFactory(nome="Padaria Pão Quente Ltda", cpf_cnpj="11222333000181")
    ClienteImovelFactory(cliente=joao, imovel=alvo, relacao="usuario")
    ClienteImovelFactory(cliente=empresa, imovel=outro, relacao="proprietario")
    return {"alvo": alvo, "outro": outro, "joao": joao, "empresa": empresa}


@pytest.mark.parametrize("termo", ["1234567-9", "12345679", "1234567", " 1234567-9 "])
def test_busca_por_matricula_com_ou_sem_digito(cenario, atendente, termo):
    resultado = busca_atendimento(termo, atendente)
    assert resultado.criterio == "matrícula"
    assert resultado.imoveis == [cenario["alvo"]]
    assert resultado.mensagem == ""
    assert [v.cliente for v in resultado.imoveis[0].vinculos_ativos] == [cenario["joao"]]


def test_busca_por_matricula_com_digito_errado(cenario, atendente):
    resultado = busca_atendimento("1234567-8", atendente)
    assert resultado.vazio
    assert "Dígito verificador da matrícula não confere" in resultado.mensagem


def test_busca_matricula_inexistente(cenario, atendente):
    resultado = busca_atendimento("7654321", atendente)
    assert resultado.vazio
    assert "Nenhum imóvel com esta matrícula" in resultado.mensagem


@pytest.mark.parametrize("termo", ["{inscricao}", "{inscricao_curta}"])
def test_busca_por_inscricao(cenario, atendente, termo):
    alvo = cenario["alvo"]
    curta = f"{alvo.localidade}.{alvo.setor}.{alvo.quadra}.{alvo.lote}"
    termo = termo.format(inscricao=alvo.inscricao, inscricao_curta=curta)
    resultado = busca_atendimento(termo, atendente)
    assert resultado.criterio == "inscrição"
    assert resultado.imoveis == [alvo]


def test_busca_por_inscricao_inexistente(cenario, atendente):
    resultado = busca_atendimento("999.999.9999.9999.999", atendente)
    assert resultado.vazio
    assert resultado.mensagem == "Nenhum imóvel com esta inscrição."


@pytest.mark.parametrize("termo", ["529.982.247-25", "52998224725", "529 982 247 25"])
def test_busca_por_cpf_com_ou_sem_pontuacao(cenario, atendente, termo):
    resultado = busca_atendimento(termo, atendente)
    assert resultado.criterio == "CPF"
    assert resultado.clientes == [cenario["joao"]]
    assert resultado.imoveis == [cenario["alvo"]]


def test_busca_por_cnpj(cenario, atendente):
    resultado = busca_atendimento(formatar_cpf_cnpj("11222333000181"), atendente)
    assert resultado.criterio == "CNPJ"
    assert resultado.clientes == [cenario["empresa"]]
    assert resultado.imoveis == [cenario["outro"]]


def test_busca_por_cpf_nao_lista_imovel_de_vinculo_encerrado(cenario, atendente):
    vinculo = cenario["joao"].vinculos.get()
    vinculo.data_fim = datetime.date.today()
    vinculo.save()
    resultado = busca_atendimento("52998224725", atendente)
    assert resultado.clientes == [cenario["joao"]]
    assert resultado.imoveis == []


@pytest.mark.parametrize(
    ("termo", "mensagem"),
    [("52998224724", "CPF inválido"), ("11144477735", "Nenhum cliente com este CPF")],
)
def test_busca_por_cpf_invalido_ou_inexistente(cenario, atendente, termo, mensagem):
    resultado = busca_atendimento(termo, atendente)
    assert resultado.vazio
    assert mensagem in resultado.mensagem


@pytest.mark.parametrize("termo", ["JOAO CONCEICAO", "joão conceição", "conceicao araujo"])
def test_busca_por_nome_sem_acento_e_maiusculas(cenario, atendente, termo):
    resultado = busca_atendimento(termo, atendente)
    assert resultado.clientes == [cenario["joao"]]
    assert [v.imovel for v in resultado.clientes[0].vinculos_ativos] == [cenario["alvo"]]


@pytest.mark.parametrize("termo", ["rua amelia", "RUA AMÉLIA 120", "gracas amelia"])
def test_busca_por_endereco_sem_acento(cenario, atendente, termo):
    resultado = busca_atendimento(termo, atendente)
    assert resultado.imoveis == [cenario["alvo"]]
    assert resultado.clientes == []


def test_busca_pagina_e_avisa_que_tem_mais(atendente):
    imoveis = [ImovelFactory(logradouro="Rua do Sol") for _ in range(BUSCA_POR_PAGINA + 3)]
    primeira = busca_atendimento("rua do sol", atendente)
    assert len(primeira.imoveis) == BUSCA_POR_PAGINA
    assert primeira.tem_mais
    segunda = busca_atendimento("rua do sol", atendente, pagina=2)
    assert len(segunda.imoveis) == 3
    assert not segunda.tem_mais
    assert {i.pk for i in primeira.imoveis + segunda.imoveis} == {i.pk for i in imoveis}


@pytest.mark.parametrize(
    ("termo", "mensagem"),
    [
        ("", "Digite uma matrícula"),
        ("   ", "Digite uma matrícula"),
        ("x" * 10_000, "A busca aceita até"),
        ("ab", "pelo menos uma palavra com 3 letras"),
        ("' OR 1=1 --", "pelo menos uma palavra com 3 letras"),
        ("'; DROP TABLE cadastro_imovel; --", "Nenhum imóvel ou cliente encontrado"),
        ("<script>alert('x')</script>", "Nenhum imóvel ou cliente encontrado"),
        ("%%%___", "pelo menos uma palavra com 3 letras"),
    ],
)
def test_busca_entrada_ruim_da_mensagem_clara(cenario, atendente, termo, mensagem):
    resultado = busca_atendimento(termo, atendente)
    assert resultado.vazio
    assert mensagem in resultado.mensagem
    assert len(resultado.termo) <= 120


def test_busca_sql_nao_altera_nada(cenario, atendente):
    from cadastro.models import Imovel

    busca_atendimento("'; DELETE FROM cadastro_imovel; --", atendente)
    assert Imovel.objects.count() == 2


def test_busca_curinga_de_like_e_literal(atendente):
    ImovelFactory(logradouro="Rua Cem Por Cento")
    assert not busca_atendimento("cem por", atendente).vazio
    # If % or _ reached LIKE as wildcards, these would match "cem por".
    assert busca_atendimento("cem%por", atendente).vazio
    assert busca_atendimento("cem_por", atendente).vazio


def _indexscan():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_indexscan")
        return cursor.fetchone()[0]


def test_busca_de_varias_palavras_devolve_a_configuracao_da_conexao(
    cenario, atendente, monkeypatch
):
    from cadastro import selectors

    assert busca_atendimento("rua amelia", atendente).imoveis == [cenario["alvo"]]
    assert _indexscan() == "on"

    def falha(*args, **kwargs):
        raise RuntimeError("falha no meio da busca")

    monkeypatch.setattr(selectors, "_pagina", falha)
    with pytest.raises(RuntimeError):
        busca_atendimento("rua amelia", atendente)
    assert _indexscan() == "on"
