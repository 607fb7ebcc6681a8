"""The real pipeline: PostgreSQL, Redis, a Celery worker subprocess, the GSM backend
(python-gsmmodem-new over pyserial) and the emulator on a pseudo-terminal."""

import itertools
import os
import signal

import pytest

from mensageria import services
from mensageria.emulador import ler_log
from mensageria.models import Mensagem, Modem
from mensageria.services.mensagens import _publicar
from mensageria.tasks import mensagens_varrer_task

from . import integracao
from .integracao import esperar, esperar_status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def modem(emu):
    return integracao.modem_do_emulador(emu, timeout_segundos=1)


def enviados(emu, *, incluir_travados=False):
    return [r for r in ler_log(emu.log_enviados) if incluir_travados or not r.get("travou")]


def criar(modem, texto="Protocolo 20261000000001", destino="+5581999990001"):
    return services.mensagem_sms_criar(destino=destino, texto=texto, modem=modem)


@pytest.mark.parametrize("modo", ["pdu", "texto"])
def test_envio_gsm7_modo_pdu_e_texto(emu, modem, modo):
    Modem.objects.filter(pk=modem.pk).update(modo=modo)
    m = esperar_status(criar(modem).pk)
    assert m.status == "enviada" and m.referencia is not None
    [registro] = enviados(emu)
    assert registro["numero"] == "+5581999990001"
    assert registro["texto"] == "Protocolo 20261000000001"
    assert registro["modo"] == modo
    assert any(
        c.upper().startswith("AT+CMGF=" + ("1" if modo == "texto" else "0")) for c in emu.recebidos
    )


def test_ucs2_e_multiparte(emu, modem):
    acentuado = "Solicitação concluída: água religada às 14h"
    longo = "Aviso " + "x" * 151 + " fim"  # 161 septets: two parts
    a = esperar_status(criar(modem, texto=acentuado).pk)
    b = esperar_status(criar(modem, texto=longo, destino="+5581999990002").pk)
    assert a.status == b.status == "enviada"
    registros = {r["numero"]: r for r in enviados(emu)}
    assert registros["+5581999990001"]["texto"] == acentuado
    assert registros["+5581999990001"]["codificacao"] == "ucs2"
    assert registros["+5581999990002"]["texto"] == longo
    assert registros["+5581999990002"]["partes"] == 2


def test_caracteres_de_controle_nao_chegam_ao_modem(emu, modem):
    m = esperar_status(criar(modem, texto="Protocolo\x1a 123\x1b45 [ok]").pk)
    assert m.status == "enviada"
    assert enviados(emu)[0]["texto"] == "Protocolo 12345 [ok]"


def test_cms_temporario_tenta_ate_o_maximo(emu, modem):
    emu.regras["+5581999990001"] = "cms:42"
    m = esperar_status(criar(modem).pk)
    assert m.status == "falhou" and m.tentativas == 2 and m.erro_codigo == 42
    assert m.erro_classe == "temporario"
    assert enviados(emu) == []


def test_cms_temporario_e_depois_sucesso(emu, modem):
    emu.falhas.append("cms:332")
    m = esperar_status(criar(modem).pk)
    assert m.status == "enviada" and m.tentativas == 2
    assert len(enviados(emu)) == 1


@pytest.mark.parametrize("codigo", [1, 21, 28, 29, 30])
def test_cms_numero_ruim_falha_sem_repetir(emu, modem, codigo):
    emu.regras["+5581999990001"] = f"cms:{codigo}"
    m = esperar_status(criar(modem).pk)
    assert m.status == "falhou" and m.tentativas == 1 and m.erro_classe == "numero"


def test_cms_de_sim_pausa_modem_e_mensagem_espera(emu, modem):
    emu.falhas.append("cms:310")
    m = criar(modem)
    esperar(lambda: Modem.objects.get(pk=modem.pk).pausado, mensagem="modem pausado")
    outra = criar(modem, destino="+5581999990002")
    m.refresh_from_db()
    assert m.status == "pendente" and m.erro_codigo == 310
    assert "SIM não inserido" in Modem.objects.get(pk=modem.pk).motivo_pausa
    services.modem_retomar(modem=modem)
    assert esperar_status(m.pk).status == "enviada"
    assert esperar_status(outra.pk).status == "enviada"
    assert sorted(r["numero"] for r in enviados(emu)) == ["+5581999990001", "+5581999990002"]


def test_erro_antes_do_prompt_e_temporario(emu, modem):
    emu.falhas.append("cms-prompt:500")
    m = esperar_status(criar(modem).pk)
    assert m.status == "enviada" and m.tentativas == 2


def test_modem_travado_depois_do_texto_fica_incerta(emu, modem):
    emu.falhas.append("hang")
    m = esperar_status(criar(modem).pk)
    assert m.status == "incerta" and m.erro_classe == "incerto"
    assert m.tentativas == 1
    # The next message goes out normally (the backend reconnected).
    assert esperar_status(criar(modem, destino="+5581999990002").pk).status == "enviada"
    assert [r["numero"] for r in enviados(emu)] == ["+5581999990002"]


def test_modem_que_trava_e_pausado_e_a_fila_espera(emu, modem):
    """A modem that stops answering: only the message in flight is incerta; the
    waiting ones never left, so they stay pending, and the modem is paused."""
    emu.travar_apos = 2
    mensagens = [criar(modem, destino=f"+558199999000{i}") for i in range(1, 6)]
    esperar(lambda: Modem.objects.get(pk=modem.pk).pausado, mensagem="modem pausado")
    esperar_status(mensagens[2].pk, "incerta")
    status = [Mensagem.objects.get(pk=m.pk).status for m in mensagens]
    assert status == ["enviada", "enviada", "incerta", "pendente", "pendente"]
    modem.refresh_from_db()
    assert "parou de responder" in modem.motivo_pausa and not modem.pausa_automatica
    # The sweep does not resume it (its device is there, but it does not answer).
    services.mensagens_varrer()
    assert Modem.objects.get(pk=modem.pk).pausado
    assert [r["numero"] for r in enviados(emu)] == ["+5581999990001", "+5581999990002"]


def test_modem_sem_prompt_tenta_de_novo(emu, modem):
    emu.falhas.append("hang-prompt")
    Modem.objects.filter(pk=modem.pk).update(max_tentativas=3)
    m = esperar_status(criar(modem).pk, limite=40)
    assert m.status == "enviada" and m.tentativas == 2


def test_dispositivo_some_e_volta(emu, modem):
    emu.falhas.append("desconectar")
    m = criar(modem)
    esperar(
        lambda: Modem.objects.get(pk=modem.pk).pausado,
        mensagem="pausa automática",
        # The row, and whether the AT+CMGS reached the emulator (fault still pending?).
        estado=lambda: (integracao.linha(m.pk), emu.recebidos[-8:], emu.falhas),
    )
    pausado = Modem.objects.get(pk=modem.pk)
    assert pausado.pausa_automatica
    assert "desapareceu" in pausado.motivo_pausa or "indisponível" in pausado.motivo_pausa
    outra = criar(modem, destino="+5581999990002")
    # Each minute the sweep asks every modem's own worker (where the device is plugged
    # in) for a health reading; a good one resumes a modem paused for a missing device.
    antes = Modem.objects.get(pk=modem.pk).saude_lida_em
    mensagens_varrer_task()
    esperar(
        lambda: Modem.objects.get(pk=modem.pk).saude_lida_em != antes, mensagem="leitura de saúde"
    )
    assert Modem.objects.get(pk=modem.pk).pausado  # still unplugged
    emu.conectar()
    mensagens_varrer_task()
    esperar(lambda: not Modem.objects.get(pk=modem.pk).pausado, mensagem="retomado pelo worker")
    assert esperar_status(m.pk).status == "enviada"
    assert esperar_status(outra.pk).status == "enviada"
    numeros = sorted(r["numero"] for r in enviados(emu))
    assert numeros == ["+5581999990001", "+5581999990002"]


def test_redis_fora_do_ar_e_a_varredura_envia_cada_uma_uma_vez(emu, modem):
    with integracao.broker_fora_do_ar():
        ids = [criar(modem, destino=f"+558199999000{i}").pk for i in range(1, 4)]
    assert Mensagem.objects.filter(pk__in=ids, enfileirada_em__isnull=True).count() == 3
    assert services.mensagens_varrer()["enfileiradas"] == 3
    for pk in ids:
        assert esperar_status(pk).status == "enviada"
    # A second sweep (and a duplicate task) change nothing.
    assert services.mensagens_varrer(reenfileirar_apos=0)["enfileiradas"] == 0
    _publicar(ids[0], modem.fila)  # a duplicate task for a sent message
    ultima = criar(modem, destino="+5581999990009")  # FIFO: runs after the duplicate
    assert esperar_status(ultima.pk).status == "enviada"
    numeros = sorted(r["numero"] for r in enviados(emu))
    assert numeros == [*(f"+558199999000{i}" for i in range(1, 4)), "+5581999990009"]


def test_intervalo_entre_inicios_respeitado(emu, modem):
    Modem.objects.filter(pk=modem.pk).update(intervalo_segundos=0.4)
    ids = [criar(modem, destino=f"+558199999000{i}").pk for i in range(1, 4)]
    for pk in ids:
        esperar_status(pk)
    # enviando_desde is the start instant the modem's pacing reserved.
    inicios = list(
        Mensagem.objects.filter(pk__in=ids)
        .order_by("enviando_desde")
        .values_list("enviando_desde", flat=True)
    )
    assert len(inicios) == 3
    # Without pacing these sends would start a few milliseconds apart. The 10 ms
    # margin absorbs wall-clock slewing between processes on a loaded VM (seen
    # once as 0.396 s); it is not a timing target.
    for anterior, seguinte in itertools.pairwise(inicios):
        assert (seguinte - anterior).total_seconds() >= 0.39


def test_sigkill_no_meio_do_envio_nao_perde_nada(emu, modem, worker_sms):
    emu.latencia = 3
    m = criar(modem)
    esperar_status(m.pk, "enviando")
    [filho] = integracao.filhos(worker_sms.pid)
    os.kill(filho, signal.SIGKILL)
    # The task comes back (acks_late + reject_on_worker_lost) but the claim refuses to resend.
    esperar(lambda: integracao.filhos(worker_sms.pid) not in ([], [filho]), mensagem="novo filho")
    m.refresh_from_db()
    assert m.status == "enviando"
    resumo = services.mensagens_varrer(enviando_limite=0)
    assert resumo["incertas"] == 1
    m.refresh_from_db()
    assert m.status == "incerta"
    emu.latencia = 0
    assert esperar_status(criar(modem, destino="+5581999990002").pk).status == "enviada"
    assert len([r for r in enviados(emu) if r["numero"] == "+5581999990001"]) <= 1


def test_modem_check_com_a_porta_no_worker_pergunta_a_ele(emu, modem, settings):
    settings.SMS_BACKEND = "mensageria.backends.gsm.GsmBackend"
    import io

    from django.core.management import call_command

    assert esperar_status(criar(modem).pk).status == "enviada"  # the worker holds the port now
    saida = io.StringIO()
    call_command("modem", "check", modem.nome, stdout=saida)
    assert "pedindo a leitura a ele" in saida.getvalue()
    assert "operadora: EMULADOR GSAN" in saida.getvalue()


def test_abrir_e_encerrar_ra_envia_protocolo_pelo_modem(emu, modem, atendente):
    """The contract with the RA services, end to end through the emulator."""
    from atendimento.models import MeioSolicitacao, MotivoEncerramento
    from atendimento.services import registro_atendimento_abrir, registro_atendimento_encerrar
    from tests.factories import ImovelFactory

    from .factories import especificacao_criar

    especificacao = especificacao_criar(exige_parecer_encerramento=False)
    meio, _ = MeioSolicitacao.objects.get_or_create(nome="Telefone")
    ra = registro_atendimento_abrir(
        usuario=atendente,
        especificacao=especificacao,
        meio=meio,
        descricao="Vazamento na calçada",
        tipo_solicitante="livre",
        solicitante_nome="Maria da Silva",
        solicitante_telefone="+5581999990001",
        imovel=ImovelFactory(),
    )
    aberta = Mensagem.objects.get(registro_atendimento=ra)
    assert esperar_status(aberta.pk).status == "enviada"
    [registro] = enviados(emu)
    assert registro["numero"] == "+5581999990001" and ra.protocolo in registro["texto"]
    assert aberta.evento == "ra_aberto"

    motivo, _ = MotivoEncerramento.objects.get_or_create(
        nome="Serviço executado", defaults={"tipo": "executado"}
    )
    ra.refresh_from_db()
    registro_atendimento_encerrar(ra=ra, motivo=motivo, parecer="Feito", usuario=atendente)
    atendida = Mensagem.objects.get(registro_atendimento=ra, evento="ra_atendido")
    assert esperar_status(atendida.pk).status == "enviada"
    assert ra.protocolo in enviados(emu)[-1]["texto"]
