"""At the counter: the imóvel page's open bills and sending one bill's linha digitável."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from faturamento import febraban, textos
from faturamento.models import Conta, ParametrosFaturamento
from faturamento.services.balcao import ASSUNTO_EMAIL, TEXTO
from mensageria import texto as texto_sms
from mensageria.models import Mensagem, Parametros
from tests.factories import (
    ClienteFactory,
    ClienteImovelFactory,
    ImovelFactory,
    TelefoneFactory,
    UsuarioFactory,
)

from .contas_balcao import conta_criar, dias

pytestmark = pytest.mark.django_db


@pytest.fixture
def imovel():
    return ImovelFactory(matricula=10_012_345)


@pytest.fixture
def cliente(imovel):
    cliente = ClienteFactory(nome="Maria das Graças", email="maria.gracas@exemplo.com.br")
    TelefoneFactory(cliente=cliente, ddd="81", numero="998761234", sms=True)
    TelefoneFactory(cliente=cliente, ddd="81", numero="997770000", sms=False, principal=False)
    ClienteImovelFactory(cliente=cliente, imovel=imovel, relacao="usuario")
    # An owner with consent and phone: never the recipient.
    dono = ClienteFactory(nome="Dono do Imóvel")
    TelefoneFactory(cliente=dono, numero="991110000", sms=True)
    ClienteImovelFactory(cliente=dono, imovel=imovel, relacao="proprietario")
    return cliente


@pytest.fixture
def contas(imovel, cliente):
    outro = ImovelFactory()
    return {
        "vencida": conta_criar(imovel, referencia=202610, vencimento=dias(-12), valor="87.30"),
        "a_vencer": conta_criar(imovel, referencia=202611, vencimento=dias(5), valor="1234.56"),
        "paga": conta_criar(
            imovel, referencia=202609, vencimento=dias(-40), situacao=Conta.Situacao.PAGA
        ),
        "cancelada": conta_criar(
            imovel, referencia=202608, vencimento=dias(-70), situacao=Conta.Situacao.CANCELADA
        ),
        "outra": conta_criar(outro, referencia=202610, vencimento=dias(-12), valor="55.55"),
    }


def _linha(conta):
    parametros = ParametrosFaturamento.atuais()
    return febraban.Gerador(parametros).linha_conta(
        conta.imovel.matricula, conta.referencia, conta.valor
    )


def _pagina(client, imovel):
    resposta = client.get(reverse("cadastro:imovel_detalhe", args=[imovel.pk]))
    assert resposta.status_code == 200
    return resposta.content.decode()


def _enviar(client, imovel, conta_pk, canal):
    url = reverse(f"faturamento:conta_enviar_{canal}", args=[imovel.pk, conta_pk])
    return client.post(url, follow=True)


def _usuario_com(unidade, *codenames):
    usuario = UsuarioFactory(unidade=unidade)
    usuario.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="faturamento", codename__in=codenames)
    )
    return usuario


# --- the list ----------------------------------------------------------------------


def test_pagina_do_imovel_lista_as_contas_em_aberto_com_a_linha(client_atendente, imovel, contas):
    html = _pagina(client_atendente, imovel)
    secao = html.split('id="imovel-contas"')[1].split("</section>")[0]
    vencida, a_vencer = contas["vencida"], contas["a_vencer"]
    for trecho in (
        "10/2026",
        f"{vencida.vencimento:%d/%m/%Y}",
        "87,30",
        "vencida há 12 dias",
        _linha(vencida),
        "11/2026",
        f"{a_vencer.vencimento:%d/%m/%Y}",
        "1.234,56",
        "a vencer",
        _linha(a_vencer),
        "Enviar por SMS",
        "Enviar por e-mail",
        "faturamento/copiar.js",
    ):
        assert trecho in secao, trecho
    # Paid, cancelled and another imóvel's bills are left out.
    assert "09/2026" not in secao and "08/2026" not in secao
    assert "55,55" not in secao and _linha(contas["outra"]) not in secao
    # Oldest first; only the overdue one is highlighted.
    assert secao.index("10/2026") < secao.index("11/2026")
    linhas = secao.split("<tr")
    (destacada,) = [tr for tr in linhas if "conta-vencida" in tr]
    assert f'data-conta="{vencida.pk}"' in destacada
    assert f'data-copiar="{_linha(vencida)}"' in destacada
    assert "<script>" not in secao and "style=" not in secao


def test_conta_que_vence_hoje_nao_esta_vencida(client_atendente, imovel, cliente):
    conta_criar(imovel, referencia=202612, vencimento=dias(0))
    secao = _pagina(client_atendente, imovel).split('id="imovel-contas"')[1]
    assert "conta-vencida" not in secao and "a vencer" in secao


def test_imovel_sem_contas_em_aberto(client_atendente, imovel, cliente):
    conta_criar(imovel, referencia=202609, vencimento=dias(-40), situacao=Conta.Situacao.PAGA)
    secao = _pagina(client_atendente, imovel).split('id="imovel-contas"')[1]
    assert "Nenhuma conta em aberto." in secao


def test_sem_permissao_de_ver_contas_nao_ha_secao(client, unidade, imovel, contas):
    client.force_login(UsuarioFactory(unidade=unidade))
    html = _pagina(client, imovel)
    assert 'id="imovel-contas"' not in html
    assert _linha(contas["vencida"]) not in html


def test_ver_contas_sem_permissao_de_enviar_nao_mostra_os_botoes(client, unidade, imovel, contas):
    client.force_login(_usuario_com(unidade, "view_conta"))
    html = _pagina(client, imovel)
    assert _linha(contas["vencida"]) in html
    assert "Enviar por SMS" not in html and "Enviar por e-mail" not in html


def test_numero_de_consultas_nao_cresce_com_as_contas(client_atendente, imovel, cliente):
    url = reverse("cadastro:imovel_detalhe", args=[imovel.pk])
    conta_criar(imovel, referencia=202601, vencimento=dias(-300))
    client_atendente.get(url)  # the parameters' row is created on the first read
    with CaptureQueriesContext(connection) as uma:
        client_atendente.get(url)
    for mes in range(2, 10):
        conta_criar(imovel, referencia=202600 + mes, vencimento=dias(-300 + 30 * mes))
    with CaptureQueriesContext(connection) as nove:
        html = client_atendente.get(url).content.decode()
    assert html.count("data-copiar=") == 9
    assert len(nove) == len(uma)


# --- sending -----------------------------------------------------------------------


def test_envia_por_sms_ao_cliente_usuario_com_a_linha(
    client_atendente, atendente, imovel, cliente, contas
):
    conta = contas["vencida"]
    resposta = _enviar(client_atendente, imovel, conta.pk, "sms")
    mensagem = Mensagem.objects.get()
    html = resposta.content.decode()
    assert resposta.redirect_chain[-1][0] == reverse("cadastro:imovel_detalhe", args=[imovel.pk])
    assert "Linha digitável enviada por SMS para (81) *****-1234" in html
    assert "99876-1234" not in html.split('role="alert"')[1].split("</div>")[0]
    assert mensagem.canal == Mensagem.Canal.SMS
    assert mensagem.destino == "+5581998761234"
    assert mensagem.evento == Mensagem.Evento.FATURAMENTO
    assert (mensagem.origem_tipo, mensagem.origem_id) == ("conta", conta.pk)
    assert mensagem.criada_por == atendente
    assert mensagem.historico.get(para=Mensagem.Status.PENDENTE).usuario == atendente
    assert mensagem.texto == (
        f"Conta 10/2026 do imóvel {imovel.matricula_formatada}, vencimento "
        f"{conta.vencimento:%d/%m/%Y}, valor R$ 87,30. Linha digitável:\n{_linha(conta)}"
    )


def test_segundo_clique_logo_depois_nao_envia_de_novo(client_atendente, imovel, contas, relogio):
    """A double click (or a second attendant a moment later) sends the linha once; after
    the interval, or on the other channel, it may go again."""
    conta = contas["vencida"]
    _enviar(client_atendente, imovel, conta.pk, "sms")
    html = _enviar(client_atendente, imovel, conta.pk, "sms").content.decode()
    assert Mensagem.objects.filter(canal=Mensagem.Canal.SMS).count() == 1
    assert "já foi enviada por SMS para (81) *****-1234 às 12:00" in html
    _enviar(client_atendente, imovel, conta.pk, "email")
    assert Mensagem.objects.filter(canal=Mensagem.Canal.EMAIL).count() == 1
    relogio.avancar(minutes=2, seconds=1)
    _enviar(client_atendente, imovel, conta.pk, "sms")
    assert Mensagem.objects.filter(canal=Mensagem.Canal.SMS).count() == 2


def test_envia_por_email_com_endereco_mascarado(client_atendente, atendente, imovel, contas):
    conta = contas["a_vencer"]
    html = _enviar(client_atendente, imovel, conta.pk, "email").content.decode()
    mensagem = Mensagem.objects.get()
    assert "Linha digitável enviada por e-mail para m***@exemplo.com.br" in html
    assert mensagem.canal == Mensagem.Canal.EMAIL
    assert mensagem.destino == "maria.gracas@exemplo.com.br"
    assert (
        mensagem.assunto == f"Conta 11/2026 do imóvel {imovel.matricula_formatada}: linha digitável"
    )
    assert mensagem.texto.endswith(f"valor R$ 1.234,56. Linha digitável:\n{_linha(conta)}")
    assert (mensagem.evento, mensagem.origem_tipo, mensagem.origem_id) == (
        "faturamento",
        "conta",
        conta.pk,
    )
    assert mensagem.criada_por == atendente
    assert mensagem.historico.get(para=Mensagem.Status.PENDENTE).usuario == atendente


@pytest.mark.parametrize(
    ("canal", "mudar", "esperado"),
    [
        ("sms", {"recebe_sms": False}, "não aceita receber SMS"),
        ("email", {"recebe_email": False}, "não aceita receber e-mail"),
        ("email", {"email": ""}, "não tem e-mail cadastrado"),
    ],
)
def test_sem_consentimento_ou_endereco_recusa_e_nao_cria_mensagem(
    client_atendente, imovel, cliente, contas, canal, mudar, esperado
):
    for campo, valor in mudar.items():
        setattr(cliente, campo, valor)
    cliente.save()
    html = _enviar(client_atendente, imovel, contas["vencida"].pk, canal).content.decode()
    assert f"Linha digitável não enviada. O cliente Maria das Graças {esperado}" in html
    assert not Mensagem.objects.exists()


def test_sem_celular_marcado_para_sms_recusa(client_atendente, imovel, cliente, contas):
    cliente.telefones.update(sms=False)
    html = _enviar(client_atendente, imovel, contas["vencida"].pk, "sms").content.decode()
    assert "O cliente Maria das Graças não tem celular marcado para SMS." in html
    assert not Mensagem.objects.exists()
    # E-mail still goes: the two consents are independent.
    _enviar(client_atendente, imovel, contas["vencida"].pk, "email")
    assert Mensagem.objects.get().canal == Mensagem.Canal.EMAIL


def test_sem_cliente_usuario_ativo_recusa(client_atendente, imovel, cliente, contas):
    cliente.vinculos.update(data_fim=datetime.date(2025, 12, 31))
    html = _enviar(client_atendente, imovel, contas["vencida"].pk, "sms").content.decode()
    assert f"O imóvel {imovel.matricula_formatada} não tem cliente usuário" in html
    assert not Mensagem.objects.exists()  # not to the owner either


@pytest.mark.parametrize(
    ("qual", "esperado"),
    [
        (
            "paga",
            "A conta 09/2026 está paga: só se envia a linha digitável de uma conta em aberto.",
        ),
        ("cancelada", "A conta 08/2026 está cancelada"),
        ("outra", "Esta conta não é do imóvel"),
    ],
)
def test_conta_paga_cancelada_ou_de_outro_imovel_recusada(
    client_atendente, imovel, contas, qual, esperado
):
    for canal in ("sms", "email"):
        resposta = _enviar(client_atendente, imovel, contas[qual].pk, canal)
        assert resposta.status_code == 200
        assert esperado in resposta.content.decode()
    assert not Mensagem.objects.exists()


def test_conta_inexistente_recusada_sem_500(client_atendente, imovel, contas):
    resposta = _enviar(client_atendente, imovel, 987654, "sms")
    assert resposta.status_code == 200
    assert "Esta conta não é do imóvel" in resposta.content.decode()


def test_permissoes_metodo_e_imovel_inexistente(client, unidade, imovel, contas):
    conta = contas["vencida"]
    url = reverse("faturamento:conta_enviar_sms", args=[imovel.pk, conta.pk])
    client.force_login(_usuario_com(unidade, "view_conta"))
    assert client.post(url).status_code == 403
    client.force_login(_usuario_com(unidade, "view_conta", "enviar_linha_digitavel"))
    assert client.get(url).status_code == 405
    assert client.post(url.replace(f"/{imovel.pk}/", "/987654/")).status_code == 404
    assert client.post(url).status_code == 302
    assert Mensagem.objects.count() == 1


def test_sem_token_csrf_recusado(unidade, imovel, contas):
    from django.test import Client

    cliente_http = Client(enforce_csrf_checks=True)
    cliente_http.force_login(_usuario_com(unidade, "view_conta", "enviar_linha_digitavel"))
    url = reverse("faturamento:conta_enviar_sms", args=[imovel.pk, contas["vencida"].pk])
    assert cliente_http.post(url).status_code == 403
    assert not Mensagem.objects.exists()


def test_texto_mais_longo_cabe_no_tamanho_maximo_do_sms():
    parametros = Parametros.atuais()
    linha = febraban.linha_formatada("8" + "9" * 47)
    for com_acento in (False, True):
        valores = {
            **textos.valores_mais_longos(textos.TAGS_CONTA, com_acento=com_acento),
            "REFERENCIA": "12/2099",
        }
        texto = febraban.anexar_linha(textos.renderizar(TEXTO, valores), linha)
        for transliterar in (False, True):
            preparado = texto_sms.preparar(texto, transliterar_acentos=transliterar)
            assert preparado.unidades <= parametros.tamanho_maximo == 164, preparado.unidades
            assert not texto_sms.problema_tamanho(
                preparado, tamanho_maximo=164, permitir_multiparte=True
            )
        assert len(textos.renderizar(ASSUNTO_EMAIL, valores)) <= 200


def test_valor_decimal_da_conta_e_o_da_linha(imovel):
    conta = conta_criar(imovel, referencia=202612, vencimento=dias(3), valor="0.07")
    assert Decimal(_linha(conta)[4:11] + _linha(conta)[14:18]) == 7
