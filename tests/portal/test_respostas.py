"""Answers reach the customer: an operator's public message on a portal contact is on
the portal at once and goes by SMS and e-mail as the client consents, with the link to
the contact's page; interação pendente is "externa" until the customer replies."""

import pytest
from django.urls import reverse

from atendimento.models import RegistroAtendimento
from atendimento.services import (
    registro_atendimento_anexar,
    registro_atendimento_assumir,
    registro_atendimento_mensagem_adicionar,
)
from mensageria.models import Mensagem, ModeloMensagem
from tests.factories import ClienteFactory, TelefoneFactory
from tests.portal.cenarios import complementar, contato_abrir, pdf, responder
from tests.portal.conftest import portal_logar
from tests.portal.factories import ContaExternaFactory

Interacao = RegistroAtendimento.InteracaoPendente
URL = "http://127.0.0.1:8000"


@pytest.fixture
def cliente(db):
    cliente = ClienteFactory(nome="Ana Cliente", email="ana.cliente@exemplo.com.br")
    TelefoneFactory(cliente=cliente, ddd="81", numero="999990001")
    return cliente


@pytest.fixture
def conta(cliente):
    return ContaExternaFactory(cliente=cliente, nome="Ana Cliente")


@pytest.fixture
def contato(conta, unidade):
    return contato_abrir(conta, unidade=unidade)


def _interacao(ra):
    ra.refresh_from_db()
    return ra.interacao_pendente


@pytest.mark.django_db
def test_interacao_externa_ate_o_cliente_responder(contato, conta, atendente, supervisor):
    responder(contato, atendente)
    assert _interacao(contato) == Interacao.EXTERNA

    # Nothing the staff does among themselves hands the turn back to us.
    registro_atendimento_mensagem_adicionar(
        ra=contato, usuario=atendente, texto="Conferir a leitura anterior.", visibilidade="interna"
    )
    registro_atendimento_assumir(ra=contato, usuario=supervisor)
    registro_atendimento_anexar(
        ra=contato, usuario=supervisor, arquivo=pdf("laudo.pdf"), publico=True
    )
    responder(contato, supervisor, "Segue o laudo da leitura.")
    assert _interacao(contato) == Interacao.EXTERNA

    complementar(contato, conta)
    assert _interacao(contato) == Interacao.INTERNA

    responder(contato, supervisor, "Sexta às 9 h, combinado.")
    assert _interacao(contato) == Interacao.EXTERNA


@pytest.mark.django_db
def test_resposta_esta_no_portal_na_hora_e_a_nota_interna_nao(client, contato, conta, atendente):
    atendente.first_name, atendente.last_name = "Otávio", "Operador"
    atendente.save()
    responder(contato, atendente, "Vamos refazer a leitura na sexta.")
    registro_atendimento_mensagem_adicionar(
        ra=contato, usuario=atendente, texto="Cliente já reclamou antes.", visibilidade="interna"
    )
    registro_atendimento_anexar(ra=contato, usuario=atendente, arquivo=pdf("laudo.pdf"))
    registro_atendimento_anexar(
        ra=contato, usuario=atendente, arquivo=pdf("segunda-via.pdf"), publico=True
    )
    portal_logar(client, conta)

    for pagina in ("portal:contato", "portal:conversa"):
        html = client.get(reverse(pagina, kwargs={"pk": contato.pk})).content.decode()
        assert "Vamos refazer a leitura na sexta." in html
        assert "segunda-via.pdf" in html
        for interno in ("Cliente já reclamou antes.", "laudo.pdf", "Otávio", "Operador"):
            assert interno not in html, (pagina, interno)
    # "Em aberto" marks it answered by the company.
    inicio = client.get(reverse("portal:inicio")).content.decode()
    assert 'class="contato-respondido"' in inicio and "Respondido pela companhia" in inicio


@pytest.mark.django_db
def test_ida_e_volta_pelas_paginas_do_portal(client, contato, conta, atendente):
    """The customer's side through the portal's own pages: the answer is there, the
    complement hands the turn back to us, our next answer hands it to them again."""
    portal_logar(client, conta)
    responder(contato, atendente, "Pode nos mandar a foto do hidrômetro?")
    assert _interacao(contato) == Interacao.EXTERNA

    resposta = client.post(
        reverse("portal:complementar", kwargs={"pk": contato.pk}),
        {"texto": "Segue a foto.", "anexos": [pdf("foto.pdf")]},
        follow=True,
    )
    html = resposta.content.decode()
    assert "Pode nos mandar a foto do hidrômetro?" in html and "Segue a foto." in html
    assert _interacao(contato) == Interacao.INTERNA

    responder(contato, atendente, "Recebemos, obrigado.")
    assert _interacao(contato) == Interacao.EXTERNA
    html = client.get(reverse("portal:conversa", kwargs={"pk": contato.pk})).content.decode()
    assert "Recebemos, obrigado." in html


@pytest.mark.django_db
def test_resposta_vai_por_sms_e_email_conforme_o_consentimento(unidade, atendente):
    com_tudo = ClienteFactory(email="com.tudo@exemplo.com.br")
    TelefoneFactory(cliente=com_tudo)
    so_email = ClienteFactory(email="so.email@exemplo.com.br", recebe_sms=False)
    TelefoneFactory(cliente=so_email)
    nada = ClienteFactory(email="nada@exemplo.com.br", recebe_sms=False, recebe_email=False)
    TelefoneFactory(cliente=nada)
    canais = {}
    for cliente in (com_tudo, so_email, nada):
        ra = contato_abrir(ContaExternaFactory(cliente=cliente), unidade=unidade)
        mensagem = responder(ra, atendente)
        canais[cliente.email] = sorted(
            Mensagem.objects.filter(origem_tipo="ra_mensagem", origem_id=mensagem.pk).values_list(
                "canal", flat=True
            )
        )
    assert canais == {
        "com.tudo@exemplo.com.br": ["email", "sms"],
        "so.email@exemplo.com.br": ["email"],
        "nada@exemplo.com.br": [],
    }


@pytest.mark.django_db
def test_nota_interna_e_complemento_do_cliente_nao_saem(contato, conta, atendente):
    registro_atendimento_mensagem_adicionar(
        ra=contato, usuario=atendente, texto="Cliente difícil.", visibilidade="interna"
    )
    complementar(contato, conta)
    assert not Mensagem.objects.filter(origem_tipo="ra_mensagem").exists()


# --- the real pipeline: worker, emulated modem, SMTP server ----------------------------


@pytest.mark.django_db(transaction=True)
def test_resposta_chega_ao_celular_e_ao_email_com_o_link_do_contato(
    emu, servidor_smtp, worker_email, contato, atendente, settings
):
    from mensageria.emulador import ler_log
    from tests.mensageria import integracao

    integracao.modem_do_emulador(emu, sem_silencio=True)
    settings.URL_PUBLICA = URL
    ModeloMensagem.objects.update_or_create(
        evento="ra_mensagem",
        defaults={
            "texto": "{empresa}: resposta ao protocolo {protocolo}: {mensagem} Veja: {link}",
            "texto_email": "{mensagem}\n\nLeia e responda no portal: {link}",
            "ativo": True,
        },
    )
    pagina = URL + reverse("portal:contato", kwargs={"pk": contato.pk})

    mensagem = responder(contato, atendente, "Vamos refazer a leitura na sexta, às 9 h.")

    entregas = Mensagem.objects.filter(origem_tipo="ra_mensagem", origem_id=mensagem.pk)
    sms, email = entregas.get(canal="sms"), entregas.get(canal="email")
    assert integracao.esperar_status(sms.pk).status == "enviada"
    assert integracao.esperar_status(email.pk).status == "enviada"
    [registro] = [r for r in ler_log(emu.log_enviados) if not r.get("travou")]
    assert registro["numero"] == "+5581999990001"
    assert registro["texto"] == (
        f"Saneamento: resposta ao protocolo {contato.protocolo}: "
        f"Vamos refazer a leitura na sexta, às 9 h. Veja: {pagina}"
    )
    [recebida] = servidor_smtp.para("ana.cliente@exemplo.com.br")
    corpo = recebida.corpo("plain").replace("\r\n", "\n")
    assert "Vamos refazer a leitura na sexta, às 9 h." in corpo
    assert f"Leia e responda no portal: {pagina}" in corpo
