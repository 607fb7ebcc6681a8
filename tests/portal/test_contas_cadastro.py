"""Self-registration: CPF/CNPJ + a matrícula of an imóvel the client is linked to,
one answer for any pair that does not belong together, e-mail confirmation."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cadastro.validators import digito_modulo11, formatar_cpf_cnpj
from mensageria.models import Mensagem
from portal.models import ContaExterna
from portal.services.contas import PAR_NAO_CONFERE
from tests.factories import ClienteFactory, ClienteImovelFactory, ImovelFactory
from tests.portal.factories import ContaExternaFactory

pytestmark = pytest.mark.django_db

CADASTRO = "/portal/cadastro/"
SENHA_NOVA = "uma-senha-bem-comprida-42"
CNPJ = "11222333000181"


@pytest.fixture
def vinculo():
    return ClienteImovelFactory(
        cliente=ClienteFactory(nome="Maria da Silva"), imovel=ImovelFactory(matricula=10_012_345)
    )


def _dados(vinculo, **mudancas):
    dados = {
        "cpf_cnpj": vinculo.cliente.cpf_cnpj,
        "matricula": f"{vinculo.imovel.matricula}-{digito_modulo11(vinculo.imovel.matricula)}",
        "nome": "Maria da Silva",
        "email": "maria@exemplo.com.br",
        "senha": SENHA_NOVA,
        "senha_confirmacao": SENHA_NOVA,
    }
    return {**dados, **mudancas}


def _cadastrar(client, dados, ip="10.0.0.1"):
    return client.post(CADASTRO, dados, REMOTE_ADDR=ip)


def _link(mensagem) -> str:
    return re.search(r"https?://\S+", mensagem.texto).group(0)


def _caminho(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def test_pagina_de_cadastro_abre_sem_login(client):
    resposta = client.get(CADASTRO)
    assert resposta.status_code == 200
    assert "CPF ou CNPJ" in resposta.content.decode()


@pytest.mark.parametrize(
    "forma",
    ["digitos_com_dv", "formatado_com_dv", "sem_dv", "com_espacos"],
)
def test_cadastro_do_par_certo_cria_conta_nao_confirmada_e_envia_a_confirmacao(
    client, vinculo, forma
):
    matricula = vinculo.imovel.matricula
    dv = digito_modulo11(matricula)
    cpf, numero = {
        "digitos_com_dv": (vinculo.cliente.cpf_cnpj, f"{matricula}{dv}"),
        "formatado_com_dv": (formatar_cpf_cnpj(vinculo.cliente.cpf_cnpj), f"{matricula}-{dv}"),
        "sem_dv": (vinculo.cliente.cpf_cnpj, str(matricula)),
        "com_espacos": (f" {formatar_cpf_cnpj(vinculo.cliente.cpf_cnpj)} ", f" {matricula}-{dv} "),
    }[forma]
    resposta = _cadastrar(client, _dados(vinculo, cpf_cnpj=cpf, matricula=numero))
    assert resposta.status_code == 302
    assert resposta["Location"] == reverse("portal:cadastro_enviado")
    conta = ContaExterna.objects.get()
    assert conta.cliente == vinculo.cliente
    assert conta.email == "maria@exemplo.com.br"
    assert conta.email_confirmado_em is None
    assert conta.check_password(SENHA_NOVA)
    assert conta.criada_por is None
    mensagem = Mensagem.objects.get()
    assert mensagem.canal == Mensagem.Canal.EMAIL
    assert mensagem.evento == Mensagem.Evento.CONTA_PORTAL
    assert mensagem.destino == "maria@exemplo.com.br"
    assert mensagem.origem_tipo == "conta_portal" and mensagem.origem_id == conta.pk
    assert _link(mensagem).startswith("http://testserver/portal/cadastro/confirmar/")
    # Not signed in until the e-mail is confirmed.
    assert client.get("/portal/").status_code == 302


def test_cnpj_e_vinculo_que_termina_no_futuro_servem(client):
    hoje = datetime.date.today()
    vinculo = ClienteImovelFactory(
        cliente=ClienteFactory(cpf_cnpj=CNPJ), data_fim=hoje + datetime.timedelta(days=30)
    )
    resposta = _cadastrar(client, _dados(vinculo, cpf_cnpj="11.222.333/0001-81"))
    assert resposta.status_code == 302
    assert ContaExterna.objects.get().cliente == vinculo.cliente


def test_link_aponta_para_a_url_publica_quando_configurada(client, vinculo, settings):
    settings.URL_PUBLICA = "https://atendimento.exemplo.com.br"
    _cadastrar(client, _dados(vinculo))
    link = _link(Mensagem.objects.get())
    assert link.startswith("https://atendimento.exemplo.com.br/portal/cadastro/confirmar/")


@pytest.mark.parametrize(
    "caso", ["cpf_desconhecido", "matricula_desconhecida", "imovel_de_outro", "vinculo_encerrado"]
)
def test_par_que_nao_confere_recebe_uma_so_mensagem(client, vinculo, caso):
    outro = ClienteImovelFactory()
    encerrado = ClienteImovelFactory(
        data_inicio=datetime.date(2020, 1, 1), data_fim=datetime.date(2024, 1, 1)
    )
    dv = digito_modulo11
    dados = {
        "cpf_desconhecido": _dados(vinculo, cpf_cnpj="52998224725"),
        "matricula_desconhecida": _dados(vinculo, matricula=f"99999999-{dv(99_999_999)}"),
        "imovel_de_outro": _dados(
            vinculo, matricula=f"{outro.imovel.matricula}-{dv(outro.imovel.matricula)}"
        ),
        "vinculo_encerrado": _dados(
            vinculo,
            cpf_cnpj=encerrado.cliente.cpf_cnpj,
            matricula=f"{encerrado.imovel.matricula}-{dv(encerrado.imovel.matricula)}",
        ),
    }[caso]
    resposta = _cadastrar(client, dados)
    assert resposta.status_code == 200
    texto = resposta.content.decode()
    assert PAR_NAO_CONFERE in texto
    # Nothing else tells the cases apart: no field error besides the one message.
    assert resposta.context["form"].errors == {"__all__": [PAR_NAO_CONFERE]}
    assert not ContaExterna.objects.exists()
    assert not Mensagem.objects.exists()


def test_email_ja_cadastrado_tem_a_mesma_resposta_e_avisa_o_dono(client, vinculo):
    dono = ContaExternaFactory(email="maria@exemplo.com.br", nome="Maria Antiga")
    resposta = _cadastrar(client, _dados(vinculo, email="MARIA@exemplo.com.br"))
    assert resposta.status_code == 302
    assert resposta["Location"] == reverse("portal:cadastro_enviado")
    assert list(ContaExterna.objects.all()) == [dono]
    dono.refresh_from_db()
    assert dono.cliente != vinculo.cliente
    mensagem = Mensagem.objects.get()
    assert mensagem.destino == "maria@exemplo.com.br"
    assert "Alguém tentou criar uma conta" in mensagem.texto
    assert "/portal/senha/" in mensagem.texto
    assert "/confirmar/" not in mensagem.texto


def test_pagina_de_email_enviado_e_a_mesma_nos_dois_casos(client, vinculo):
    pagina = client.get(reverse("portal:cadastro_enviado"))
    assert pagina.status_code == 200
    assert "Enviamos um e-mail para o endereço informado" in pagina.content.decode()


@pytest.mark.parametrize(
    ("mudancas", "campo", "erro"),
    [
        ({"senha": "12345678", "senha_confirmacao": "12345678"}, "senha", "comum"),
        ({"senha": "curta", "senha_confirmacao": "curta"}, "senha", "muito curta"),
        ({"senha_confirmacao": "outra-senha-comprida-9"}, "senha_confirmacao", "não são iguais"),
        ({"cpf_cnpj": "123.456.789-00"}, "cpf_cnpj", "CPF inválido"),
        ({"cpf_cnpj": "12345"}, "cpf_cnpj", "Informe um CPF"),
        ({"matricula": "10012345-0"}, "matricula", "Dígito verificador"),
        ({"matricula": "abc"}, "matricula", "informe só números"),
        ({"email": "maria"}, "email", "email válido"),
        ({"nome": ""}, "nome", "obrigatório"),
    ],
)
def test_dados_invalidos_voltam_ao_formulario_com_mensagem(client, vinculo, mudancas, campo, erro):
    resposta = _cadastrar(client, _dados(vinculo, **mudancas))
    assert resposta.status_code == 200
    erros = resposta.context["form"].errors
    assert campo in erros and erro in " ".join(erros[campo]), erros
    assert not ContaExterna.objects.exists()


@pytest.mark.parametrize(
    "hostil",
    [
        {campo: "x" * 10_000 for campo in ("cpf_cnpj", "matricula", "nome", "email", "senha")},
        {campo: "a\x00b" for campo in ("cpf_cnpj", "matricula", "nome", "email", "senha")},
        {"nome": "<script>alert(1)</script>", "cpf_cnpj": "<b>1</b>", "matricula": "<i>"},
    ],
)
def test_entrada_hostil_recebe_mensagem_clara_e_escapada(client, vinculo, hostil):
    resposta = _cadastrar(client, _dados(vinculo, **hostil))
    assert resposta.status_code == 200
    assert resposta.context["form"].errors
    texto = resposta.content.decode()
    assert "<script>alert(1)</script>" not in texto and "<b>1</b>" not in texto
    assert not ContaExterna.objects.exists()


def test_nome_com_html_e_guardado_como_texto(client, vinculo):
    _cadastrar(client, _dados(vinculo, nome="<b>Maria</b>"))
    assert ContaExterna.objects.get().nome == "<b>Maria</b>"


def test_cadastros_limitados_por_ip(client, vinculo):
    for tentativa in range(10):
        resposta = _cadastrar(client, _dados(vinculo, cpf_cnpj="52998224725"), ip="10.7.7.7")
        assert resposta.status_code == 200, tentativa
    resposta = _cadastrar(client, _dados(vinculo), ip="10.7.7.7")
    assert resposta.status_code == 429
    assert "muitos pedidos de cadastro desta conexão" in resposta.content.decode()
    assert not ContaExterna.objects.exists()
    assert _cadastrar(client, _dados(vinculo), ip="10.8.8.8").status_code == 302


def test_conta_conectada_nao_ve_o_cadastro(client_portal):
    assert client_portal.get(CADASTRO)["Location"] == "/portal/"


# --- confirmation ---------------------------------------------------------------------


def _cadastrada(client, vinculo):
    _cadastrar(client, _dados(vinculo))
    return ContaExterna.objects.get(), _caminho(_link(Mensagem.objects.get()))


def test_link_de_confirmacao_confirma_entra_e_leva_ao_portal(client, vinculo):
    conta, caminho = _cadastrada(client, vinculo)
    resposta = client.get(caminho)
    assert resposta["Location"] == "/portal/"
    assert "E-mail confirmado" in " ".join(map(str, get_messages(resposta.wsgi_request)))
    assert client.get("/portal/").status_code == 200
    conta.refresh_from_db()
    assert conta.email_confirmado_em is not None
    assert conta.last_login is not None


def test_link_usado_de_novo_nao_entra_sem_senha(client, vinculo):
    _conta, caminho = _cadastrada(client, vinculo)
    client.get(caminho)
    client.post("/portal/sair/")
    resposta = client.get(caminho)
    assert resposta["Location"] == "/portal/entrar/"
    assert client.get("/portal/").status_code == 302


def test_link_expirado_mostra_pagina_clara_e_envia_outro(client, vinculo, relogio):
    conta, caminho = _cadastrada(client, vinculo)
    relogio.avancar(days=3, seconds=1)
    resposta = client.get(caminho)
    assert resposta.status_code == 400
    texto = resposta.content.decode()
    assert "passou da validade" in texto and "Enviar um novo link" in texto
    conta.refresh_from_db()
    assert conta.email_confirmado_em is None

    resposta = client.post(caminho)
    assert resposta["Location"] == reverse("portal:cadastro_enviado")
    novo = Mensagem.objects.order_by("-pk").first()
    assert Mensagem.objects.count() == 2
    assert client.get(_caminho(_link(novo)))["Location"] == "/portal/"


def test_link_ainda_valido_no_terceiro_dia(client, vinculo, relogio):
    _conta, caminho = _cadastrada(client, vinculo)
    relogio.avancar(days=2, hours=23)
    assert client.get(caminho)["Location"] == "/portal/"


@pytest.mark.parametrize("caso", ["adulterado", "lixo", "email_trocado", "enorme"])
def test_link_invalido_mostra_pagina_clara_sem_reenvio(client, vinculo, caso):
    conta, caminho = _cadastrada(client, vinculo)
    if caso == "email_trocado":
        conta.email = "outro@exemplo.com.br"
        conta.save()
    alvo = {
        "adulterado": caminho[:-3] + ("A" if caminho[-3] != "A" else "B") + caminho[-2:],
        "lixo": "/portal/cadastro/confirmar/nada-disso/",
        "email_trocado": caminho,
        "enorme": "/portal/cadastro/confirmar/" + "x" * 5000 + "/",
    }[caso]
    resposta = client.get(alvo)
    assert resposta.status_code == 400
    texto = resposta.content.decode()
    assert "Não foi possível confirmar o e-mail" in texto
    assert "Enviar um novo link" not in texto
    assert client.post(alvo).status_code == 400
    assert Mensagem.objects.count() == 1
    conta.refresh_from_db()
    assert conta.email_confirmado_em is None
