"""A GSM modem emulator on a pseudo-terminal.

It speaks the AT commands python-gsmmodem-new sends on connect and on send
(text and PDU mode), answers ``+CMGS: <mr>`` after a configurable latency, and
injects faults: ``cms:N`` (+CMS ERROR after the text), ``cms-prompt:N`` (error
instead of the ``> `` prompt), ``hang`` (no answer after the text), ``hang-prompt``
(no prompt), ``desconectar`` (the device disappears at AT+CMGS). Faults come
from a one-shot list (``falhas``) or per destination number (``regras``). With
``travar_apos`` N, after N messages sent the next one takes the text and the
modem goes silent: no answer to anything (not even ``AT``) until ``travado`` is
cleared.

Every SMS it "sends" is appended as one JSON line to ``log`` (time, number,
decoded text, encoding, parts, mode, reference).
"""

import contextlib
import datetime
import json
import logging
import os
import re
import select
import threading
import time
import tty
from pathlib import Path

from .pdu import PduInvalida, decodificar_submit

log = logging.getLogger(__name__)

CTRLZ, ESC = 0x1A, 0x1B
COMANDOS_CLAC = [
    "+CGMI", "+CGMM", "+CGMR", "+CGSN", "+CIMI", "+CPIN", "+CSQ", "+CREG", "+COPS",
    "+CMGF", "+CSCS", "+CSCA", "+CSMP", "+CPMS", "+CNMI", "+CMGS", "+CMEE", "+CFUN",
    "+CLIP", "+CRC", "+CVHU", "+CLAC",
]  # fmt: skip


class EmuladorModem:
    def __init__(
        self,
        link: str | os.PathLike,
        *,
        log_enviados: str | os.PathLike,
        latencia: float = 7.0,
        falhas: list[str] | None = None,
        regras: dict[str, str] | None = None,
        com_clac: bool = True,
        operadora: str = "EMULADOR GSAN",
        sinal: int = 21,
        travar_apos: int | None = None,
    ):
        self.link = Path(link)
        self.log_enviados = Path(log_enviados)
        self.latencia = latencia
        self.falhas: list[str] = list(falhas or [])
        self.regras: dict[str, str] = dict(regras or {})
        self.com_clac = com_clac
        self.operadora = operadora
        self.sinal = sinal
        self.travar_apos = travar_apos
        self.travado = False
        self.enviados = 0
        self.sim = "READY"
        self.registro = 1
        self.recebidos: list[str] = []  # every command line, for tests
        self._trava = threading.RLock()
        self._mestre: int | None = None
        self._escravo: int | None = None
        self._parar = threading.Event()
        self._thread: threading.Thread | None = None
        self._mr = 0
        self._partes: dict[tuple[str, int], dict[int, str]] = {}
        self._reiniciar_estado()

    # --- lifecycle -------------------------------------------------------
    def _reiniciar_estado(self):
        self._eco = True
        self._modo_texto = False
        self._cscs = "IRA"
        self._buffer = bytearray()
        self._aguardando: dict | None = None  # set while the "> " prompt is open

    @property
    def caminho_escravo(self) -> str | None:
        return os.ttyname(self._escravo) if self._escravo is not None else None

    def conectar(self) -> str:
        """Create the pty and point the stable symlink at it."""
        with self._trava:
            mestre, escravo = os.openpty()
            tty.setraw(escravo)
            # Keep our own slave fd open: otherwise the master reads EIO whenever
            # the sender closes the port to reconnect.
            self._mestre, self._escravo = mestre, escravo
            self._reiniciar_estado()
            self.link.parent.mkdir(parents=True, exist_ok=True)
            provisorio = self.link.with_name(self.link.name + ".novo")
            with contextlib.suppress(FileNotFoundError):
                provisorio.unlink()
            provisorio.symlink_to(os.ttyname(escravo))
            provisorio.replace(self.link)
            return os.ttyname(escravo)

    def desconectar(self) -> None:
        """The device disappears (modem unplugged): port closed, path gone."""
        with self._trava:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()
            for fd in (self._mestre, self._escravo):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._mestre = self._escravo = None

    def iniciar(self) -> "EmuladorModem":
        self.conectar()
        self._parar.clear()
        self._thread = threading.Thread(target=self._laco, name="emulador-modem", daemon=True)
        self._thread.start()
        return self

    def parar(self) -> None:
        self._parar.set()
        if self._thread:
            self._thread.join(timeout=5)
        self.desconectar()

    def rodar(self) -> None:
        """Blocking loop (management command)."""
        self.conectar()
        self._laco()

    # --- I/O ---------------------------------------------------------------
    def _laco(self):
        while not self._parar.is_set():
            mestre = self._mestre
            if mestre is None:
                time.sleep(0.05)
                continue
            try:
                prontos, _, _ = select.select([mestre], [], [], 0.1)
                if not prontos:
                    continue
                dados = os.read(mestre, 4096)
            except (OSError, ValueError):
                time.sleep(0.05)  # device unplugged or being replaced
                continue
            if dados:
                self._receber(dados)

    def _escrever(self, texto: str) -> None:
        mestre = self._mestre
        if mestre is None:
            return
        with contextlib.suppress(OSError):
            os.write(mestre, texto.encode())

    def _responder(self, *linhas: str, final: str = "OK") -> None:
        corpo = "".join(f"\r\n{linha}\r\n" for linha in linhas)
        self._escrever(corpo + f"\r\n{final}\r\n")

    def _receber(self, dados: bytes) -> None:
        if self.travado:
            return  # a hung modem: reads everything, answers nothing
        for byte in dados:
            if self._aguardando is not None:
                if byte == CTRLZ:
                    corpo = bytes(self._buffer)
                    self._buffer.clear()
                    pedido, self._aguardando = self._aguardando, None
                    self._concluir_envio(pedido, corpo)
                elif byte == ESC:
                    self._buffer.clear()
                    self._aguardando = None
                    self._responder()
                else:
                    self._buffer.append(byte)
                continue
            if byte in (0x0D, 0x0A):
                linha = self._buffer.decode("utf-8", "replace").strip()
                self._buffer.clear()
                if linha:
                    if self._eco:
                        self._escrever(linha + "\r")
                    self._comando(linha)
            else:
                self._buffer.append(byte)

    # --- faults ------------------------------------------------------------
    def _falha_para(self, numero: str | None) -> str | None:
        if numero and numero in self.regras:
            return self.regras[numero]
        if self.falhas:
            return self.falhas.pop(0)
        return None

    # --- commands ----------------------------------------------------------
    def _comando(self, linha: str) -> None:
        self.recebidos.append(linha)
        cmd = linha.upper()
        if cmd in ("AT", "ATZ", "AT&F"):
            if cmd != "AT":
                self._eco = True
            return self._responder()
        if cmd in ("ATE0", "ATE1"):
            self._eco = cmd == "ATE1"
            return self._responder()
        if cmd == "AT+CPIN?":
            return self._responder(f"+CPIN: {self.sim}")
        if self.sim != "READY" and cmd.startswith(("AT+CMGS", "AT+CIMI", "AT+COPS?")):
            return self._responder(final="+CMS ERROR: 311" if "CMGS" in cmd else "+CME ERROR: 11")
        respostas = {
            "AT+CFUN?": ["+CFUN: 1"],
            "AT+CGMI": ["GSAN"],
            "AT+CGMM": ["Emulador de modem GSM"],
            "AT+CGMR": ["1.0"],
            "AT+CGSN": ["356938035643809"],
            "AT+CIMI": ["724051234567890"],
            "AT+CSQ": [f"+CSQ: {self.sinal},99"],
            "AT+CREG?": [f"+CREG: 0,{self.registro}"],
            "AT+COPS?": [f'+COPS: 0,0,"{self.operadora}",0'],
            "AT+CSCA?": ['+CSCA: "+558199990000",145'],
            "AT+CMGF?": [f"+CMGF: {1 if self._modo_texto else 0}"],
            "AT+CSCS?": [f'+CSCS: "{self._cscs}"'],
            "AT+CSCS=?": ['+CSCS: ("IRA","GSM","UCS2")'],
            "AT+CPMS=?": ['+CPMS: ("ME","SM","SR"),("ME","SM"),("ME","SM")'],
            "AT+CMGF=?": ["+CMGF: (0,1)"],
        }
        if cmd in respostas:
            return self._responder(*respostas[cmd])
        if cmd == "AT+CLAC":
            if not self.com_clac:
                return self._responder(final="ERROR")
            return self._responder("+CLAC: " + ",".join(COMANDOS_CLAC))
        if m := re.fullmatch(r"AT\+CMGF=([01])", cmd):
            self._modo_texto = m.group(1) == "1"
            return self._responder()
        if m := re.fullmatch(r'AT\+CSCS="(IRA|GSM|UCS2)"', cmd):
            self._cscs = m.group(1)
            return self._responder()
        if cmd.startswith("AT+CMGS"):
            return self._cmgs(linha)
        if re.fullmatch(r"AT\+(CMEE|CNMI|CSMP|CPMS|CLIP|CRC|CVHU|COPS|CSCA)=.*", cmd):
            return self._responder()
        if re.fullmatch(r"AT\+\w+=\?", cmd) and cmd[3:-2] in COMANDOS_CLAC:
            return self._responder()
        return self._responder(final="ERROR")

    def _cmgs(self, linha: str) -> None:
        inicio = time.monotonic()
        if self._modo_texto:
            m = re.fullmatch(r'AT\+CMGS="([^"]+)"(,\d+)?', linha, re.IGNORECASE)
            if not m:
                return self._responder(final="+CMS ERROR: 302")
            numero, tamanho = m.group(1), None
        else:
            m = re.fullmatch(r"AT\+CMGS=(\d+)", linha, re.IGNORECASE)
            if not m:
                return self._responder(final="+CMS ERROR: 304")
            numero, tamanho = None, int(m.group(1))
        if self.travar_apos is not None and self.enviados >= self.travar_apos:
            falha = "travar"
        else:
            falha = self._falha_para(numero)
        if falha == "desconectar":
            self._responder_tarde(inicio, None)
            return self.desconectar()
        if falha == "hang-prompt":
            return
        if falha and falha.startswith("cms-prompt:"):
            return self._responder(final=f"+CMS ERROR: {falha.split(':')[1]}")
        self._aguardando = {"numero": numero, "tamanho": tamanho, "inicio": inicio, "falha": falha}
        self._escrever("\r\n> ")

    def _responder_tarde(self, inicio: float, final: str | None) -> None:
        espera = inicio + self.latencia - time.monotonic()
        if espera > 0:
            time.sleep(espera)
        if final is not None:
            self._escrever(final)

    def _concluir_envio(self, pedido: dict, corpo: bytes) -> None:
        modo = "texto" if pedido["numero"] else "pdu"
        try:
            if modo == "texto":
                numero = pedido["numero"]
                if self._cscs == "UCS2":
                    texto = bytes.fromhex(corpo.decode()).decode("utf-16-be")
                    codificacao = "ucs2"
                else:
                    texto, codificacao = corpo.decode("utf-8", "replace"), "texto"
                concatenacao = None
            else:
                submit = decodificar_submit(corpo.decode("ascii", "replace"))
                if submit.tamanho_tpdu != pedido["tamanho"]:
                    raise PduInvalida("tamanho da TPDU diferente do informado no AT+CMGS")
                numero, texto = submit.numero, submit.texto
                codificacao, concatenacao = submit.codificacao, submit.concatenacao
        except (PduInvalida, ValueError):
            log.warning("PDU inválida recebida: %r", corpo[:200])
            return self._responder_tarde(pedido["inicio"], "\r\n+CMS ERROR: 304\r\n")
        falha = pedido["falha"] or (self.regras.get(numero) if modo == "pdu" else None)
        if falha in ("hang", "travar"):
            self._registrar(numero, texto, codificacao, modo, None, 1, travou=True)
            self.travado = falha == "travar"
            return
        if falha and falha.startswith("cms:"):
            return self._responder_tarde(pedido["inicio"], f"\r\n+CMS ERROR: {falha[4:]}\r\n")
        mr = self._mr
        self._mr = (self._mr + 1) % 256
        self._responder_tarde(pedido["inicio"], f"\r\n+CMGS: {mr}\r\n\r\nOK\r\n")
        if concatenacao:
            ref, total, seq = concatenacao
            partes = self._partes.setdefault((numero, ref), {})
            partes[seq] = texto
            if len(partes) < total:
                return
            del self._partes[(numero, ref)]
            texto = "".join(partes[i] for i in sorted(partes))
            self._registrar(numero, texto, codificacao, modo, mr, total)
        else:
            self._registrar(numero, texto, codificacao, modo, mr, 1)

    def _registrar(self, numero, texto, codificacao, modo, mr, partes, travou=False) -> None:
        registro = {
            "quando": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "numero": numero,
            "texto": texto,
            "codificacao": codificacao,
            "modo": modo,
            "partes": partes,
            "referencia": mr,
        }
        if travou:
            registro["travou"] = True
        else:
            self.enviados += 1
        self.log_enviados.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_enviados, "a", encoding="utf-8") as arquivo:
            arquivo.write(json.dumps(registro, ensure_ascii=False) + "\n")


def ler_log(caminho: str | os.PathLike) -> list[dict]:
    """Parse the emulator's log of sent SMS (hung sends are included, flagged ``travou``)."""
    try:
        with open(caminho, encoding="utf-8") as arquivo:
            return [json.loads(linha) for linha in arquivo if linha.strip()]
    except FileNotFoundError:
        return []
