"""E-mail messages on the SMS screens: query (canal column and filter, CSV), failed
messages (reason, correcting the address), the RA timeline; addresses masked (LGPD)."""

import csv
import io

import pytest
from django.urls import reverse

from core.papeis import ATENDENTE
from mensageria import services
from mensageria.models import Mensagem
from tests.factories import UsuarioFactory

from .factories import modem_criar, ra_criar

pytestmark = pytest.mark.django_db


def email(destino="joao.silva@exemplo.com.br", **kw):
    dados = {"assunto": "Protocolo 20261000000001", "texto": "Registrada.", "evento": "ra_aberto"}
    dados.update(kw)
    return services.mensagem_email_criar(destino=destino, **dados)


@pytest.fixture
def sem_dados_pessoais(client, unidade):
    usuario = UsuarioFactory(unidade=unidade, papeis=[ATENDENTE])
    grupo = usuario.groups.first()
    grupo.permissions.remove(*grupo.permissions.filter(codename="ver_dados_pessoais"))
    client.force_login(usuario)
    return client


@pytest.fixture
def falhada():
    return email(destino="joao.silva@", recusar_invalida=False)


def test_consulta_mostra_canal_e_filtra(client_atendente):
    modem = modem_criar(nome="principal")
    services.mensagem_sms_criar(destino="+5581999990002", texto="Avulsa", modem=modem)
    email()
    url = reverse("mensageria:mensagem_list")
    conteudo = client_atendente.get(url).content.decode()
    assert "bi-envelope" in conteudo and "bi-phone" in conteudo
    assert "joao.silva@exemplo.com.br" in conteudo and "Protocolo 20261000000001" in conteudo
    resposta = client_atendente.get(url, {"canal": "email"})
    assert [m.canal for m in resposta.context["pagina"]] == ["email"]
    resposta = client_atendente.get(url, {"canal": "sms"})
    assert [m.canal for m in resposta.context["pagina"]] == ["sms"]
    resposta = client_atendente.get(url, {"telefone": " Joao.Silva@Exemplo.com.br "})
    assert [m.destino for m in resposta.context["pagina"]] == ["joao.silva@exemplo.com.br"]


def test_consulta_filtro_por_email_invalido_explica(client_atendente):
    resposta = client_atendente.get(reverse("mensageria:mensagem_list"), {"telefone": "joao@"})
    assert resposta.status_code == 200
    assert "O endereço de e-mail “joao@” não é válido." in resposta.content.decode()


def test_endereco_mascarado_sem_permissao_de_dados_pessoais(sem_dados_pessoais):
    email()
    conteudo = sem_dados_pessoais.get(reverse("mensageria:mensagem_list")).content.decode()
    assert "j***@exemplo.com.br" in conteudo and "joao.silva@" not in conteudo


def test_csv_tem_canal_e_assunto_e_mascara_o_endereco(client_atendente):
    email()
    resposta = client_atendente.get(reverse("mensageria:mensagem_list"), {"formato": "csv"})
    corpo = b"".join(resposta.streaming_content).decode("utf-8-sig")
    cabecalho, linha = list(csv.reader(io.StringIO(corpo), delimiter=";"))
    linha = dict(zip(cabecalho, linha, strict=True))
    assert linha["Canal"] == "E-mail" and linha["Assunto"] == "Protocolo 20261000000001"
    # The attendant has no exportar_dados_pessoais: a bulk copy is masked.
    assert linha["Destino"] == "j***@exemplo.com.br" and linha["Modem"] == ""


def test_csv_completo_para_quem_exporta_dados_pessoais(client, supervisor):
    email()
    client.force_login(supervisor)
    resposta = client.get(reverse("mensageria:mensagem_list"), {"formato": "csv"})
    corpo = b"".join(resposta.streaming_content).decode("utf-8-sig")
    assert "joao.silva@exemplo.com.br" in corpo


def test_tela_de_erros_mostra_email_com_motivo(client, supervisor, falhada):
    client.force_login(supervisor)
    conteudo = client.get(reverse("mensageria:mensagem_erros")).content.decode()
    assert "bi-envelope" in conteudo and "Protocolo 20261000000001" in conteudo
    assert "O endereço de e-mail “joao.silva@” não é válido." in conteudo
    assert 'placeholder="E-mail corrigido"' in conteudo


def test_supervisor_corrige_o_endereco_e_reenvia(client, supervisor, falhada):
    client.force_login(supervisor)
    url = reverse("mensageria:mensagem_reenviar", args=[falhada.pk])
    resposta = client.post(url, {"destino": "joao.silva@", "atualizar_origem": "on"}, follow=True)
    assert "O endereço de e-mail “joao.silva@” não é válido." in resposta.content.decode()
    falhada.refresh_from_db()
    assert falhada.status == "falhou"
    resposta = client.post(url, {"destino": "joao.silva@exemplo.com.br", "atualizar_origem": "on"})
    assert resposta.status_code == 302
    falhada.refresh_from_db()
    assert falhada.status == "pendente" and falhada.destino == "joao.silva@exemplo.com.br"
    assert falhada.modem is None


def test_reenvio_de_email_com_telefone_recusado(client, supervisor, falhada):
    client.force_login(supervisor)
    resposta = client.post(
        reverse("mensageria:mensagem_reenviar", args=[falhada.pk]),
        {"destino": "+5581999990001"},
        follow=True,
    )
    assert "não é válido" in resposta.content.decode()
    falhada.refresh_from_db()
    assert falhada.status == "falhou" and falhada.destino == "joao.silva@"


def test_pagina_do_ra_mostra_email_com_assunto(unidade, sem_dados_pessoais):
    ra = ra_criar(unidade=unidade, usuario=UsuarioFactory(unidade=unidade, papeis=[ATENDENTE]))
    email(registro_atendimento=ra, assunto=f"Protocolo {ra.protocolo}")
    html = sem_dados_pessoais.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()
    assert "bi-envelope" in html and "(E-mail)" in html
    assert f"Protocolo {ra.protocolo}: " in html
    assert "por e-mail para j***@exemplo.com.br" in html and "joao.silva@" not in html
    assert Mensagem.objects.get().registro_atendimento == ra


def test_links_de_acesso_do_portal_nao_aparecem_para_a_equipe(client, supervisor):
    # A confirmation or password link opens a customer's account: nobody on staff reads it.
    client.force_login(supervisor)
    link = "http://127.0.0.1:8000/portal/senha/MQ/c9x-8f1e2d3c4b5a69788796a5b4c3d2e1f0/"
    email(
        assunto="Defina sua senha",
        texto=f"Olá! Para definir sua senha: {link}",
        evento="conta_portal",
    )
    email(
        destino="joao.silva@", texto=f"Link: {link}", evento="conta_portal", recusar_invalida=False
    )
    for url, params in [
        (reverse("mensageria:mensagem_list"), {}),
        (reverse("mensageria:mensagem_erros"), {}),
    ]:
        conteudo = client.get(url, params).content.decode()
        assert "c9x-8f1e2d3c4b5a" not in conteudo and "link de acesso oculto" in conteudo
    resposta = client.get(reverse("mensageria:mensagem_list"), {"formato": "csv"})
    corpo = b"".join(resposta.streaming_content).decode("utf-8-sig")
    assert "c9x-8f1e2d3c4b5a" not in corpo and "link de acesso oculto" in corpo
