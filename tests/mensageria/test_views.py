import csv
import io

import pytest
from django.urls import reverse

from core.papeis import ATENDENTE
from mensageria import services
from mensageria.backends import erro_cms, memoria
from mensageria.models import Mensagem, Modem
from tests.factories import UsuarioFactory

from .factories import modem_criar, ra_criar

pytestmark = pytest.mark.django_db


@pytest.fixture
def modem():
    return modem_criar(nome="principal")


@pytest.fixture
def falhada(modem):
    memoria.falhas.append(erro_cms(28))
    m = services.mensagem_sms_criar(destino="+5581999990001", texto="Protocolo 1", modem=modem)
    services.mensagem_enviar(mensagem_id=m.pk)
    m.refresh_from_db()
    return m


def test_consulta_lista_e_filtra(client_atendente, modem, unidade, atendente):
    ra = ra_criar(unidade=unidade, usuario=atendente)
    services.registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    services.mensagem_sms_criar(destino="+5581999990002", texto="Avulsa", modem=modem)
    url = reverse("mensageria:mensagem_list")
    resposta = client_atendente.get(url)
    assert resposta.status_code == 200
    assert resposta.context["total"] == 2
    resposta = client_atendente.get(url, {"protocolo": ra.protocolo})
    assert [m.registro_atendimento_id for m in resposta.context["pagina"]] == [ra.pk]
    resposta = client_atendente.get(url, {"telefone": "(81) 99999-0002", "status": "pendente"})
    assert [m.texto for m in resposta.context["pagina"]] == ["Avulsa"]
    resposta = client_atendente.get(url, {"evento": "ra_aberto"})
    assert resposta.context["total"] == 1


def test_consulta_filtros_invalidos_nao_quebram(client_atendente, modem):
    resposta = client_atendente.get(
        reverse("mensageria:mensagem_list"),
        {"inicio": "2026-13-40", "telefone": "abc", "status": "xyz", "pagina": "-1"},
    )
    assert resposta.status_code == 200
    assert "não é um número de telefone" in resposta.content.decode()


@pytest.mark.parametrize("data", ["9999-12-31", "0001-01-01"])
def test_consulta_data_fora_do_intervalo_recusada(client_atendente, data):
    resposta = client_atendente.get(
        reverse("mensageria:mensagem_list"), {"inicio": data, "fim": data}
    )
    assert resposta.status_code == 200
    assert "Data fora do intervalo aceito" in resposta.content.decode()
    assert not resposta.context["form"].is_valid()


def test_consulta_periodo_invertido(client_atendente):
    resposta = client_atendente.get(
        reverse("mensageria:mensagem_list"), {"inicio": "2026-11-10", "fim": "2026-11-01"}
    )
    assert "A data inicial é posterior à final." in resposta.content.decode()


def test_consulta_numero_mascarado_sem_permissao_de_dados_pessoais(client, modem, unidade):
    usuario = UsuarioFactory(unidade=unidade, papeis=[ATENDENTE])
    usuario.groups.first().permissions.remove(
        *usuario.groups.first().permissions.filter(codename="ver_dados_pessoais")
    )
    client.force_login(usuario)
    services.mensagem_sms_criar(destino="+5581999991234", texto="oi", modem=modem)
    conteudo = client.get(reverse("mensageria:mensagem_list")).content.decode()
    assert "+55 81 9****-1234" in conteudo and "+5581999991234" not in conteudo


def test_consulta_csv(client_atendente, modem, django_assert_max_num_queries):
    for i in range(3):
        services.mensagem_sms_criar(destino=f"+558199999000{i}", texto=f"Texto {i}", modem=modem)
    resposta = client_atendente.get(reverse("mensageria:mensagem_list"), {"formato": "csv"})
    assert resposta["Content-Type"].startswith("text/csv")
    corpo = b"".join(resposta.streaming_content).decode("utf-8-sig")
    linhas = list(csv.reader(io.StringIO(corpo), delimiter=";"))
    assert linhas[0] == [
        "Número",
        "Criada em",
        "Canal",
        "Evento",
        "Protocolo",
        "Destino",
        "Situação",
        "Tentativas",
        "Enviada em",
        "Entrega",
        "Entregue em",
        "Erro",
        "Modem",
        "Codificação",
        "Partes",
        "Assunto",
        "Texto",
    ]
    assert len(linhas) == 4
    assert {linha[-1] for linha in linhas[1:]} == {"Texto 0", "Texto 1", "Texto 2"}


def test_consulta_csv_protocolo_e_celular_como_texto(client, modem, unidade, atendente, supervisor):
    """Excel turns a 14-digit protocol into 2,025E+13 and a +55… phone into a formula."""
    ra = ra_criar(unidade=unidade, usuario=atendente)
    services.registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    client.force_login(supervisor)  # full numbers in a CSV: exportar_dados_pessoais
    resposta = client.get(reverse("mensageria:mensagem_list"), {"formato": "csv"})
    corpo = b"".join(resposta.streaming_content).decode("utf-8-sig")
    cabecalho, linha = list(csv.reader(io.StringIO(corpo), delimiter=";"))
    linha = dict(zip(cabecalho, linha, strict=True))
    assert linha["Protocolo"] == f'="{ra.protocolo}"'
    assert linha["Destino"] == '="+5581999990001"'


def test_consulta_csv_neutraliza_formulas(client_atendente, modem):
    services.mensagem_sms_criar(destino="+5581999990009", texto="=HYPERLINK(1)", modem=modem)
    resposta = client_atendente.get(reverse("mensageria:mensagem_list"), {"formato": "csv"})
    corpo = b"".join(resposta.streaming_content).decode("utf-8-sig")
    linhas = list(csv.reader(io.StringIO(corpo), delimiter=";"))
    assert linhas[1][-1] == "'=HYPERLINK(1)"


def test_consulta_csv_do_atendente_mascara_e_e_auditada(client_atendente, atendente, modem):
    from core.models import Exportacao

    for i in range(2):
        services.mensagem_sms_criar(destino=f"+558199999123{i}", texto="oi", modem=modem)
    resposta = client_atendente.get(
        reverse("mensageria:mensagem_list"), {"formato": "csv", "status": "pendente"}
    )
    corpo = b"".join(resposta.streaming_content).decode("utf-8-sig")
    assert "+5581999991230" not in corpo
    assert "9****-1230" in corpo
    registro = Exportacao.objects.get()
    assert (registro.usuario, registro.nome, registro.linhas) == (
        atendente,
        "Mensagens (SMS e e-mail)",
        2,
    )
    assert registro.filtros == {"status": "pendente"}
    assert not registro.dados_pessoais


def test_consulta_num_queries_constante(client_atendente, modem, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("mensageria:mensagem_list")
    services.mensagem_sms_criar(destino="+5581999990001", texto="x", modem=modem)
    client_atendente.get(url)  # warm-up (session, permissions)
    with CaptureQueriesContext(connection) as com_uma:
        client_atendente.get(url)
    for i in range(2, 10):
        services.mensagem_sms_criar(destino=f"+558199999000{i}", texto="x", modem=modem)
    with django_assert_num_queries(len(com_uma)):
        client_atendente.get(url)


def test_tela_de_erros_so_para_supervisor(client_atendente, client, supervisor, falhada):
    url = reverse("mensageria:mensagem_erros")
    assert client_atendente.get(url).status_code == 403
    assert (
        client_atendente.post(
            reverse("mensageria:mensagem_descartar", args=[falhada.pk]), {"motivo": "x"}
        ).status_code
        == 403
    )
    client.force_login(supervisor)
    resposta = client.get(url)
    assert resposta.status_code == 200
    assert "assinante não identificado" in resposta.content.decode()


def test_supervisor_corrige_numero_e_reenvia(client, supervisor, falhada):
    client.force_login(supervisor)
    resposta = client.post(
        reverse("mensageria:mensagem_reenviar", args=[falhada.pk]), {"destino": "81 98888-7777"}
    )
    assert resposta.status_code == 302
    falhada.refresh_from_db()
    assert falhada.status == "pendente" and falhada.destino == "+5581988887777"
    assert falhada.historico.last().usuario == supervisor


def test_reenvio_com_numero_ruim_mostra_motivo(client, supervisor, falhada):
    client.force_login(supervisor)
    resposta = client.post(
        reverse("mensageria:mensagem_reenviar", args=[falhada.pk]),
        {"destino": "+1 202 555 0100"},
        follow=True,
    )
    assert "não é um número brasileiro" in resposta.content.decode()
    falhada.refresh_from_db()
    assert falhada.status == "falhou"


def test_supervisor_descarta_com_motivo(client, supervisor, falhada):
    client.force_login(supervisor)
    url = reverse("mensageria:mensagem_descartar", args=[falhada.pk])
    resposta = client.post(url, {"motivo": ""}, follow=True)
    assert "Motivo do descarte" in resposta.content.decode()
    client.post(url, {"motivo": "Cliente mudou de número"})
    falhada.refresh_from_db()
    assert falhada.status == "descartada"
    assert "Cliente mudou de número" in falhada.historico.last().observacao


def test_confirmar_so_incerta(client, supervisor, falhada):
    client.force_login(supervisor)
    resposta = client.post(reverse("mensageria:mensagem_confirmar", args=[falhada.pk]), follow=True)
    assert "nada a fazer" in resposta.content.decode()
    falhada.refresh_from_db()
    assert falhada.status == "falhou"


def test_acao_em_mensagem_inexistente_404(client, supervisor):
    client.force_login(supervisor)
    assert client.post(reverse("mensageria:mensagem_descartar", args=[999999])).status_code == 404


def test_status_dos_modems(client, supervisor, modem, client_atendente):
    Modem.objects.filter(pk=modem.pk).update(
        saude={"sinal": 21, "registro": "registrado (rede local)", "operadora": "EMU"}
    )
    services.mensagem_sms_criar(destino="+5581999990001", texto="oi", modem=modem)
    url = reverse("mensageria:modem_status")
    assert client_atendente.get(url).status_code == 403
    client.force_login(supervisor)
    conteudo = client.get(url).content.decode()
    assert "principal" in conteudo and "21/31" in conteudo
    assert "1 pendente" in conteudo and "pendente(s)" not in conteudo
    client.post(reverse("mensageria:modem_pausar", args=[modem.pk]))
    modem.refresh_from_db()
    assert modem.pausado
    resposta = client.post(reverse("mensageria:modem_retomar", args=[modem.pk]), follow=True)
    assert "retomado; 1 mensagem na fila." in resposta.content.decode()
    modem.refresh_from_db()
    assert not modem.pausado


def test_status_mostra_o_modem_sem_worker(client, supervisor):
    """A modem whose own worker stopped reading its health takes no new SMS: the screen says so."""
    import datetime

    from django.utils import timezone

    antigo = timezone.now() - datetime.timedelta(hours=1)
    vivo = modem_criar(nome="vivo", saude_lida_em=timezone.now())
    parado = modem_criar(nome="parado", saude_lida_em=antigo)
    client.force_login(supervisor)
    conteudo = client.get(reverse("mensageria:modem_status")).content.decode()
    linhas = {
        m.nome: conteudo[conteudo.index(f"<strong>{m.nome}</strong>") :][:1500]
        for m in (vivo, parado)
    }
    assert "Sem worker" in linhas["parado"]
    assert "Sem worker" not in linhas["vivo"]


def test_pausar_na_tela_registra_quem_e_move_a_fila(client, supervisor, modem):
    reserva = modem_criar(nome="reserva-tela")
    m = services.mensagem_sms_criar(destino="+5581999990001", texto="oi", modem=modem)
    client.force_login(supervisor)
    resposta = client.post(reverse("mensageria:modem_pausar", args=[modem.pk]), follow=True)
    assert "Modem principal pausado; 1 mensagem passou para outros modems." in (
        resposta.content.decode()
    )
    modem.refresh_from_db()
    assert modem.pausado_por == supervisor and not modem.pausa_automatica
    m.refresh_from_db()
    assert m.modem == reserva and m.status == "pendente"


def test_nenhum_modem_disponivel_a_tela_diz_quantas_esperam(client, supervisor, modem):
    outro = modem_criar(nome="outro")
    for i in range(3):
        services.mensagem_sms_criar(destino=f"+558199999000{i}", texto="oi", modem=modem)
    client.force_login(supervisor)
    url = reverse("mensageria:modem_status")
    assert "Nenhum modem disponível" not in client.get(url).content.decode()
    services.modem_pausar(modem=modem, motivo="SIM")
    assert "Nenhum modem disponível" not in client.get(url).content.decode()
    services.modem_pausar(modem=outro, motivo="Manutenção", drenar=True)
    conteudo = client.get(url).content.decode()
    assert "Nenhum modem disponível:</strong>\n      3 mensagens esperando." in conteudo
    assert "Drenando" in conteudo
    assert Mensagem.objects.filter(status="pendente").count() == 3


def test_healthz_publico_e_sem_dados_pessoais(client, modem, administrador):
    services.mensagem_sms_criar(destino="+5581999990001", texto="oi", modem=modem)
    resposta = client.get("/healthz")
    assert resposta.status_code == 200
    dados = resposta.json()
    assert dados["ok"] is True
    assert dados["database"]["ok"] and dados["broker"]["ok"] and dados["modems"]["ok"]
    assert "principal" not in resposta.content.decode()
    client.force_login(administrador)
    resposta = client.get("/healthz")
    [detalhe] = resposta.json()["modems"]["detalhes"]
    assert detalhe["nome"] == "principal" and detalhe["fila"] == 1
    assert "99999" not in resposta.content.decode()


def test_healthz_sem_modem_disponivel_503(client, db):
    resposta = client.get("/healthz")
    assert resposta.status_code == 503
    assert resposta.json()["modems"] == {"ok": False}


def test_pagina_do_ra_mostra_o_sms(client_atendente, modem, unidade, atendente):
    ra = ra_criar(unidade=unidade, usuario=atendente)
    services.registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    html = client_atendente.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()
    assert "RA aberto (SMS)" in html and "A enviar por SMS para" in html
    assert Mensagem.objects.filter(registro_atendimento=ra).count() == 1


def test_healthz_broker_fora_do_ar_503(client, modem):
    from .integracao import broker_fora_do_ar

    with broker_fora_do_ar():
        resposta = client.get("/healthz")
    assert resposta.status_code == 503
    assert resposta.json()["broker"]["ok"] is False
    assert resposta.json()["database"]["ok"] is True


# --- Correcting the number at its source (RA or client), audited ---------------


@pytest.fixture
def ra_com_sms_falho(modem, unidade, atendente):
    """An RA opened with a wrong mobile: its protocol SMS failed (number does not exist)."""
    ra = ra_criar(unidade=unidade, usuario=atendente, telefone="+5581999990001")
    memoria.falhas.append(erro_cms(1))
    mensagem = services.registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    services.mensagem_enviar(mensagem_id=mensagem.pk)
    mensagem.refresh_from_db()
    assert mensagem.status == "falhou"
    return ra, mensagem


def _reenviar(client, mensagem, destino, **extra):
    return client.post(
        reverse("mensageria:mensagem_reenviar", args=[mensagem.pk]),
        {"destino": destino, **extra},
        follow=True,
    )


def test_tela_oferece_corrigir_o_telefone_do_ra(client, supervisor, ra_com_sms_falho):
    ra, mensagem = ra_com_sms_falho
    client.force_login(supervisor)
    conteudo = client.get(reverse("mensageria:mensagem_erros")).content.decode()
    assert f'name="atualizar_origem" id="origem-{mensagem.pk}"' in conteudo
    assert f"Corrigir também o telefone do solicitante no RA nº {ra.pk}" in conteudo


def test_corrigir_no_ra_faz_o_sms_de_encerramento_ir_para_o_numero_certo(
    client, supervisor, ra_com_sms_falho
):
    from atendimento.models import EventoRA

    ra, mensagem = ra_com_sms_falho
    client.force_login(supervisor)
    resposta = _reenviar(client, mensagem, "(81) 98888-7777", atualizar_origem="on")
    assert "telefone do solicitante no RA" in resposta.content.decode()
    mensagem.refresh_from_db()
    ra.refresh_from_db()
    assert mensagem.status == "pendente" and mensagem.destino == "+5581988887777"
    assert ra.solicitante_telefone == "+5581988887777"
    # Audit: the RA's timeline (immutable) and its simple-history row say who, from, to.
    evento = ra.eventos.get(tipo=EventoRA.Tipo.ALTERACAO)
    assert evento.usuario == supervisor
    assert evento.dados["de"] == "+5581999990001" and evento.dados["para"] == "+5581988887777"
    assert evento.dados["mensagem"] == mensagem.pk
    versao = ra.history.latest()
    assert versao.history_user == supervisor
    assert versao.prev_record.solicitante_telefone == "+5581999990001"
    # The point of it: the later "atendida" SMS goes to the corrected number.
    _encerrar_executado(ra, supervisor)
    atendida = Mensagem.objects.get(registro_atendimento=ra, evento="ra_atendido")
    assert atendida.destino == "+5581988887777"


def test_sem_a_opcao_so_a_mensagem_muda(client, supervisor, ra_com_sms_falho):
    ra, mensagem = ra_com_sms_falho
    client.force_login(supervisor)
    _reenviar(client, mensagem, "(81) 98888-7777")
    mensagem.refresh_from_db()
    ra.refresh_from_db()
    assert mensagem.destino == "+5581988887777"
    assert ra.solicitante_telefone == "+5581999990001"
    assert not ra.eventos.filter(tipo="alteracao").exists()


def test_corrigir_no_cadastro_do_cliente(client, supervisor, modem, unidade, atendente):
    from atendimento.models import EventoRA, RegistroAtendimento
    from tests.factories import TelefoneFactory

    telefone = TelefoneFactory(ddd="81", numero="999990001")
    cliente = telefone.cliente
    ra = ra_criar(
        unidade=unidade,
        usuario=atendente,
        telefone="",
        tipo_solicitante=RegistroAtendimento.TipoSolicitante.CLIENTE,
        solicitante_nome="",
        cliente=cliente,
    )
    memoria.falhas.append(erro_cms(1))
    mensagem = services.registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    services.mensagem_enviar(mensagem_id=mensagem.pk)
    client.force_login(supervisor)
    conteudo = client.get(reverse("mensageria:mensagem_erros")).content.decode()
    assert "Corrigir também o celular de SMS do cliente no cadastro" in conteudo

    _reenviar(client, mensagem, "81 98888-7777", atualizar_origem="on")
    telefone.refresh_from_db()
    assert (telefone.ddd, telefone.numero) == ("81", "988887777")
    versao = telefone.history.latest()
    assert versao.history_user == supervisor
    assert f"mensagem nº {mensagem.pk}" in versao.history_change_reason
    assert versao.prev_record.numero == "999990001"
    evento = ra.eventos.get(tipo=EventoRA.Tipo.ALTERACAO)
    assert evento.usuario == supervisor and evento.dados["para"] == "+5581988887777"
    ra.refresh_from_db()
    assert ra.celular_sms() == "+5581988887777"
    mensagem.refresh_from_db()
    assert mensagem.status == "pendente" and mensagem.destino == "+5581988887777"


def test_origem_ja_alterada_por_outro_recusa_sem_mexer_em_nada(
    client, supervisor, ra_com_sms_falho
):
    from atendimento.models import RegistroAtendimento

    ra, mensagem = ra_com_sms_falho
    RegistroAtendimento.objects.filter(pk=ra.pk).update(solicitante_telefone="+5581977776666")
    client.force_login(supervisor)
    resposta = _reenviar(client, mensagem, "(81) 98888-7777", atualizar_origem="on")
    assert "já foi alterado" in resposta.content.decode()
    mensagem.refresh_from_db()
    ra.refresh_from_db()
    assert mensagem.status == "falhou" and mensagem.destino == "+5581999990001"
    assert ra.solicitante_telefone == "+5581977776666"


def test_ra_encerrado_nao_oferece_corrigir_no_ra(client, supervisor, ra_com_sms_falho):
    from atendimento.models import RegistroAtendimento

    ra, mensagem = ra_com_sms_falho
    RegistroAtendimento.objects.filter(pk=ra.pk).update(
        situacao=RegistroAtendimento.Situacao.ENCERRADO, data_encerramento=ra.data_abertura
    )
    client.force_login(supervisor)
    conteudo = client.get(reverse("mensageria:mensagem_erros")).content.decode()
    assert 'name="atualizar_origem"' not in conteudo
    resposta = _reenviar(client, mensagem, "(81) 98888-7777", atualizar_origem="on")
    assert "encerrado" in resposta.content.decode()
    mensagem.refresh_from_db()
    assert mensagem.status == "falhou"


def test_supervisor_de_outra_unidade_nao_corrige_o_ra(client, ra_com_sms_falho):
    from core.papeis import SUPERVISOR
    from tests.factories import UnidadeFactory

    ra, mensagem = ra_com_sms_falho
    outra = UnidadeFactory(nome="Gerência Sul", sigla="GSUL", central_atendimento=False)
    client.force_login(UsuarioFactory(unidade=outra, papeis=[SUPERVISOR]))
    resposta = _reenviar(client, mensagem, "(81) 98888-7777", atualizar_origem="on")
    assert "Você não pode alterar este RA" in resposta.content.decode()
    mensagem.refresh_from_db()
    ra.refresh_from_db()
    assert mensagem.status == "falhou" and ra.solicitante_telefone == "+5581999990001"
    assert not ra.eventos.filter(tipo="alteracao").exists()


def _encerrar_executado(ra, usuario):
    from atendimento.models import MotivoEncerramento
    from atendimento.services import registro_atendimento_encerrar

    motivo = MotivoEncerramento.objects.create(
        nome="Executado", tipo=MotivoEncerramento.Tipo.EXECUTADO
    )
    registro_atendimento_encerrar(ra=ra, motivo=motivo, parecer="Conserto feito.", usuario=usuario)
