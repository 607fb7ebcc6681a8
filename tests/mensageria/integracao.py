"""Shared machinery of the integration tests: emulator on a pty + a real Celery worker.

The worker is a subprocess (so SIGKILL can be tested) consuming the queue of the
modem named ``emu-teste`` on the test Redis DB and the test PostgreSQL database,
with the real GSM backend talking to the emulator through the pty.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

from gsan.celery import app
from mensageria.models import Mensagem, Modem, Parametros

NOME_MODEM = "emu-teste"
FILA = "modem.emu-teste"
RAIZ = Path(__file__).resolve().parents[2]
FINAIS = {"enviada", "falhou", "incerta", "descartada"}
# The workers this process started and has not stopped: a failed wait shows their logs.
_workers: list[subprocess.Popen] = []


def modem_do_emulador(emu, *, sem_silencio: bool = False, **campos) -> Modem:
    """The modem row the test worker sends through: the emulator's pty, no pause between
    SMS. ``sem_silencio``: quiet hours off, so a test does not depend on the hour."""
    if sem_silencio:
        Parametros.objects.update_or_create(pk=1, defaults={"silencio_inicio": None})
    return Modem.objects.create(
        **{
            "nome": NOME_MODEM,
            "dispositivo": str(emu.link),
            "intervalo_segundos": 0,
            "timeout_segundos": 5,
            "max_tentativas": 2,
            **campos,
        }
    )


def _morrer_com_o_pai() -> None:
    """In the worker child: SIGTERM when pytest dies (killed by a timeout, Ctrl-C twice),
    so no orphan worker keeps consuming the test queue against a dropped database."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def iniciar_worker(
    pasta: Path,
    banco: str,
    *,
    filas: tuple[str, ...] = (FILA,),
    concorrencia: int = 1,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """A Celery worker subprocess on ``filas`` (default: the emulated modem's queue),
    on the test database ``banco`` and the test Redis; ``env`` adds variables
    (e.g. ``TEST_EMAIL_URL`` for the e-mail queue)."""
    ambiente = dict(os.environ)
    db = settings.DATABASES["default"]
    ambiente.update(
        DJANGO_SETTINGS_MODULE="gsan.settings.test",
        TEST_DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{banco}",
        TEST_REDIS_URL=settings.CELERY_BROKER_URL,
        SMS_BACKEND="mensageria.backends.gsm.GsmBackend",
        SMS_BACKOFF_SEGUNDOS="0",
        PYTHONUNBUFFERED="1",
    )
    ambiente.update(env or {})
    nome = "-".join(f.replace(".", "-") for f in filas)
    log_path = pasta / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    processo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "gsan",
            "worker",
            "-Q",
            ",".join(filas),
            f"--concurrency={concorrencia}",
            "--pool=prefork",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"{nome}-teste-{os.getpid()}@%h",
            "-l",
            "INFO",
        ],
        cwd=RAIZ,
        env=ambiente,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=_morrer_com_o_pai,
    )
    limite = time.monotonic() + 60
    while time.monotonic() < limite:
        if "ready." in log_path.read_text():
            processo.log_path = log_path
            _workers.append(processo)
            return processo
        if processo.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError("worker não subiu:\n" + log_path.read_text()[-3000:])


def parar_worker(processo: subprocess.Popen) -> None:
    with contextlib.suppress(ValueError):
        _workers.remove(processo)
    processo.terminate()
    try:
        processo.wait(timeout=20)
    except subprocess.TimeoutExpired:
        processo.kill()
        processo.wait()


def tarefas_concluidas(processo: subprocess.Popen) -> int:
    """How many tasks the worker has finished (its log), duplicates included."""
    return processo.log_path.read_text().count(" succeeded in ")


def filhos(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as arquivo:
        return [int(x) for x in arquivo.read().split()]


def esperar(condicao, *, limite: float = 30, mensagem: str = "condição", estado=None) -> None:
    """Poll ``condicao``; on failure say what was awaited, ``estado()`` (the rows that
    explain it) and the tail of every running worker's log."""
    fim = time.monotonic() + limite
    while time.monotonic() < fim:
        if condicao():
            return
        time.sleep(0.05)
    detalhe = ""
    if estado is not None:
        try:
            detalhe = f"\nestado: {estado()}"
        except Exception as exc:  # the report must not hide the timeout
            detalhe = f"\nestado ilegível: {exc!r}"
    raise AssertionError(f"{mensagem}: não aconteceu em {limite} s{detalhe}" + logs_dos_workers())


def linha(mensagem_id: int) -> dict | None:
    """What a failed wait shows of a message: where it is in the pipeline."""
    return (
        Mensagem.objects.filter(pk=mensagem_id)
        .values(
            "status", "tentativas", "modem__nome", "modem__pausado_em", "enfileirada_em",
            "enviando_desde", "proxima_tentativa_em", "erro_classe", "erro_texto",
        )
        .first()
    )  # fmt: skip


def logs_dos_workers(linhas: int = 60) -> str:
    """The tail of every running worker's log, for a failure message."""
    partes = []
    for processo in _workers:
        with contextlib.suppress(OSError):
            cauda = processo.log_path.read_text(errors="replace").splitlines()[-linhas:]
            partes.append(f"\n--- {processo.log_path} (últimas {len(cauda)} linhas) ---\n")
            partes.append("\n".join(cauda))
    return "".join(partes)


def esperar_status(mensagem_id: int, status: set | str = FINAIS, limite: float = 30) -> Mensagem:
    alvo = {status} if isinstance(status, str) else status
    esperar(
        lambda: Mensagem.objects.get(pk=mensagem_id).status in alvo,
        limite=limite,
        mensagem=f"mensagem {mensagem_id} em {alvo}",
        estado=lambda: linha(mensagem_id),
    )
    return Mensagem.objects.get(pk=mensagem_id)


@contextlib.contextmanager
def broker_fora_do_ar():
    """Point this process's Celery at a dead port: enqueueing fails as with Redis down."""
    antigo = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = antigo
        app._pool = None
        app.amqp._producer_pool = None


def purgar(fila: str = FILA) -> None:
    with app.connection_for_write() as conexao, contextlib.suppress(Exception):
        conexao.default_channel.queue_purge(fila)


@contextlib.contextmanager
def broker_mudo():
    """Point this process's Celery at a socket that accepts and never answers.

    Worse than a dead port: the TCP connection succeeds, then every command waits.
    """
    servidor = socket.create_server(("127.0.0.1", 0))
    servidor.settimeout(0.2)
    aceitas, parar = [], threading.Event()

    def aceitar():
        while not parar.is_set():
            try:
                conexao, _ = servidor.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            aceitas.append(conexao)  # kept open, never read, never answered

    fio = threading.Thread(target=aceitar, daemon=True)
    fio.start()
    antigo = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{servidor.getsockname()[1]}/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield aceitas
    finally:
        parar.set()
        fio.join(5)
        servidor.close()
        for conexao in aceitas:
            conexao.close()
        app.conf.broker_url = antigo
        app._pool = None
        app.amqp._producer_pool = None


class _Travou(BaseException):
    """Not an Exception: the code under test must not be able to swallow it."""


@contextlib.contextmanager
def termina_em(segundos: int):
    """Liveness check, not a benchmark: fail (instead of hanging the suite) if the
    block has not finished after ``segundos``."""

    def estourou(signum, frame):
        raise _Travou

    anterior = signal.signal(signal.SIGALRM, estourou)
    signal.alarm(segundos)
    try:
        yield
    except _Travou:
        raise AssertionError(f"não terminou em {segundos} s (travado?)") from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, anterior)
