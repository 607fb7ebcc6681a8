import datetime

import pytest
from django.core.exceptions import ValidationError

from cadastro import services
from cadastro.models import ClienteImovel, Imovel
from cadastro.validators import digito_modulo11
from core.exceptions import RegraViolada
from tests.factories import ClienteFactory, ClienteImovelFactory, ImovelFactory

pytestmark = pytest.mark.django_db


def _dados(**extra):
    dados = {
        "localidade": 1,
        "setor": 2,
        "quadra": 3,
        "lote": 4,
        "municipio": "Recife",
        "bairro": "Várzea",
        "logradouro": "Rua Azeredo Coutinho",
        "numero": "120",
        "cep": "50740000",
    }
    dados.update(extra)
    return dados


def test_imovel_criar_atribui_matriculas_seguidas(atendente):
    primeiro = services.imovel_criar(**_dados(), usuario=atendente)
    segundo = services.imovel_criar(**_dados(lote=5), usuario=atendente)
    assert segundo.matricula == primeiro.matricula + 1
    assert primeiro.matricula > services.MATRICULA_BASE
    assert primeiro.matricula_formatada == (
        f"{primeiro.matricula}-{digito_modulo11(primeiro.matricula)}"
    )
    assert primeiro.cep == "50740-000"
    assert primeiro.busca == "rua azeredo coutinho 120 varzea recife"
    assert primeiro.inscricao == "001.002.0003.0004.000"


def test_imovel_criar_recusa_cep_malformado_e_nao_grava(atendente):
    with pytest.raises(ValidationError) as exc:
        services.imovel_criar(**_dados(cep="5074-000"), usuario=atendente)
    assert "CEP inválido" in exc.value.message_dict["cep"][0]
    assert Imovel.objects.count() == 0


def test_imovel_criar_recusa_inscricao_repetida(atendente):
    services.imovel_criar(**_dados(), usuario=atendente)
    with pytest.raises(ValidationError, match="inscrição"):
        services.imovel_criar(**_dados(), usuario=atendente)
    assert Imovel.objects.count() == 1


def test_matriculas_reservar_bloco():
    primeira = services.matriculas_reservar(1000)
    assert services.matriculas_reservar(1) == primeira + 1000


def test_vinculo_criar_e_encerrar(atendente):
    imovel, cliente = ImovelFactory(), ClienteFactory()
    vinculo = services.vinculo_criar(
        cliente=cliente,
        imovel=imovel,
        relacao="usuario",
        data_inicio=datetime.date(2024, 1, 1),
        usuario=atendente,
    )
    assert vinculo.ativo
    encerrado = services.vinculo_encerrar(
        vinculo=vinculo, data_fim=datetime.date(2025, 1, 1), usuario=atendente
    )
    assert encerrado.data_fim == datetime.date(2025, 1, 1)
    # With the old link ended, a new usuário may be linked.
    novo = services.vinculo_criar(
        cliente=ClienteFactory(), imovel=imovel, relacao="usuario", usuario=atendente
    )
    assert novo.ativo
    assert ClienteImovel.objects.filter(imovel=imovel).count() == 2


def test_vinculo_criar_recusa_segundo_usuario_ativo(atendente):
    existente = ClienteImovelFactory(relacao="usuario")
    with pytest.raises(RegraViolada, match="já tem um cliente usuário ativo"):
        services.vinculo_criar(
            cliente=ClienteFactory(), imovel=existente.imovel, relacao="usuario", usuario=atendente
        )
    assert ClienteImovel.objects.count() == 1


def test_vinculo_criar_recusa_relacao_invalida(atendente):
    with pytest.raises(ValidationError, match="Relação inválida"):
        services.vinculo_criar(
            cliente=ClienteFactory(), imovel=ImovelFactory(), relacao="inquilino", usuario=atendente
        )
    assert ClienteImovel.objects.count() == 0


def test_vinculo_encerrar_recusa_data_anterior_e_duplo_encerramento(atendente):
    vinculo = ClienteImovelFactory(data_inicio=datetime.date(2024, 6, 1))
    with pytest.raises(ValidationError, match="anterior à data de início"):
        services.vinculo_encerrar(
            vinculo=vinculo, data_fim=datetime.date(2024, 5, 31), usuario=atendente
        )
    vinculo.refresh_from_db()
    assert vinculo.data_fim is None
    services.vinculo_encerrar(vinculo=vinculo, usuario=atendente)
    with pytest.raises(RegraViolada, match="já foi encerrado"):
        services.vinculo_encerrar(vinculo=vinculo, usuario=atendente)
