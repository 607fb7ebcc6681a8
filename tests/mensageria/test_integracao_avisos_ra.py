"""A public RA message through the real pipeline: PostgreSQL, Redis, a Celery worker
subprocess, the GSM backend and the emulator on a pseudo-terminal."""

import pytest

from atendimento.models import MotivoEncerramento
from atendimento.services import (
    registro_atendimento_encerrar,
    registro_atendimento_mensagem_adicionar,
    registro_atendimento_registrar_contato,
)
from mensageria import texto as texto_sms
from mensageria.emulador import ler_log
from mensageria.models import Mensagem

from . import integracao
from .factories import ra_criar
from .integracao import esperar, esperar_status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def modem(emu):
    return integracao.modem_do_emulador(emu, sem_silencio=True)


def test_mensagem_publica_chega_ao_modem_cortada_com_reticencias(emu, modem, unidade, atendente):
    ra = ra_criar(unidade=unidade, usuario=atendente, telefone="+5581999990001")
    texto = "A equipe trocará o hidrômetro na quinta-feira pela manhã; deixe o acesso livre. " * 4
    msg = registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=atendente, texto=texto, visibilidade="publica"
    )
    sms = Mensagem.objects.get(origem_tipo="ra_mensagem", origem_id=msg.pk)
    sms = esperar_status(sms.pk)
    assert sms.status == "enviada"
    [registro] = [r for r in ler_log(emu.log_enviados) if not r.get("travou")]
    assert registro["numero"] == "+5581999990001"
    assert registro["texto"] == sms.texto and registro["texto"].endswith("...")
    assert registro["codificacao"] == "ucs2"
    assert registro["partes"] == texto_sms.preparar(sms.texto).partes == 3
    assert f"nova mensagem sobre o protocolo {ra.protocolo}: A equipe trocará" in registro["texto"]


def test_encerramento_chega_a_cada_numero_uma_vez(emu, modem, unidade, atendente):
    ra = ra_criar(unidade=unidade, usuario=atendente, telefone="+5581999990001")
    for telefone in ("81988880002", "81988880002"):
        registro_atendimento_registrar_contato(
            ra=ra, usuario=atendente, solicitante_nome="Vizinho", solicitante_telefone=telefone
        )
    for m in Mensagem.objects.filter(evento="ra_existente"):
        esperar_status(m.pk)
    executado = MotivoEncerramento.objects.create(
        nome="Executado", tipo=MotivoEncerramento.Tipo.EXECUTADO
    )
    registro_atendimento_encerrar(ra=ra, motivo=executado, parecer="Feito.", usuario=atendente)
    atendidas = list(Mensagem.objects.filter(evento="ra_atendido"))
    for m in atendidas:
        esperar_status(m.pk)

    def concluidos():
        return [r for r in ler_log(emu.log_enviados) if "concluido" in r["texto"]]

    esperar(lambda: len(concluidos()) == 2, mensagem="dois SMS de concluído")
    assert sorted(r["numero"] for r in concluidos()) == ["+5581988880002", "+5581999990001"]


def test_mensagem_publica_chega_por_sms_e_por_email(
    emu, modem, servidor_smtp, worker_email, unidade, atendente
):
    ra = ra_criar(
        unidade=unidade,
        usuario=atendente,
        telefone="+5581999990001",
        solicitante_email="maria.silva@exemplo.com.br",
    )
    texto = "Trocamos o registro <b>hoje</b>; a água volta às 15h.\nQualquer dúvida, ligue 115."
    msg = registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=atendente, texto=texto, visibilidade="publica"
    )
    entregas = Mensagem.objects.filter(origem_tipo="ra_mensagem", origem_id=msg.pk)
    sms, email = entregas.get(canal="sms"), entregas.get(canal="email")
    assert esperar_status(sms.pk).status == "enviada"
    assert esperar_status(email.pk).status == "enviada"
    [registro] = [r for r in ler_log(emu.log_enviados) if not r.get("travou")]
    assert registro["numero"] == "+5581999990001"
    assert registro["texto"].endswith("a água volta às 15h. Qualquer dúvida, ligue 115.")
    [recebida] = servidor_smtp.para("maria.silva@exemplo.com.br")
    assert recebida.assunto == f"Saneamento: protocolo {ra.protocolo}"
    assert texto in recebida.corpo("plain").replace("\r\n", "\n")  # SMTP line ends
