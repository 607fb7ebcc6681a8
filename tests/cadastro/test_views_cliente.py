import pytest
from django.urls import reverse

from cadastro.models import Cliente, ClienteImovel
from tests.factories import ClienteFactory, ClienteImovelFactory, ImovelFactory, TelefoneFactory

pytestmark = pytest.mark.django_db

NOVO = reverse("cadastro:cliente_novo")


def _post(telefones=(), iniciais=0, **campos):
    dados = {
        "nome": "Carla Menezes",
        "cpf_cnpj": "529.982.247-25",
        "email": "carla@example.com",
        "recebe_sms": "on",
        "telefones-TOTAL_FORMS": str(len(telefones)),
        "telefones-INITIAL_FORMS": str(iniciais),
        "telefones-MIN_NUM_FORMS": "0",
        "telefones-MAX_NUM_FORMS": "1000",
    }
    dados.update(campos)
    for i, fone in enumerate(telefones):
        for chave, valor in fone.items():
            dados[f"telefones-{i}-{chave}"] = valor
    return dados


CELULAR = {"tipo": "celular", "ddd": "81", "numero": "99988-7766", "principal": "on", "sms": "on"}
FIXO = {"tipo": "residencial", "ddd": "81", "numero": "3322-1100"}


def test_criar_cliente_com_telefones(client_atendente):
    resposta = client_atendente.post(NOVO, _post([CELULAR, FIXO]))
    cliente = Cliente.objects.get()
    assert resposta.status_code == 302
    assert resposta.url == reverse("cadastro:cliente_detalhe", args=[cliente.pk])
    assert cliente.cpf_cnpj == "52998224725"
    assert sorted(cliente.telefones.values_list("numero", "sms")) == [
        ("33221100", False),
        ("999887766", True),
    ]
    pagina = client_atendente.get(resposta.url).content.decode()
    assert "Cliente Carla Menezes cadastrado." in pagina
    assert "(81) 99988-7766" in pagina


def test_criar_cliente_a_partir_do_imovel_vincula(client_atendente):
    imovel = ImovelFactory()
    url = f"{NOVO}?imovel={imovel.pk}"
    assert "Vincular ao imóvel como" in client_atendente.get(url).content.decode()
    resposta = client_atendente.post(url, _post([CELULAR], relacao="usuario"))
    assert resposta.status_code == 302
    assert resposta.url == reverse("cadastro:imovel_detalhe", args=[imovel.pk])
    vinculo = ClienteImovel.objects.get()
    assert (vinculo.imovel, vinculo.relacao, vinculo.cliente.nome) == (
        imovel,
        "usuario",
        "Carla Menezes",
    )


def test_criar_cliente_para_imovel_com_usuario_ativo_recusa_e_nao_grava(client_atendente, contagem):
    vinculo = ClienteImovelFactory(relacao="usuario")
    antes = contagem()
    resposta = client_atendente.post(
        f"{NOVO}?imovel={vinculo.imovel.pk}", _post([CELULAR], relacao="usuario")
    )
    assert resposta.status_code == 200
    assert "já tem um cliente usuário ativo" in resposta.content.decode()
    assert contagem() == antes


@pytest.mark.parametrize(
    ("campos", "telefones", "mensagem"),
    [
        (
            {"cpf_cnpj": "529.982.247-24"},
            [CELULAR],
            "CPF inválido: confira os dígitos verificadores.",
        ),
        ({"cpf_cnpj": "11.222.333/0001-80"}, [CELULAR], "CNPJ inválido"),
        ({"cpf_cnpj": "abc.def"}, [CELULAR], "CPF/CNPJ deve ter só números"),
        ({"nome": ""}, [CELULAR], "Este campo é obrigatório."),
        ({"email": "carla@"}, [CELULAR], "E-mail inválido"),
        (
            {},
            [CELULAR, {**CELULAR, "numero": "98877-6655", "principal": ""}],
            "Só um telefone do cliente pode receber SMS",
        ),
        ({}, [{**FIXO, "sms": "on"}], "Só um celular pode ser marcado para SMS."),
        ({}, [{**CELULAR, "numero": "123"}], "Telefone inválido"),
        ({}, [{**CELULAR, "ddd": "00"}], "não é um telefone brasileiro válido"),
        ({}, [{**CELULAR, "numero": "3322-1100"}], "não é de celular"),
        ({}, [{**CELULAR, "numero": ""}], "Este campo é obrigatório."),
    ],
)
def test_criar_cliente_entrada_ruim(client_atendente, contagem, campos, telefones, mensagem):
    antes = contagem()
    resposta = client_atendente.post(NOVO, _post(telefones, **campos))
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert mensagem in html
    assert "Nada foi gravado" in html
    assert contagem() == antes


def test_criar_cliente_cpf_ja_usado(client_atendente, contagem):
    ClienteFactory(cpf_cnpj="52998224725")
    antes = contagem()
    resposta = client_atendente.post(NOVO, _post([CELULAR]))
    assert resposta.status_code == 200
    assert "Este CPF já está cadastrado para outro cliente." in resposta.content.decode()
    assert contagem() == antes


def test_editar_cliente_mantem_remove_e_adiciona_telefones(client_atendente):
    cliente = ClienteFactory(nome="Carla", cpf_cnpj="52998224725")
    sms = TelefoneFactory(cliente=cliente, numero="999887766", sms=True)
    fixo = TelefoneFactory(cliente=cliente, tipo="residencial", numero="33221100", sms=False)
    url = reverse("cadastro:cliente_editar", args=[cliente.pk])
    assert "99988-7766" in client_atendente.get(url).content.decode() or "999887766" in (
        client_atendente.get(url).content.decode()
    )
    telefones = [
        {"id": sms.pk, "tipo": "celular", "ddd": "81", "numero": "999887766"},  # SMS unchecked
        {"id": fixo.pk, "tipo": "residencial", "ddd": "81", "numero": "33221100", "DELETE": "on"},
        {"tipo": "celular", "ddd": "81", "numero": "988776655", "sms": "on"},
    ]
    resposta = client_atendente.post(url, _post(telefones, iniciais=2, nome="Carla Souza"))
    assert resposta.status_code == 302
    cliente.refresh_from_db()
    assert cliente.nome == "Carla Souza"
    assert sorted(cliente.telefones.values_list("pk", "numero", "sms")) == sorted(
        [(sms.pk, "999887766", False), (cliente.telefone_sms.pk, "988776655", True)]
    )


def test_editar_cliente_com_cpf_de_outro_recusa(client_atendente, contagem):
    ClienteFactory(cpf_cnpj="52998224725")
    cliente = ClienteFactory(nome="Carla")
    antes = contagem()
    resposta = client_atendente.post(
        reverse("cadastro:cliente_editar", args=[cliente.pk]), _post([], nome="Outra")
    )
    assert "Este CPF já está cadastrado para outro cliente." in resposta.content.decode()
    assert contagem() == antes


def test_sem_permissao_nao_cria_cliente(client, unidade, contagem):
    from tests.factories import UsuarioFactory

    client.force_login(UsuarioFactory(unidade=unidade))  # no role
    antes = contagem()
    assert client.post(NOVO, _post([CELULAR])).status_code == 403
    assert contagem() == antes


def test_cliente_inexistente_da_404(client_atendente):
    assert (
        client_atendente.get(reverse("cadastro:cliente_detalhe", args=[999999])).status_code == 404
    )
    assert (
        client_atendente.get(reverse("cadastro:cliente_editar", args=[999999])).status_code == 404
    )


def test_todos_os_erros_aparecem_de_uma_vez(client_atendente, contagem):
    ClienteFactory(cpf_cnpj="52998224725")
    antes = contagem()
    telefones = [
        {**FIXO, "sms": "on"},
        CELULAR,
        {**CELULAR, "numero": "98877-6655", "principal": ""},
    ]
    resposta = client_atendente.post(NOVO, _post(telefones))
    html = resposta.content.decode()
    assert "Este CPF já está cadastrado para outro cliente." in html
    assert "Só um celular pode ser marcado para SMS." in html
    assert "Só um telefone do cliente pode receber SMS" in html
    assert contagem() == antes


def test_detalhe_mascara_email_sem_permissao_de_dados_pessoais(client, client_atendente, unidade):
    from tests.factories import UsuarioFactory

    cliente = ClienteFactory(email="carla.menezes@example.com")
    url = reverse("cadastro:cliente_detalhe", args=[cliente.pk])
    assert "carla.menezes@example.com" in client_atendente.get(url).content.decode()
    client.force_login(UsuarioFactory(unidade=unidade))  # no role: masked
    conteudo = client.get(url).content.decode()
    assert "carla.menezes" not in conteudo
    assert "c***@example.com" in conteudo


def test_editar_exige_permissao_de_ver_dados_pessoais(client, unidade):
    from django.contrib.auth.models import Group, Permission

    from tests.factories import UsuarioFactory

    cliente = ClienteFactory(nome="Carla Menezes", cpf_cnpj="52998224725")
    grupo = Group.objects.create(name="Edita sem ver dados")
    grupo.permissions.set(Permission.objects.filter(codename="change_cliente"))
    usuario = UsuarioFactory(unidade=unidade)
    usuario.groups.add(grupo)
    client.force_login(usuario)
    url = reverse("cadastro:cliente_editar", args=[cliente.pk])
    resposta = client.get(url)
    assert resposta.status_code == 403
    assert "529.982" not in resposta.content.decode()
    assert client.post(url, _post(nome="Outra")).status_code == 403
    cliente.refresh_from_db()
    assert cliente.nome == "Carla Menezes"
