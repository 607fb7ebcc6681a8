"""A real SMTP server on loopback (aiosmtpd in a thread) for e-mail tests and benchmarks.

    servidor = ServidorSmtp().iniciar()      # or the pytest fixture ``servidor_smtp``
    servidor.url                             # "smtp://127.0.0.1:PORT" for EMAIL_URL
    servidor.mensagens                       # what it accepted (Recebida, in order)
    servidor.responder("451 4.3.0 Tente mais tarde", vezes=2)      # next DATA replies
    servidor.responder("550 5.1.1 Caixa inexistente", fase="rcpt")  # next RCPT replies
    servidor.recusar("x@exemplo.com", "550 5.1.1 Caixa inexistente")  # always, for one address
    servidor.cair_apos_dados(vezes=1)        # read the text, then hang up without answering
    servidor.parar(); servidor.iniciar()     # down (connection refused), then back on the same port

Replies are plain SMTP lines ("250 …", "4xx …", "5xx …"), as a real server sends them.
"""

import contextlib
import email
import email.policy
import logging
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO: far too much for a test run or a benchmark.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class Recebida:
    """One message the server accepted (answered 250 to its text)."""

    remetente: str
    destinos: list[str]
    dados: bytes
    mensagem: email.message.EmailMessage = field(repr=False)

    @property
    def assunto(self) -> str:
        return str(self.mensagem["Subject"] or "")

    @property
    def message_id(self) -> str:
        return str(self.mensagem["Message-ID"] or "")

    def corpo(self, tipo: str = "plain") -> str:
        parte = self.mensagem.get_body(preferencelist=(tipo,))
        return parte.get_content() if parte is not None else ""


def porta_livre() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Manipulador:
    def __init__(self, servidor: "ServidorSmtp"):
        self.servidor = servidor

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        resposta = self.servidor._proxima("rcpt") or self.servidor.recusados.get(address.lower())
        if resposta:
            return resposta
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        servidor = self.servidor
        with servidor._trava:
            servidor.textos_recebidos += 1
        if servidor._proxima("cair"):
            # The text arrived whole; the answer never leaves: the client cannot know.
            server.transport.abort()
            return "250 OK"
        resposta = servidor._proxima("data")
        if resposta:
            return resposta
        dados = envelope.original_content or envelope.content
        mensagem = email.message_from_bytes(dados, policy=email.policy.default)
        with servidor._trava:
            servidor.mensagens.append(
                Recebida(envelope.mail_from, list(envelope.rcpt_tos), dados, mensagem)
            )
        return "250 2.0.0 Mensagem aceita"


class ServidorSmtp:
    def __init__(self, porta: int | None = None):
        self.porta = porta or porta_livre()
        self.mensagens: list[Recebida] = []
        self.recusados: dict[str, str] = {}
        # Every DATA that arrived whole, accepted or not (to count what the clients sent).
        self.textos_recebidos = 0
        self._roteiro: dict[str, list[str]] = {"rcpt": [], "data": [], "cair": []}
        self._trava = threading.Lock()
        self._controlador: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.porta}"

    @property
    def no_ar(self) -> bool:
        return self._controlador is not None

    def iniciar(self) -> "ServidorSmtp":
        if self._controlador is None:
            controlador = Controller(_Manipulador(self), hostname="127.0.0.1", port=self.porta)
            controlador.start()
            self._controlador = controlador
        return self

    def parar(self) -> None:
        controlador, self._controlador = self._controlador, None
        if controlador is not None:
            controlador.stop()

    def limpar(self) -> None:
        """Forget what was received and every scripted reply (between tests)."""
        with self._trava:
            self.mensagens.clear()
            self.recusados.clear()
            self.textos_recebidos = 0
            for lista in self._roteiro.values():
                lista.clear()

    def responder(self, resposta: str, *, vezes: int = 1, fase: str = "data") -> None:
        """Answer the next ``vezes`` DATA (or RCPT) commands with ``resposta``."""
        with self._trava:
            self._roteiro[fase].extend([resposta] * vezes)

    def recusar(self, endereco: str, resposta: str = "550 5.1.1 Caixa postal inexistente"):
        """Refuse one recipient address, every time."""
        self.recusados[endereco.lower()] = resposta

    def cair_apos_dados(self, *, vezes: int = 1) -> None:
        """Read the whole text of the next ``vezes`` messages, then drop the connection."""
        with self._trava:
            self._roteiro["cair"].extend(["x"] * vezes)

    def para(self, endereco: str) -> list[Recebida]:
        return [m for m in self.mensagens if endereco in m.destinos]

    def _proxima(self, fase: str) -> str | None:
        with self._trava:
            lista = self._roteiro[fase]
            return lista.pop(0) if lista else None

    def __enter__(self):
        return self.iniciar()

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            self.parar()
