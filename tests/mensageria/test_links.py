"""The ``{link}`` of an RA's texts: a portal contact's page for an RA opened in the
portal (its customer reads the whole conversation there, signed in), the public status
page for any other RA; nothing without URL_PUBLICA (and the words leading to it go)."""

import pytest
from django.urls import reverse

from atendimento.services import registro_atendimento_mensagem_adicionar
from mensageria import texto as texto_sms
from mensageria.links import link_consulta, link_do_ra
from mensageria.models import Mensagem, ModeloMensagem, Parametros
from mensageria.services import registro_atendimento_notificar

from .factories import especificacao_criar, modem_criar, ra_criar

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:8000"
COM_LINK = "{empresa}: nova mensagem sobre o protocolo {protocolo}: {mensagem} Veja: {link}"


@pytest.fixture
def ras(unidade, atendente):
    modem_criar(nome="principal")
    especificacao = especificacao_criar()
    return {
        "portal": ra_criar(
            unidade=unidade,
            usuario=atendente,
            especificacao=especificacao,
            origem="portal",
            solicitante_email="cliente@exemplo.com.br",
        ),
        "interna": ra_criar(
            unidade=unidade,
            usuario=atendente,
            especificacao=especificacao,
            solicitante_email="cliente@exemplo.com.br",
        ),
    }


def _modelo(evento, texto, **campos):
    ModeloMensagem.objects.update_or_create(
        evento=evento, defaults={"texto": texto, "ativo": True, **campos}
    )


def _publica(ra, usuario, texto="A equipe passa amanha de manha."):
    return registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=usuario, texto=texto, visibilidade="publica"
    )


def _entregas(mensagem):
    entregas = Mensagem.objects.filter(origem_tipo="ra_mensagem", origem_id=mensagem.pk)
    return entregas.get(canal="sms"), entregas.get(canal="email")


def test_ra_do_portal_leva_a_pagina_do_contato(ras, settings):
    settings.URL_PUBLICA = URL
    portal, interna = ras["portal"], ras["interna"]
    assert link_do_ra(portal) == URL + reverse("portal:contato", kwargs={"pk": portal.pk})
    assert link_do_ra(interna) == link_consulta(interna.protocolo) == f"{URL}/p/{interna.protocolo}"


def test_sem_endereco_publico_nenhum_ra_tem_link(ras, settings):
    settings.URL_PUBLICA = ""
    assert link_do_ra(ras["portal"]) == link_do_ra(ras["interna"]) == ""


def test_resposta_a_um_contato_do_portal_leva_ao_contato(ras, atendente, settings):
    settings.URL_PUBLICA = URL
    _modelo("ra_mensagem", COM_LINK, texto_email="{mensagem}\n\nResponda no portal: {link}")
    pagina = URL + reverse("portal:contato", kwargs={"pk": ras["portal"].pk})

    sms, email = _entregas(_publica(ras["portal"], atendente))
    assert sms.texto.endswith(f"Veja: {pagina}")
    assert email.texto.endswith(f"Responda no portal: {pagina}")

    sms, email = _entregas(_publica(ras["interna"], atendente))
    assert sms.texto.endswith(f"Veja: {URL}/p/{ras['interna'].protocolo}")
    assert "/portal/" not in sms.texto + email.texto


def test_sem_endereco_publico_a_frase_do_link_sai_tambem_no_portal(ras, atendente, settings):
    settings.URL_PUBLICA = ""
    _modelo("ra_mensagem", COM_LINK)
    sms, email = _entregas(_publica(ras["portal"], atendente))
    assert sms.texto == (
        f"Saneamento: nova mensagem sobre o protocolo {ras['portal'].protocolo}: "
        "A equipe passa amanha de manha."
    )
    assert "Veja" not in email.texto


def test_mensagem_longa_cortada_mantem_o_link_do_portal_inteiro(ras, atendente, settings):
    settings.URL_PUBLICA = URL
    _modelo("ra_mensagem", COM_LINK)
    texto = "A equipe verificou o registro e constatou vazamento no ramal. " * 5
    sms, email = _entregas(_publica(ras["portal"], atendente, texto))
    pagina = URL + reverse("portal:contato", kwargs={"pk": ras["portal"].pk})
    assert sms.status == "pendente"
    assert sms.texto.endswith(f"... Veja: {pagina}")
    preparado = texto_sms.preparar(sms.texto)
    assert not texto_sms.problema_tamanho(
        preparado, tamanho_maximo=Parametros.atuais().tamanho_maximo, permitir_multiparte=True
    )
    assert texto.strip() in email.texto


def test_texto_fixo_que_so_cabe_com_o_link_curto_usa_o_curto(ras, settings):
    """Templates are checked on save against the status page's link; a portal contact's
    is longer, and an SMS that would not fit with it goes with the status link instead
    of failing."""
    settings.URL_PUBLICA = URL
    portal = ras["portal"]
    curto = link_consulta(portal.protocolo)
    fixo = " {protocolo}: {link}"
    enchimento = Parametros.atuais().tamanho_maximo - len(f" {portal.protocolo}: {curto}")
    _modelo("ra_aberto", "x" * enchimento + fixo)
    sms = registro_atendimento_notificar(ra=portal, evento="ra_aberto")
    assert sms.texto.endswith(f"{portal.protocolo}: {curto}")
    assert sms.status == "pendente", sms.erro_texto

    _modelo("ra_aberto", "x" * (enchimento - 40) + fixo)
    sms = registro_atendimento_notificar(ra=portal, evento="ra_aberto")
    assert sms.texto.endswith(link_do_ra(portal))
