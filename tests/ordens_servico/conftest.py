import pytest

from core.papeis import ATENDENTE, SUPERVISOR
from tests.factories import UnidadeFactory, UsuarioFactory
from tests.ordens_servico.factories import (
    EquipeFactory,
    MotivoFactory,
    OrdemServicoFactory,
    TipoServicoFactory,
)


@pytest.fixture
def gerencia(db):
    return UnidadeFactory(sigla="GER", nome="Gerência Regional", tipo="gerencia")


@pytest.fixture
def campo(gerencia):
    return UnidadeFactory(sigla="OPN", nome="Operacional Norte", superior=gerencia)


@pytest.fixture
def outra_unidade(db):
    return UnidadeFactory(sigla="OPS", nome="Operacional Sul")


@pytest.fixture
def tecnico(campo):
    return UsuarioFactory(username="tecnico", unidade=campo, papeis=[ATENDENTE])


@pytest.fixture
def gerente(gerencia):
    return UsuarioFactory(username="gerente", unidade=gerencia, papeis=[SUPERVISOR])


@pytest.fixture
def estranho(outra_unidade):
    return UsuarioFactory(username="estranho", unidade=outra_unidade, papeis=[ATENDENTE])


@pytest.fixture
def tipo(db):
    return TipoServicoFactory(descricao="Conserto de vazamento", prazo_execucao_horas=24)


@pytest.fixture
def equipe(campo):
    return EquipeFactory(nome="Equipe Alfa", unidade=campo, carga_diaria=2)


@pytest.fixture
def os_pendente(campo, tipo, tecnico):
    return OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo, usuario_geracao=tecnico)


@pytest.fixture
def executado(db):
    return MotivoFactory(nome="Serviço executado", tipo="executado")


@pytest.fixture
def nao_executado(db):
    return MotivoFactory(nome="Endereço não localizado", tipo="nao_executado")


@pytest.fixture
def duplicidade(db):
    return MotivoFactory(nome="Duplicidade", tipo="duplicidade")
