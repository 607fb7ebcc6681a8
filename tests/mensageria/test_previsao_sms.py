"""Point 6/7: one decision says whether an RA's protocol SMS goes and why not; the code
that creates the SMS follows it, so a screen showing it cannot disagree."""

import pytest

from mensageria.models import Mensagem
from mensageria.selectors import sms_ra_previsao, sms_ra_previsao_do_ra
from mensageria.services import registro_atendimento_notificar
from mensageria.telefones import NumeroInvalido, celular_normalizar
from tests.factories import ClienteFactory, TelefoneFactory

from .factories import especificacao_criar, modem_criar, ra_criar

pytestmark = pytest.mark.django_db


@pytest.fixture
def especificacao(db):
    return especificacao_criar()


def _cliente(*, aceita=True, celular_sms=True):
    cliente = ClienteFactory(recebe_sms=aceita)
    TelefoneFactory(cliente=cliente, numero="988887777", sms=celular_sms)
    return cliente


@pytest.mark.parametrize(
    ("montar", "envia", "trecho"),
    [
        (lambda: {"cliente": _cliente()}, True, ""),
        (lambda: {"cliente": _cliente(aceita=False)}, False, "não aceita receber SMS"),
        (lambda: {"cliente": _cliente(celular_sms=False)}, False, "não tem celular"),
        (lambda: {"telefone": "+5581999990001"}, True, ""),
        (lambda: {"telefone": "+558132221234"}, False, "fixo"),
        (lambda: {"telefone": ""}, False, "não há telefone"),
    ],
)
def test_a_decisao_e_o_que_a_notificacao_faz(
    unidade, atendente, especificacao, montar, envia, trecho
):
    modem_criar()
    dados = montar()
    antes = sms_ra_previsao(especificacao=especificacao, **dados)
    assert antes.envia is envia
    assert trecho in antes.motivo
    assert "3222" not in antes.motivo  # no phone digits in the reason (LGPD)
    ra = ra_criar(
        unidade=unidade,
        usuario=atendente,
        especificacao=especificacao,
        telefone=dados.get("telefone", ""),
        cliente=dados.get("cliente"),
        tipo_solicitante="cliente" if "cliente" in dados else "livre",
    )
    assert sms_ra_previsao_do_ra(ra) == antes
    mensagem = registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    if envia:
        assert mensagem.status == Mensagem.Status.PENDENTE
        assert mensagem.destino == antes.destino
    elif antes.destino:  # a landline: stored as failed, for the supervisor to correct
        assert mensagem.status == Mensagem.Status.FALHOU and "fixo" in mensagem.erro_texto
    else:
        assert mensagem is None
        assert not Mensagem.objects.exists()


def test_especificacao_sem_sms_na_abertura(especificacao):
    especificacao.envia_sms_abertura = False
    previsao = sms_ra_previsao(especificacao=especificacao, telefone="+5581999990001")
    assert not previsao.envia and "não envia SMS na abertura" in previsao.motivo


@pytest.mark.parametrize("numero", ["(81) 3222-1234", "+55 81 3222-1234", "81 2101-0000"])
def test_fixo_e_reconhecido_como_fixo(numero):
    with pytest.raises(NumeroInvalido) as erro:
        celular_normalizar(numero)
    assert erro.value.fixo


def test_celular_nao_e_fixo():
    assert celular_normalizar("(81) 99988-7766") == "+5581999887766"
