"""A message's own deadline (``valida_ate``) and e-mail attempts (``max_tentativas``):
past its deadline a message is never sent, on any path (claim, drain, quiet hours,
sweep); the batch's attempts override the parameters'. Fixed clocks."""

import datetime
import smtplib
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from mensageria import services
from mensageria.backends import memoria
from mensageria.models import Mensagem, Modem, Parametros
from mensageria.services import email as email_servico

from .factories import modem_criar

pytestmark = pytest.mark.django_db
Status = Mensagem.Status
EXPIRADA = Mensagem.ClasseErro.EXPIRADA
RECIFE = zoneinfo.ZoneInfo("America/Recife")


def recife(dia, hora, minuto=0, segundo=0):
    return datetime.datetime(2026, 12, dia, hora, minuto, segundo, tzinfo=RECIFE)


FIM_DO_DIA_1 = recife(1, 23, 59, 59)


@pytest.fixture
def modem():
    return modem_criar(nome="principal")


def criar(canal="sms", valida_ate=FIM_DO_DIA_1, texto="Sua conta vence hoje.", **kw):
    item = {
        "canal": canal,
        "destino": "81999990001" if canal == "sms" else "maria@exemplo.com.br",
        "texto": texto,
        "assunto": "Conta",
        "evento": Mensagem.Evento.FATURAMENTO,
        "valida_ate": valida_ate,
        **kw,
    }
    # The fixed clock moved: the modem's worker is alive now (a fresh health reading).
    Modem.objects.update(saude_lida_em=timezone.now())
    (m,) = services.mensagens_criar_lote([item])
    return m


def recarregar(m):
    m.refresh_from_db()
    return m


# --- SMS --------------------------------------------------------------------------


def test_sms_dentro_do_prazo_sai_e_depois_do_prazo_e_descartado(relogio, modem):
    relogio.agora = recife(1, 12)
    dentro = criar(texto="Dentro")
    fora = criar(texto="Fora", valida_ate=recife(1, 11, 59))
    assert services.mensagem_enviar(mensagem_id=fora.pk) is None
    assert services.mensagem_enviar(mensagem_id=dentro.pk) == Status.ENVIADA
    assert [e["texto"] for e in memoria.enviadas] == ["Dentro"]
    fora = recarregar(fora)
    assert (fora.status, fora.erro_classe, fora.tentativas) == (Status.DESCARTADA, EXPIRADA, 0)
    assert fora.erro_texto == "Passou do prazo de validade (01/12/2026 11:59) sem ser enviada."
    ultima = fora.historico.last()
    assert (ultima.de, ultima.para) == ("pendente", "descartada")


def test_drenagem_descarta_as_vencidas_e_envia_as_outras(relogio, modem):
    relogio.agora = recife(1, 12)
    vencida = criar(texto="Vencida", valida_ate=recife(1, 9))
    sem_prazo = criar(texto="Sem prazo", valida_ate=None)
    assert services.modem_drenar(modem_id=modem.pk, ate=float("inf")) == 1
    assert [e["texto"] for e in memoria.enviadas] == ["Sem prazo"]
    assert recarregar(vencida).status == Status.DESCARTADA
    assert recarregar(sem_prazo).status == Status.ENVIADA


def test_silencio_que_passa_do_prazo_expira_em_vez_de_esperar(relogio, modem):
    relogio.agora = recife(1, 22)  # quiet hours until 08:00 of the 2nd
    hoje = criar(texto="Vence hoje")  # valid until 23:59 of the 1st
    amanha = criar(texto="Vence amanha", valida_ate=recife(2, 23, 59, 59))
    assert services.mensagem_enviar(mensagem_id=hoje.pk) is None
    assert services.mensagem_enviar(mensagem_id=amanha.pk) is None
    assert memoria.enviadas == []
    hoje, amanha = recarregar(hoje), recarregar(amanha)
    assert (hoje.status, hoje.erro_classe) == (Status.DESCARTADA, EXPIRADA)
    assert "horário de silêncio vai até 02/12/2026 08:00" in hoje.erro_texto
    assert (amanha.status, amanha.proxima_tentativa_em) == (Status.PENDENTE, recife(2, 8))
    relogio.agora = recife(2, 8)
    assert services.mensagem_enviar(mensagem_id=amanha.pk) == Status.ENVIADA


def test_silencio_nao_expira_o_que_nao_e_faturamento(relogio, modem):
    """Only the quiet-hours events wait; a protocol SMS past no deadline goes at night."""
    relogio.agora = recife(1, 22)
    protocolo = criar(evento=Mensagem.Evento.RA_ABERTO)
    assert services.mensagem_enviar(mensagem_id=protocolo.pk) == Status.ENVIADA


# --- e-mail ----------------------------------------------------------------------------


def test_email_vencido_e_descartado_na_hora_de_enviar(relogio):
    relogio.agora = recife(1, 12)
    vencido = criar("email", valida_ate=recife(1, 11))
    valido = criar("email")
    assert services.mensagem_enviar(mensagem_id=vencido.pk) == Status.DESCARTADA
    assert services.mensagem_enviar(mensagem_id=valido.pk) == Status.ENVIADA
    assert len(mail.outbox) == 1
    vencido = recarregar(vencido)
    assert (vencido.erro_classe, vencido.tentativas) == (EXPIRADA, 0)


def test_drenagem_de_email_nao_reclama_os_vencidos(relogio):
    relogio.agora = recife(1, 12)
    primeiro = criar("email", texto="Primeiro")
    vencido = criar("email", texto="Vencido", valida_ate=recife(1, 11))
    outro = criar("email", texto="Outro")
    services.email_enviar(mensagem=primeiro, drenar_ate=float("inf"))
    assert sorted(e.body for e in mail.outbox) == ["Outro", "Primeiro"]
    assert recarregar(outro).status == Status.ENVIADA
    vencido = recarregar(vencido)
    assert (vencido.status, vencido.erro_classe) == (Status.DESCARTADA, EXPIRADA)


def test_reclamar_proxima_pula_o_vencido(relogio):
    relogio.agora = recife(1, 12)
    vencido = criar("email", valida_ate=recife(1, 11))
    assert email_servico._reclamar_proxima() is None
    assert recarregar(vencido).status == Status.PENDENTE  # left to the sweep or its task


def test_email_no_silencio_alem_do_prazo_expira(relogio):
    relogio.agora = recife(1, 23)
    m = criar("email")
    assert services.mensagem_enviar(mensagem_id=m.pk) is None
    assert mail.outbox == []
    assert (recarregar(m).status, m.erro_classe) == (Status.DESCARTADA, EXPIRADA)


@pytest.fixture
def smtp_temporario(monkeypatch):
    def enviar(self, email):
        raise smtplib.SMTPResponseException(451, b"Tente mais tarde")

    monkeypatch.setattr(email_servico._Sessao, "enviar", enviar)


def tentar(m):
    Mensagem.objects.filter(pk=m.pk).update(proxima_tentativa_em=None)
    return services.mensagem_enviar(mensagem_id=m.pk)


def test_max_tentativas_da_mensagem_vale_mais_que_o_parametro(smtp_temporario):
    Parametros.objects.filter(pk=Parametros.atuais().pk).update(email_max_tentativas=3)
    propria = criar("email", valida_ate=None, max_tentativas=2)
    padrao = criar("email", valida_ate=None)
    assert [tentar(propria), tentar(propria)] == [Status.PENDENTE, Status.FALHOU]
    assert [tentar(padrao), tentar(padrao), tentar(padrao)] == [
        Status.PENDENTE,
        Status.PENDENTE,
        Status.FALHOU,
    ]
    assert "falhou em 2 tentativas" in recarregar(propria).historico.last().observacao


# --- the sweep --------------------------------------------------------------------------


def test_varredura_descarta_pendentes_e_com_erro_vencidas(relogio, modem):
    relogio.agora = recife(1, 12)
    por_status = {s: criar(valida_ate=recife(1, 11)) for s in Status.values}
    for status, m in por_status.items():
        Mensagem.objects.filter(pk=m.pk).update(status=status)
    no_prazo = criar()
    sem_prazo = criar(valida_ate=None)
    resumo = services.mensagens_varrer()
    assert resumo["expiradas"] == 2
    status = dict(Mensagem.objects.values_list("pk", "status"))
    assert status[por_status["pendente"].pk] == status[por_status["falhou"].pk] == "descartada"
    for intocada in ("enviando", "enviada", "incerta"):
        assert status[por_status[intocada].pk] == intocada
    assert status[no_prazo.pk] == status[sem_prazo.pk] == "pendente"
    assert recarregar(por_status["falhou"]).erro_classe == EXPIRADA
    assert services.mensagens_varrer()["expiradas"] == 0
