"""Admin of the reports (read-only), the blocked phones and the channel's parameters."""

import pytest
from django.core.files.base import ContentFile
from django.forms.models import model_to_dict
from django.urls import reverse

from cidadao.models import ParametrosCidadao, Relato, TelefoneBloqueado
from tests.atendimento.factories import RegistroAtendimentoFactory
from tests.cidadao.factories import EspecificacaoPublicaFactory, RelatoFactory
from tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db

S = Relato.Situacao
LISTA_RELATOS = reverse("admin:cidadao_relato_changelist")
NOVO_BLOQUEIO = reverse("admin:cidadao_telefonebloqueado_add")


@pytest.fixture
def admin_client(client, administrador):
    client.force_login(administrador)
    return client


# --- reports --------------------------------------------------------------------------


def test_relatos_so_leitura(admin_client):
    relato = RelatoFactory(foto=ContentFile(b"\xff\xd8\xff", name="f.jpg"))
    assert admin_client.get(LISTA_RELATOS).status_code == 200
    assert admin_client.get(reverse("admin:cidadao_relato_add")).status_code == 403
    url = reverse("admin:cidadao_relato_change", args=[relato.pk])
    resposta = admin_client.get(url)
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert 'name="descricao"' not in html  # shown, not editable
    # The photo links to the protected view, never to MEDIA_URL.
    assert reverse("cidadao:relato_foto", args=[relato.pk]) in html
    assert "/media/" not in html
    admin_client.post(url, {"descricao": "alterada"})
    relato.refresh_from_db()
    assert relato.descricao != "alterada"
    apagar = reverse("admin:cidadao_relato_delete", args=[relato.pk])
    assert admin_client.post(apagar, {"post": "yes"}).status_code == 403
    assert Relato.objects.filter(pk=relato.pk).exists()


def test_relatos_filtros_e_busca_pelo_codigo(admin_client):
    esgoto = EspecificacaoPublicaFactory(nome="Esgoto na rua")
    novo = RelatoFactory(token="tokenprocurado123")
    descartado = RelatoFactory(situacao=S.DESCARTADO, motivo_descarte="teste", especificacao=esgoto)
    via_api = RelatoFactory(
        canal=Relato.Canal.OPEN311, situacao=S.RA_ABERTO, ra=RegistroAtendimentoFactory()
    )

    def listados(**parametros):
        resposta = admin_client.get(LISTA_RELATOS, parametros)
        assert resposta.status_code == 200
        return {r.pk for r in resposta.context["cl"].result_list}

    assert listados(situacao__exact="novo") == {novo.pk}
    assert listados(canal__exact="open311") == {via_api.pk}
    assert listados(especificacao__id__exact=esgoto.pk) == {descartado.pk}
    assert listados(q="tokenprocurado123") == {novo.pk}
    assert listados(q="tokenprocurado") == set()  # the whole code, not a guess at it
    assert listados(q=via_api.ra.protocolo) == {via_api.pk}


def test_relatos_so_para_administradores(client, atendente):
    client.force_login(atendente)
    resposta = client.get(LISTA_RELATOS)
    assert resposta.status_code == 302
    assert "/admin/login/" in resposta["Location"]


# --- blocked phones -------------------------------------------------------------------


def test_bloquear_pelo_admin_tira_da_fila_os_relatos_do_celular(admin_client, administrador):
    pendente = RelatoFactory(celular="+5581999990042")
    ja_triado = RelatoFactory(
        celular="+5581999990042", situacao=S.DESCARTADO, motivo_descarte="teste"
    )
    de_outro = RelatoFactory(celular="+5581999990043")
    resposta = admin_client.post(
        NOVO_BLOQUEIO, {"numero": "(81) 99999-0042", "motivo": "trotes repetidos"}
    )
    assert resposta.status_code == 302, resposta.content.decode()
    bloqueio = TelefoneBloqueado.objects.get()
    assert bloqueio.numero == "+5581999990042"
    assert bloqueio.motivo == "trotes repetidos"
    assert bloqueio.bloqueado_por == administrador
    pendente.refresh_from_db()
    ja_triado.refresh_from_db()
    de_outro.refresh_from_db()
    assert pendente.situacao != S.NOVO
    assert ja_triado.situacao == S.DESCARTADO
    assert de_outro.situacao == S.NOVO


@pytest.mark.parametrize(
    ("numero", "motivo", "erro"),
    [
        ("abc", "trote", "não é um número de telefone"),
        ("(81) 3333-4444", "trote", "telefone fixo"),
        ("", "trote", "Este campo é obrigatório"),
        ("(81) 99999-0042", "", "Este campo é obrigatório"),
        ("+55 81 99999-0001", "trote", "já está bloqueado"),
    ],
)
def test_bloqueio_invalido_recusado(admin_client, numero, motivo, erro):
    TelefoneBloqueado.objects.create(numero="+5581999990001", motivo="antigo")
    relato = RelatoFactory(celular="+5581999990042")
    resposta = admin_client.post(NOVO_BLOQUEIO, {"numero": numero, "motivo": motivo})
    assert resposta.status_code == 200
    assert erro in resposta.content.decode(), resposta.context["adminform"].form.errors
    assert TelefoneBloqueado.objects.count() == 1
    relato.refresh_from_db()
    assert relato.situacao == S.NOVO


def test_bloqueio_existente_muda_so_o_motivo(admin_client):
    bloqueio = TelefoneBloqueado.objects.create(numero="+5581999990001", motivo="antigo")
    url = reverse("admin:cidadao_telefonebloqueado_change", args=[bloqueio.pk])
    resposta = admin_client.post(url, {"numero": "+5581999990099", "motivo": "novo motivo"})
    assert resposta.status_code == 302
    bloqueio.refresh_from_db()
    assert (bloqueio.numero, bloqueio.motivo) == ("+5581999990001", "novo motivo")


# --- parameters -----------------------------------------------------------------------


def _dados_parametros(**mudancas):
    params = ParametrosCidadao.atual()
    dados = {k: ("" if v is None else v) for k, v in model_to_dict(params).items()}
    dados.update(mudancas)
    return dados


def test_parametros_unicos_sem_incluir_nem_apagar(client):
    dono = UsuarioFactory(is_staff=True, is_superuser=True)
    client.force_login(dono)
    ParametrosCidadao.atual()
    assert client.get(reverse("admin:cidadao_parametroscidadao_add")).status_code == 403
    apagar = reverse("admin:cidadao_parametroscidadao_delete", args=[1])
    assert client.post(apagar, {"post": "yes"}).status_code == 403
    assert ParametrosCidadao.objects.count() == 1


def test_parametros_salvos_pelo_administrador(admin_client):
    url = reverse("admin:cidadao_parametroscidadao_change", args=[ParametrosCidadao.atual().pk])
    resposta = admin_client.post(url, _dados_parametros(relatos_por_celular_dia=3))
    assert resposta.status_code == 302
    assert ParametrosCidadao.atual().relatos_por_celular_dia == 3


@pytest.mark.parametrize(
    ("campo", "valor", "erro"),
    [
        ("texto_descarte", "Seu relato {protocolo} foi descartado", "Use só as tags"),
        ("texto_descarte", "Seu relato {servico foi descartado", "Use só as tags"),
        ("mapa_url_tiles", "javascript:alert(1)//{z}{x}{y}", "https://"),
        ("mapa_url_tiles", "https://tiles.exemplo.org/mapa.png", "{z}, {x} e {y}"),
        ("area_latitude_min", "-7.0", "o mínimo vem antes do máximo"),
    ],
)
def test_parametros_invalidos_recusados(admin_client, campo, valor, erro):
    url = reverse("admin:cidadao_parametroscidadao_change", args=[ParametrosCidadao.atual().pk])
    antes = getattr(ParametrosCidadao.atual(), campo)
    resposta = admin_client.post(url, _dados_parametros(**{campo: valor}))
    assert resposta.status_code == 200
    assert erro in resposta.content.decode()
    assert getattr(ParametrosCidadao.atual(), campo) == antes


def test_mosaicos_vazios_aceitos(admin_client):
    url = reverse("admin:cidadao_parametroscidadao_change", args=[ParametrosCidadao.atual().pk])
    assert admin_client.post(url, _dados_parametros(mapa_url_tiles="")).status_code == 302
    assert ParametrosCidadao.atual().mapa_url_tiles == ""
