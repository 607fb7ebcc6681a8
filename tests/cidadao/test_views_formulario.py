"""The public report form and the report's page, through HTTP: no login, every bad
input of the issue answered on the form, nothing stored half-way."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cidadao.models import ParametrosCidadao, Relato, TelefoneBloqueado
from tests.atendimento.factories import RegistroAtendimentoFactory
from tests.cidadao.factories import PONTO, EspecificacaoPublicaFactory, RelatoFactory
from tests.cidadao.imagens import GPS_RECIFE, foto

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
URL = "/relatar/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def vazamento():
    return EspecificacaoPublicaFactory(
        nome="Vazamento de água na rua", descricao_publica="Água limpa correndo na rua."
    )


@pytest.fixture
def enviar(client, vazamento):
    def _enviar(ip="198.51.100.20", **kwargs):
        dados = {
            "especificacao": vazamento.pk,
            "latitude": str(PONTO[0]),
            "longitude": str(PONTO[1]),
            "endereco": "",
            "descricao": "Água jorrando do asfalto.",
            "celular": "(81) 99999-0001",
            "site_pessoal": "",
        }
        dados.update(kwargs)
        dados = {chave: valor for chave, valor in dados.items() if valor is not None}
        return client.post(URL, dados, REMOTE_ADDR=ip)

    return _enviar


def texto(resposta) -> str:
    return resposta.content.decode()


def conteudo(html: str) -> str:
    """The page's <main> (the header carries a per-request CSRF token)."""
    return re.search(r"<main.*</main>", html, re.DOTALL).group(0)


# --- the page -------------------------------------------------------------------


def test_url_nomeada():
    assert reverse("relato:novo") == URL
    assert reverse("relato:acompanhar", args=["abc_DEF-123"]) == "/relatar/abc_DEF-123/"


def test_formulario_sem_login_so_com_especificacoes_publicas_e_ativas(client, vazamento):
    esgoto = EspecificacaoPublicaFactory(nome="Esgoto na rua", descricao_publica="Esgoto a céu.")
    EspecificacaoPublicaFactory(nome="Inativa na fila", ativa=False)
    interna = EspecificacaoPublicaFactory(nome="Corte a pedido", publica=False)
    sem_tipo = EspecificacaoPublicaFactory(nome="Tipo desativado")
    sem_tipo.tipo.ativo = False
    sem_tipo.tipo.save()

    resposta = client.get(URL)

    assert resposta.status_code == 200
    html = texto(resposta)
    assert "Vazamento de água na rua" in html and "Água limpa correndo na rua." in html
    assert "Esgoto na rua" in html and "Esgoto a céu." in html
    assert f'value="{esgoto.pk}"' in html
    assert "Inativa na fila" not in html
    assert interna.nome not in html
    assert "Tipo desativado" not in html


def test_formulario_tem_mapa_foto_celular_aviso_e_armadilha(client, vazamento):
    params = ParametrosCidadao.atual()
    params.aviso_privacidade = "Seus dados <b>ficam</b> conosco."
    params.save()
    resposta = client.get(URL)
    html = texto(resposta)
    assert 'accept="image/*"' in html
    assert 'type="hidden" name="latitude"' in html and 'type="hidden" name="longitude"' in html
    assert 'name="endereco"' in html
    assert 'type="tel"' in html and "receber por SMS o número do protocolo" in html
    assert "Seus dados &lt;b&gt;ficam&lt;/b&gt; conosco." in html  # escaped
    assert "até 8 MB" in html
    # The honeypot is hidden by the stylesheet, not by an inline style.
    assert re.search(r'class="campo-armadilha"[^>]*>\s*<label', html)
    assert 'name="site_pessoal"' in html
    assert "style=" not in html
    assert "cidadao/relato.css" in html and "cidadao/relato.js" in html
    assert "vendor/leaflet/leaflet.js" in html
    assert resposta.context["config"]["tiles"] == params.mapa_url_tiles
    assert resposta.context["config"]["foto_limite_kb"] == 8192
    assert (
        "img-src 'self' data: https://tile.openstreetmap.org"
        in (resposta.headers["Content-Security-Policy"])
    )


def test_sem_mosaicos_o_formulario_pede_o_endereco(client, vazamento, enviar):
    params = ParametrosCidadao.atual()
    params.mapa_url_tiles = ""
    params.save()
    resposta = client.get(URL)
    assert resposta.status_code == 200
    assert resposta.context["config"]["tiles"] == ""
    assert "tile.openstreetmap.org" not in resposta.headers["Content-Security-Policy"]
    assert 'name="endereco"' in texto(resposta)
    resposta = enviar(latitude="", longitude="", endereco="Rua da Aurora, 100, Boa Vista")
    assert resposta.status_code == 302
    assert Relato.objects.get().endereco == "Rua da Aurora, 100, Boa Vista"


def test_sem_especificacao_publica_avisa(client):
    resposta = client.get(URL)
    assert resposta.status_code == 200
    assert "não está disponível" in texto(resposta)
    assert "form-relato" not in texto(resposta)


# --- sending ----------------------------------------------------------------------


def test_relato_enviado_leva_a_pagina_do_relato(enviar, vazamento):
    resposta = enviar(
        ip="203.0.113.9",
        foto=SimpleUploadedFile("IMG_2040.jpg", foto(gps=GPS_RECIFE), "image/jpeg"),
    )
    relato = Relato.objects.get()
    assert resposta.status_code == 302
    assert resposta.url == f"/relatar/{relato.token}/"
    assert relato.canal == Relato.Canal.WEB
    assert relato.situacao == Relato.Situacao.NOVO
    assert relato.especificacao == vazamento
    assert (relato.latitude, relato.longitude) == PONTO
    assert relato.celular == "+5581999990001"
    assert relato.ip == "203.0.113.9"
    assert relato.foto and (relato.foto_latitude, relato.foto_longitude) == PONTO


def test_so_com_endereco(enviar):
    assert enviar(latitude="", longitude="", endereco="Praça do Arsenal").status_code == 302
    assert Relato.objects.get().latitude is None


def test_sem_celular(enviar):
    assert enviar(celular="").status_code == 302
    assert Relato.objects.get().celular == ""


def _recusado(resposta, mensagem):
    assert resposta.status_code == 200
    assert mensagem in texto(resposta), texto(resposta)
    assert "O relato ainda não foi enviado" in texto(resposta)
    assert not Relato.objects.exists()


def test_sem_local_recusado_e_o_que_foi_digitado_fica(enviar):
    resposta = enviar(latitude="", longitude="", endereco="", descricao="Buraco com água limpa")
    _recusado(resposta, "Informe o local do problema")
    html = texto(resposta)
    assert "Buraco com água limpa" in html
    assert 'value="(81) 99999-0001"' in html
    assert re.search(r'value="\d+"\s+id="id_especificacao_0"\s+checked', html)


@pytest.mark.parametrize(
    ("latitude", "longitude", "mensagem"),
    [
        ("-95", "-34.87", "A latitude deve estar entre -90 e 90."),
        ("-8.06", "200", "A longitude deve estar entre -180 e 180."),
        ("abc", "-34.87", "não é um número"),
        ("-23.550520", "-46.633308", "fora da área atendida"),
    ],
)
def test_local_invalido_recusado(enviar, latitude, longitude, mensagem):
    resposta = enviar(latitude=latitude, longitude=longitude)
    _recusado(resposta, mensagem)
    # The point comes back in the hidden inputs, for the map to show it again.
    assert f'value="{latitude}"' in texto(resposta)


def test_sem_tipo_de_problema_recusado(enviar):
    _recusado(enviar(especificacao=""), "Escolha o tipo de problema.")
    _recusado(enviar(especificacao="999999"), "Escolha o tipo de problema.")
    _recusado(enviar(especificacao="x' OR 1=1"), "Escolha o tipo de problema.")


def test_nao_publica_recusada(enviar):
    interna = EspecificacaoPublicaFactory(publica=False)
    _recusado(enviar(especificacao=interna.pk), "Escolha o tipo de problema.")


def test_celular_invalido_recusado(enviar):
    _recusado(enviar(celular="(81) 3222-1234"), "telefone fixo")


def test_varios_erros_de_uma_vez(enviar):
    resposta = enviar(especificacao="", latitude="", longitude="", celular="123")
    _recusado(resposta, "Escolha o tipo de problema.")
    assert "Informe o local do problema" in texto(resposta)
    assert "não é um celular brasileiro" in texto(resposta)


def test_foto_de_20_mb_recusada_no_formulario(enviar):
    grande = SimpleUploadedFile("foto.jpg", foto() + b"\x00" * (20 * MB), "image/jpeg")
    resposta = enviar(foto=grande)
    _recusado(resposta, "A foto tem 20,0 MB; o limite é 8 MB.")
    assert "foto-de-novo" not in texto(resposta)  # its own error says what to do


def test_foto_entre_o_limite_dos_anexos_e_o_da_foto_aceita(enviar):
    # 6 MB: past the attachments' 5 MB, within the photo's 8 MB (its own upload handler).
    media = SimpleUploadedFile("foto.jpg", foto() + b"\x00" * (6 * MB), "image/jpeg")
    assert enviar(foto=media).status_code == 302
    assert Relato.objects.get().foto


def test_envio_acima_do_teto_do_pedido_explica(client, enviar, settings):
    # A body Django refuses to read (its cap for the text fields) gets the form back
    # with a message, not a bare 400.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    resposta = enviar(descricao="x" * 5000)
    assert resposta.status_code == 400
    assert "O envio não pôde ser lido" in texto(resposta)
    assert 'name="endereco"' in texto(resposta)
    assert not Relato.objects.exists()


def test_texto_renomeado_jpg_recusado(enviar):
    falsa = SimpleUploadedFile("foto.jpg", b"Isto e um texto, nao uma foto.\n" * 50, "image/jpeg")
    _recusado(enviar(foto=falsa), "O arquivo não é uma foto")


def test_com_erro_a_foto_precisa_ser_escolhida_de_novo(enviar):
    resposta = enviar(
        latitude="", longitude="", foto=SimpleUploadedFile("f.jpg", foto(), "image/jpeg")
    )
    _recusado(resposta, "Informe o local do problema")
    assert "escolha a foto de novo" in texto(resposta)
    assert "escolha a foto de novo" not in texto(enviar(latitude="", longitude=""))


def test_html_e_script_na_descricao_escapados_na_pagina_do_relato(client, enviar):
    enviar(descricao='<script>alert("x")</script><b>negrito</b> <img src=x onerror=alert(1)>')
    relato = Relato.objects.get()
    assert relato.descricao.startswith("<script>")  # stored as typed: text, not markup
    html = texto(client.get(f"/relatar/{relato.token}/"))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;negrito&lt;/b&gt;" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def test_html_na_descricao_escapado_quando_o_formulario_volta(enviar):
    resposta = enviar(latitude="", longitude="", descricao="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in texto(resposta)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in texto(resposta)


def test_armadilha_preenchida_nao_grava_e_mostra_a_confirmacao(enviar):
    resposta = enviar(site_pessoal="http://compre-agora.example")
    assert resposta.status_code == 200
    html = texto(resposta)
    assert "Relato recebido" in html
    assert "aguardando análise" in html
    assert "Vazamento de água na rua" in html
    assert not Relato.objects.exists()
    # Even with everything else wrong.
    resposta = enviar(site_pessoal="x", especificacao="", latitude="", longitude="")
    assert "Relato recebido" in texto(resposta)
    assert not Relato.objects.exists()


def test_celular_bloqueado_retido_com_a_mesma_confirmacao(client, enviar):
    enviar(celular="(81) 98888-0002")
    TelefoneBloqueado.objects.create(numero="+5581999990001", motivo="Trotes repetidos")
    enviar()
    normal, retido = Relato.objects.order_by("pk")
    assert normal.situacao == Relato.Situacao.NOVO
    assert retido.situacao == Relato.Situacao.RETIDO

    def pagina(relato):
        html = conteudo(texto(client.get(f"/relatar/{relato.token}/")))
        # The time of receipt may differ by a minute between the two reports.
        return re.sub(r"\d\d/\d\d/\d{4} às \d\d:\d\d", "", html).replace(relato.token, "")

    assert pagina(retido) == pagina(normal)
    assert "bloque" not in pagina(retido).lower() and "retid" not in pagina(retido).lower()


def test_rajada_de_100_envios_de_um_ip(enviar):
    params = ParametrosCidadao.atual()
    assert params.relatos_por_ip_hora == 10
    respostas = [
        enviar(ip="192.0.2.50", celular=f"(81) 9{n:04d}-{n:04d}") for n in range(1000, 1100)
    ]
    assert [r.status_code for r in respostas[:10]] == [302] * 10
    assert {r.status_code for r in respostas[10:]} == {429}
    assert "Muitos relatos em pouco tempo" in texto(respostas[10])
    assert respostas[10]["Retry-After"] == "3600"
    assert Relato.objects.count() == 10
    # Another address is not held back.
    assert enviar(ip="192.0.2.51", celular="").status_code == 302
    assert Relato.objects.count() == 11


def test_limite_conta_envios_com_erro_e_armadilha(enviar):
    params = ParametrosCidadao.atual()
    params.relatos_por_ip_hora = 2
    params.save()
    enviar(latitude="", longitude="")  # refused, but counted
    enviar(site_pessoal="bot")
    assert enviar().status_code == 429
    assert not Relato.objects.exists()


def test_limite_nao_conta_quem_so_abre_o_formulario(client, enviar):
    params = ParametrosCidadao.atual()
    params.relatos_por_ip_hora = 1
    params.save()
    for _ in range(5):
        assert client.get(URL, REMOTE_ADDR="192.0.2.60").status_code == 200
    assert enviar(ip="192.0.2.60").status_code == 302


def test_csrf_exigido(vazamento):
    cliente = Client(enforce_csrf_checks=True)
    dados = {"especificacao": vazamento.pk, "endereco": "Rua A"}
    assert cliente.post(URL, dados).status_code == 403
    cliente.get(URL)
    dados["csrfmiddlewaretoken"] = cliente.cookies["csrftoken"].value
    assert cliente.post(URL, dados).status_code == 302
    assert Relato.objects.count() == 1


# --- the report's page ---------------------------------------------------------------


def _pagina(client, relato):
    resposta = client.get(f"/relatar/{relato.token}/")
    assert resposta.status_code == 200
    return texto(resposta)


DADOS_PESSOAIS = {
    "nome": "Josefa Pereira da Silva",
    "email": "josefa@exemplo.org",
    "celular": "+5581999990001",
    "endereco": "Rua do Bom Jesus, 183, apto 402",
}


@pytest.fixture
def pessoal():
    return RelatoFactory(**DADOS_PESSOAIS)


def _sem_dados_pessoais(html):
    for valor in (*DADOS_PESSOAIS.values(), "99999-0001", "999990001", "Bom Jesus"):
        assert valor not in html


def test_relato_aguardando_diz_o_que_acontece(client, pessoal):
    html = _pagina(client, pessoal)
    assert "aguardando análise" in html
    assert "Um atendente vai verificar se já existe um atendimento para este local" in html
    assert "Você receberá o número do protocolo por SMS" in html
    assert "Local informado" in html
    assert pessoal.especificacao.nome in html
    _sem_dados_pessoais(html)


def test_relato_sem_celular_pede_para_voltar_a_pagina(client):
    html = _pagina(client, RelatoFactory(celular=""))
    assert "volte a esta página para ver o número do protocolo" in html


def test_relato_com_ra_aberto_mostra_o_protocolo(client, pessoal):
    ra = RegistroAtendimentoFactory()
    pessoal.situacao, pessoal.ra = Relato.Situacao.RA_ABERTO, ra
    pessoal.save()
    html = _pagina(client, pessoal)
    assert "RA aberto" in html
    assert f'href="{reverse("consulta:protocolo", args=[ra.protocolo])}"' in html
    assert "aguardando análise" not in html
    _sem_dados_pessoais(html)
    assert ra.cliente.nome not in html


def test_relato_vinculado_mostra_o_protocolo_do_ra(client, pessoal):
    ra = RegistroAtendimentoFactory()
    pessoal.situacao, pessoal.ra = Relato.Situacao.VINCULADO, ra
    pessoal.save()
    html = _pagina(client, pessoal)
    assert "vinculado a um atendimento" in html
    assert "Já havia um atendimento aberto para este local" in html
    assert f'href="/acompanhar/{ra.protocolo}/"' in html
    _sem_dados_pessoais(html)


def test_relato_descartado_mostra_o_motivo(client, pessoal):
    pessoal.situacao = Relato.Situacao.DESCARTADO
    pessoal.motivo_descarte = "O vazamento é dentro do imóvel <particular>"
    pessoal.save()
    html = _pagina(client, pessoal)
    assert "Situação: descartado" in html
    assert "Motivo: O vazamento é dentro do imóvel &lt;particular&gt;" in html
    assert "/acompanhar/" not in html
    _sem_dados_pessoais(html)


def test_relato_retido_igual_ao_aguardando(client):
    novo = RelatoFactory()
    retido = RelatoFactory(situacao=Relato.Situacao.RETIDO, especificacao=novo.especificacao)
    html = _pagina(client, retido)
    assert "aguardando análise" in html
    assert conteudo(html) == conteudo(_pagina(client, novo))


def test_pagina_do_relato_nao_fica_em_cache(client, pessoal):
    resposta = client.get(f"/relatar/{pessoal.token}/")
    assert "no-store" in resposta["Cache-Control"] or "no-cache" in resposta["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in texto(resposta)


@pytest.mark.parametrize("token", ["naoexiste123456", "a" * 200, "abc-_DEF"])
def test_relato_desconhecido_404_em_portugues(client, token):
    RelatoFactory()
    resposta = client.get(f"/relatar/{token}/")
    assert resposta.status_code == 404
    assert "Relato não encontrado" in texto(resposta)
    assert "Relatar um problema" in texto(resposta)


def test_envio_acima_do_teto_do_middleware_tem_pagina_legivel(enviar, settings):
    # Past what any form may send (atendimento.uploads.LimiteDeEnvioMiddleware, here
    # made small through the attachment limit), refused before it is read: a page in
    # pt-BR, not a bare 413.
    from atendimento.models import ParametrosAtendimento

    ParametrosAtendimento.objects.update_or_create(pk=1, defaults={"anexo_tamanho_max_kb": 100})
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    grande = SimpleUploadedFile("foto.jpg", foto() + b"\x00" * (2 * MB), "image/jpeg")
    resposta = enviar(foto=grande)
    assert resposta.status_code == 413
    assert "Arquivo grande demais" in texto(resposta)
    assert not Relato.objects.exists()
