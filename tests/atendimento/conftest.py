import datetime

import pytest
from django.utils import timezone

from atendimento.models import MotivoEncerramento, RegistroAtendimento
from atendimento.services import registro_atendimento_abrir
from core.papeis import ATENDENTE
from tests.atendimento.factories import EspecificacaoFactory, MeioFactory, MotivoFactory
from tests.factories import ClienteFactory, ImovelFactory, UnidadeFactory, UsuarioFactory


@pytest.fixture
def executora(db):
    """A field unit that receives routed RAs but does not open them."""
    return UnidadeFactory(sigla="MAN", nome="Manutenção", abre_ra=False)


@pytest.fixture
def especificacao(executora):
    return EspecificacaoFactory(nome="Vazamento na via", unidade_destino=executora, prazo_dias=2)


@pytest.fixture
def meio(db):
    return MeioFactory()


@pytest.fixture
def motivos(db):
    return {
        "executado": MotivoFactory(nome="Executado", tipo=MotivoEncerramento.Tipo.EXECUTADO),
        "nao_executado": MotivoFactory(
            nome="Não executado", tipo=MotivoEncerramento.Tipo.NAO_EXECUTADO
        ),
        "duplicidade": MotivoFactory(nome="Duplicidade", tipo=MotivoEncerramento.Tipo.DUPLICIDADE),
    }


@pytest.fixture
def imovel(db):
    return ImovelFactory()


@pytest.fixture
def tecnico(executora):
    return UsuarioFactory(username="tecnico", unidade=executora, papeis=[ATENDENTE])


@pytest.fixture
def estranho(db):
    """A user of an unrelated unit."""
    outra = UnidadeFactory(sigla="OUT", nome="Outra")
    return UsuarioFactory(username="estranho", unidade=outra, papeis=[ATENDENTE])


@pytest.fixture
def abrir(atendente, especificacao, meio, imovel):
    """Open an RA through the service with sensible defaults."""

    def _abrir(**kwargs) -> RegistroAtendimento:
        dados = {
            "usuario": atendente,
            "especificacao": especificacao,
            "meio": meio,
            "descricao": "Água jorrando na calçada.",
            "tipo_solicitante": "cliente",
            "cliente": ClienteFactory(),
            "imovel": imovel,
        }
        dados.update(kwargs)
        return registro_atendimento_abrir(**dados)

    return _abrir


def vencer(ra):
    """Move an RA's deadline to the past (as if days had gone by)."""
    passado = timezone.now() - datetime.timedelta(hours=1)
    RegistroAtendimento.objects.filter(pk=ra.pk).update(
        data_abertura=passado - datetime.timedelta(days=3),
        data_prevista_atual=passado,
        data_atencao=passado - datetime.timedelta(hours=5),
    )
    ra.refresh_from_db()
    return ra


@pytest.fixture
def usuario_sem_dados_pessoais(db):
    """A field-unit user with no role: may read RAs, sees personal data masked."""
    return UsuarioFactory(
        username="operacional", unidade=UnidadeFactory(sigla="OPE", nome="Operacional")
    )


@pytest.fixture(autouse=True)
def _sem_opcoes_em_cache():
    """Each test sees the option lists of its own rows (see atendimento/widgets.py)."""
    from atendimento import widgets

    widgets._opcoes_em_cache.clear()
    yield
    widgets._opcoes_em_cache.clear()
