"""The portal's demo data: especificações open to the portal, a confirmed customer
account of a client with its imóveis, and its contacts in every state (waiting on the
company, answered by it, closed), with messages and files from both sides."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from atendimento.models import Anexo, Especificacao, MensagemAtendimento, RegistroAtendimento
from atendimento.services import registro_atendimento_mensagem_adicionar
from cadastro.models import ClienteImovel, Usuario
from gsan.run_dev import banner
from mensageria.models import MODELOS_PADRAO, Mensagem, ModeloMensagem
from portal import demo
from portal.models import ContaExterna

pytestmark = pytest.mark.django_db

Situacao = RegistroAtendimento.Situacao
Interacao = RegistroAtendimento.InteracaoPendente


def _contagens():
    return (
        ContaExterna.objects.count(),
        RegistroAtendimento.objects.count(),
        MensagemAtendimento.objects.count(),
        Anexo.objects.count(),
        ClienteImovel.objects.count(),
        Especificacao.objects.filter(portal=True).count(),
    )


@pytest.fixture
def carregado(db):
    call_command("load_demo", stdout=io.StringIO())


def test_load_demo_do_portal_e_idempotente(carregado):
    antes = _contagens()
    saida = io.StringIO()
    call_command("load_demo", stdout=saida)
    assert _contagens() == antes
    assert demo.EMAIL in saida.getvalue() and demo.SENHA in saida.getvalue()


def test_conta_de_demonstracao_confirmada_com_imoveis(carregado):
    conta = ContaExterna.objects.get(email=demo.EMAIL)
    assert conta.email == "cliente@demo.local"
    assert conta.is_active and conta.email_confirmado
    assert conta.check_password("demo-cliente")
    vinculos = ClienteImovel.objects.filter(cliente=conta.cliente, data_fim__isnull=True)
    assert 1 <= vinculos.count() <= 2
    assert conta.cliente.email == demo.EMAIL
    # Answers from now on reach the customer; the demo's own past ones sent nothing.
    assert conta.cliente.recebe_email and conta.cliente.recebe_sms
    assert not Mensagem.objects.filter(registro_atendimento__cliente=conta.cliente).exists()


def test_conta_de_demonstracao_entra_no_portal(carregado, client):
    resposta = client.post(
        reverse("portal:entrar"), {"email": "cliente@demo.local", "senha": "demo-cliente"}
    )
    assert resposta.status_code == 302
    inicio = client.get(reverse("portal:inicio")).content.decode()
    assert "Conta de outubro muito acima da média" in inicio  # an open contact
    assert "Respondido pela companhia" in inicio
    encerrados = client.get(reverse("portal:encerrados")).content.decode()
    assert "Segunda via da conta de setembro" in encerrados


def test_exemplo_de_cadastro_do_load_demo_cadastra(carregado, client):
    cpf, matricula = demo.exemplo_de_cadastro()
    resposta = client.post(
        reverse("portal:cadastro"),
        {
            "cpf_cnpj": cpf,
            "matricula": matricula,
            "nome": "Quem Testa",
            "email": "quem.testa@exemplo.com.br",
            "senha": "uma-senha-bem-longa-42",
            "senha_confirmacao": "uma-senha-bem-longa-42",
        },
    )
    assert resposta.status_code == 302, resposta.content.decode()[:3000]
    assert ContaExterna.objects.filter(email="quem.testa@exemplo.com.br").exists()


def test_contatos_em_todos_os_estados(carregado):
    conta = ContaExterna.objects.get(email=demo.EMAIL)
    contatos = RegistroAtendimento.objects.filter(cliente=conta.cliente)
    assert contatos.exists()
    assert set(contatos.values_list("origem", flat=True)) == {"portal"}
    assert all(ra.especificacao.portal and ra.titulo for ra in contatos)
    imoveis = set(
        ClienteImovel.objects.filter(cliente=conta.cliente).values_list("imovel", flat=True)
    )
    assert set(contatos.values_list("imovel", flat=True)) <= imoveis

    abertos = contatos.filter(situacao=Situacao.PENDENTE)
    assert abertos.filter(interacao_pendente=Interacao.EXTERNA).exists()  # answered by us
    assert abertos.filter(interacao_pendente=Interacao.INTERNA).exists()  # the customer's turn
    assert contatos.filter(situacao=Situacao.ENCERRADO).count() >= 2

    mensagens = MensagemAtendimento.objects.filter(ra__in=contatos)
    assert mensagens.filter(do_solicitante=True, autor_nome=conta.nome).exists()
    assert mensagens.filter(do_solicitante=False, visibilidade="publica").exists()
    assert mensagens.filter(visibilidade="interna").exists()  # which the customer never sees
    anexos = Anexo.objects.filter(ra__in=contatos)
    assert anexos.filter(do_solicitante=True).exists()
    assert anexos.filter(do_solicitante=False, publico=True).exists()


def test_especificacoes_abertas_ao_portal_pedem_o_que_o_portal_tem(carregado):
    abertas = Especificacao.objects.filter(portal=True, ativa=True)
    assert abertas.count() >= 4
    assert abertas.values("tipo__grupo").distinct().count() >= 2  # grouped on the form
    # Nothing the portal's form cannot give (refunds need the staff's documents).
    assert not abertas.filter(natureza="devolucao").exists()


def test_com_url_publica_a_resposta_leva_o_link_do_contato(settings, client):
    settings.URL_PUBLICA = "http://127.0.0.1:8000"
    call_command("load_demo", stdout=io.StringIO())
    modelo = ModeloMensagem.objects.get(evento="ra_mensagem")
    assert modelo.texto.endswith("Veja: {link}") and modelo.texto_email.endswith("{link}")
    # An operator answers a demo contact: the e-mail leads to its page in the portal.
    conta = ContaExterna.objects.get(email=demo.EMAIL)
    contato = RegistroAtendimento.objects.filter(
        cliente=conta.cliente, situacao=Situacao.PENDENTE
    ).latest("pk")
    mensagem = registro_atendimento_mensagem_adicionar(
        ra=contato,
        usuario=Usuario.objects.get(username="atendente"),
        texto="Recebemos sua mensagem.",
        visibilidade="publica",
    )
    email = Mensagem.objects.get(origem_id=mensagem.pk, origem_tipo="ra_mensagem", canal="email")
    pagina = reverse("portal:contato", kwargs={"pk": contato.pk})
    assert email.texto.endswith(f"Acompanhe e responda: http://127.0.0.1:8000{pagina}")


def test_sem_url_publica_a_resposta_fica_com_o_texto_padrao(settings):
    settings.URL_PUBLICA = ""
    call_command("load_demo", stdout=io.StringIO())
    modelo = ModeloMensagem.objects.filter(evento="ra_mensagem").first()
    assert modelo is None or (
        modelo.texto == MODELOS_PADRAO["ra_mensagem"] and modelo.texto_email == ""
    )


def test_banner_do_make_run_mostra_o_portal_e_a_conta(tmp_path):
    texto = banner(8000, tmp_path)
    assert "http://127.0.0.1:8000/portal/" in texto
    assert "cliente@demo.local" in texto and "demo-cliente" in texto
    assert "http://127.0.0.1:8000/atendimento/central/" in texto  # where it is answered
