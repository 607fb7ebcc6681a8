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
decoded text, encoding, parts, mode, references, concatenation headers).

The network side:

* *Delivery reports.* For every part sent with TP-SRR (PDU first octet, or the
  text-mode ``AT+CSMP`` first octet), ``atraso_relatorio`` seconds after its
  ``+CMGS`` the emulator produces an SMS-STATUS-REPORT: ``+CDS`` with the PDU
  when ``AT+CNMI`` asked for ``ds=1``, stored in ``SR`` and announced by
  ``+CDSI`` for ``ds=2``. The status comes from ``entregas`` per destination:
  ``entregue`` (``entrega_padrao`` by default), ``naoentregue:0x41`` (any TP-ST),
  or ``sem-relatorio``. :meth:`relatorio_injetar` produces one for any reference.
* *Inbound SMS.* :meth:`receber_sms` stores SMS-DELIVER PDUs (concatenated when
  long) in the receive memory and announces each with ``+CMTI``; ``AT+CPMS``,
  ``AT+CMGR``, ``AT+CMGL`` and ``AT+CMGD`` work on the stored messages.
  ``pasta_entrada`` is a spool directory polled for JSON requests (written by
  ``manage.py sms_simular``), so a person can text the running emulator.

Unsolicited result codes are held while a command is in progress (``AT+CNMI``
mode 2 buffering) and written between commands.
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

from .pdu import (
    PduInvalida,
    codificar_deliver,
    codificar_status_report,
    decodificar_submit,
    dividir_texto,
)

log = logging.getLogger(__name__)

CTRLZ, ESC = 0x1A, 0x1B
COMANDOS_CLAC = [
    "+CGMI", "+CGMM", "+CGMR", "+CGSN", "+CIMI", "+CPIN", "+CSQ", "+CREG", "+COPS",
    "+CMGF", "+CSCS", "+CSCA", "+CSMP", "+CPMS", "+CNMI", "+CMGS", "+CMEE", "+CFUN",
    "+CLIP", "+CRC", "+CVHU", "+CLAC", "+CMGR", "+CMGL", "+CMGD",
]  # fmt: skip
MEMORIAS = ("ME", "SM", "SR")
CAPACIDADE_MEMORIA = 50


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
        entregas: dict[str, str] | None = None,
        atraso_relatorio: float = 1.0,
        pasta_entrada: str | os.PathLike | None = None,
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
        self._partes: dict[tuple[str, int], dict] = {}
        self.entregas: dict[str, str] = dict(entregas or {})
        self.entrega_padrao = "entregue"  # for a destination without its own rule
        # AT+CNMI <ds> values accepted: 1 = +CDS with the PDU, 2 = stored, +CDSI.
        self.ds_aceitos = {0, 1, 2}
        self.atraso_relatorio = atraso_relatorio
        self.pasta_entrada = Path(pasta_entrada) if pasta_entrada else None
        # index -> {"pdu", "stat"}: 0 received unread, 1 received read (27.005 §3.1)
        self.memorias: dict[str, dict[int, dict]] = {m: {} for m in MEMORIAS}
        self.apagados: list[dict] = []  # every AT+CMGD, for tests
        self.ao_apagar = None  # callable(registro) run before a stored SMS is deleted
        self._ref_concatenacao = 0
        self._urcs: list[str] = []
        self._ocupado = False
        self._timers: list[threading.Timer] = []
        self._reiniciar_estado()

    # --- lifecycle -------------------------------------------------------
    def _reiniciar_estado(self):
        self._eco = True
        self._modo_texto = False
        self._cscs = "IRA"
        self._buffer = bytearray()
        self._aguardando: dict | None = None  # set while the "> " prompt is open
        self._cnmi = (0, 0, 0, 0, 0)  # mode, mt, bm, ds, bfr: no notifications until set
        self._csmp_primeiro = 17  # text-mode first octet (AT+CSMP): 49 asks for reports
        self._cpms = ["ME", "ME", "ME"]  # read/delete, write/send, receive

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

    def ocioso(self) -> bool:
        """No report waiting to be produced, announced or read (tests wait for this)."""
        with self._trava:
            return (
                not any(t.is_alive() for t in self._timers)
                and not self._urcs
                and not self.memorias["SR"]
            )

    def parar(self) -> None:
        self._parar.set()
        for timer in self._timers:
            timer.cancel()
        if self._thread:
            self._thread.join(timeout=5)
        self.desconectar()

    def rodar(self) -> None:
        """Blocking loop (management command)."""
        self.conectar()
        self._laco()

    # --- I/O ---------------------------------------------------------------
    def _laco(self):
        proxima_leitura = 0.0
        while not self._parar.is_set():
            if self.pasta_entrada is not None and time.monotonic() >= proxima_leitura:
                proxima_leitura = time.monotonic() + 0.5
                self._ler_pasta_entrada()
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
                with self._trava:
                    self._receber(dados)

    def _escrever(self, texto: str) -> None:
        with self._trava:
            mestre = self._mestre
            if mestre is None:
                return
            with contextlib.suppress(OSError):
                os.write(mestre, texto.encode())

    def _urc(self, texto: str) -> None:
        """An unsolicited result code: now if the line is free, else after the command."""
        with self._trava:
            if self._ocupado or self.travado:
                self._urcs.append(texto)
            else:
                self._escrever(f"\r\n{texto}\r\n")

    def _liberar_urcs(self) -> None:
        with self._trava:
            self._ocupado = False
            if self.travado:
                return
            pendentes, self._urcs = self._urcs, []
            for texto in pendentes:
                self._escrever(f"\r\n{texto}\r\n")

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
                    self._liberar_urcs()
                elif byte == ESC:
                    self._buffer.clear()
                    self._aguardando = None
                    self._responder()
                    self._liberar_urcs()
                else:
                    self._buffer.append(byte)
                continue
            if byte in (0x0D, 0x0A):
                linha = self._buffer.decode("utf-8", "replace").strip()
                self._buffer.clear()
                if linha:
                    self._ocupado = True
                    if self._eco:
                        self._escrever(linha + "\r")
                    self._comando(linha)
                    if self._aguardando is None:
                        self._liberar_urcs()
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
            "AT+CMGL=?": ["+CMGL: (0-4)"],
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
        if m := re.fullmatch(r"AT\+CNMI=([\d,]*)", cmd):
            valores = [int(v) if v else 0 for v in m.group(1).split(",")]
            valores = tuple((valores + [0] * 5)[:5])
            if valores[3] not in self.ds_aceitos:
                return self._responder(final="+CMS ERROR: 303")
            self._cnmi = valores
            return self._responder()
        if cmd == "AT+CNMI?":
            return self._responder("+CNMI: " + ",".join(map(str, self._cnmi)))
        if m := re.fullmatch(r"AT\+CSMP=(\d+)(,.*)?", cmd):
            self._csmp_primeiro = int(m.group(1))
            return self._responder()
        if cmd.startswith("AT+CPMS"):
            return self._cpms_comando(cmd)
        if m := re.fullmatch(r"AT\+CMGR=(\d+)", cmd):
            return self._cmgr(int(m.group(1)))
        if m := re.fullmatch(r"AT\+CMGL(?:=(\d+))?", cmd):
            return self._cmgl(int(m.group(1) or 0))
        if m := re.fullmatch(r"AT\+CMGD=(\d+)(?:,(\d))?", cmd):
            return self._cmgd(int(m.group(1)), int(m.group(2) or 0))
        if re.fullmatch(r"AT\+(CMEE|CNMI|CSMP|CPMS|CLIP|CRC|CVHU|COPS|CSCA)=.*", cmd):
            return self._responder()
        if re.fullmatch(r"AT\+\w+=\?", cmd) and cmd[3:-2] in COMANDOS_CLAC:
            return self._responder()
        return self._responder(final="ERROR")

    # --- message storage (27.005 §3.1, §3.4) ---------------------------------
    def _uso(self, memoria: str) -> str:
        return f"{len(self.memorias[memoria])},{CAPACIDADE_MEMORIA}"

    def _cpms_comando(self, cmd: str) -> None:
        if cmd == "AT+CPMS?":
            partes = [f'"{m}",{self._uso(m)}' for m in self._cpms]
            return self._responder("+CPMS: " + ",".join(partes))
        nomes = re.findall(r'"(\w+)"', cmd)
        if not nomes or any(n not in MEMORIAS for n in nomes) or "SR" in nomes[1:]:
            return self._responder(final="+CMS ERROR: 302")
        for i, nome in enumerate(nomes[:3]):
            self._cpms[i] = nome
        return self._responder("+CPMS: " + ",".join(self._uso(m) for m in self._cpms))

    def _guardar(self, memoria: str, pdu: str) -> int | None:
        guardadas = self.memorias[memoria]
        livre = next((i for i in range(CAPACIDADE_MEMORIA) if i not in guardadas), None)
        if livre is not None:
            guardadas[livre] = {"pdu": pdu, "stat": 0}
        return livre

    def _cmgr(self, indice: int) -> None:
        guardada = self.memorias[self._cpms[0]].get(indice)
        if guardada is None:
            return self._responder(final="+CMS ERROR: 321")
        if self._modo_texto:
            return self._responder(final="+CMS ERROR: 302")  # the sender reads in PDU mode
        stat, guardada["stat"] = guardada["stat"], 1
        return self._responder(f"+CMGR: {stat},,{_tamanho_tpdu(guardada['pdu'])}", guardada["pdu"])

    def _cmgl(self, estado: int) -> None:
        if self._modo_texto:
            return self._responder(final="+CMS ERROR: 302")
        linhas = []
        for indice, guardada in sorted(self.memorias[self._cpms[0]].items()):
            if estado == 4 or guardada["stat"] == estado:
                tamanho = _tamanho_tpdu(guardada["pdu"])
                linhas += [f"+CMGL: {indice},{guardada['stat']},,{tamanho}", guardada["pdu"]]
                guardada["stat"] = 1 if guardada["stat"] == 0 else guardada["stat"]
        return self._responder(*linhas)

    def _cmgd(self, indice: int, bandeira: int) -> None:
        memoria = self.memorias[self._cpms[0]]
        if bandeira:
            alvos = [i for i, g in memoria.items() if bandeira == 4 or g["stat"] == 1]
        elif indice in memoria:
            alvos = [indice]
        else:
            return self._responder(final="+CMS ERROR: 321")
        for i in alvos:
            registro = {"memoria": self._cpms[0], "indice": i, "pdu": memoria[i]["pdu"]}
            if self.ao_apagar is not None:
                try:
                    self.ao_apagar(registro)
                except Exception:
                    log.exception("ao_apagar falhou")
            del memoria[i]
            self.apagados.append(registro)
        return self._responder()

    # --- the network: inbound SMS and delivery reports -----------------------
    def receber_sms(
        self,
        remetente: str,
        texto: str,
        *,
        ucs2: bool = False,
        partes: int | list[str] | None = None,
        omitir: set[int] | frozenset = frozenset(),
        quando: datetime.datetime | None = None,
        avisar: bool = True,
    ) -> list[int]:
        """A citizen texts the modem: store the SMS-DELIVER PDU(s) and announce each one.

        ``partes``: the parts' texts, or how many parts to cut ``texto`` into
        (default: as the network would, 153 septets / 67 UCS-2 characters);
        ``omitir``: sequence numbers (1-based) that never arrive. Returns the
        storage indexes. ``avisar=False``: stored without ``+CMTI`` (a lost notification).
        """
        if isinstance(partes, int):
            tamanho = -(-len(texto) // partes) if texto else 0
            pedacos = [texto[i * tamanho : (i + 1) * tamanho] for i in range(partes)]
        elif partes is not None:
            pedacos = list(partes)
        else:
            pedacos = dividir_texto(texto, ucs2=ucs2)
        quando = quando or datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        self._ref_concatenacao = (self._ref_concatenacao + 1) % 256
        pdus = []
        for seq, pedaco in enumerate(pedacos, start=1):
            if seq in omitir:
                continue
            concatenacao = (self._ref_concatenacao, len(pedacos), seq) if len(pedacos) > 1 else None
            pdus.append(
                codificar_deliver(
                    remetente, pedaco, ucs2=ucs2, quando=quando, concatenacao=concatenacao
                )
            )
        return self.receber_pdus(pdus, avisar=avisar)

    def receber_pdus(self, pdus: list[str], *, avisar: bool = True) -> list[int]:
        indices = []
        with self._trava:
            memoria = self._cpms[2]
            for pdu in pdus:
                indice = self._guardar(memoria, pdu)
                if indice is None:
                    log.warning("Memória %s cheia: SMS recebido descartado", memoria)
                    continue
                indices.append(indice)
                if avisar and self._cnmi[1] in (1, 2, 3):
                    self._urc(f'+CMTI: "{memoria}",{indice}')
        return indices

    def relatorio_injetar(
        self,
        referencia: int,
        destino: str,
        status: int = 0,
        *,
        enviada_em: datetime.datetime | None = None,
    ) -> None:
        """The network reports on a reference (known to the sender or not)."""
        agora = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        pdu, tamanho = codificar_status_report(
            referencia, destino, status, enviada_em=enviada_em or agora, entregue_em=agora
        )
        with self._trava:
            ds = self._cnmi[3]
            if ds == 1:
                self._urc(f"+CDS: {tamanho}\r\n{pdu}")
            elif ds == 2:
                indice = self._guardar("SR", pdu)
                if indice is not None:
                    self._urc(f'+CDSI: "SR",{indice}')

    def _agendar_relatorio(self, numero: str, referencia: int) -> None:
        regra = self.entregas.get(numero, self.entrega_padrao)
        if regra == "sem-relatorio":
            return
        status = 0
        if ":" in regra:
            status = int(regra.split(":", 1)[1], 0)
        enviada_em = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        timer = threading.Timer(
            self.atraso_relatorio,
            self.relatorio_injetar,
            args=(referencia, numero, status),
            kwargs={"enviada_em": enviada_em},
        )
        timer.daemon = True
        self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    def _ler_pasta_entrada(self) -> None:
        """Requests dropped by ``manage.py sms_simular``: one JSON file per SMS."""
        try:
            arquivos = sorted(self.pasta_entrada.glob("*.json"))
        except OSError:
            return
        for arquivo in arquivos:
            try:
                pedido = json.loads(arquivo.read_text(encoding="utf-8"))
                arquivo.unlink()
            except (OSError, ValueError):
                log.warning("Pedido ilegível em %s", arquivo)
                with contextlib.suppress(OSError):
                    arquivo.rename(arquivo.with_suffix(".invalido"))
                continue
            self.receber_sms(
                str(pedido.get("de", "")),
                str(pedido.get("texto", "")),
                ucs2=bool(pedido.get("ucs2")),
            )
            log.info("SMS recebido de %s", pedido.get("de"))

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
                relatorio = bool(self._csmp_primeiro & 0x20)
            else:
                submit = decodificar_submit(corpo.decode("ascii", "replace"))
                if submit.tamanho_tpdu != pedido["tamanho"]:
                    raise PduInvalida("tamanho da TPDU diferente do informado no AT+CMGS")
                numero, texto = submit.numero, submit.texto
                codificacao, concatenacao = submit.codificacao, submit.concatenacao
                relatorio = submit.relatorio
        except (PduInvalida, ValueError):
            log.warning("PDU inválida recebida: %r", corpo[:200])
            return self._responder_tarde(pedido["inicio"], "\r\n+CMS ERROR: 304\r\n")
        falha = pedido["falha"] or (self.regras.get(numero) if modo == "pdu" else None)
        if falha in ("hang", "travar"):
            self._registrar(numero, texto, codificacao, modo, [], travou=True)
            self.travado = falha == "travar"
            return
        if falha and falha.startswith("cms:"):
            return self._responder_tarde(pedido["inicio"], f"\r\n+CMS ERROR: {falha[4:]}\r\n")
        mr = self._mr
        self._mr = (self._mr + 1) % 256
        self._responder_tarde(pedido["inicio"], f"\r\n+CMGS: {mr}\r\n\r\nOK\r\n")
        if relatorio:
            self._agendar_relatorio(numero, mr)
        parte = {"texto": texto, "referencia": mr, "relatorio": relatorio}
        if concatenacao:
            ref, total, seq = concatenacao
            partes = self._partes.setdefault((numero, ref), {})
            partes[seq] = {**parte, "udh": list(concatenacao)}
            if len(partes) < total:
                return
            del self._partes[(numero, ref)]
            ordenadas = [partes[i] for i in sorted(partes)]
            self._registrar(
                numero, "".join(p["texto"] for p in ordenadas), codificacao, modo, ordenadas
            )
        else:
            self._registrar(numero, texto, codificacao, modo, [parte])

    def _registrar(self, numero, texto, codificacao, modo, partes, travou=False) -> None:
        registro = {
            "quando": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "numero": numero,
            "texto": texto,
            "codificacao": codificacao,
            "modo": modo,
            "partes": max(len(partes), 1),
            "referencia": partes[-1]["referencia"] if partes else None,
            "referencias": [p["referencia"] for p in partes],
            "udh": [p["udh"] for p in partes if "udh" in p],
            "relatorio": any(p["relatorio"] for p in partes),
        }
        if travou:
            registro["travou"] = True
        else:
            self.enviados += 1
        self.log_enviados.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_enviados, "a", encoding="utf-8") as arquivo:
            arquivo.write(json.dumps(registro, ensure_ascii=False) + "\n")


def _tamanho_tpdu(pdu: str) -> int:
    return len(pdu) // 2 - int(pdu[:2], 16) - 1


def ler_log(caminho: str | os.PathLike) -> list[dict]:
    """Parse the emulator's log of sent SMS (hung sends are included, flagged ``travou``)."""
    try:
        with open(caminho, encoding="utf-8") as arquivo:
            return [json.loads(linha) for linha in arquivo if linha.strip()]
    except FileNotFoundError:
        return []
