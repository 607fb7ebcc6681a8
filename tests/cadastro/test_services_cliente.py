import pytest
from django.core.exceptions import ValidationError

from cadastro import services
from cadastro.models import Cliente, Telefone
from cadastro.services import DadosTelefone
from tests.factories import ClienteFactory, TelefoneFactory

pytestmark = pytest.mark.django_db

CPF = "529.982.247-25"
CELULAR = DadosTelefone(tipo="celular", ddd="81", numero="99988-7766", principal=True, sms=True)
FIXO = DadosTelefone(tipo="residencial", ddd="81", numero="3322-1100")


def _criar(atendente, **extra):
    dados = {
        "nome": "  Maria   da Silva ",
        "cpf_cnpj": CPF,
        "email": "maria@example.com",
        "recebe_sms": True,
        "telefones": [CELULAR, FIXO],
        "usuario": atendente,
    }
    dados.update(extra)
    return services.cliente_criar(**dados)


def test_cliente_criar_com_telefones(atendente):
    cliente = _criar(atendente)
    assert cliente.nome == "Maria da Silva"
    assert cliente.cpf_cnpj == "52998224725"
    assert cliente.busca == "maria da silva"
    fones = list(cliente.telefones.order_by("tipo"))
    assert [(f.tipo, f.numero, f.sms) for f in fones] == [
        ("celular", "999887766", True),
        ("residencial", "33221100", False),
    ]
    assert cliente.telefone_sms.e164 == "+5581999887766"
    assert cliente.history.first().history_user == atendente
    assert {h.history_user for h in Telefone.history.all()} == {atendente}


@pytest.mark.parametrize(
    ("extra", "campo", "mensagem"),
    [
        ({"cpf_cnpj": "529.982.247-24"}, "cpf_cnpj", "CPF inválido"),
        ({"cpf_cnpj": "11.222.333/0001-80"}, "cpf_cnpj", "CNPJ inválido"),
        ({"cpf_cnpj": "1234"}, "cpf_cnpj", "Informe um CPF"),
        ({"nome": "   "}, "nome", "Informe o nome"),
        (
            {
                "telefones": [
                    CELULAR,
                    DadosTelefone(tipo="celular", ddd="81", numero="988776655", sms=True),
                ]
            },
            "telefones",
            "Só um telefone do cliente pode receber SMS",
        ),
        (
            {
                "telefones": [
                    DadosTelefone(tipo="residencial", ddd="81", numero="33221100", sms=True)
                ]
            },
            "telefones",
            "só um celular pode ser marcado para SMS",
        ),
        (
            {"telefones": [DadosTelefone(tipo="celular", ddd="81", numero="12")]},
            "telefones",
            "Telefone inválido",
        ),
        (
            {"telefones": [DadosTelefone(tipo="celular", ddd="81", numero="33221100")]},
            "telefones",
            "não é de celular",
        ),
        (
            {"telefones": [DadosTelefone(tipo="satelite", ddd="81", numero="33221100")]},
            "telefones",
            "tipo inválido",
        ),
    ],
)
def test_cliente_criar_recusa_e_nao_grava(atendente, extra, campo, mensagem):
    with pytest.raises(ValidationError) as exc:
        _criar(atendente, **extra)
    assert campo in exc.value.message_dict
    assert any(mensagem in m for m in exc.value.message_dict[campo])
    assert Cliente.objects.count() == 0
    assert Telefone.objects.count() == 0


def test_cliente_criar_recusa_cpf_ja_usado(atendente):
    ClienteFactory(cpf_cnpj="52998224725")
    with pytest.raises(ValidationError, match="já está cadastrado"):
        _criar(atendente, cpf_cnpj=CPF)
    assert Cliente.objects.count() == 1
    assert Telefone.objects.count() == 0


def test_cliente_sem_cpf_pode_repetir(atendente):
    _criar(atendente, cpf_cnpj="", telefones=[])
    _criar(atendente, cpf_cnpj="", telefones=[])
    assert Cliente.objects.filter(cpf_cnpj="").count() == 2


def test_cliente_atualizar_troca_telefones_e_move_sms(atendente):
    cliente = _criar(atendente)
    celular, fixo = cliente.telefones.order_by("tipo")
    novo_celular = DadosTelefone(tipo="celular", ddd="81", numero="988776655", sms=True)
    services.cliente_atualizar(
        cliente=cliente,
        nome="Maria da Silva Souza",
        cpf_cnpj="52998224725",
        telefones=[
            DadosTelefone(id=celular.pk, tipo="celular", ddd="81", numero="999887766", sms=False),
            novo_celular,
        ],
        usuario=atendente,
    )
    cliente.refresh_from_db()
    assert cliente.busca == "maria da silva souza"
    fones = {f.numero: f for f in cliente.telefones.all()}
    assert set(fones) == {"999887766", "988776655"}
    assert fones["999887766"].pk == celular.pk and not fones["999887766"].sms
    assert fones["988776655"].sms
    assert not Telefone.objects.filter(pk=fixo.pk).exists()
    remocao = Telefone.history.get(id=fixo.pk, history_type="-")
    assert remocao.history_user == atendente


def test_cliente_atualizar_recusa_cpf_de_outro_e_nao_grava(atendente):
    outro = ClienteFactory()
    cliente = _criar(atendente)
    with pytest.raises(ValidationError, match="já está cadastrado"):
        services.cliente_atualizar(
            cliente=cliente,
            nome="Outro nome",
            cpf_cnpj=outro.cpf_cnpj,
            telefones=[],
            usuario=atendente,
        )
    cliente.refresh_from_db()
    assert cliente.nome == "Maria da Silva"
    assert cliente.telefones.count() == 2


def test_cliente_atualizar_mantem_o_proprio_cpf(atendente):
    cliente = _criar(atendente)
    services.cliente_atualizar(
        cliente=cliente, nome="Maria S.", cpf_cnpj=CPF, telefones=[], usuario=atendente
    )
    cliente.refresh_from_db()
    assert cliente.nome == "Maria S."
    assert cliente.telefones.count() == 0


def test_banco_recusa_dois_sms_mesmo_sem_o_servico(atendente):
    """The partial unique index is the last line of defence."""
    from django.db import IntegrityError, transaction

    fone = TelefoneFactory(sms=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        TelefoneFactory(cliente=fone.cliente, sms=True)
