"""Quiet hours (issue 10, item 8), on fixed clocks: the real hour of the run never matters."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from mensageria import services
from mensageria.backends import erro_cms, memoria
from mensageria.models import Mensagem, Parametros
from mensageria.silencio import janela_fim, silencio_ate

from .factories import modem_criar

pytestmark = pytest.mark.django_db
Status = Mensagem.Status
RECIFE = zoneinfo.ZoneInfo("America/Recife")
UTC = datetime.UTC


def recife(ano, mes, dia, hora, minuto=0, segundo=0):
    return datetime.datetime(ano, mes, dia, hora, minuto, segundo, tzinfo=RECIFE)


@pytest.fixture
def modem():
    return modem_criar(nome="principal", max_tentativas=5)


def criar(modem, evento, texto="Sua fatura vence amanha"):
    return services.mensagem_sms_criar(
        destino="+5581999990001", texto=texto, evento=evento, modem=modem
    )


# --- the decision -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("agora", "espera_ate"),
    [
        (recife(2026, 12, 1, 20, 59, 59), None),
        (recife(2026, 12, 1, 21, 0), recife(2026, 12, 2, 8, 0)),
        (recife(2026, 12, 1, 23, 0), recife(2026, 12, 2, 8, 0)),
        (recife(2026, 12, 2, 0, 0), recife(2026, 12, 2, 8, 0)),
        (recife(2026, 12, 2, 7, 59, 59), recife(2026, 12, 2, 8, 0)),
        (recife(2026, 12, 2, 8, 0), None),
        (recife(2026, 12, 2, 12, 0), None),
    ],
)
def test_janela_padrao_21h_as_8h_no_fuso_de_recife(agora, espera_ate):
    assert silencio_ate("faturamento", agora) == espera_ate


def test_eventos_padrao_esperam_e_protocolo_sai_na_hora():
    noite = recife(2026, 12, 1, 23, 0)
    manha = recife(2026, 12, 2, 8, 0)
    for evento in ("faturamento", "cobranca", "ra_mensagem"):
        assert silencio_ate(evento, noite) == manha
    for evento in ("ra_aberto", "ra_existente", "ra_atendido", "avulsa", "alerta"):
        assert silencio_ate(evento, noite) is None


def test_alerta_nunca_espera_mesmo_se_marcado():
    Parametros.objects.filter(pk=Parametros.atuais().pk).update(silencio_eventos=["alerta"])
    assert silencio_ate("alerta", recife(2026, 12, 1, 23, 0)) is None


def test_o_fuso_e_o_do_parametro_nao_o_do_servidor(settings):
    settings.TIME_ZONE = "UTC"
    # 21:30 in Recife is 20:30 in Manaus: quiet in Recife, not yet in Manaus.
    agora = recife(2026, 12, 1, 21, 30)
    assert silencio_ate("faturamento", agora) == recife(2026, 12, 2, 8, 0)
    Parametros.objects.filter(pk=1).update(silencio_fuso="America/Manaus")
    assert silencio_ate("faturamento", agora) is None
    manaus = zoneinfo.ZoneInfo("America/Manaus")
    depois = datetime.datetime(2026, 12, 1, 21, 0, tzinfo=manaus)
    assert silencio_ate("faturamento", depois) == datetime.datetime(
        2026, 12, 2, 8, 0, tzinfo=manaus
    )


def test_janela_dentro_do_dia():
    parametros = Parametros.atuais()
    parametros.silencio_inicio = datetime.time(12, 0)
    parametros.silencio_fim = datetime.time(14, 0)
    assert janela_fim(parametros, recife(2026, 12, 1, 11, 59)) is None
    assert janela_fim(parametros, recife(2026, 12, 1, 12, 0)) == recife(2026, 12, 1, 14, 0)
    assert janela_fim(parametros, recife(2026, 12, 1, 14, 0)) is None
    assert janela_fim(parametros, recife(2026, 12, 1, 23, 0)) is None


def test_sem_inicio_ou_fim_nao_ha_silencio():
    parametros = Parametros.atuais()
    parametros.silencio_inicio = None
    assert janela_fim(parametros, recife(2026, 12, 1, 23, 0)) is None


def test_horario_de_verao_termina_na_hora_local_escolhida():
    """New York moves its clocks at 02:00 on 8 March 2026, inside the window: the end is
    still 08:00 local (12:00 UTC, not 13:00 as adding 9 hours to 23:00 would give)."""
    parametros = Parametros.atuais()
    parametros.silencio_fuso = "America/New_York"
    nova_york = zoneinfo.ZoneInfo("America/New_York")
    noite = datetime.datetime(2026, 3, 7, 23, 0, tzinfo=nova_york)
    assert janela_fim(parametros, noite) == datetime.datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    # Recife has no DST: 23:00 (-03) ends at 08:00 (-03) = 11:00 UTC, any time of year.
    parametros.silencio_fuso = "America/Recife"
    for mes in (1, 3, 7, 10):
        fim = janela_fim(parametros, recife(2026, mes, 10, 23, 0))
        assert fim == datetime.datetime(2026, mes, 11, 11, 0, tzinfo=UTC)


def test_fuso_invalido_guardado_por_fora_nao_para_os_envios(caplog):
    parametros = Parametros.atuais()
    parametros.silencio_fuso = "Marte/Olympus"
    assert janela_fim(parametros, recife(2026, 12, 1, 23, 0)) == recife(2026, 12, 2, 8, 0)
    assert "Marte/Olympus" in caplog.text


# --- the send and the sweep ----------------------------------------------------------


def test_fatura_as_23h_espera_e_a_varredura_envia_as_8h(relogio, modem):
    relogio.agora = recife(2026, 12, 1, 23, 0)
    m = criar(modem, "faturamento")
    assert services.mensagem_enviar(mensagem_id=m.pk) is None
    m.refresh_from_db()
    assert m.status == Status.PENDENTE and m.tentativas == 0
    assert m.proxima_tentativa_em == recife(2026, 12, 2, 8, 0)
    assert m.enfileirada_em is None
    assert memoria.enviadas == []

    relogio.agora = recife(2026, 12, 2, 7, 59, 59)
    assert services.mensagens_varrer()["enfileiradas"] == 0
    relogio.agora = recife(2026, 12, 2, 8, 0)
    assert services.mensagens_varrer()["enfileiradas"] == 1
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.ENVIADA
    assert memoria.enviadas[0]["texto"] == "Sua fatura vence amanha"


def test_protocolo_as_23h_sai_na_hora(relogio, modem):
    relogio.agora = recife(2026, 12, 1, 23, 0)
    m = criar(modem, "ra_aberto")
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.ENVIADA
    assert len(memoria.enviadas) == 1


def test_criada_as_20h59_com_nova_tentativa_as_21h01_espera_a_manha(relogio, modem, settings):
    settings.SMS_BACKOFF_SEGUNDOS = 120
    relogio.agora = recife(2026, 12, 1, 20, 59)
    memoria.falhas.append(erro_cms(42))  # congestion: a transient error
    m = criar(modem, "cobranca")
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.PENDENTE
    m.refresh_from_db()
    assert m.proxima_tentativa_em == recife(2026, 12, 1, 21, 1)

    relogio.agora = recife(2026, 12, 1, 21, 1)
    # Its countdown task (or the sweep) runs it at 21:01: inside the window, so it waits.
    assert services.mensagem_enviar(mensagem_id=m.pk) is None
    m.refresh_from_db()
    assert m.status == Status.PENDENTE and m.tentativas == 1
    assert m.proxima_tentativa_em == recife(2026, 12, 2, 8, 0)
    assert memoria.enviadas == []

    relogio.agora = recife(2026, 12, 2, 8, 0, 30)
    assert services.mensagens_varrer()["enfileiradas"] == 1
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.ENVIADA


def test_mensagem_publica_as_21h_espera_e_as_20h59_sai(relogio, modem):
    relogio.agora = recife(2026, 12, 1, 20, 59, 59)
    antes = criar(modem, "ra_mensagem")
    assert services.mensagem_enviar(mensagem_id=antes.pk) == Status.ENVIADA
    relogio.agora = recife(2026, 12, 1, 21, 0)
    depois = criar(modem, "ra_mensagem")
    assert services.mensagem_enviar(mensagem_id=depois.pk) is None
    assert len(memoria.enviadas) == 1


def test_drenagem_no_silencio_segura_o_evento_escolhido_e_envia_o_resto(relogio, modem):
    relogio.agora = recife(2026, 12, 1, 22, 0)
    fatura = criar(modem, "faturamento", texto="Fatura")
    protocolo = criar(modem, "ra_aberto", texto="Protocolo")
    # The worker drains the queue oldest first: the bill waits, the protocol behind it goes.
    assert services.modem_drenar(modem_id=modem.pk, ate=float("inf")) == 1
    assert [e["texto"] for e in memoria.enviadas] == ["Protocolo"]
    protocolo.refresh_from_db()
    fatura.refresh_from_db()
    assert protocolo.status == Status.ENVIADA
    assert fatura.status == Status.PENDENTE
    assert fatura.proxima_tentativa_em == recife(2026, 12, 2, 8, 0)


def test_evento_configurado_pelo_admin(relogio, modem):
    """Only the chosen events wait: ra_aberto chosen, faturamento not."""
    Parametros.objects.filter(pk=Parametros.atuais().pk).update(silencio_eventos=["ra_aberto"])
    relogio.agora = recife(2026, 12, 1, 23, 0)
    protocolo = criar(modem, "ra_aberto")
    fatura = criar(modem, "faturamento")
    assert services.mensagem_enviar(mensagem_id=protocolo.pk) is None
    assert services.mensagem_enviar(mensagem_id=fatura.pk) == Status.ENVIADA


# --- admin ---------------------------------------------------------------------------


def _dados(**extra):
    dados = {
        "tamanho_maximo": "164",
        "permitir_multiparte": "on",
        "nome_empresa": "Saneamento",
        "silencio_inicio": "21:00",
        "silencio_fim": "08:00",
        "silencio_fuso": "America/Recife",
        "silencio_eventos": ["faturamento", "cobranca"],
        "email_max_tentativas": "5",
        "alerta_espera_minutos": "15",
        "respostas_por_hora": "5",
    }
    dados.update(extra)
    return dados


def _url():
    return reverse("admin:mensageria_parametros_change", args=[Parametros.atuais().pk])


def test_admin_escolhe_os_eventos_em_caixas_de_marcar(client, administrador):
    client.force_login(administrador)
    conteudo = client.get(_url()).content.decode()
    assert 'type="checkbox" name="silencio_eventos" value="faturamento"' in conteudo
    assert 'value="ra_aberto"' in conteudo and 'value="alerta"' not in conteudo
    assert "protocolo responde a quem acabou de pedir" in conteudo
    assert "<textarea" not in conteudo.split('name="silencio_eventos"')[0][-300:]
    resposta = client.post(_url(), _dados(silencio_eventos=["ra_aberto", "faturamento"]))
    assert resposta.status_code == 302
    assert Parametros.atuais().silencio_eventos == ["ra_aberto", "faturamento"]
    assert client.post(_url(), _dados(silencio_eventos=[])).status_code == 302
    assert Parametros.atuais().silencio_eventos == []


@pytest.mark.parametrize(
    ("extra", "mensagem"),
    [
        ({"silencio_fuso": "America/Recif"}, "Fuso horário desconhecido: “America/Recif”"),
        ({"silencio_fuso": "../../etc/passwd"}, "Fuso horário desconhecido"),
        ({"silencio_fim": "21:00"}, "deve ser diferente do início"),
        ({"silencio_eventos": ["alerta"]}, "Faça uma escolha válida"),
    ],
)
def test_admin_recusa_silencio_invalido_com_motivo(client, administrador, extra, mensagem):
    client.force_login(administrador)
    resposta = client.post(_url(), _dados(**extra))
    assert resposta.status_code == 200
    assert mensagem in resposta.content.decode()
    assert Parametros.atuais().silencio_fuso == "America/Recife"
    assert Parametros.atuais().silencio_eventos == ["faturamento", "cobranca", "ra_mensagem"]
