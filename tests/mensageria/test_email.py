"""The e-mail channel in-process (Django's locmem backend): creation, validation,
queue, the claim, error classes, the sweep and the supervisor's actions. The real
SMTP server and worker are in test_integracao_email.py."""

import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from core.exceptions import RegraViolada
from mensageria import services, tasks
from mensageria.models import Mensagem
from mensageria.services.email import email_classificar

from .factories import modem_criar

pytestmark = pytest.mark.django_db
Status = Mensagem.Status


@pytest.fixture
def filas(monkeypatch):
    """The queue of every task published (the broker itself is not needed here)."""
    publicadas = []

    def apply_async(args=None, queue=None, **kwargs):
        publicadas.append((args[0], queue))

    monkeypatch.setattr(tasks.mensagem_enviar_task, "apply_async", apply_async)
    return publicadas


def criar(destino="joao.silva@Exemplo.COM.br", **kw):
    dados = {
        "assunto": "Protocolo 20261000000001",
        "texto": "Sua solicitação foi registrada.",
        "evento": Mensagem.Evento.RA_ABERTO,
    }
    dados.update(kw)
    return services.mensagem_email_criar(destino=destino, **dados)


def test_criar_grava_e_publica_na_fila_email(filas, django_capture_on_commit_callbacks):
    modem_criar(nome="principal")  # a modem exists: an e-mail still takes none
    with django_capture_on_commit_callbacks(execute=True):
        m = criar(texto_html="<p>Sua solicitação foi registrada.</p>")
    m.refresh_from_db()
    assert m.canal == Mensagem.Canal.EMAIL and m.modem is None
    assert m.status == Status.PENDENTE and m.destino == "joao.silva@exemplo.com.br"
    assert m.assunto == "Protocolo 20261000000001"
    assert m.texto_html == "<p>Sua solicitação foi registrada.</p>"
    assert m.enfileirada_em is not None
    assert filas == [(m.pk, "email")]
    assert list(m.historico.values_list("para", flat=True)) == ["pendente"]


@pytest.mark.parametrize("destino", ["joao", "joao@", "joao@exemplo", "a b@exemplo.com", ""])
def test_endereco_invalido_recusado_num_formulario(filas, destino):
    with pytest.raises(RegraViolada) as erro:
        criar(destino=destino)
    assert erro.value.campo == "destino"
    assert "e-mail" in str(erro.value)
    assert not Mensagem.objects.exists() and filas == []


def test_endereco_invalido_em_notificacao_automatica_fica_com_erro(
    filas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        m = criar(destino="joao@exemplo", recusar_invalida=False)
    assert m.status == Status.FALHOU and m.erro_classe == Mensagem.ClasseErro.EMAIL
    assert m.erro_texto == "O endereço de e-mail “joao@exemplo” não é válido."
    assert m.destino == "joao@exemplo"  # nothing lost: the supervisor corrects it
    assert filas == []


def test_assunto_numa_linha_e_texto_obrigatorio(filas):
    m = criar(assunto="Protocolo\r\nBcc: outro@exemplo.com")
    assert m.assunto == "Protocolo Bcc: outro@exemplo.com"
    with pytest.raises(RegraViolada, match="não tem texto"):
        criar(texto="  ")


def test_enviar_pelo_email_backend_com_html(settings):
    settings.DEFAULT_FROM_EMAIL = "Saneamento <atendimento@saneamento.example>"
    m = criar(texto_html="<p>Registrada.</p>")
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.ENVIADA
    [email] = mail.outbox
    assert email.to == ["joao.silva@exemplo.com.br"]
    assert email.subject == "Protocolo 20261000000001"
    assert email.body == "Sua solicitação foi registrada."
    assert email.alternatives[0][0] == "<p>Registrada.</p>"
    assert email.from_email == "Saneamento <atendimento@saneamento.example>"
    assert email.extra_headers["Message-ID"] == f"<mensagem.{m.pk}@saneamento.example>"
    m.refresh_from_db()
    assert m.status == Status.ENVIADA and m.enviada_em and m.tentativas == 1
    assert list(m.historico.values_list("para", flat=True)) == ["pendente", "enviada"]


def test_sem_html_vai_so_texto():
    m = criar()
    services.mensagem_enviar(mensagem_id=m.pk)
    assert mail.outbox[0].alternatives == []


def test_enviar_duas_vezes_envia_uma():
    m = criar()
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.ENVIADA
    assert services.mensagem_enviar(mensagem_id=m.pk) is None
    assert len(mail.outbox) == 1


def test_drenar_envia_as_outras_devidas_numa_conexao():
    primeira, segunda, terceira = criar(), criar(destino="b@exemplo.com"), criar()
    Mensagem.objects.filter(pk=terceira.pk).update(
        proxima_tentativa_em=timezone.now() + timezone.timedelta(hours=1)
    )
    assert services.mensagem_enviar(mensagem_id=primeira.pk, drenar_ate=float("inf")) == "enviada"
    assert [e.to[0] for e in mail.outbox] == ["joao.silva@exemplo.com.br", "b@exemplo.com"]
    segunda.refresh_from_db()
    terceira.refresh_from_db()
    assert segunda.status == Status.ENVIADA and terceira.status == Status.PENDENTE


@pytest.mark.parametrize(
    ("erro", "classe", "texto"),
    [
        (
            smtplib.SMTPRecipientsRefused({"a@b.com": (550, b"5.1.1 Mailbox unavailable")}),
            "smtp",
            "O servidor de e-mail recusou: 550 5.1.1 Mailbox unavailable",
        ),
        (
            smtplib.SMTPDataError(554, b"5.7.1 Message rejected\r\nas spam"),
            "smtp",
            "O servidor de e-mail recusou: 554 5.7.1 Message rejected as spam",
        ),
        (
            smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "x@y"),
            "smtp",
            "O servidor de e-mail recusou: 553 5.7.1 Sender not allowed",
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@b.com": (451, b"4.7.1 Greylisted")}),
            "temporario",
            "O servidor de e-mail pediu para tentar mais tarde: 451 4.7.1 Greylisted",
        ),
        (
            smtplib.SMTPConnectError(421, b"Too busy"),
            "temporario",
            "O servidor de e-mail pediu para tentar mais tarde: 421 Too busy",
        ),
        (
            ConnectionRefusedError(111, "Connection refused"),
            "temporario",
            "Sem conexão com o servidor de e-mail ([Errno 111] Connection refused).",
        ),
        (TimeoutError("timed out"), "temporario", "Sem conexão com o servidor de e-mail"),
        (
            smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
            "temporario",
            "Sem conexão com o servidor de e-mail",
        ),
    ],
)
def test_classificar_erros_smtp(erro, classe, texto):
    classificado = email_classificar(erro, dados_iniciados=False)
    assert classificado.classe == classe
    assert classificado.texto.startswith(texto)


def test_conexao_perdida_depois_do_texto_e_incerta():
    erro = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    classificado = email_classificar(erro, dados_iniciados=True)
    assert classificado.classe == "incerto"
    assert "pode ter sido entregue" in classificado.texto
    # A reply (even after the text) is an answer, not an unknown outcome.
    resposta = email_classificar(smtplib.SMTPDataError(452, b"full"), dados_iniciados=True)
    assert resposta.classe == "temporario"


# --- sweep and supervisor --------------------------------------------------------


def test_varredura_publica_email_perdido_na_fila_email(filas):
    modem = modem_criar(nome="principal", saude_lida_em=timezone.now())
    m = criar()  # no on_commit run: as if the broker was down at creation
    assert m.enfileirada_em is None
    resumo = services.mensagens_varrer()
    assert (m.pk, "email") in filas and resumo["enfileiradas"] >= 1
    m.refresh_from_db()
    assert m.modem is None and m.enfileirada_em is not None  # never handed to a modem
    assert modem.mensagens.count() == 0


def test_varredura_email_parado_em_enviando_vira_incerta():
    m = criar()
    Mensagem.objects.filter(pk=m.pk).update(
        status=Status.ENVIANDO, enviando_desde=timezone.now() - timezone.timedelta(hours=1)
    )
    services.mensagens_varrer()
    m.refresh_from_db()
    assert m.status == Status.INCERTA  # never resent blindly
    assert m.erro_texto.endswith("sem confirmação do servidor de e-mail.")


def _falhada(**kw):
    return criar(destino="joao@exemplo", recusar_invalida=False, **kw)


def test_reenviar_email_com_endereco_corrigido(supervisor, filas):
    modem_criar(nome="principal", saude_lida_em=timezone.now())
    m = _falhada()
    services.mensagem_reenviar(mensagem=m, usuario=supervisor, destino=" joao@exemplo.com ")
    m.refresh_from_db()
    assert m.status == Status.PENDENTE and m.destino == "joao@exemplo.com" and m.modem is None
    assert "joao@exemplo.com" in m.historico.last().observacao
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.ENVIADA
    assert mail.outbox[0].to == ["joao@exemplo.com"]


def test_reenviar_email_exige_endereco_valido(supervisor):
    m = _falhada()
    with pytest.raises(RegraViolada, match="não é válido"):
        services.mensagem_reenviar(mensagem=m, usuario=supervisor, destino="+5581999990001")
    with pytest.raises(RegraViolada, match="Informe o endereço corrigido"):
        services.mensagem_reenviar(mensagem=m, usuario=supervisor)
    m.refresh_from_db()
    assert m.status == Status.FALHOU


def test_descartar_e_confirmar_email(supervisor):
    m = _falhada()
    services.mensagem_descartar(mensagem=m, usuario=supervisor, motivo="Endereço inexistente")
    m.refresh_from_db()
    assert m.status == Status.DESCARTADA
    incerta = criar()
    Mensagem.objects.filter(pk=incerta.pk).update(status=Status.INCERTA)
    services.mensagem_confirmar_envio(mensagem=incerta, usuario=supervisor)
    incerta.refresh_from_db()
    assert incerta.status == Status.ENVIADA


def test_drenar_deixa_no_silencio_os_eventos_retidos():
    import datetime
    import zoneinfo

    from mensageria.models import Parametros

    agora = timezone.now().astimezone(zoneinfo.ZoneInfo("America/Recife"))
    parametros = Parametros.atuais()
    parametros.silencio_inicio = (agora - datetime.timedelta(hours=1)).time()
    parametros.silencio_fim = (agora + datetime.timedelta(hours=1)).time()
    parametros.silencio_eventos = ["ra_mensagem"]
    parametros.save()
    primeira = criar()
    retida = criar(destino="b@exemplo.com", evento=Mensagem.Evento.RA_MENSAGEM)
    terceira = criar(destino="c@exemplo.com")
    services.mensagem_enviar(mensagem_id=primeira.pk, drenar_ate=float("inf"))
    assert sorted(e.to[0] for e in mail.outbox) == ["c@exemplo.com", "joao.silva@exemplo.com.br"]
    retida.refresh_from_db()
    terceira.refresh_from_db()
    assert retida.status == Status.PENDENTE and terceira.status == Status.ENVIADA
    # Its own task holds it until the window ends.
    assert services.mensagem_enviar(mensagem_id=retida.pk) is None
    retida.refresh_from_db()
    assert retida.proxima_tentativa_em > timezone.now() and mail.outbox[-1].to != ["b@exemplo.com"]
