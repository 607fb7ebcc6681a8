"""`make run`: serve the whole product on the embedded default and keep it up.

Starts the GSM modem emulator, the modem's worker, the default worker, beat and
the web server, and supervises them: a child that exits on its own is logged to
the terminal and started again after a back-off (1 s, 2 s, 4 s… up to a minute,
back to 1 s once it has run for a minute), while the others keep running. The
web server is never stopped because another child died. Ctrl-C (or SIGTERM)
stops everything in order: web and beat first, then the workers (a warm
shutdown lets the SMS being sent finish), the modem emulator last.

Each child runs in its own session, so stopping it also stops what it forked
(Celery's pool processes) and a Ctrl-C reaches only this supervisor.

    python -m gsan.run_dev            # PORT (default 8000) and VAR_DIR from the environment
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent


def _agora() -> str:
    return time.strftime("%H:%M:%S")


@dataclass
class Filho:
    """One supervised child process.

    ``ordem_parada``: children with a lower number are stopped first.
    ``apos_iniciar``: called after each start (e.g. wait for a device to appear).
    """

    nome: str
    comando: list[str]
    log: Path | None = None
    ordem_parada: int = 0
    apos_iniciar: Callable[[Filho], None] | None = None
    env: dict[str, str] | None = None
    processo: subprocess.Popen | None = field(default=None, repr=False)
    reinicios: int = 0
    falhas_seguidas: int = 0
    iniciado_em: float = 0.0
    reiniciar_em: float | None = None

    @property
    def pid(self) -> int | None:
        return self.processo.pid if self.processo else None


class Supervisor:
    """Start children, restart the ones that die (with back-off), stop them in order."""

    def __init__(
        self,
        filhos: list[Filho],
        *,
        espera_inicial: float = 1.0,
        espera_maxima: float = 60.0,
        estavel_apos: float = 60.0,
        prazo_parada: float = 45.0,
        saida=None,
    ):
        self.filhos = filhos
        self.espera_inicial = espera_inicial
        self.espera_maxima = espera_maxima
        self.estavel_apos = estavel_apos
        self.prazo_parada = prazo_parada
        self.saida = saida or sys.stderr
        self.parando = threading.Event()
        self._parado = False
        self._lock = threading.Lock()

    def dizer(self, texto: str) -> None:
        with self._lock:
            print(f"[supervisor {_agora()}] {texto}", file=self.saida, flush=True)

    # --- starting ---------------------------------------------------------

    def iniciar(self, filho: Filho) -> None:
        saida = subprocess.DEVNULL
        if filho.log is not None:
            filho.log.parent.mkdir(parents=True, exist_ok=True)
            saida = open(filho.log, "ab")  # noqa: SIM115 - handed to the child
        try:
            filho.processo = subprocess.Popen(
                filho.comando,
                cwd=RAIZ,
                env={**os.environ, **(filho.env or {})},
                stdin=subprocess.DEVNULL,
                stdout=None if filho.log is None else saida,
                stderr=None if filho.log is None else subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            if saida is not subprocess.DEVNULL:
                saida.close()
        filho.iniciado_em = time.monotonic()
        filho.reiniciar_em = None
        if filho.apos_iniciar is not None:
            filho.apos_iniciar(filho)

    def iniciar_todos(self) -> None:
        for filho in self.filhos:
            if self.parando.is_set():
                return
            self.iniciar(filho)

    # --- watching ---------------------------------------------------------

    def espera(self, filho: Filho) -> float:
        return min(self.espera_inicial * 2**filho.falhas_seguidas, self.espera_maxima)

    def verificar(self) -> None:
        """One pass: notice children that exited, restart those whose back-off is over."""
        agora = time.monotonic()
        for filho in self.filhos:
            if self.parando.is_set():
                return
            if filho.reiniciar_em is not None:
                if agora >= filho.reiniciar_em:
                    filho.reinicios += 1
                    self.iniciar(filho)
                    self.dizer(f"{filho.nome} reiniciado (pid {filho.pid}).")
                continue
            if filho.processo is None or filho.processo.poll() is None:
                continue
            codigo = filho.processo.returncode
            # Whatever it forked (a pool process) must not outlive it: it could
            # hold the serial port or consume the queue.
            _sinalizar_grupo(filho.processo.pid, signal.SIGKILL)
            durou = agora - filho.iniciado_em
            if durou >= self.estavel_apos:
                filho.falhas_seguidas = 0
            espera = self.espera(filho)
            filho.falhas_seguidas += 1
            filho.reiniciar_em = agora + espera
            como = f"sinal {-codigo}" if codigo < 0 else f"código {codigo}"
            onde = f" Log: {filho.log}." if filho.log else ""
            self.dizer(
                f"{filho.nome} terminou sozinho ({como}, após {durou:.0f} s); "
                f"reiniciando em {_segundos(espera)} (reinício nº {filho.reinicios + 1}).{onde}"
            )
            for linha in _ultimas_linhas(filho.log, 3):
                self.dizer(f"  {filho.nome}| {linha}")

    def rodar(self, intervalo: float = 0.2) -> None:
        """Watch until :meth:`parar` is called (from a signal handler or another thread)."""
        while not self.parando.wait(intervalo):
            self.verificar()
        self.parar_todos()

    # --- stopping ---------------------------------------------------------

    def parar(self) -> None:
        self.parando.set()

    def parar_todos(self) -> None:
        self.parando.set()
        if self._parado:
            return
        self._parado = True
        for ordem in sorted({f.ordem_parada for f in self.filhos}):
            grupo = [f for f in self.filhos if f.ordem_parada == ordem and f.processo]
            # SIGTERM to the leader only: a Celery worker then does a warm shutdown
            # (its pool finishes the task at hand); signalling the whole group
            # would kill the pool mid-send.
            for filho in grupo:
                if filho.processo.poll() is None:
                    filho.processo.send_signal(signal.SIGTERM)
            limite = time.monotonic() + self.prazo_parada
            while time.monotonic() < limite and any(f.processo.poll() is None for f in grupo):
                time.sleep(0.1)
            for filho in grupo:
                if filho.processo.poll() is None:
                    self.dizer(f"{filho.nome} não parou em {self.prazo_parada:.0f} s; forçando.")
                # Whatever is left of its group (orphaned pool processes) goes too.
                _sinalizar_grupo(filho.processo.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    filho.processo.wait(timeout=5)


def _segundos(valor: float) -> str:
    return f"{valor:g} s"


def _sinalizar_grupo(pgid: int, sinal: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sinal)


def _ultimas_linhas(caminho: Path | None, n: int) -> list[str]:
    if caminho is None or not caminho.exists():
        return []
    with open(caminho, "rb") as arquivo:
        arquivo.seek(max(caminho.stat().st_size - 4096, 0))
        linhas = arquivo.read().decode(errors="replace").splitlines()
    return [linha for linha in linhas if linha.strip()][-n:]


# --- the product -----------------------------------------------------------


def preparar_broker(url: str) -> int:
    """Embedded broker (kombu's SQLAlchemy transport on SQLite): WAL, and drop delivered rows.

    Kombu marks a delivered message visible=0 and never deletes it; with no
    consumer running yet, those rows are dead. Returns how many were deleted.
    """
    prefixo = "sqla+sqlite:///"
    if not url.startswith(prefixo):
        return 0
    caminho = Path(url[len(prefixo) :])
    caminho.parent.mkdir(parents=True, exist_ok=True)
    conexao = sqlite3.connect(caminho, timeout=30)
    try:
        conexao.execute("PRAGMA journal_mode=WAL")
        existe = conexao.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kombu_message'"
        ).fetchone()
        if not existe:
            return 0
        with conexao:
            return conexao.execute("DELETE FROM kombu_message WHERE visible = 0").rowcount
    finally:
        conexao.close()


def logins_demo() -> list[tuple[str, str]]:
    """(username, password) of every demo user, read from the demo data that creates them."""
    from atendimento.demo import TECNICOS
    from cadastro.demo import USUARIOS

    logins = [(nome, dados[4]) for nome, dados in USUARIOS.items()]
    logins += [(nome, dados[3]) for nome, dados in TECNICOS.items()]
    return logins


def banner(porta: int | str, var: Path) -> str:
    from portal.demo import EMAIL, SENHA

    usuarios = "\n".join(f"    {nome:<12} {senha}" for nome, senha in logins_demo())
    try:
        base = var.relative_to(RAIZ)
    except ValueError:
        base = var
    log, enviados, correio = base / "log", base / "modem" / "enviados.log", base / "mail"
    entrada = base / "modem" / "entrada"
    return (
        f"\n  Atendimento ao Público em http://127.0.0.1:{porta}/\n"
        f"  Para o cidadão (sem login): relatar um vazamento em http://127.0.0.1:{porta}/relatar/"
        f" e acompanhar um protocolo em http://127.0.0.1:{porta}/acompanhar/\n"
        f"  Usuários de demonstração (usuário, senha):\n{usuarios}\n"
        f"  Portal do cliente (Fale conosco) em http://127.0.0.1:{porta}/portal/"
        f" — conta de demonstração: {EMAIL}, senha {SENHA}\n"
        f"  A central que responde ao portal (equipe):"
        f" http://127.0.0.1:{porta}/atendimento/central/\n"
        f"  Logs do emulador, dos workers e do beat em {log}/. Ctrl-C encerra tudo.\n"
        f"  SMS enviados pelo modem emulado: tail -f {enviados}\n"
        f"  {_linha_email(correio)}\n"
        "  Um SMS de um cidadão para o modem emulado (a resposta sai no log de SMS enviados):\n"
        "    .venv/bin/python manage.py sms_simular --de +5581999990001 "
        f'--entrada {entrada} "protocolo 20261000000001"\n'
    )


def _linha_email(correio: Path) -> str:
    """Where sent e-mail goes: files under var/mail/ unless EMAIL_URL says otherwise."""
    from django.conf import settings

    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        return f"E-mails enviados (arquivos, um por conexão): ls {correio}/"
    return f"E-mails enviados por {settings.EMAIL_BACKEND} (EMAIL_URL)."


def filhos_do_produto(*, porta: int | str, var: Path, python: str = sys.executable) -> list[Filho]:
    bin_ = Path(python).parent
    celery = [str(bin_ / "celery"), "-A", "gsan"]
    log = var / "log"
    modem = var / "modem"
    link = modem / "ttyEMU0"
    # Workers: no gossip, mingle or heartbeat (they only poll the embedded broker).
    calmo = ["--without-gossip", "--without-mingle", "--without-heartbeat"]

    def registrar_modem(filho: Filho) -> None:
        # The emulator's pseudo-terminal appears at the link; register it as the demo modem.
        limite = time.monotonic() + 30
        while not link.exists() and time.monotonic() < limite and filho.processo.poll() is None:
            time.sleep(0.1)
        subprocess.run(
            [
                python,
                "manage.py",
                "modem",
                "add",
                "--name",
                "emulador",
                "--device",
                str(link),
                "--interval",
                "7",
            ],
            cwd=RAIZ,
            stdout=subprocess.DEVNULL,
            check=False,
        )

    # SMS: an emulated GSM modem on a pseudo-terminal (7 s per message, like a
    # real one) and ONE worker with concurrency 1 for its queue: a single process
    # owns the serial port. Sent SMS land in var/modem/enviados.log.
    return [
        Filho(
            "emulador",
            [
                python,
                "manage.py",
                "modem_emulador",
                "--latencia",
                "7",
                "--link",
                str(link),
                "--log",
                str(modem / "enviados.log"),
            ],
            log=log / "modem-emulador.log",
            ordem_parada=2,
            apos_iniciar=registrar_modem,
        ),
        Filho(
            "worker-modem",
            [
                *celery,
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--queues=modem.emulador",
                "--hostname=modem-emulador@%h",
                *calmo,
            ],
            log=log / "worker-modem.log",
            ordem_parada=1,
        ),
        # The default worker also sends e-mail (queue "email": never behind a modem).
        Filho(
            "worker",
            [
                *celery,
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--queues=celery,email",
                *calmo,
            ],
            log=log / "worker.log",
            ordem_parada=1,
        ),
        Filho(
            "beat",
            [*celery, "beat", "--loglevel=INFO", f"--schedule={var / 'celerybeat-schedule'}"],
            log=log / "beat.log",
            ordem_parada=0,
        ),
        # The web server's requests show in the terminal, as with plain runserver.
        Filho(
            "web",
            [python, "manage.py", "runserver", f"127.0.0.1:{porta}", "--noreload"],
            ordem_parada=0,
        ),
    ]


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gsan.settings.local")
    import django

    django.setup()
    from django.conf import settings

    porta = os.environ.get("PORT", "8000")
    var = Path(settings.VAR_DIR)
    (var / "log").mkdir(parents=True, exist_ok=True)
    (var / "modem").mkdir(parents=True, exist_ok=True)
    preparar_broker(settings.CELERY_BROKER_URL)

    supervisor = Supervisor(filhos_do_produto(porta=porta, var=var))

    def ao_sinal(signum, frame):
        if not supervisor.parando.is_set():
            print("\nParando os processos…", file=sys.stderr, flush=True)
        supervisor.parar()

    signal.signal(signal.SIGINT, ao_sinal)
    signal.signal(signal.SIGTERM, ao_sinal)
    try:
        supervisor.iniciar_todos()
        if not supervisor.parando.is_set():
            print(banner(porta, var), flush=True)
        supervisor.rodar()
    finally:
        supervisor.parar_todos()
    return 0


if __name__ == "__main__":
    sys.exit(main())
