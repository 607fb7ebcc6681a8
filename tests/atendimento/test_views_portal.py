"""The staff's RA page with what came from the customer portal: who wrote each message
(the requester, by name, "pelo portal"), who sent each attachment and whether the
customer sees it; the "Anexar" form decides that visibility."""

import re

import pytest
from django.urls import reverse

from atendimento import selectors
from atendimento.models import Anexo, EventoRA
from atendimento.services import (
    registro_atendimento_anexar,
    registro_atendimento_mensagem_adicionar,
)
from tests.portal.cenarios import complementar, contato_abrir, pdf, responder
from tests.portal.factories import ContaExternaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conta(db):
    return ContaExternaFactory(nome="Ana Cliente")


@pytest.fixture
def contato(conta, unidade):
    return contato_abrir(conta, unidade=unidade, anexos=[pdf("conta-marco.pdf")])


def _itens(ra, usuario, tipo):
    return [i for i in selectors.linha_do_tempo(ra, usuario=usuario) if i.tipo == tipo]


def _itens_html(html, tipo):
    """The timeline's <li> of one kind, as text without tags."""
    blocos = re.findall(rf'<li class="list-group-item" data-tipo="{tipo}">(.*?)</li>\s*(?=<li|</ol)',
                        html, flags=re.S)  # fmt: skip
    return [" ".join(re.sub(r"<[^>]+>", " ", b).split()) for b in blocos]


def test_mensagem_do_portal_mostra_quem_escreveu_e_por_onde(
    client_atendente, contato, conta, atendente
):
    complementar(contato, conta, "Posso enviar a foto do hidrômetro?")
    responder(contato, atendente, "Pode sim, anexe aqui.")
    registro_atendimento_mensagem_adicionar(
        ra=contato, usuario=atendente, texto="Conferir a leitura.", visibilidade="interna"
    )

    html = client_atendente.get(reverse("atendimento:detalhe", args=[contato.pk])).content.decode()
    do_cliente, nossa = _itens_html(html, "mensagem")
    assert "Mensagem do solicitante" in do_cliente and "pelo portal" in do_cliente
    assert "Ana Cliente" in do_cliente and "Posso enviar a foto" in do_cliente
    assert "Mensagem ao solicitante" in nossa and str(atendente) in nossa
    assert "pelo portal" not in nossa
    [nota] = _itens_html(html, "mensagem_interna")
    assert "Nota interna" in nota and "o cliente não vê" in nota


def test_pagina_do_ra_mostra_o_titulo_e_a_pessoa_para_contato(client_atendente, contato):
    html = client_atendente.get(reverse("atendimento:detalhe", args=[contato.pk])).content.decode()
    assert re.search(r'id="titulo">\s*Conta alta\s*<', html)
    assert re.search(r'id="pessoa-contato">\s*Ana Cliente\s*<', html)
    assert "origem: Portal" in html


def test_mensagem_do_solicitante_por_sms_nao_e_do_portal(contato, atendente):
    # An inbound SMS attached by an attendant: the requester's, but not through the portal.
    registro_atendimento_mensagem_adicionar(
        ra=contato, usuario=atendente, texto="OK", visibilidade="publica", do_solicitante=True
    )
    [item] = _itens(contato, atendente, "mensagem")
    assert item.titulo == "Mensagem do solicitante"
    assert item.usuario == atendente and not item.autor


def test_anexos_dizem_quem_enviou_e_se_o_cliente_ve(client_atendente, contato, conta, atendente):
    complementar(contato, conta, "Segue a foto.", anexos=[pdf("foto-hidrometro.pdf")])
    registro_atendimento_anexar(
        ra=contato, usuario=atendente, arquivo=pdf("laudo.pdf"), publico=True
    )
    registro_atendimento_anexar(ra=contato, usuario=atendente, arquivo=pdf("parecer-interno.pdf"))

    html = client_atendente.get(reverse("atendimento:detalhe", args=[contato.pk])).content.decode()
    abertura, foto, laudo, interno = _itens_html(html, "anexo")
    for item, nome in ((abertura, "conta-marco.pdf"), (foto, "foto-hidrometro.pdf")):
        assert nome in item
        assert "Enviado pelo solicitante pelo portal" in item
        assert "O cliente vê no portal" in item
    assert "laudo.pdf" in laudo and str(atendente) in laudo
    assert "Enviado pela equipe" in laudo and "O cliente vê no portal" in laudo
    assert "parecer-interno.pdf" in interno and "Enviado pela equipe" in interno
    assert "Só a equipe vê" in interno and "O cliente vê" not in interno


def test_anexar_com_a_caixa_marcada_fica_visivel_ao_cliente(client_atendente, contato):
    url = reverse("atendimento:anexar", args=[contato.pk])
    html = client_atendente.get(url).content.decode()
    assert "Visível ao cliente no portal" in html
    assert 'type="checkbox" name="publico"' in html

    resposta = client_atendente.post(
        url, {"versao": contato.versao, "arquivo": pdf("laudo.pdf"), "publico": "on"}
    )
    assert resposta.status_code == 302
    contato.refresh_from_db()
    resposta = client_atendente.post(
        url, {"versao": contato.versao, "arquivo": pdf("rascunho.pdf")}, follow=True
    )
    assert "rascunho.pdf anexado" in resposta.content.decode()
    anexos = dict(
        Anexo.objects.filter(ra=contato, do_solicitante=False).values_list(
            "nome_original", "publico"
        )
    )
    assert anexos == {"laudo.pdf": True, "rascunho.pdf": False}
    eventos = EventoRA.objects.filter(ra=contato, tipo=EventoRA.Tipo.ANEXO).order_by("pk")
    assert [e.dados["publico"] for e in eventos] == [True, False]


def test_anexo_visivel_diz_na_confirmacao_que_o_cliente_ve(client_atendente, contato):
    url = reverse("atendimento:anexar", args=[contato.pk])
    resposta = client_atendente.post(
        url, {"versao": contato.versao, "arquivo": pdf("laudo.pdf"), "publico": "on"}, follow=True
    )
    assert "laudo.pdf anexado; o cliente o vê no portal." in resposta.content.decode()
