import pytest
from django.urls import reverse

from cadastro.models import Cliente, Telefone

pytestmark = pytest.mark.django_db


def _dados(telefones):
    dados = {
        "nome": "Cliente do Admin",
        "cpf_cnpj": "52998224725",
        "email": "",
        "telefones-TOTAL_FORMS": str(len(telefones)),
        "telefones-INITIAL_FORMS": "0",
        "telefones-MIN_NUM_FORMS": "0",
        "telefones-MAX_NUM_FORMS": "1000",
        "vinculos-TOTAL_FORMS": "0",
        "vinculos-INITIAL_FORMS": "0",
        "vinculos-MIN_NUM_FORMS": "0",
        "vinculos-MAX_NUM_FORMS": "1000",
    }
    for i, fone in enumerate(telefones):
        for chave, valor in fone.items():
            dados[f"telefones-{i}-{chave}"] = valor
    return dados


CELULAR = {"tipo": "celular", "ddd": "81", "numero": "999887766", "sms": "on"}


def test_admin_cria_cliente_com_telefone(client, administrador):
    client.force_login(administrador)
    resposta = client.post(reverse("admin:cadastro_cliente_add"), _dados([CELULAR]))
    assert resposta.status_code == 302
    assert Cliente.objects.get().telefones.get().sms


@pytest.mark.parametrize(
    ("telefones", "mensagem"),
    [
        (
            [CELULAR, {**CELULAR, "numero": "988776655"}],
            "Só um telefone do cliente pode receber SMS",
        ),
        (
            [{**CELULAR, "tipo": "residencial", "numero": "33221100"}],
            "Só um celular pode ser marcado para SMS.",
        ),
        ([{**CELULAR, "numero": "12"}], "Telefone inválido"),
    ],
)
def test_admin_recusa_telefones_ruins(client, administrador, telefones, mensagem):
    client.force_login(administrador)
    resposta = client.post(reverse("admin:cadastro_cliente_add"), _dados(telefones))
    assert resposta.status_code == 200
    assert mensagem in resposta.content.decode()
    assert Cliente.objects.count() == 0
    assert Telefone.objects.count() == 0


def test_admin_recusa_cpf_invalido(client, administrador):
    client.force_login(administrador)
    resposta = client.post(
        reverse("admin:cadastro_cliente_add"), {**_dados([]), "cpf_cnpj": "52998224724"}
    )
    assert resposta.status_code == 200
    assert "CPF inválido" in resposta.content.decode()
    assert Cliente.objects.count() == 0


def test_admin_move_sms_de_um_celular_para_outro(client, administrador):
    from tests.factories import ClienteFactory, TelefoneFactory

    cliente = ClienteFactory(nome="Cliente do Admin", cpf_cnpj="52998224725")
    antigo = TelefoneFactory(cliente=cliente, numero="999887766", sms=True)
    novo = TelefoneFactory(cliente=cliente, numero="988776655", sms=False, principal=False)
    client.force_login(administrador)
    # The phone that gets the flag comes first in the form: saved before the other is cleared.
    dados = _dados(
        [
            {
                "id": novo.pk,
                "cliente": cliente.pk,
                "tipo": "celular",
                "ddd": "81",
                "numero": "988776655",
                "sms": "on",
            },
            {
                "id": antigo.pk,
                "cliente": cliente.pk,
                "tipo": "celular",
                "ddd": "81",
                "numero": "999887766",
            },
        ]
    )
    dados["telefones-INITIAL_FORMS"] = "2"
    resposta = client.post(reverse("admin:cadastro_cliente_change", args=[cliente.pk]), dados)
    assert resposta.status_code == 302, resposta.content.decode()[:3000]
    assert cliente.telefone_sms == novo


def test_admin_recusa_dois_usuarios_ativos_no_imovel(client, administrador):
    from cadastro.models import ClienteImovel
    from tests.factories import ClienteFactory, ImovelFactory

    imovel = ImovelFactory()
    a, b = ClienteFactory(), ClienteFactory()
    client.force_login(administrador)
    dados = {
        f: getattr(imovel, f)
        for f in (
            "localidade",
            "setor",
            "quadra",
            "lote",
            "sublote",
            "municipio",
            "uf",
            "bairro",
            "logradouro",
            "numero",
            "complemento",
            "cep",
            "situacao_agua",
            "situacao_esgoto",
        )
    }
    dados.update(
        {
            "vinculos-TOTAL_FORMS": "2",
            "vinculos-INITIAL_FORMS": "0",
            "vinculos-MIN_NUM_FORMS": "0",
            "vinculos-MAX_NUM_FORMS": "1000",
            "vinculos-0-cliente": a.pk,
            "vinculos-0-relacao": "usuario",
            "vinculos-0-data_inicio": "2024-01-01",
            "vinculos-1-cliente": b.pk,
            "vinculos-1-relacao": "usuario",
            "vinculos-1-data_inicio": "2024-02-01",
        }
    )
    resposta = client.post(reverse("admin:cadastro_imovel_change", args=[imovel.pk]), dados)
    assert resposta.status_code == 200
    assert "dois vínculos ativos da mesma relação" in resposta.content.decode()
    assert ClienteImovel.objects.count() == 0
    dados["vinculos-1-relacao"] = "proprietario"
    resposta = client.post(reverse("admin:cadastro_imovel_change", args=[imovel.pk]), dados)
    assert resposta.status_code == 302
    assert ClienteImovel.objects.count() == 2
