"""The batch's transmit step with the real parts: PostgreSQL, Redis, a Celery worker
on the emulated modem's queue (GSM backend over a pty), a Celery worker on the
``email`` queue and a real SMTP server on loopback; and a transmit run SIGKILLed
after its first chunk, then resumed."""

import datetime
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.utils import timezone

from faturamento.febraban import Gerador, anexar_linha
from faturamento.models import Conta, Envio, Processo
from faturamento.services import transmissao
from faturamento.services.processos import processo_criar, processo_executar
from mensageria.emulador import ler_log
from mensageria.models import Mensagem, Parametros
from tests.mensageria import integracao
from tests.mensageria.integracao import esperar

from .test_transmissao import conta_criar, envio_criar, processo_preparacao

pytestmark = pytest.mark.django_db(transaction=True)
Situacao = Envio.Situacao


@pytest.fixture
def modem(emu):
    return integracao.modem_do_emulador(emu)


@pytest.fixture
def sem_silencio():
    """The test runs at any hour: billing messages must not wait for the morning. Texts
    up to 300 characters (two SMS parts)."""
    Parametros.atuais()
    Parametros.objects.filter(pk=1).update(silencio_eventos=[], tamanho_maximo=300)


def linha(conta: Conta) -> str:
    return Gerador().linha_conta(conta.imovel.matricula, conta.referencia, conta.valor)


def test_transmitir_envia_sms_e_emails_com_a_linha_digitavel(
    emu, modem, servidor_smtp, worker_email, sem_silencio
):
    hoje = timezone.localdate()
    janela = {"enviar_em": hoje - datetime.timedelta(days=1), "limite": hoje}
    preparacao = processo_preparacao()
    curta, longa, paga, email_conta, expirada = (conta_criar(vencimento=hoje) for _ in range(5))
    sms_curto = envio_criar(
        preparacao,
        conta=curta,
        destino="81999990001",
        texto=anexar_linha("Sua conta vence hoje.", linha(curta)),
        **janela,
    )
    texto_longo = anexar_linha(
        "Prezado cliente, sua conta de agua de dezembro vence hoje. Evite o corte e "
        "a multa: pague pelo aplicativo do seu banco, numa agencia ou numa loteria, "
        "usando a linha digitavel abaixo",
        linha(longa),
    )
    assert 160 < len(texto_longo) <= 300
    sms_longo = envio_criar(
        preparacao, conta=longa, destino="81999990002", texto=texto_longo, **janela
    )
    sms_pago = envio_criar(preparacao, conta=paga, destino="81999990003", texto="Paga", **janela)
    email = envio_criar(
        preparacao,
        conta=email_conta,
        canal="email",
        destino="maria@exemplo.com.br",
        assunto="Sua conta de dezembro",
        texto=f"Sua conta vence hoje.\n\nLinha digitável: {linha(email_conta)}\n",
        **janela,
    )
    vencido = envio_criar(
        preparacao,
        conta=expirada,
        destino="81999990005",
        enviar_em=hoje - datetime.timedelta(days=6),
        limite=hoje - datetime.timedelta(days=1),
    )
    # Paid after preparation, before transmission.
    Conta.objects.filter(pk=paga.pk).update(situacao=Conta.Situacao.PAGA, pago_em=hoje)

    run = processo_executar(processo_criar(Processo.Tipo.TRANSMITIR).pk)
    assert run.situacao == Processo.Situacao.CONCLUIDO, run.erro
    assert run.contadores == {"transmitidas": {"sms": 2, "email": 1}, "dispensadas": 1}

    mensagens = Mensagem.objects.filter(envio_faturamento__isnull=False)
    esperar(
        lambda: mensagens.filter(status="enviada").count() == 3,
        limite=60,
        mensagem="os 2 SMS e o e-mail enviados",
        estado=lambda: list(mensagens.values("pk", "canal", "status", "erro_texto")),
    )
    enviados = {r["numero"]: r for r in ler_log(emu.log_enviados)}
    assert set(enviados) == {"+5581999990001", "+5581999990002"}
    assert enviados["+5581999990001"]["texto"] == sms_curto.texto
    assert enviados["+5581999990001"]["partes"] == 1
    assert enviados["+5581999990002"]["texto"] == texto_longo
    assert enviados["+5581999990002"]["partes"] == 2  # a concatenated SMS
    assert linha(longa) in enviados["+5581999990002"]["texto"]

    [recebido] = servidor_smtp.mensagens
    assert recebido.destinos == ["maria@exemplo.com.br"]
    assert recebido.assunto == "Sua conta de dezembro"
    assert f"Linha digitável: {linha(email_conta)}" in recebido.corpo("plain")

    situacoes = dict(Envio.objects.values_list("pk", "situacao"))
    assert (
        situacoes[sms_curto.pk] == situacoes[sms_longo.pk] == situacoes[email.pk] == ("transmitida")
    )
    assert situacoes[sms_pago.pk] == "dispensada"
    assert situacoes[vencido.pk] == "preparada"

    run = processo_executar(processo_criar(Processo.Tipo.EXPIRAR).pk)
    assert run.contadores == {"expiradas": 1, "mensagens_expiradas": 0}
    vencido.refresh_from_db()
    assert vencido.situacao == "expirada" and vencido.mensagem is None
    # Nothing more left: the paid bill and the expired one never reached a modem.
    assert len(ler_log(emu.log_enviados)) == 2


_MATAR_APOS_O_PRIMEIRO_LOTE = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from faturamento.services import transmissao
    from faturamento.services.processos import processo_executar

    transmissao.LOTE = 2
    original = transmissao._transmitir_lote

    def lote_e_espera(*args, **kwargs):
        feito = original(*args, **kwargs)
        print("lote" if feito else "nada", flush=True)
        time.sleep(600)  # committed; the test SIGKILLs this process now
        return feito

    transmissao._transmitir_lote = lote_e_espera
    processo_executar(int(sys.argv[1]))
    """
)


def test_sigkill_depois_do_primeiro_lote_e_retomada_sem_duplicar():
    preparacao = processo_preparacao()
    hoje = timezone.localdate()
    # No modem: nothing leaves, the messages only wait.
    envios = [envio_criar(preparacao, enviar_em=hoje, limite=hoje) for _ in range(5)]
    processo = processo_criar(Processo.Tipo.TRANSMITIR)
    db = settings.DATABASES["default"]
    ambiente = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="gsan.settings.test",
        TEST_DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        TEST_REDIS_URL=settings.CELERY_BROKER_URL,
    )
    filho = subprocess.Popen(
        [sys.executable, "-c", _MATAR_APOS_O_PRIMEIRO_LOTE, str(processo.pk)],
        cwd=integracao.RAIZ,
        env=ambiente,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert filho.stdout.readline().strip() == "lote", filho.stdout.read()
        filho.send_signal(signal.SIGKILL)
        filho.wait(timeout=10)
    finally:
        if filho.poll() is None:
            filho.kill()
    assert filho.returncode == -signal.SIGKILL
    assert Envio.objects.filter(situacao=Situacao.TRANSMITIDA).count() == 2
    assert Mensagem.objects.count() == 2
    processo.refresh_from_db()
    assert processo.situacao == Processo.Situacao.EXECUTANDO

    # Alive for a while: not taken again.
    assert processo_executar(processo.pk).situacao == Processo.Situacao.EXECUTANDO
    # Its heartbeat stopped: the next start resumes it.
    Processo.objects.filter(pk=processo.pk).update(
        batimento_em=timezone.now() - datetime.timedelta(minutes=10)
    )
    run = processo_executar(processo.pk)
    assert run.situacao == Processo.Situacao.CONCLUIDO, run.erro
    assert Mensagem.objects.count() == 5
    por_envio = {e.pk: list(Mensagem.objects.filter(envio_faturamento=e)) for e in envios}
    assert all(len(m) == 1 for m in por_envio.values())
    origens = sorted(Mensagem.objects.values_list("origem_id", flat=True))
    assert origens == sorted(e.conta_id for e in envios)  # one message per bill
    assert not Envio.objects.filter(situacao=Situacao.PREPARADA).exists()
    # Once more: nothing to do.
    again = processo_executar(processo_criar(Processo.Tipo.TRANSMITIR).pk)
    assert again.total == 0 and Mensagem.objects.count() == 5


def test_preparar_e_transmitir_do_modelo_ao_modem_e_ao_servidor_smtp(
    emu, modem, servidor_smtp, worker_email, sem_silencio
):
    """The whole batch as an administrator runs it: a billing template, bills, the
    preparation step (eligibility, texts, linha digitável), then the transmit step."""
    from .test_preparacao import REF, conta, imovel_com_cliente, modelo

    modelo(
        texto_sms="{NOME}, a conta {MATRICULA} de R$ {VALOR} vence em {VENCIMENTO}. Evite "
        "juros e o corte do fornecimento: pague pelo aplicativo do seu banco ou numa "
        "loteria com a linha digitavel",
        dias_antes=5,
    )
    vencimento = timezone.localdate() + datetime.timedelta(days=2)
    ana = conta(
        imovel_com_cliente(nome="Ana Souza", email="ana@exemplo.com.br"), vencimento=vencimento
    )
    paga = conta(
        imovel_com_cliente(nome="Bruno Lima", email="bruno@exemplo.com.br"), vencimento=vencimento
    )
    conta(
        imovel_com_cliente(nome="Carla Dias", recebe_sms=False, recebe_email=False),
        vencimento=vencimento,
    )
    preparacao = processo_executar(
        processo_criar(Processo.Tipo.PREPARAR_FATURAMENTO, referencia=REF).pk
    )
    assert preparacao.situacao == Processo.Situacao.CONCLUIDO, preparacao.erro
    assert Envio.objects.count() == 4  # Ana and Bruno, SMS and e-mail; Carla refused both
    Conta.objects.filter(pk=paga.pk).update(situacao=Conta.Situacao.PAGA)

    run = processo_executar(processo_criar(Processo.Tipo.TRANSMITIR, referencia=REF).pk)
    assert run.contadores == {"transmitidas": {"sms": 1, "email": 1}, "dispensadas": 2}
    mensagens = Mensagem.objects.all()
    esperar(
        lambda: mensagens.filter(status="enviada").count() == 2,
        limite=60,
        mensagem="o SMS e o e-mail da Ana enviados",
        estado=lambda: list(mensagens.values("pk", "canal", "status", "erro_texto")),
    )
    linha_ana = linha(ana)
    [sms] = ler_log(emu.log_enviados)
    telefone = ana.imovel.vinculos.get().cliente.telefones.get()
    assert sms["numero"] == telefone.e164
    assert sms["texto"].startswith("Ana Souza, a conta ")
    assert sms["texto"].endswith(linha_ana) and sms["partes"] == 2
    [email] = servidor_smtp.mensagens
    assert email.destinos == ["ana@exemplo.com.br"]
    assert f"Linha digitável: {linha_ana}" in email.corpo("plain")

    contagens = transmissao.contagens_do_processo(preparacao)
    assert {k: contagens[k] for k in ("geradas", "transmitidas", "enviadas", "dispensadas")} == {
        "geradas": 4,
        "transmitidas": 2,
        "enviadas": 2,
        "dispensadas": 2,
    }


def test_email_do_lote_tenta_ate_o_maximo_do_envio(servidor_smtp, worker_email, sem_silencio):
    """The Envio's attempts (the template's), not the parameters', bound the retries."""
    Parametros.objects.filter(pk=1).update(email_max_tentativas=10)
    hoje = timezone.localdate()
    preparacao = processo_preparacao()
    tres = envio_criar(preparacao, canal="email", max_tentativas=3, enviar_em=hoje, limite=hoje)
    servidor_smtp.responder("451 4.3.0 Tente mais tarde", vezes=3)
    processo_executar(processo_criar(Processo.Tipo.TRANSMITIR).pk)
    tres.refresh_from_db()
    m = integracao.esperar_status(tres.mensagem_id, {"falhou", "enviada"})
    assert m.status == "falhou" and m.tentativas == 3 and m.erro_codigo == 451
    assert "falhou em 3 tentativas" in m.historico.last().observacao
    assert servidor_smtp.mensagens == []
