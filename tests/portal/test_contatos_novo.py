"""Novo contato through HTTP: the form offers only what the customer may choose, saving
opens an RA of origem portal and shows the protocol; every refusal keeps what was typed."""

import re

import pytest

from atendimento.models import Anexo, RegistroAtendimento
from mensageria.models import Mensagem
from tests.portal.conftest import portal_logar
from tests.portal.dados_contatos import executavel, pdf, png, ra_do_cliente

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
RA = RegistroAtendimento


def _dados(c, **kwargs):
    dados = {
        "titulo": "Conta de março alta",
        "especificacao": str(c.segunda_via.pk),
        "imovel": str(c.imovel.pk),
        "pessoa_contato": "Maria D.",
        "telefone": "(81) 98888-7777",
        "email": "maria@portal.com.br",
        "mensagem": "Minha conta veio o dobro.",
    }
    dados.update(kwargs)
    return dados


def _html(resposta):
    assert resposta.status_code == 200, resposta.status_code
    return resposta.content.decode()


def test_formulario_oferece_so_o_que_o_cliente_pode_escolher(portal, c):
    html = _html(portal.get("/portal/novo/"))
    assert '<optgroup label="Comercial">' in html
    assert '<optgroup label="Água">' in html
    assert "Segunda via de conta" in html and "Vazamento no cavalete" in html
    assert "Inspeção interna" not in html  # not open to the portal
    assert "Serviço extinto" not in html  # inactive
    assert "Rua da Aurora" in html
    assert "Rua Velha" not in html  # an ended link
    assert "Rua do Sol" not in html  # another client's
    # One imóvel: already chosen. The account's name and e-mail as defaults.
    assert re.search(rf'<option value="{c.imovel.pk}" selected>', html)
    assert 'value="Maria D."' in html
    assert 'value="maria@portal.com.br"' in html
    assert 'maxlength="4000"' in html and 'data-contador="restantes"' in html
    # Only the subject that requires the imóvel says so (static/portal/contato.js).
    assert re.search(rf'<option value="{c.cavalete.pk}" data-exige-imovel="1">', html)
    assert re.search(rf'<option value="{c.segunda_via.pk}">', html)
    assert html.count("data-exige-imovel") == 1


def test_varios_imoveis_nenhum_pre_escolhido(portal, c):
    from tests.factories import ClienteImovelFactory, ImovelFactory

    ClienteImovelFactory(cliente=c.cliente, imovel=ImovelFactory(logradouro="Rua Nova"))
    html = _html(portal.get("/portal/novo/"))
    assert "Rua Nova" in html and "Rua da Aurora" in html
    assert f'<option value="{c.imovel.pk}" selected>' not in html


def test_salvar_abre_o_ra_e_mostra_o_protocolo(portal, c):
    c.segunda_via.envia_email_abertura = True
    c.segunda_via.save()
    resposta = portal.post("/portal/novo/", _dados(c, anexos=[png("foto.png"), pdf("conta.pdf")]))
    ra = RA.objects.get(titulo="Conta de março alta")
    assert resposta.status_code == 302
    assert resposta["Location"] == f"/portal/contatos/{ra.pk}/protocolo/"
    assert ra.origem == RA.Origem.PORTAL
    assert ra.meio == c.internet
    assert ra.cliente == c.cliente and ra.tipo_solicitante == "cliente"
    assert ra.imovel == c.imovel
    assert ra.solicitante_nome == "Maria D."
    assert ra.solicitante_telefone == "+5581988887777"
    assert ra.solicitante_email == "maria@portal.com.br"
    assert ra.descricao == "Minha conta veio o dobro."
    assert ra.usuario_abertura.username == "portal"
    assert ra.unidade_atual == c.manutencao
    assert sorted(a.nome_original for a in ra.anexos.all()) == ["conta.pdf", "foto.png"]
    assert all(a.do_solicitante and a.publico for a in ra.anexos.all())

    html = _html(portal.get(resposta["Location"]))
    assert ra.protocolo in html
    assert "protocolo-grande" in html
    # The opening notice is mensageria's: SMS to the client's SMS mobile, e-mail to its address.
    assert Mensagem.objects.filter(
        registro_atendimento=ra, evento="ra_aberto", canal="sms"
    ).exists()
    assert "por SMS para (81) *****-0001" in html
    assert "por e-mail para m***@exemplo.com.br" in html


def test_sem_aviso_diz_para_anotar_o_protocolo(portal, c):
    c.cliente.recebe_sms = False
    c.cliente.save()
    resposta = portal.post("/portal/novo/", _dados(c))
    html = _html(portal.get(resposta["Location"]))
    assert "anote-o" in html


def test_cliente_com_imovel_precisa_escolher_um(portal, c):
    html = _recusado(portal, c, imovel="")
    assert "Escolha um dos seus imóveis" in html
    assert "Nenhum imóvel em particular" not in _html(portal.get("/portal/novo/"))


def _recusado(portal, c, **kwargs):
    html = _html(portal.post("/portal/novo/", _dados(c, **kwargs)))
    assert not RA.objects.exists()
    assert "Nada foi salvo" in html
    return html


def _mantem_o_digitado(html, *exceto):
    digitado = {
        "titulo": "Conta de março alta",
        "pessoa_contato": "Maria D.",
        "telefone": "(81) 98888-7777",
        "email": "maria@portal.com.br",
    }
    for campo, valor in digitado.items():
        if campo not in exceto:
            assert f'value="{valor}"' in html, valor
    if "mensagem" not in exceto:
        assert "Minha conta veio o dobro." in html


def test_especificacao_exige_imovel(portal, c):
    html = _recusado(portal, c, especificacao=str(c.cavalete.pk), imovel="")
    assert "exige o imóvel" in html
    _mantem_o_digitado(html)
    assert re.search(rf'<option value="{c.cavalete.pk}"[^>]*\bselected\b', html)


@pytest.mark.parametrize("qual", ["interna", "desativada"])
def test_especificacao_fora_do_portal_e_recusada(portal, c, qual):
    html = _recusado(portal, c, especificacao=str(getattr(c, qual).pk))
    assert "Escolha um assunto da lista." in html
    _mantem_o_digitado(html)


@pytest.mark.parametrize("qual", ["imovel_alheio", "imovel_antigo"])
def test_imovel_que_nao_e_do_cliente_e_recusado(portal, c, qual):
    html = _recusado(portal, c, imovel=str(getattr(c, qual).pk))
    assert "Escolha um dos seus imóveis." in html
    _mantem_o_digitado(html)


def test_mensagem_de_4001_caracteres_recusada_e_mantida(portal, c):
    texto = "b" * 4001
    html = _recusado(portal, c, mensagem=texto)
    assert "4000" in html
    assert texto in html
    _mantem_o_digitado(html, "mensagem")


def test_mensagem_de_4000_caracteres_com_quebras_de_linha_passa(portal, c):
    texto = ("x" * 98 + "\r\n") * 40
    assert len(texto) == 4000
    assert portal.post("/portal/novo/", _dados(c, mensagem=texto)).status_code == 302


def test_telefone_invalido(portal, c):
    html = _recusado(portal, c, telefone="1234")
    assert "Telefone inválido" in html
    _mantem_o_digitado(html, "telefone")
    assert 'value="1234"' in html


def test_anexo_proibido_e_grande_demais_nomeados_e_o_bom_fica_guardado(portal, c):
    from atendimento.models import ParametrosAtendimento

    params = ParametrosAtendimento.atual()
    params.anexo_tamanho_max_kb = 1
    params.save()
    html = _recusado(portal, c, anexos=[png("boa.png"), executavel("virus.exe"), pdf_grande(2048)])
    assert "virus.exe não é aceito" in html
    assert "grande.pdf tem 2 KB; o limite é 1 KB" in html
    assert "escolha-os de novo" in html
    _mantem_o_digitado(html)
    # The good file is kept: the next submission sends it without choosing it again.
    token = re.search(r'name="anexos_guardados"\s+value="([^"]+)"', html).group(1)
    assert "boa.png" in html
    resposta = portal.post("/portal/novo/", _dados(c, anexos_guardados=[token]))
    assert resposta.status_code == 302
    assert list(RA.objects.get().anexos.values_list("nome_original", flat=True)) == ["boa.png"]


def pdf_grande(tamanho):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("grande.pdf", b"%PDF-1.4\n" + b"0" * tamanho, "application/pdf")


def test_anexo_guardado_de_outra_conta_nao_serve(portal, client, c):
    portal.post("/portal/novo/", _dados(c, titulo="", anexos=[png("minha.png")]))
    html = _html(portal.post("/portal/novo/", _dados(c, titulo="", anexos=[png("minha.png")])))
    token = re.search(r'name="anexos_guardados"\s+value="([^"]+)"', html).group(1)
    portal_logar(client, c.outra_conta)
    dados = _dados(c, anexos_guardados=[token], imovel=str(c.imovel_alheio.pk))
    html = _html(client.post("/portal/novo/", dados))
    assert "não está mais disponível" in html
    assert not Anexo.objects.exists()


def test_duplicado_do_proprio_cliente_aponta_o_contato(portal, c):
    from portal.services.contatos import contato_abrir

    existente = contato_abrir(
        conta=c.conta,
        especificacao=c.segunda_via,
        imovel=c.imovel,
        titulo="Primeiro",
        pessoa_contato="Maria",
        telefone="81988887777",
        email="maria@portal.com.br",
        mensagem="Primeira vez.",
    )
    html = _html(portal.post("/portal/novo/", _dados(c)))
    assert RA.objects.count() == 1
    assert f'href="/portal/contatos/{existente.pk}/"' in html
    assert existente.protocolo in html
    _mantem_o_digitado(html)


def test_duplicado_de_outro_cliente_nao_revela_nada(portal, c):
    from tests.factories import ClienteImovelFactory

    # The imóvel's owner is another client, who already has an open RA on it.
    ClienteImovelFactory(cliente=c.outro_cliente, imovel=c.imovel, relacao="proprietario")
    alheio = ra_do_cliente(
        c.outro_cliente,
        imovel=c.imovel,
        especificacao=c.segunda_via,
        solicitante_telefone="+5581977776666",
    )
    html = _html(portal.post("/portal/novo/", _dados(c)))
    assert RA.objects.count() == 1
    assert "Já existe um atendimento em aberto" in html
    for dado in (alheio.protocolo, f"/portal/contatos/{alheio.pk}/", "José Vizinho", "97777"):
        assert dado not in html
    _mantem_o_digitado(html)


def test_html_no_titulo_e_na_mensagem_escapado(portal, c):
    resposta = portal.post(
        "/portal/novo/",
        _dados(c, titulo="<script>alert(1)</script>", mensagem="<b>oi</b><script>x()</script>"),
    )
    ra = RA.objects.get()
    for url in (resposta["Location"], "/portal/", f"/portal/contatos/{ra.pk}/"):
        html = _html(portal.get(url))
        assert "<script>alert(1)</script>" not in html
        assert "<script>x()</script>" not in html
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "campos",
    [
        {"titulo": "t" * 10_000},
        {"pessoa_contato": "p" * 10_000},
        {"telefone": "9" * 10_000},
        {"email": "e" * 10_000 + "@x.com"},
        {"mensagem": "m" * 10_000},
        {"titulo": "com\x00nul"},
        {"mensagem": "com\x00nul"},
        {"pessoa_contato": "\x00"},
        {"especificacao": "abc"},
        {"especificacao": "9" * 40},
        {"imovel": "abc"},
        {"imovel": "-1"},
        {"anexos_guardados": ["lixo", "x" * 5000]},
    ],
)
def test_entradas_hostis_nao_dao_5xx(portal, c, campos):
    resposta = portal.post("/portal/novo/", _dados(c, **campos))
    assert resposta.status_code == 200
    assert not RA.objects.exists()


def test_portal_nao_configurado_diz_com_palavras(portal, c):
    c.central.abre_ra = False
    c.central.central_atendimento = False
    c.central.save()
    html = _recusado(portal, c)
    assert "não está configurado" in html
    _mantem_o_digitado(html)


def test_mais_de_dez_anexos_de_uma_vez(portal, c):
    html = _recusado(portal, c, anexos=[png(f"foto{i}.png") for i in range(11)])
    assert "no máximo 10 arquivos de cada vez (foram 11)" in html
    _mantem_o_digitado(html)


def test_envio_ilegivel_responde_400_com_palavras(portal, c, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    resposta = portal.post("/portal/novo/", _dados(c, anexos=[png(f"f{i}.png") for i in range(3)]))
    assert resposta.status_code == 400
    assert "O envio não pôde ser lido" in resposta.content.decode()
    assert not RA.objects.exists()
