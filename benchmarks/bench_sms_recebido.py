"""(d) Inbound: a protocol texted to the modem is answered within 2 modem intervals.

One emulated modem (pty) with its real pace — interval ``BENCH_RECEBIDO_INTERVALO``
(default 7 s) and send latency ``BENCH_RECEBIDO_LATENCIA`` (default: the interval) —
and one real Celery worker (concurrency 1) on its queue with the GSM backend, on
PostgreSQL (``BENCH_RECEBIDO_DATABASE_URL``, default ``gsan_bench_recebido``) and
Redis (``TEST_REDIS_URL``).

Each sample is a citizen texting "protocolo <n>" from the RA's number: the clock
runs from the emulator's ``+CMTI`` to the reply leaving, that is the reply's PDU
handed to the modem (``AT+CMGS``; ``Mensagem.enviando_desde``); the time until the
network confirms it (``+CMGS``, one latency later) is printed too. The worst case
is a query that arrives just after another SMS started: the reply has to wait for
the interval. So the samples are taken at phases 0.05, 0.25, 0.5, 0.75 and 0.95 of
an interval after an outbound SMS started, one with the modem idle, and one that
arrives behind ``BENCH_RECEBIDO_FILA`` (10) SMS queued on the modem (the reply goes
first: ``EVENTOS_PRIORITARIOS`` in ``services/mensagens.py``).
Printed: each time, the worst, and worst ÷ (2 × interval). **Target ≤ 1.**

When the emulator cannot deliver inbound SMS (the modem reader is not there yet),
the SMS is registered through ``services.sms_recebido_registrar`` at the instant
the ``+CMTI`` would come, and the output says so.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

BANCO = os.environ.get(
    "BENCH_RECEBIDO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gsan_bench_recebido"
)
# A database of its own (other benchmarks' RA SMS would use this modem), shared with the
# worker launcher of bench_sms.py, which reads it from the same variables.
os.environ["BENCH_DATABASE_URL"] = os.environ["BENCH_SMS_DATABASE_URL"] = BANCO

import _comum  # noqa: E402
from bench_sms import iniciar_worker  # noqa: E402

INTERVALO = float(os.environ.get("BENCH_RECEBIDO_INTERVALO", "7"))
LATENCIA = float(os.environ.get("BENCH_RECEBIDO_LATENCIA", str(INTERVALO)))
# None: the modem idle; "fila": behind FILA SMS waiting on the modem (a billing batch).
FASES = (None, 0.05, 0.25, 0.5, 0.75, 0.95, "fila")
FILA = int(os.environ.get("BENCH_RECEBIDO_FILA", "10"))
NOME = "bench-recebido"


def limpar():
    from mensageria.models import Mensagem, Modem, SmsRecebido

    SmsRecebido.objects.filter(modem__nome=NOME).delete()
    Mensagem.objects.filter(modem__nome=NOME).delete()
    Modem.objects.filter(nome=NOME).delete()


def _ra(numero: str, indice: int):
    """An RA whose requester is ``numero``, with a protocol no earlier run used."""
    from atendimento.models import Especificacao
    from cadastro.models import Usuario
    from tests.factories import UnidadeFactory, UsuarioFactory
    from tests.mensageria.factories import especificacao_criar, ra_criar

    usuario = Usuario.objects.filter(username=NOME).first() or UsuarioFactory(
        username=NOME, unidade=UnidadeFactory(nome="Bench SMS recebido", sigla="BENCHREC")
    )
    protocolo = f"20269{(int(time.time()) * 10 + indice) % 10**9:09d}"
    especificacao = Especificacao.objects.filter(nome=NOME).first() or especificacao_criar(
        nome=NOME
    )
    return ra_criar(
        unidade=usuario.unidade,
        usuario=usuario,
        telefone=numero,
        protocolo=protocolo,
        especificacao=especificacao,
    )


def _esperar(condicao, limite: float = 120):
    fim = time.monotonic() + limite
    while time.monotonic() < fim:
        valor = condicao()
        if valor:
            return valor
        time.sleep(0.02)
    raise RuntimeError("tempo esgotado")


def amostra(modem, emulador, fase, indice: int, pelo_fio: bool) -> tuple[float, float]:
    """(s from +CMTI to the reply handed to the modem, s to the network's confirmation)."""
    from django.utils import timezone

    from mensageria import services
    from mensageria.models import Mensagem, SmsRecebido

    numero = f"+558198{indice:07d}"
    ra = _ra(numero, indice)
    if hasattr(emulador, "entregas"):
        emulador.entregas[numero] = "sem-relatorio"
    if fase is None:
        time.sleep(INTERVALO + 0.5)  # idle: the last send started more than an interval ago
    else:
        outros = [
            services.mensagem_sms_criar(
                destino=f"+55819{indice:03d}{n:05d}", texto="Aviso de teste", modem=modem
            )
            for n in range(FILA if fase == "fila" else 1)
        ]
        primeiro = outros[0].pk
        _esperar(lambda: Mensagem.objects.filter(pk=primeiro, enviando_desde__isnull=False).first())
        inicio_outro = Mensagem.objects.get(pk=primeiro).enviando_desde.timestamp()
        fracao = 0.05 if fase == "fila" else fase
        time.sleep(max(inicio_outro + fracao * INTERVALO - time.time(), 0))
    texto = f"protocolo {ra.protocolo[:4]}.{ra.protocolo[4]}.{ra.protocolo[5:]}"
    t0 = time.time()
    if pelo_fio:
        emulador.receber_sms(numero, texto)
    else:
        services.sms_recebido_registrar(
            modem=modem, remetente=numero, texto=texto, recebido_em=timezone.now(), partes=1
        )
    sms = _esperar(
        lambda: SmsRecebido.objects.filter(remetente=numero, resposta__isnull=False).first()
    )
    resposta = _esperar(
        lambda: Mensagem.objects.filter(pk=sms.resposta_id, status="enviada").first()
    )
    if ra.protocolo not in resposta.texto:
        raise RuntimeError(f"resposta sem o protocolo: {resposta.texto!r}")
    return resposta.enviando_desde.timestamp() - t0, resposta.enviada_em.timestamp() - t0


def main() -> int:
    _comum.preparar()
    from mensageria import services
    from mensageria.emulador import EmuladorModem
    from mensageria.models import Mensagem, Modem

    limpar()
    pasta = Path(tempfile.mkdtemp(prefix="bench-recebido-"))
    emulador = EmuladorModem(
        pasta / "tty", log_enviados=pasta / "enviados.log", latencia=LATENCIA
    ).iniciar()
    pelo_fio = hasattr(emulador, "receber_sms")
    modem = Modem.objects.create(
        nome=NOME,
        dispositivo=str(emulador.link),
        intervalo_segundos=INTERVALO,
        timeout_segundos=LATENCIA + 30,
    )
    worker = iniciar_worker(modem.fila, pasta)
    ok = True
    try:
        # Warm-up: the worker opens the port and initialises the modem outside the timing.
        aquecimento = services.mensagem_sms_criar(
            destino="+5581900000000", texto="aquecimento", modem=modem
        )
        _esperar(lambda: Mensagem.objects.filter(pk=aquecimento.pk, status="enviada").exists())
        print(
            f"(d) SMS recebido com protocolo → resposta; intervalo {INTERVALO:g} s, latência "
            f"{LATENCIA:g} s; "
            + (
                "+CMTI do emulador lido pelo worker"
                if pelo_fio
                else "SEM leitura do modem: registrado pelo serviço no instante do +CMTI"
            )
        )
        piores = []
        for indice, fase in enumerate(FASES):
            ate_sair, ate_confirmar = amostra(modem, emulador, fase, indice, pelo_fio)
            if fase is None:
                rotulo = "modem ocioso"
            elif fase == "fila":
                rotulo = f"atrás de {FILA - 1} SMS na fila"
            else:
                rotulo = f"{fase:.2f} intervalo após outro envio"
            print(
                f"    {rotulo:32s} +CMTI → resposta entregue ao modem {ate_sair:6.2f} s"
                f"  (→ confirmada pela rede {ate_confirmar:6.2f} s)"
            )
            piores.append(ate_sair)
        pior = max(piores)
        razao = pior / (2 * INTERVALO)
        print(
            f"    pior {pior:.2f} s ÷ 2 intervalos ({2 * INTERVALO:g} s) = {razao:.3f}  (alvo ≤ 1)"
        )
        ok = razao <= 1
    finally:
        _comum.parar_workers([worker], [emulador])
        limpar()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
