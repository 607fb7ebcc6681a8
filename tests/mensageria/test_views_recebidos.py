"""The "SMS recebidos" screen: list, attach to an RA, discard; permissions."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from core.papeis import ATENDENTE, SUPERVISOR, TECNICO
from mensageria import services
from mensageria.models import SmsRecebido
from tests.factories import UsuarioFactory

from .factories import modem_criar, ra_criar

pytestmark = pytest.mark.django_db
LISTA = reverse("mensageria:sms_recebido_list")
SMSC = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 30, 5))


@pytest.fixture
def modem():
    return modem_criar(nome="recebe")


@pytest.fixture
def ra(unidade, atendente):
    return ra_criar(unidade=unidade, usuario=atendente, telefone="+5581999990001")


def receber(modem, texto, remetente="+5581977776666", segundos=0):
    return services.sms_recebido_registrar(
        modem=modem,
        remetente=remetente,
        texto=texto,
        recebido_em=SMSC + datetime.timedelta(seconds=segundos),
        partes=1,
    )


def test_papeis_com_a_permissao():
    def tem(papel):
        return (
            Group.objects.get(name=papel).permissions.filter(codename="tratar_smsrecebido").exists()
        )

    assert tem(ATENDENTE) and tem(SUPERVISOR)
    assert not tem(TECNICO)


def test_login_obrigatorio(client, modem):
    sms = receber(modem, "Oi")
    resposta = client.get(LISTA)
    assert resposta.status_code == 302
    assert resposta["Location"].startswith(reverse(settings.LOGIN_URL))
    resposta = client.post(
        reverse("mensageria:sms_recebido_descartar", args=[sms.pk]), {"motivo": "x"}
    )
    assert resposta.status_code == 302
    assert resposta["Location"].startswith(reverse(settings.LOGIN_URL))
    assert SmsRecebido.objects.get(pk=sms.pk).situacao == "novo"


def test_sem_permissao_403(client, modem, ra, unidade):
    tecnico = UsuarioFactory(unidade=unidade, papeis=[TECNICO])
    client.force_login(tecnico)
    sms = receber(modem, "Oi")
    assert client.get(LISTA).status_code == 403
    anexar = reverse("mensageria:sms_recebido_anexar", args=[sms.pk])
    assert client.post(anexar, {"protocolo": ra.protocolo}).status_code == 403
    descartar = reverse("mensageria:sms_recebido_descartar", args=[sms.pk])
    assert client.post(descartar, {"motivo": "x"}).status_code == 403
    assert SmsRecebido.objects.get(pk=sms.pk).situacao == "novo"
    assert b"SMS recebidos" not in client.get(reverse("core:inicio")).content


def test_lista_abre_nos_novos_e_mascara_o_numero(client, modem, ra, unidade):
    novo = receber(modem, "Ainda sem água na rua")
    respondido = receber(modem, ra.protocolo, remetente="+5581999990001", segundos=1)
    usuario = UsuarioFactory(unidade=unidade, papeis=[])
    usuario.user_permissions.add(*Permission.objects.filter(codename="tratar_smsrecebido"))
    client.force_login(usuario)
    resposta = client.get(LISTA)
    assert resposta.status_code == 200
    assert [s.pk for s in resposta.context["pagina"]] == [novo.pk]
    html = resposta.content.decode()
    assert "+55 81 9****-6666" in html and "+5581977776666" not in html
    assert "Ainda sem água na rua" in html
    todos = client.get(LISTA, {"situacao": "todos"})
    assert [s.pk for s in todos.context["pagina"]] == [respondido.pk, novo.pk]
    html = todos.content.decode()
    assert "Resposta automática" in html and "Em andamento" in html  # read-only, with the reply
    assert f'data-sms="{respondido.pk}"' in html
    assert html.count('name="protocolo"') == 1  # only the new one has the forms


def test_atendente_ve_numero_completo_e_link_no_menu(client_atendente, modem):
    receber(modem, "Oi")
    resposta = client_atendente.get(LISTA)
    assert "+5581977776666" in resposta.content.decode()
    assert LISTA in client_atendente.get(reverse("core:inicio")).content.decode()


def test_filtro_invalido_nao_quebra(client_atendente, modem):
    receber(modem, "Oi")
    resposta = client_atendente.get(LISTA, {"situacao": "xyz", "pagina": "9" * 50})
    assert resposta.status_code == 200


def test_anexar_pela_tela(client_atendente, modem, ra, atendente):
    sms = receber(modem, "Ainda sem água")
    url = reverse("mensageria:sms_recebido_anexar", args=[sms.pk])
    resposta = client_atendente.post(
        url,
        {
            "protocolo": f"{ra.protocolo[:4]}.{ra.protocolo[4]}.{ra.protocolo[5:]}",
            "volta": "situacao=todos",
        },
        follow=True,
    )
    assert resposta.redirect_chain[-1][0] == LISTA + "?situacao=todos"
    html = resposta.content.decode()
    assert f"SMS {sms.pk} anexado ao RA do protocolo {ra.protocolo}" in html
    sms.refresh_from_db()
    assert sms.situacao == "anexado" and sms.tratado_por == atendente
    assert ra.mensagens.get().texto == "Ainda sem água"
    # A double click: the second says who did it and when, nothing is added.
    resposta = client_atendente.post(url, {"protocolo": ra.protocolo}, follow=True)
    assert "Este SMS já foi tratado por" in resposta.content.decode()
    assert ra.mensagens.count() == 1


@pytest.mark.parametrize(
    ("protocolo", "erro"),
    [
        ("", "Este campo é obrigatório"),
        ("20269999999999", "Não há RA com o protocolo 20269999999999"),
        ("12ab", "não é um protocolo"),
    ],
)
def test_anexar_erros_em_portugues(client_atendente, modem, ra, protocolo, erro):
    sms = receber(modem, "Ainda sem água")
    resposta = client_atendente.post(
        reverse("mensageria:sms_recebido_anexar", args=[sms.pk]),
        {"protocolo": protocolo},
        follow=True,
    )
    assert resposta.status_code == 200
    assert erro in resposta.content.decode()
    assert SmsRecebido.objects.get(pk=sms.pk).situacao == "novo"


def test_descartar_pela_tela(client_atendente, modem, atendente):
    sms = receber(modem, "Promoção")
    url = reverse("mensageria:sms_recebido_descartar", args=[sms.pk])
    resposta = client_atendente.post(url, {"motivo": ""}, follow=True)
    assert "Este campo é obrigatório" in resposta.content.decode()
    resposta = client_atendente.post(url, {"motivo": "Propaganda"}, follow=True)
    assert f"SMS {sms.pk} descartado." in resposta.content.decode()
    sms.refresh_from_db()
    assert sms.situacao == "descartado" and sms.motivo_descarte == "Propaganda"
    descartados = client_atendente.get(LISTA, {"situacao": "descartado"}).content.decode()
    assert "Descartado: Propaganda" in descartados
    resposta = client_atendente.post(url, {"motivo": "de novo"}, follow=True)
    assert "Este SMS já foi tratado por" in resposta.content.decode()


def test_get_nas_acoes_nao_trata(client_atendente, modem):
    sms = receber(modem, "Oi")
    resposta = client_atendente.get(reverse("mensageria:sms_recebido_descartar", args=[sms.pk]))
    assert resposta.status_code == 405


def test_sms_vazio_so_se_descarta(client_atendente, modem):
    receber(modem, "")
    html = client_atendente.get(LISTA).content.decode()
    assert "(SMS vazio)" in html
    assert 'name="protocolo"' not in html and 'name="motivo"' in html


def test_paginacao_mantem_o_filtro(client_atendente, modem):
    for i in range(53):
        receber(modem, f"SMS {i}", segundos=i)
    primeira = client_atendente.get(LISTA, {"situacao": "novo"})
    assert len(primeira.context["pagina"].itens) == 50 and primeira.context["pagina"].tem_proxima
    assert "situacao=novo&amp;pagina=2" in primeira.content.decode()
    segunda = client_atendente.get(LISTA, {"situacao": "novo", "pagina": "2"})
    assert [s.texto for s in segunda.context["pagina"]] == ["SMS 2", "SMS 1", "SMS 0"]
