"""Alerts to supervisors (issue 10, item 9): one e-mail per episode, resolved when it clears."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from core.papeis import ATENDENTE, SUPERVISOR
from mensageria import services, tasks
from mensageria.backends import ErroEnvio, memoria
from mensageria.models import Alerta, Mensagem, Parametros
from tests.factories import UsuarioFactory

from .factories import modem_criar

pytestmark = pytest.mark.django_db
Status = Mensagem.Status
Tipo = Alerta.Tipo


@pytest.fixture(autouse=True)
def filas(monkeypatch):
    """Tasks published (message id, queue), without a broker."""
    publicadas = []

    def apply_async(args=None, queue=None, **kwargs):
        publicadas.append((args[0], queue))

    monkeypatch.setattr(tasks.mensagem_enviar_task, "apply_async", apply_async)
    return publicadas


@pytest.fixture(autouse=True)
def _workers_vivos(settings):
    """The clock moves hours here: modems keep counting as having a live worker."""
    settings.SMS_SAUDE_VALIDADE_SEGUNDOS = 3 * 86400


@pytest.fixture
def supervisores(unidade):
    """Two supervisors who get alerts; one without e-mail, one inactive, one attendant: none."""
    return {
        "ana": UsuarioFactory(email="ana@agua.example", unidade=unidade, papeis=[SUPERVISOR]),
        "bia": UsuarioFactory(email="bia@agua.example", unidade=unidade, papeis=[SUPERVISOR]),
        "sem_email": UsuarioFactory(email="", unidade=unidade, papeis=[SUPERVISOR]),
        "inativo": UsuarioFactory(
            email="ex@agua.example", unidade=unidade, papeis=[SUPERVISOR], is_active=False
        ),
        "atendente": UsuarioFactory(
            email="atendente@agua.example", unidade=unidade, papeis=[ATENDENTE]
        ),
    }


def emails_de_alerta():
    return list(
        Mensagem.objects.filter(canal=Mensagem.Canal.EMAIL, evento=Mensagem.Evento.ALERTA).order_by(
            "destino", "id"
        )
    )


def sms(modem=None, texto="Protocolo 20261000000001", evento="ra_aberto"):
    return services.mensagem_sms_criar(
        destino="+5581999990001", texto=texto, evento=evento, modem=modem
    )


def sim_ausente():
    return ErroEnvio("SIM ausente (+CME ERROR 10)", classe="modem", codigo=10)


def test_pausa_alerta_cada_supervisor_uma_vez_e_resolve_ao_retomar(supervisores, relogio):
    modem = modem_criar(nome="principal")
    modem_criar(nome="reserva")  # another modem is available: only the pause alerts
    sms(modem)
    sms(modem)
    services.modem_pausar(modem=modem, motivo="Pausado por Ana")
    [alerta] = Alerta.objects.filter(resolvido_em__isnull=True)
    assert (alerta.tipo, alerta.chave) == (Tipo.MODEM_PAUSADO, str(modem.pk))
    assert (
        "Motivo: Pausado por Ana" in alerta.texto
        and "Em espera nele: 2 mensagens; passam para reserva." in alerta.texto
    )
    emails = emails_de_alerta()
    assert [e.destino for e in emails] == ["ana@agua.example", "bia@agua.example"]
    assert all("Modem principal pausado" in e.assunto for e in emails)
    assert "Motivo: Pausado por Ana" in emails[0].texto
    modem.refresh_from_db()
    assert modem.alerta_pausa_em is not None

    # The same episode: the sweep (every minute) and a second pause send nothing more.
    relogio.avancar(minutes=1)
    assert services.alertas_avaliar() == {"abertos": 0, "resolvidos": 0, "emails": 0}
    services.modem_pausar(modem=modem, motivo="De novo")
    relogio.avancar(minutes=1)
    tasks.alertas_avaliar_task()
    assert len(emails_de_alerta()) == 2

    # The e-mail goes out (Django's backend) and says why.
    for email in emails:
        assert services.email_enviar(mensagem=email) == Status.ENVIADA
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@agua.example", "bia@agua.example"]
    assert "Motivo: Pausado por Ana" in mail.outbox[0].body
    assert mail.outbox[0].subject == "[Saneamento] Alerta: Modem principal pausado"

    services.modem_retomar(modem=modem)
    alerta.refresh_from_db()
    assert alerta.resolvido_em is not None
    modem.refresh_from_db()
    assert modem.alerta_pausa_em is None
    # A new pause is a new episode: a new e-mail.
    services.modem_pausar(modem=modem, motivo="Outra vez")
    assert len(emails_de_alerta()) == 4
    assert Alerta.objects.filter(tipo=Tipo.MODEM_PAUSADO).count() == 2


def test_pausa_por_erro_do_sim_no_envio_alerta_com_o_motivo(supervisores):
    modem = modem_criar(nome="principal")
    outro = modem_criar(nome="reserva")
    memoria.falhas.append(sim_ausente())
    m = sms(modem)
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.PENDENTE
    [alerta] = Alerta.objects.all()
    assert "SIM ausente (+CME ERROR 10)" in alerta.texto
    assert f"Em espera nele: 1 mensagem; passam para {outro.nome}." in alerta.texto
    assert "Total de SMS em espera: 1." in alerta.texto
    assert len(emails_de_alerta()) == 2


def test_sem_supervisor_com_email_o_alerta_abre_e_fica_na_tela(client, unidade, caplog):
    supervisor = UsuarioFactory(email="", unidade=unidade, papeis=[SUPERVISOR])
    modem = modem_criar(nome="principal")
    services.modem_pausar(modem=modem, motivo="Pausado à mão")
    assert Alerta.objects.filter(resolvido_em__isnull=True).count() == 1
    assert emails_de_alerta() == []
    assert "nenhum supervisor ativo com e-mail" in caplog.text
    client.force_login(supervisor)
    conteudo = client.get(reverse("mensageria:modem_status")).content.decode()
    assert "O modem principal está pausado desde" in conteudo


def test_mensagem_esperando_alem_do_limite_alerta(supervisores, relogio):
    Parametros.objects.filter(pk=Parametros.atuais().pk).update(alerta_espera_minutos=15)
    modem_criar(nome="principal")  # available, but nothing sends (no worker here)
    primeira = sms()
    relogio.avancar(minutes=15)
    assert services.alertas_avaliar()["abertos"] == 0  # exactly at the limit: not yet
    relogio.avancar(minutes=1)
    assert services.alertas_avaliar()["abertos"] == 1
    [alerta] = Alerta.objects.all()
    assert alerta.tipo == Tipo.FILA_ANTIGA
    assert "aguarda há 16 min (limite: 15 min)" in alerta.texto and "1 SMS" in alerta.texto
    assert len(emails_de_alerta()) == 2
    relogio.avancar(minutes=5)
    assert services.alertas_avaliar()["abertos"] == 0  # same episode
    # A newer message alone (under half the limit) no longer keeps it open.
    relogio.avancar(minutes=1)
    segunda = sms()
    assert services.alertas_avaliar()["resolvidos"] == 0
    services.mensagem_enviar(mensagem_id=primeira.pk)
    relogio.avancar(minutes=5)
    assert services.alertas_avaliar()["resolvidos"] == 1
    alerta.refresh_from_db()
    assert alerta.resolvido_em is not None
    assert len(emails_de_alerta()) == 2
    services.mensagem_enviar(mensagem_id=segunda.pk)
    assert services.alertas_avaliar() == {"abertos": 0, "resolvidos": 0, "emails": 0}


def test_os_emails_de_alerta_nao_contam_como_fila_antiga(unidade, relogio):
    UsuarioFactory(email="ana@agua.example", unidade=unidade, papeis=[SUPERVISOR])
    modem = modem_criar(nome="principal")
    services.modem_pausar(modem=modem, motivo="Pausado à mão")
    relogio.avancar(minutes=30)  # the alert e-mail waits (no e-mail worker here)
    services.alertas_avaliar()
    assert not Alerta.objects.filter(tipo=Tipo.FILA_ANTIGA).exists()


def test_mensagem_segurada_pelo_silencio_conta_a_espera_a_partir_da_manha(supervisores, relogio):
    from zoneinfo import ZoneInfo

    recife = ZoneInfo("America/Recife")
    modem = modem_criar(nome="principal")
    relogio.agora = datetime.datetime(2026, 12, 1, 23, 0, tzinfo=recife)
    fatura = sms(modem, texto="Fatura", evento="faturamento")
    assert services.mensagem_enviar(mensagem_id=fatura.pk) is None  # waits for 08:00
    relogio.agora = datetime.datetime(2026, 12, 2, 8, 10, tzinfo=recife)
    assert services.alertas_avaliar()["abertos"] == 0  # due for 10 min, not 9 h
    relogio.agora = datetime.datetime(2026, 12, 2, 8, 16, tzinfo=recife)
    assert services.alertas_avaliar()["abertos"] == 1
    assert Alerta.objects.get().tipo == Tipo.FILA_ANTIGA


def test_alerta_sai_no_horario_de_silencio(supervisores, relogio):
    from zoneinfo import ZoneInfo

    Parametros.objects.filter(pk=Parametros.atuais().pk).update(
        silencio_eventos=[e for e in Mensagem.Evento.values if e != "alerta"]
    )
    relogio.agora = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("America/Recife"))
    services.modem_pausar(modem=modem_criar(nome="principal"), motivo="Pausado à mão")
    for email in emails_de_alerta():
        assert services.email_enviar(mensagem=email) == Status.ENVIADA
    assert len(mail.outbox) == 2


def test_os_dois_modems_pausados_nada_se_perde_e_supervisores_avisados(supervisores, relogio):
    """Both modems fail on their SIM in turn: the messages wait (none failed, none lost),
    each pause alerts, and "no modem available" opens with the second; all resolved and
    every message sent exactly once when one modem resumes."""
    a = modem_criar(nome="a")
    b = modem_criar(nome="b")
    mensagens = [sms(a, texto=f"Protocolo {n}") for n in range(3)]
    memoria.falhas.append(sim_ausente())
    assert services.mensagem_enviar(mensagem_id=mensagens[0].pk) == Status.PENDENTE
    a.refresh_from_db()
    assert a.pausado
    assert [e.assunto for e in emails_de_alerta()] == ["[Saneamento] Alerta: Modem a pausado"] * 2

    # Failover at the pause, not at the next sweep: the three wait on b now.
    assert set(Mensagem.objects.filter(canal="sms").values_list("modem__nome", flat=True)) == {"b"}
    relogio.avancar(minutes=1)
    assert services.mensagens_varrer()["reatribuidas"] == 0
    memoria.falhas.append(sim_ausente())
    assert services.mensagem_enviar(mensagem_id=mensagens[0].pk) == Status.PENDENTE
    b.refresh_from_db()
    assert b.pausado

    abertos = set(Alerta.objects.filter(resolvido_em__isnull=True).values_list("tipo", "chave"))
    assert abertos == {
        (Tipo.MODEM_PAUSADO, str(a.pk)),
        (Tipo.MODEM_PAUSADO, str(b.pk)),
        (Tipo.SEM_MODEM, ""),
    }
    sem_modem = Alerta.objects.get(tipo=Tipo.SEM_MODEM)
    assert "3 SMS esperam; nenhum se perde" in sem_modem.texto
    assert "a (pausado: SIM ausente" in sem_modem.texto
    emails = emails_de_alerta()
    assert len(emails) == 4  # one per pause, per supervisor; the second lists both alerts
    segundo = [e for e in emails if e.destino == "ana@agua.example"][1]
    assert segundo.assunto == "[Saneamento] 2 alertas: Modem b pausado; Nenhum modem disponível"
    assert "nenhum outro modem está disponível" in segundo.texto

    # Nothing lost: every message still pending, none failed; the sweep sends no more e-mail.
    relogio.avancar(minutes=1)
    services.mensagens_varrer()
    tasks.alertas_avaliar_task()
    assert set(Mensagem.objects.filter(canal="sms").values_list("status", flat=True)) == {
        Status.PENDENTE
    }
    assert len(emails_de_alerta()) == 4

    services.modem_retomar(modem=b)
    for m in mensagens:
        services.mensagem_enviar(mensagem_id=m.pk)
    assert sorted(e["texto"] for e in memoria.enviadas) == [f"Protocolo {n}" for n in range(3)]
    services.alertas_avaliar()
    abertos = set(Alerta.objects.filter(resolvido_em__isnull=True).values_list("tipo", "chave"))
    assert abertos == {(Tipo.MODEM_PAUSADO, str(a.pk))}  # a is still paused


def test_administrador_ve_o_historico_de_alertas_no_admin(client, administrador):
    aberto = Alerta.objects.create(tipo=Tipo.SEM_MODEM, texto="Nenhum modem disponível agora")
    Alerta.objects.create(
        tipo=Tipo.FILA_ANTIGA,
        texto="Fila antiga de ontem",
        resolvido_em=datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC),
    )
    client.force_login(administrador)
    lista = reverse("admin:mensageria_alerta_changelist")
    conteudo = client.get(lista).content.decode()
    assert "Nenhum modem disponível agora" in conteudo and "Fila antiga de ontem" in conteudo
    so_abertos = client.get(lista, {"resolvido_em__isempty": "1"}).content.decode()
    assert "Nenhum modem disponível agora" in so_abertos
    assert "Fila antiga de ontem" not in so_abertos
    assert client.get(reverse("admin:mensageria_alerta_add")).status_code == 403
    detalhe = client.get(reverse("admin:mensageria_alerta_change", args=[aberto.pk]))
    assert detalhe.status_code == 200 and 'name="_save"' not in detalhe.content.decode()
