"""The ``{link}`` tag of the RA SMS: the short link to the public status page, when
URL_PUBLICA is set; otherwise nothing, and no "Acompanhe:" left hanging."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from atendimento.services import registro_atendimento_registrar_contato
from mensageria import services
from mensageria import texto as texto_sms
from mensageria.links import CAMINHO_CURTO, link_consulta, molde_sem_link
from mensageria.models import (
    TAGS_AJUDA,
    Mensagem,
    ModeloMensagem,
    Parametros,
    validar_modelo_sms,
    validar_tags,
)
from mensageria.services import registro_atendimento_notificar
from tests.mensageria.factories import modem_criar, ra_criar

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:8000"
ABERTO = "{empresa}: protocolo {protocolo}. Previsao: {data_prevista}. Acompanhe: {link}"


@pytest.fixture
def ra(unidade, atendente):
    modem_criar(nome="principal")
    return ra_criar(unidade=unidade, usuario=atendente, telefone="+5581999990001")


def _modelo(evento, texto):
    ModeloMensagem.objects.update_or_create(evento=evento, defaults={"texto": texto, "ativo": True})


def test_link_curto_e_o_caminho_da_pagina(settings):
    settings.URL_PUBLICA = URL
    assert link_consulta("20261000000001") == f"{URL}/p/20261000000001"
    assert reverse("consulta:curto", kwargs={"protocolo": "1"}) == f"{CAMINHO_CURTO}1"
    settings.URL_PUBLICA = ""
    assert link_consulta("20261000000001") == ""


@pytest.mark.parametrize(
    ("molde", "esperado"),
    [
        (ABERTO, "{empresa}: protocolo {protocolo}. Previsao: {data_prevista}."),
        ("Protocolo {protocolo}. Acompanhe em {link}.", "Protocolo {protocolo}."),
        ("Protocolo {protocolo}: {link}", "Protocolo {protocolo}"),
        ("Protocolo {protocolo} ({link}).", "Protocolo {protocolo}."),
        ("{link}", ""),
        ("Veja {link}. Protocolo {protocolo}.", "Protocolo {protocolo}."),
        (
            "Protocolo {protocolo}.\nAcompanhe: {link}\nObrigado.",
            "Protocolo {protocolo}.\n\nObrigado.",
        ),
        ("Sem link: {{link}} literal.", "Sem link: {{link}} literal."),
        ("Protocolo  {protocolo}", "Protocolo  {protocolo}"),  # untouched without {link}
    ],
)
def test_sem_endereco_publico_a_frase_do_link_sai(molde, esperado):
    assert molde_sem_link(molde) == esperado


def test_sms_de_abertura_leva_o_link(ra, settings):
    settings.URL_PUBLICA = URL
    _modelo("ra_aberto", ABERTO)
    sms = registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    assert sms.texto == (
        f"Saneamento: protocolo {ra.protocolo}. Previsao: 03/12/2026. "
        f"Acompanhe: {URL}/p/{ra.protocolo}"
    )
    assert sms.status == "pendente"


def test_sms_sem_endereco_publico_nao_deixa_sobras(ra, settings):
    settings.URL_PUBLICA = ""
    _modelo("ra_aberto", ABERTO)
    sms = registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    assert sms.texto == f"Saneamento: protocolo {ra.protocolo}. Previsao: 03/12/2026."


def test_link_no_texto_proprio_da_especificacao(ra, settings):
    settings.URL_PUBLICA = URL
    ra.especificacao.texto_abertura = "Protocolo {protocolo}: {link}"
    ra.especificacao.save()
    sms = registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    assert sms.texto == f"Protocolo {ra.protocolo}: {URL}/p/{ra.protocolo}"


def test_quem_entra_depois_recebe_o_link_do_ra(ra, atendente, settings):
    settings.URL_PUBLICA = URL
    _modelo("ra_existente", "Ja existe o protocolo {protocolo}. Acompanhe: {link}")
    registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Vizinho", solicitante_telefone="81988880002"
    )
    sms = Mensagem.objects.get(evento="ra_existente")
    assert sms.texto.endswith(f"Acompanhe: {URL}/p/{ra.protocolo}")


def test_mensagem_longa_cortada_mantem_o_link_inteiro(ra, atendente, settings):
    from atendimento.services import registro_atendimento_mensagem_adicionar

    settings.URL_PUBLICA = URL
    _modelo("ra_mensagem", "Protocolo {protocolo}: {mensagem} Veja: {link}")
    mensagem = registro_atendimento_mensagem_adicionar(
        ra=ra,
        usuario=atendente,
        texto="A equipe verificou o registro e constatou vazamento no ramal. " * 5,
        visibilidade="publica",
    )
    sms = Mensagem.objects.get(origem_tipo="ra_mensagem", origem_id=mensagem.pk)
    assert sms.status == "pendente"
    assert sms.texto.endswith(f"... Veja: {URL}/p/{ra.protocolo}")
    preparado = texto_sms.preparar(sms.texto)
    assert not texto_sms.problema_tamanho(
        preparado, tamanho_maximo=Parametros.atuais().tamanho_maximo, permitir_multiparte=True
    )


def test_resposta_a_consulta_por_sms_leva_o_link(ra, settings):
    settings.URL_PUBLICA = URL
    _modelo("resposta_sms", "Protocolo {protocolo}: {situacao}. Detalhes: {link}")
    modem = modem_criar(nome="recebe")
    services.sms_recebido_registrar(
        modem=modem, remetente="+5581999990001", texto=ra.protocolo, recebido_em=None, partes=1
    )
    resposta = Mensagem.objects.get(evento=Mensagem.Evento.RESPOSTA_SMS)
    assert resposta.texto == (
        f"Protocolo {ra.protocolo}: Em andamento. Detalhes: {URL}/p/{ra.protocolo}"
    )


def test_tag_link_aceita_e_documentada():
    validar_tags("Acompanhe: {link}")
    with pytest.raises(ValidationError):
        validar_tags("Acompanhe: {linque}")
    with pytest.raises(ValidationError):
        validar_tags("Acompanhe: {link:>90}")
    assert "{link}" in TAGS_AJUDA
    assert "{link}" in ModeloMensagem._meta.get_field("texto").help_text


def test_tamanho_conta_o_link_real(settings):
    # 147 characters before the link: fits 164 alone, not with a 38-character link.
    texto = "x" * 120 + " Protocolo {protocolo}. Veja: {link}"
    settings.URL_PUBLICA = ""
    validar_modelo_sms(texto)
    settings.URL_PUBLICA = URL
    with pytest.raises(ValidationError, match=r"\{link\} com 38 caracteres"):
        validar_modelo_sms(texto)
    settings.URL_PUBLICA = "http://a.br"
    validar_modelo_sms(texto.replace("x" * 120, "x" * 100))


def test_admin_do_modelo_recusa_link_que_nao_cabe(client, administrador, settings):
    settings.URL_PUBLICA = "https://atendimento.companhia-de-saneamento.example.com"
    _modelo("ra_aberto", ABERTO)
    modelo = ModeloMensagem.objects.get(evento="ra_aberto")
    client.force_login(administrador)
    resposta = client.post(
        reverse("admin:mensageria_modelomensagem_change", args=[modelo.pk]),
        {"evento": "ra_aberto", "texto": "y" * 110 + " {protocolo}. Veja: {link}", "ativo": "on"},
    )
    assert resposta.status_code == 200
    assert "{link} com 72 caracteres" in resposta.content.decode()
    modelo.refresh_from_db()
    assert modelo.texto == ABERTO


def test_link_do_sms_abre_a_pagina_publica(client, ra, settings):
    settings.URL_PUBLICA = URL
    _modelo("ra_aberto", ABERTO)
    sms = registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    caminho = sms.texto.rsplit(URL, 1)[1]
    resposta = client.get(caminho)
    assert resposta.status_code == 200
    assert ra.protocolo in resposta.content.decode()
