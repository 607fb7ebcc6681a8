"""The attendants' triage screens: the queue, a report's page, its photo and the actions."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from atendimento.models import RegistroAtendimento
from cidadao.models import ParametrosCidadao, Relato, TelefoneBloqueado
from core.papeis import SUPERVISOR
from tests.atendimento.factories import MeioFactory, RegistroAtendimentoFactory
from tests.cidadao.factories import PONTO, EspecificacaoPublicaFactory, RelatoFactory
from tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db

FILA = reverse("cidadao:triagem")
S = Relato.Situacao
HOSTIS = ["abc", "-1", "0", "9" * 30, "<script>", "1.5", "", "1 OR 1=1"]


def _jpeg(tamanho=(8, 6)) -> bytes:
    from PIL import Image

    saida = io.BytesIO()
    Image.new("RGB", tamanho, (200, 30, 30)).save(saida, "JPEG")
    return saida.getvalue()


def _url(nome, relato):
    return reverse(f"cidadao:{nome}", args=[relato.pk])


def _usuario_com(*codinomes, **kwargs):
    """A user holding only the given permissions (``app.codename``), no role."""
    usuario = UsuarioFactory(**kwargs)
    for nome in codinomes:
        app, _, codename = nome.partition(".")
        usuario.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    return usuario


def _ra_aberto(especificacao, *, deslocamento=Decimal("0"), **kwargs):
    return RegistroAtendimentoFactory(
        especificacao=especificacao,
        latitude=PONTO[0] + deslocamento,
        longitude=PONTO[1],
        **kwargs,
    )


# --- who may see it -------------------------------------------------------------------


def test_anonimo_vai_para_o_login(client):
    relato = RelatoFactory()
    for url in (FILA, _url("relato", relato), _url("relato_foto", relato)):
        resposta = client.get(url)
        assert resposta.status_code == 302
        assert "/entrar/" in resposta["Location"]


def test_sem_permissao_de_triagem_recebe_403(client):
    relato = RelatoFactory()
    client.force_login(_usuario_com("cadastro.view_cliente"))
    for url in (FILA, _url("relato", relato), reverse("cidadao:triagem_contagem")):
        assert client.get(url).status_code == 403
    for nome in ("relato_abrir_ra", "relato_vincular", "relato_descartar", "relato_bloquear"):
        assert client.post(_url(nome, relato), {"motivo": "x"}).status_code == 403
    assert client.get(_url("relato_foto", relato)).status_code == 403
    relato.refresh_from_db()
    assert relato.situacao == S.NOVO


def test_atendente_ve_a_fila_e_o_menu(client_atendente):
    resposta = client_atendente.get(FILA)
    assert resposta.status_code == 200
    assert reverse("cidadao:triagem_contagem") in resposta.content.decode()


def test_menu_sem_triagem_para_quem_nao_tria(client):
    client.force_login(_usuario_com("cadastro.view_cliente"))
    html = client.get(reverse("core:inicio")).content.decode()
    assert reverse("cidadao:triagem") not in html
    assert reverse("cidadao:triagem_contagem") not in html


# --- the queue ------------------------------------------------------------------------


def test_fila_so_novos_do_mais_antigo_ao_mais_novo(client_atendente):
    agora = timezone.now()
    novo_recente = RelatoFactory(criado_em=agora - datetime.timedelta(minutes=5))
    novo_antigo = RelatoFactory(criado_em=agora - datetime.timedelta(hours=2, minutes=1))
    fora = [
        RelatoFactory(situacao=S.RETIDO),
        RelatoFactory(situacao=S.DESCARTADO, motivo_descarte="teste"),
        RelatoFactory(situacao=S.RA_ABERTO, ra=RegistroAtendimentoFactory()),
    ]
    html = client_atendente.get(FILA).content.decode()
    assert html.index(f'data-relato="{novo_antigo.pk}"') < html.index(
        f'data-relato="{novo_recente.pk}"'
    )
    for relato in fora:
        assert f'data-relato="{relato.pk}"' not in html
    assert "há 2 h" in html and "há 5 min" in html
    assert "2 relatos aguardando" in html


def test_fila_filtra_por_especificacao(client_atendente):
    vazamento = RelatoFactory()
    esgoto = RelatoFactory()
    resposta = client_atendente.get(FILA, {"especificacao": esgoto.especificacao_id})
    html = resposta.content.decode()
    assert f'data-relato="{esgoto.pk}"' in html
    assert f'data-relato="{vazamento.pk}"' not in html
    assert "1 relato aguardando" in html


@pytest.mark.parametrize("valor", HOSTIS)
def test_fila_com_filtro_ou_pagina_hostil_nao_quebra(client_atendente, valor):
    relato = RelatoFactory()
    assert client_atendente.get(FILA, {"pagina": valor, "tamanho": valor}).status_code == 200
    resposta = client_atendente.get(FILA, {"especificacao": valor})
    assert resposta.status_code == 200
    if valor:
        # An unknown kind shows its error beside the filter, over the whole queue.
        html = resposta.content.decode()
        assert "Escolha um dos problemas da lista." in html
        assert f'data-relato="{relato.pk}"' in html


def test_fila_pagina(client_atendente):
    base = timezone.now() - datetime.timedelta(days=1)
    relatos = [RelatoFactory(criado_em=base + datetime.timedelta(minutes=i)) for i in range(27)]
    primeira = client_atendente.get(FILA).content.decode()
    segunda = client_atendente.get(FILA, {"pagina": 2}).content.decode()
    assert primeira.count("data-relato=") == 25
    assert segunda.count("data-relato=") == 2
    assert f'data-relato="{relatos[26].pk}"' in segunda
    assert f'data-relato="{relatos[26].pk}"' not in primeira
    assert "27 relatos aguardando" in segunda


def test_fila_escapa_o_texto_do_cidadao(client_atendente):
    RelatoFactory(
        descricao='<script>alert("x")</script><img src=x onerror=alert(1)>',
        endereco="<b>Rua</b>",
    )
    html = client_atendente.get(FILA).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;Rua" in html


def test_fila_numero_de_consultas_constante(client_atendente, django_assert_num_queries):
    for _ in range(2):
        RelatoFactory(foto=ContentFile(_jpeg(), name="f.jpg"))
    client_atendente.get(FILA)
    with CaptureQueriesContext(connection) as captura:
        client_atendente.get(FILA)
    poucos = len(captura.captured_queries)
    for _ in range(10):
        RelatoFactory(especificacao=EspecificacaoPublicaFactory())
    with django_assert_num_queries(poucos):
        resposta = client_atendente.get(FILA)
    assert resposta.content.decode().count("data-relato=") == 12


def test_badge_do_menu_conta_os_novos(client_atendente):
    url = reverse("cidadao:triagem_contagem")
    assert "badge-triagem" not in client_atendente.get(url).content.decode()
    RelatoFactory()
    RelatoFactory()
    RelatoFactory(situacao=S.RETIDO)
    html = client_atendente.get(url).content.decode()
    assert 'id="badge-triagem"' in html
    assert ">2<" in html


def test_badge_para_em_99(client_atendente):
    relato = RelatoFactory()
    Relato.objects.bulk_create(
        Relato(
            token=f"t{i}",
            canal="web",
            especificacao_id=relato.especificacao_id,
            latitude=PONTO[0],
            longitude=PONTO[1],
        )
        for i in range(99)
    )
    html = client_atendente.get(reverse("cidadao:triagem_contagem")).content.decode()
    assert ">99+<" in html


# --- a report's page ------------------------------------------------------------------


@pytest.fixture
def cenario():
    MeioFactory(nome="Internet")  # the meio of RAs opened from reports
    especificacao = EspecificacaoPublicaFactory(raio_duplicidade_m=250)
    relato = RelatoFactory(especificacao=especificacao, endereco="Rua do Bom Jesus, 120")
    # 0.001° of latitude is about 111 m.
    perto = _ra_aberto(especificacao, deslocamento=Decimal("0.0010"), local_ocorrencia="Perto")
    pertissimo = _ra_aberto(
        especificacao, deslocamento=Decimal("0.0002"), local_ocorrencia="Pertíssimo"
    )
    longe = _ra_aberto(especificacao, deslocamento=Decimal("0.0050"))
    outro_tipo = _ra_aberto(EspecificacaoPublicaFactory())
    encerrado = _ra_aberto(especificacao, encerrado=True)
    return {
        "relato": relato,
        "perto": perto,
        "pertissimo": pertissimo,
        "fora": [longe, outro_tipo, encerrado],
    }


def test_relato_lista_ras_proximos_do_mais_perto(client_atendente, cenario):
    resposta = client_atendente.get(_url("relato", cenario["relato"]))
    assert resposta.status_code == 200
    html = resposta.content.decode()
    pertissimo, perto = cenario["pertissimo"], cenario["perto"]
    assert html.index(f'data-ra="{pertissimo.pk}"') < html.index(f'data-ra="{perto.pk}"')
    assert "a 22 m" in html and "a 111 m" in html
    assert pertissimo.protocolo in html
    assert reverse("atendimento:detalhe", args=[perto.pk]) in html
    for ra in cenario["fora"]:
        assert f'data-ra="{ra.pk}"' not in html
    assert html.count("Vincular a este RA") == 2
    assert "Abrir novo RA" in html and "Descartar" in html
    assert "Rua do Bom Jesus, 120" in html


def test_relato_mapa_por_json_script_e_csp_do_servidor_de_mosaicos(client_atendente, cenario):
    resposta = client_atendente.get(_url("relato", cenario["relato"]))
    html = resposta.content.decode()
    assert 'id="mapa-dados"' in html
    assert "vendor/leaflet/leaflet.js" in html and "cidadao/triagem.js" in html
    mapa = resposta.context["mapa"]
    assert mapa["relato"] == [float(PONTO[0]), float(PONTO[1])]
    assert mapa["raio"] == 250
    assert [p["protocolo"] for p in mapa["proximos"]] == [
        cenario["pertissimo"].protocolo,
        cenario["perto"].protocolo,
    ]
    assert "https://tile.openstreetmap.org" in resposta["Content-Security-Policy"]


def test_relato_sem_mosaicos_funciona_so_com_a_lista(client_atendente, cenario):
    params = ParametrosCidadao.atual()
    params.mapa_url_tiles = ""
    params.save()
    resposta = client_atendente.get(_url("relato", cenario["relato"]))
    html = resposta.content.decode()
    assert resposta.status_code == 200
    assert "leaflet.js" not in html
    assert 'id="mapa"' not in html
    assert f'data-ra="{cenario["perto"].pk}"' in html
    assert "tile.openstreetmap.org" not in resposta["Content-Security-Policy"]


def test_relato_so_com_endereco_nao_procura_no_mapa(client_atendente):
    relato = RelatoFactory(latitude=None, longitude=None, endereco="Praça do Arsenal")
    html = client_atendente.get(_url("relato", relato)).content.decode()
    assert "não tem ponto no mapa" in html
    assert 'id="mapa-dados"' not in html
    assert "Abrir novo RA" in html


def test_relato_raio_zero_desliga_a_busca(client_atendente):
    especificacao = EspecificacaoPublicaFactory(raio_duplicidade_m=0)
    relato = RelatoFactory(especificacao=especificacao)
    ra = _ra_aberto(especificacao)
    html = client_atendente.get(_url("relato", relato)).content.decode()
    assert "desligada" in html
    assert f'data-ra="{ra.pk}"' not in html


def test_relato_escapa_descricao_e_endereco(client_atendente):
    relato = RelatoFactory(
        descricao="<script>alert(1)</script>", endereco='"><img src=x onerror=alert(1)>'
    )
    html = client_atendente.get(_url("relato", relato)).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_celular_mascarado_sem_permissao_de_dados_pessoais(client, atendente):
    relato = RelatoFactory(celular="+5581999991234", email="maria.silva@exemplo.com.br")
    client.force_login(_usuario_com("cidadao.triar_relato", "cidadao.view_relato"))
    html = client.get(_url("relato", relato)).content.decode()
    assert "+55 81 9****-1234" in html
    assert "+5581999991234" not in html
    assert "m***@exemplo.com.br" in html
    client.force_login(atendente)  # holds cadastro.ver_dados_pessoais
    html = client.get(_url("relato", relato)).content.decode()
    assert "+5581999991234" in html
    assert "maria.silva@exemplo.com.br" in html


def test_posicao_da_foto_como_dado(client_atendente):
    com_exif = RelatoFactory(
        foto=ContentFile(_jpeg(), name="f.jpg"),
        foto_latitude=PONTO[0] + Decimal("0.000315"),  # ~35 m north
        foto_longitude=PONTO[1],
    )
    sem_exif = RelatoFactory(foto=ContentFile(_jpeg(), name="g.jpg"))
    sem_foto = RelatoFactory()
    assert "A foto foi tirada a 35 m do ponto informado." in (
        client_atendente.get(_url("relato", com_exif)).content.decode()
    )
    assert "Sem localização na foto." in (
        client_atendente.get(_url("relato", sem_exif)).content.decode()
    )
    html = client_atendente.get(_url("relato", sem_foto)).content.decode()
    assert "Sem foto." in html and "localização na foto" not in html


@pytest.mark.parametrize("pk", ["999999", "0"])
def test_relato_inexistente_404(client_atendente, pk):
    url = f"{FILA}{pk}/"
    assert client_atendente.get(url).status_code == 404
    assert client_atendente.post(f"{url}descartar/", {"motivo": "x"}).status_code == 404
    assert client_atendente.get(f"/cidadao/relatos/{pk}/foto/").status_code == 404


def test_relato_ja_triado_mostra_o_resultado_sem_acoes(client_atendente, atendente):
    ra = RegistroAtendimentoFactory()
    relato = RelatoFactory(
        situacao=S.VINCULADO, ra=ra, triado_por=atendente, triado_em=timezone.now()
    )
    html = client_atendente.get(_url("relato", relato)).content.decode()
    assert ra.protocolo in html
    assert "Vinculado ao RA" in html
    assert "Abrir novo RA" not in html and "Vincular a este RA" not in html


# --- the photo ------------------------------------------------------------------------


def test_foto_servida_com_tipo_e_nosniff(client_atendente):
    conteudo = _jpeg()
    relato = RelatoFactory(foto=ContentFile(conteudo, name="f.jpg"))
    resposta = client_atendente.get(_url("relato_foto", relato))
    assert resposta.status_code == 200
    assert resposta["Content-Type"] == "image/jpeg"
    assert resposta["X-Content-Type-Options"] == "nosniff"
    assert "private" in resposta["Cache-Control"]
    assert b"".join(resposta.streaming_content) == conteudo


def test_foto_que_nao_e_imagem_vai_como_download(client_atendente):
    relato = RelatoFactory(foto=ContentFile(b"<html><script>alert(1)</script>", name="f.jpg"))
    resposta = client_atendente.get(_url("relato_foto", relato))
    assert resposta["Content-Type"] == "application/octet-stream"
    assert resposta["Content-Disposition"].startswith("attachment")
    assert resposta["X-Content-Type-Options"] == "nosniff"


def test_foto_so_para_quem_ve_relatos(client):
    relato = RelatoFactory(foto=ContentFile(_jpeg(), name="f.jpg"))
    client.force_login(_usuario_com("cidadao.view_relato"))
    assert client.get(_url("relato_foto", relato)).status_code == 200
    client.force_login(_usuario_com("cidadao.triar_relato"))
    assert client.get(_url("relato_foto", relato)).status_code == 403


def test_relato_sem_foto_ou_arquivo_sumido_404(client_atendente):
    assert client_atendente.get(_url("relato_foto", RelatoFactory())).status_code == 404
    sumido = RelatoFactory(foto="relatos/2026/12/nao-existe.jpg")
    assert client_atendente.get(_url("relato_foto", sumido)).status_code == 404


# --- the actions ----------------------------------------------------------------------


def test_acoes_so_por_post(client_atendente):
    relato = RelatoFactory()
    for nome in ("relato_abrir_ra", "relato_vincular", "relato_descartar", "relato_bloquear"):
        assert client_atendente.get(_url(nome, relato)).status_code == 405


def test_vincular_ao_ra_proximo(client_atendente, cenario, atendente):
    relato, ra = cenario["relato"], cenario["perto"]
    seguinte = RelatoFactory(criado_em=relato.criado_em + datetime.timedelta(minutes=1))
    resposta = client_atendente.post(_url("relato_vincular", relato), {"ra": ra.pk})
    assert resposta.status_code == 302
    assert resposta["Location"] == _url("relato", seguinte)
    relato.refresh_from_db()
    assert relato.situacao == S.VINCULADO and relato.ra_id == ra.pk
    assert relato.triado_por == atendente
    pagina = client_atendente.get(resposta["Location"]).content.decode()
    assert f"Relato vinculado ao RA {ra.protocolo}; o cidadão recebe o protocolo por SMS." in (
        pagina
    )


def test_abrir_ra_leva_para_a_fila_quando_nao_ha_mais_relatos(client_atendente, cenario):
    relato = cenario["relato"]
    resposta = client_atendente.post(
        _url("relato_abrir_ra", relato), {"descricao": "Vazamento grande na calçada."}
    )
    assert resposta.status_code == 302
    assert resposta["Location"] == FILA
    relato.refresh_from_db()
    assert relato.situacao == S.RA_ABERTO
    pagina = client_atendente.get(FILA).content.decode()
    assert f"RA aberto: protocolo {relato.ra.protocolo}" in pagina


def test_abrir_ra_sem_celular_diz_que_nao_vai_sms(client_atendente, cenario):
    relato = RelatoFactory(celular="", especificacao=cenario["relato"].especificacao)
    resposta = client_atendente.post(
        _url("relato_abrir_ra", relato), {"descricao": ""}, follow=True
    )
    relato.refresh_from_db()
    assert relato.situacao == S.RA_ABERTO
    assert relato.ra.descricao == relato.descricao  # empty: the citizen's text
    html = resposta.content.decode()
    assert f"RA aberto: protocolo {relato.ra.protocolo}; o cidadão não recebe SMS:" in html


def test_descartar_pede_motivo(client_atendente):
    relato = RelatoFactory()
    resposta = client_atendente.post(_url("relato_descartar", relato), {"motivo": ""})
    assert resposta.status_code == 200
    assert "Informe o motivo do descarte." in resposta.content.decode()
    relato.refresh_from_db()
    assert relato.situacao == S.NOVO


def test_descartar_com_motivo(client_atendente):
    relato = RelatoFactory()
    resposta = client_atendente.post(
        _url("relato_descartar", relato), {"motivo": "Relato de teste"}
    )
    assert resposta.status_code == 302
    relato.refresh_from_db()
    assert relato.situacao == S.DESCARTADO
    assert relato.motivo_descarte == "Relato de teste"
    assert not relato.cidadao_avisado


def test_relato_triado_por_outra_pessoa_mostra_o_erro(client_atendente, cenario, supervisor):
    relato = cenario["relato"]
    ra = cenario["perto"]
    # Someone else decided between this attendant's page load and click.
    Relato.objects.filter(pk=relato.pk).update(
        situacao=S.DESCARTADO,
        motivo_descarte="duplicado",
        triado_por=supervisor,
        triado_em=timezone.now(),
    )
    for nome, dados in (
        ("relato_vincular", {"ra": ra.pk}),
        ("relato_abrir_ra", {"descricao": ""}),
        ("relato_descartar", {"motivo": "outro"}),
    ):
        resposta = client_atendente.post(_url(nome, relato), dados)
        assert resposta.status_code == 200, nome
        html = resposta.content.decode()
        assert 'id="resumo-erros"' in html, nome
        assert "Este relato já foi triado por" in html, nome
    relato.refresh_from_db()
    assert relato.situacao == S.DESCARTADO
    assert relato.motivo_descarte == "duplicado"
    assert not RegistroAtendimento.objects.filter(relatos=relato).exists()


@pytest.mark.parametrize("valor", HOSTIS)
def test_vincular_com_ra_hostil_nao_quebra(client_atendente, valor):
    relato = RelatoFactory()
    resposta = client_atendente.post(_url("relato_vincular", relato), {"ra": valor})
    assert resposta.status_code == 200
    assert 'id="resumo-erros"' in resposta.content.decode()
    relato.refresh_from_db()
    assert relato.situacao == S.NOVO


def test_vincular_a_ra_encerrado_e_recusado(client_atendente, cenario):
    relato = cenario["relato"]
    encerrado = cenario["fora"][2]
    resposta = client_atendente.post(_url("relato_vincular", relato), {"ra": encerrado.pk})
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert 'id="resumo-erros"' in html
    assert "vincular um relato" in html
    relato.refresh_from_db()
    assert relato.situacao == S.NOVO


def test_descartar_com_motivo_longo_demais(client_atendente):
    relato = RelatoFactory()
    resposta = client_atendente.post(_url("relato_descartar", relato), {"motivo": "x" * 301})
    assert resposta.status_code == 200
    relato.refresh_from_db()
    assert relato.situacao == S.NOVO


def test_bloquear_celular_so_com_permissao(client_atendente, client, unidade):
    relato = RelatoFactory(celular="+5581999990042")
    outro_do_mesmo = RelatoFactory(celular="+5581999990042")
    de_outro = RelatoFactory(celular="+5581999990043")
    assert "Bloquear este celular" not in (
        client_atendente.get(_url("relato", relato)).content.decode()
    )
    assert (
        client_atendente.post(_url("relato_bloquear", relato), {"motivo": "trote"}).status_code
        == 403
    )
    assert not TelefoneBloqueado.objects.exists()

    supervisor = UsuarioFactory(unidade=unidade, papeis=[SUPERVISOR])
    client.force_login(supervisor)
    assert "Bloquear este celular" in client.get(_url("relato", relato)).content.decode()
    sem_motivo = client.post(_url("relato_bloquear", relato), {"motivo": ""})
    assert sem_motivo.status_code == 200
    assert not TelefoneBloqueado.objects.exists()
    resposta = client.post(_url("relato_bloquear", relato), {"motivo": "trotes repetidos"})
    assert resposta.status_code == 302
    bloqueado = TelefoneBloqueado.objects.get()
    assert bloqueado.numero == "+5581999990042"
    assert bloqueado.bloqueado_por == supervisor
    fila = client.get(FILA).content.decode()
    assert f'data-relato="{relato.pk}"' not in fila
    assert f'data-relato="{outro_do_mesmo.pk}"' not in fila
    assert f'data-relato="{de_outro.pk}"' in fila
    # Already blocked: the page no longer offers it.
    assert "Bloquear este celular" not in client.get(_url("relato", relato)).content.decode()


def test_relato_retido_so_pode_ser_descartado(client_atendente, cenario):
    relato = RelatoFactory(situacao=S.RETIDO, especificacao=cenario["relato"].especificacao)
    html = client_atendente.get(_url("relato", relato)).content.decode()
    assert "celular bloqueado" in html
    assert 'id="form-descartar"' in html
    assert 'id="form-abrir"' not in html and "Vincular a este RA" not in html
    resposta = client_atendente.post(_url("relato_abrir_ra", relato), {"descricao": ""})
    assert resposta.status_code == 200
    assert "só pode ser descartado" in resposta.content.decode()
    resposta = client_atendente.post(_url("relato_descartar", relato), {"motivo": "Trote"})
    assert resposta.status_code == 302
    relato.refresh_from_db()
    assert relato.situacao == S.DESCARTADO
