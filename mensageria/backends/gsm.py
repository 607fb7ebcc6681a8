"""GSM backend: python-gsmmodem-new over pyserial.

The same code drives a USB cable modem (/dev/ttyUSB0, /dev/ttyACM0) and a phone
bound over Bluetooth RFCOMM (/dev/rfcomm0): both are serial ports.

The port is opened once per worker process (module-level cache) and closed by
the worker's shutdown signals (see ``mensageria.tasks``). The AT+CMGS exchange
is ours rather than ``GsmModem.sendSms`` because the outcome depends on *when*
a failure happens: before the ``> `` prompt nothing reached the network (safe to
retry); after the text and Ctrl-Z were written the SMS may have left (incerta).

Every SMS asks for a delivery report (TP-SRR in the PDU; ``AT+CSMP=49`` in text
mode) and the modem is told (``AT+CNMI=2,1,0,2,0``, or ``2,1,0,1,0`` where ds=2 is
refused) to announce inbound SMS (``+CMTI``) and reports (``+CDSI``, stored, or
``+CDS`` with the PDU). How inbound traffic is read without ever interleaving with
a send:

* gsmmodem's reader thread only *notes* unsolicited codes (:class:`_Conexao`):
  a ``+CDS`` PDU is queued, a ``+CMTI``/``+CDSI`` marks its memory to be listed,
  and the event ``ha_entrada`` is set. It never writes to the port (gsmmodem's own
  handlers would send AT+CMGR from that thread, possibly between our AT+CMGS and
  its text, and would delete the SMS before we stored it).
* Codes that arrive inside a command's answer are picked out of it the same way.
* :meth:`GsmBackend.ler_entrada` does the reading, under the same lock as the
  sends: queued reports, then ``AT+CMGL=4`` on the marked memories (every memory
  on the periodic read). Each complete SMS is handed to the caller and deleted
  (``AT+CMGD``) only after the caller returned; the parts of a concatenated SMS
  stay on the SIM until all have arrived (or ``SMS_PARTES_ESPERA_SEGUNDOS``
  passed: then what arrived is handed over).
* Who calls it, so a ``+CMTI`` is answered promptly: a watcher thread per open
  port (:func:`_vigiar`, started with the connection) calls
  ``tratador_entrada(modem_id=…)`` as soon as the event is set, which covers an
  idle worker; a draining worker also checks :meth:`GsmBackend.ha_entrada`
  between two sends (``services.mensagens.modem_drenar``); and the health task,
  every minute, lists every memory so nothing stays behind.
"""

import datetime
import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable

import serial
from django.conf import settings
from gsmmodem.exceptions import (
    CmeError,
    CmsError,
    CommandError,
    GsmModemException,
    PinRequiredError,
    TimeoutException,
)
from gsmmodem.modem import GsmModem
from gsmmodem.pdu import TEXT_MODE, encodeSmsSubmitPdu

from ..pdu import Deliver, PduInvalida, RelatorioStatus, decodificar_recebida
from ..texto import GSM7
from . import BaseBackend, Envio, ErroEnvio, SmsEntrada, erro_cms

log = logging.getLogger(__name__)

CTRLZ = "\x1a"
PROMPT_TIMEOUT = 5
SONDA_TIMEOUT = 5  # the plain AT sent after a timeout, to tell a hung modem from a slow send

_conexoes: dict[str, GsmModem] = {}
_trava = threading.Lock()
_referencias: dict[str, int] = {}

_FALHAS_DISPOSITIVO = (serial.SerialException, OSError)
LEITURA_TIMEOUT = 20
TODAS = "*"  # in memorias_avisadas: list every memory
# Set by the modem's worker (mensageria.tasks): called by the watcher thread with the
# modem's id when the modem announces an inbound SMS or a delivery report; it returns
# None when no modem row has that id.
tratador_entrada: Callable[..., object] | None = None

_CMTI = re.compile(r'^\+(CMTI|CDSI):\s*"([^"]+)",\s*(\d+)')
_CMGL = re.compile(r"^\+CMGL:\s*(\d+),\s*(\d+)")


class _Conexao(GsmModem):
    """A GsmModem whose unsolicited result codes are only noted (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.relatorios_diretos: deque[str] = deque()  # +CDS PDUs
        self.memorias_avisadas: set[str] = set()  # memories named by +CMTI / +CDSI
        self.ha_entrada = threading.Event()
        self.modem_id: int | None = None
        self._anotacoes = threading.Lock()  # the reader thread notes, the worker takes
        self._cds_sem_pdu = False  # a +CDS line whose PDU comes in the next notification

    def _handleModemNotification(self, lines):
        self._anotar(list(lines))

    def _anotar(self, linhas: list[str]) -> list[str]:
        """Note the unsolicited codes in ``linhas``; return the other lines."""
        resto, anotou = [], False
        i = 0
        with self._anotacoes:
            if self._cds_sem_pdu and linhas:
                self._cds_sem_pdu = False
                self.relatorios_diretos.append(linhas[0].strip())
                i, anotou = 1, True
            while i < len(linhas):
                linha = linhas[i].strip()
                if m := _CMTI.match(linha):
                    self.memorias_avisadas.add(m.group(2))
                    anotou = True
                elif linha.startswith("+CDS:"):
                    if i + 1 < len(linhas):
                        self.relatorios_diretos.append(linhas[i + 1].strip())
                        i += 1
                    else:
                        self._cds_sem_pdu = True
                    anotou = True
                elif linha:
                    resto.append(linhas[i])
                i += 1
        if anotou:
            self.ha_entrada.set()
        elif resto and linhas is not None:
            log.debug("Notificação do modem ignorada: %s", resto)
        return resto

    def write(self, data, *args, **kwargs):
        resposta = super().write(data, *args, **kwargs)
        if isinstance(resposta, list) and any(
            linha.startswith(("+CMTI", "+CDS")) for linha in resposta
        ):
            return self._anotar(resposta)
        return resposta


def _vigiar(conexao: _Conexao) -> None:
    """Watcher thread of one open port: read inbound traffic as soon as it is announced."""
    from django.db import connections

    while conexao.alive:
        if not conexao.ha_entrada.wait(timeout=1):
            continue
        tratador = tratador_entrada
        if tratador is None:
            time.sleep(1)  # not a worker: the health task reads it
            continue
        try:
            if tratador(modem_id=conexao.modem_id) is None:
                # No modem row for this port any more (deleted, or registered again
                # under a new id that the next send sets): lower the flag rather than
                # query for it in a loop. The traffic stays on the SIM for the health
                # task, which lists every memory.
                conexao.ha_entrada.clear()
        except Exception:
            log.exception("Falha ao ler SMS recebidos/relatórios do modem %s", conexao.modem_id)
            time.sleep(1)
        finally:
            connections.close_all()  # this thread's own database connection


def fechar_todas() -> None:
    """Close every port this process opened (worker shutdown)."""
    with _trava:
        for dispositivo in list(_conexoes):
            _descartar(dispositivo)


def _descartar(dispositivo: str) -> None:
    conexao = _conexoes.pop(dispositivo, None)
    if conexao is None:
        return
    try:
        conexao.close()
    except Exception:  # the device may already be gone
        log.debug("Erro ao fechar %s", dispositivo, exc_info=True)


def _erro_comando(exc: Exception, *, etapa: str) -> ErroEnvio:
    if isinstance(exc, CmsError):
        return erro_cms(exc.code)
    if isinstance(exc, CmeError):
        return ErroEnvio(f"+CME ERROR: {exc.code} ({etapa})", classe="modem", codigo=exc.code)
    return ErroEnvio(f"O modem recusou o comando ({etapa}).", classe="temporario")


def _responde_ao_at(conexao: GsmModem) -> bool:
    """After a timeout: is the modem still there, or has it hung?"""
    try:
        conexao.write("AT", timeout=SONDA_TIMEOUT)
    except TimeoutException:
        return False
    except Exception:  # it answered, even if with an error
        return True
    return True


class GsmBackend(BaseBackend):
    def _conectar(self) -> "_Conexao":
        dispositivo = self.modem.dispositivo
        conexao = _conexoes.get(dispositivo)
        if conexao is not None and conexao.alive:
            conexao.modem_id = self.modem.pk  # the row may have been registered again
            return conexao
        _descartar(dispositivo)
        try:
            conexao = self._iniciar(dispositivo)
        except PinRequiredError as exc:
            raise ErroEnvio("O SIM pede PIN e nenhum foi configurado.", classe="modem") from exc
        except (CmeError, CmsError) as exc:
            raise _erro_comando(exc, etapa="inicialização") from exc
        except TimeoutException as exc:
            raise ErroEnvio(
                f"O modem em {dispositivo} não responde aos comandos AT.", classe="dispositivo"
            ) from exc
        except _FALHAS_DISPOSITIVO as exc:
            if "lock" in str(exc).lower():
                raise ErroEnvio(
                    f"A porta {dispositivo} está em uso por outro processo.", classe="ocupado"
                ) from exc
            raise ErroEnvio(
                f"Dispositivo {dispositivo} indisponível: {exc}", classe="dispositivo"
            ) from exc
        except GsmModemException as exc:
            raise ErroEnvio(f"Falha ao iniciar o modem: {exc}", classe="modem") from exc
        _conexoes[dispositivo] = conexao
        conexao.modem_id = self.modem.pk
        if tratador_entrada is not None and self.modem.pk is not None:
            threading.Thread(
                target=_vigiar, args=(conexao,), name="modem-vigia", daemon=True
            ).start()
        # Read what arrived while the port was closed.
        conexao.memorias_avisadas.add(TODAS)
        conexao.ha_entrada.set()
        return conexao

    def _iniciar(self, dispositivo: str) -> "_Conexao":
        """Open and initialise; a second try absorbs stale lines from an interrupted session
        (e.g. a late ``+CMGS`` answered to a worker that was killed)."""
        for tentativa in (1, 2):
            # exclusive: a second process on the same port (a second worker, or
            # `modem check` while the worker runs) is refused instead of interleaving.
            conexao = _Conexao(
                dispositivo,
                self.modem.baud,
                requestDelivery=True,
                AT_CNMI="2,1,0,2,0",
                exclusive=True,
            )
            try:
                conexao.connect(pin=self.modem.pin or None)
                return conexao
            except (PinRequiredError, *_FALHAS_DISPOSITIVO):
                self._fechar_silencioso(conexao)
                raise
            except (GsmModemException, TypeError, ValueError, IndexError) as exc:
                # Out-of-step answers make gsmmodem's parsing fail in odd ways.
                self._fechar_silencioso(conexao)
                if tentativa == 2:
                    if isinstance(exc, GsmModemException):
                        raise
                    raise ErroEnvio(
                        f"O modem respondeu fora de ordem na inicialização ({exc!r}).",
                        classe="temporario",
                    ) from exc
                time.sleep(1)
        raise AssertionError("unreachable")

    @staticmethod
    def _fechar_silencioso(conexao: GsmModem) -> None:
        try:
            if conexao.alive:
                conexao.close()
            elif getattr(conexao, "serial", None) is not None:
                conexao.serial.close()
        except Exception:
            log.debug("Erro ao fechar conexão parcial", exc_info=True)

    def _proxima_referencia(self) -> int:
        ref = _referencias.get(self.modem.dispositivo, 0)
        _referencias[self.modem.dispositivo] = (ref + 1) % 256
        return ref

    def enviar(self, envio: Envio) -> list[int]:
        with _trava:
            conexao = self._conectar()
            usar_texto = (
                self.modem.modo == "texto"
                and envio.codificacao == GSM7
                and envio.partes == 1
                and all(c in TEXT_MODE for c in envio.texto)
            )
            entregue = False
            respostas = []
            try:
                if usar_texto:
                    conexao.smsTextMode = True
                    conexao.write(
                        f'AT+CMGS="{envio.destino}"',
                        timeout=PROMPT_TIMEOUT,
                        expectedResponseTermSeq="> ",
                    )
                    entregue = True
                    respostas.append(
                        conexao.write(
                            envio.texto, timeout=self.modem.timeout_segundos, writeTerm=CTRLZ
                        )
                    )
                else:
                    conexao.smsTextMode = False
                    pdus = encodeSmsSubmitPdu(
                        envio.destino,
                        envio.texto,
                        reference=self._proxima_referencia(),
                        requestStatusReport=True,
                    )
                    for pdu in pdus:
                        conexao.write(
                            f"AT+CMGS={pdu.tpduLength}",
                            timeout=PROMPT_TIMEOUT,
                            expectedResponseTermSeq="> ",
                        )
                        entregue = True
                        respostas.append(
                            conexao.write(
                                str(pdu), timeout=self.modem.timeout_segundos, writeTerm=CTRLZ
                            )
                        )
            except (CmsError, CmeError, CommandError) as exc:
                if entregue and envio.partes > 1:
                    _descartar(self.modem.dispositivo)
                    raise ErroEnvio(
                        f"Parte do SMS foi enviada e outra falhou ({exc}).", classe="incerto"
                    ) from exc
                raise _erro_comando(exc, etapa="AT+CMGS") from exc
            except TimeoutException as exc:
                sumiu = not conexao.alive or not os.path.exists(self.modem.dispositivo)
                mudo = not sumiu and not _responde_ao_at(conexao)
                _descartar(self.modem.dispositivo)
                if entregue:
                    raise ErroEnvio(
                        "O modem recebeu o texto e não confirmou o envio "
                        f"em {self.modem.timeout_segundos:g} s"
                        + ("; depois não respondeu ao AT." if mudo else "."),
                        classe="incerto",
                        modem_mudo=mudo,
                    ) from exc
                if sumiu:
                    raise ErroEnvio(
                        f"Dispositivo {self.modem.dispositivo} desapareceu.", classe="dispositivo"
                    ) from exc
                if mudo:
                    raise ErroEnvio(
                        f"O modem em {self.modem.dispositivo} não responde (nem ao AT).",
                        classe="modem",
                        modem_mudo=True,
                    ) from exc
                raise ErroEnvio(
                    "O modem não pediu o texto (sem o prompt “> ”).", classe="temporario"
                ) from exc
            except Exception as exc:
                # A device failure; or the device vanished and gsmmodem's reader thread,
                # meeting it gone, closed the port under this write (pyserial then fails
                # on the missing file descriptor, e.g. with a TypeError). Anything else
                # is a bug: _transmitir records it as incerta.
                fechada = not isinstance(exc, _FALHAS_DISPOSITIVO)
                if fechada and conexao.alive:
                    raise
                _descartar(self.modem.dispositivo)
                if entregue:
                    raise ErroEnvio(
                        f"O dispositivo caiu depois de receber o texto: {exc}", classe="incerto"
                    ) from exc
                raise ErroEnvio(
                    f"Dispositivo {self.modem.dispositivo} desapareceu (a porta foi fechada)."
                    if fechada
                    else f"Dispositivo {self.modem.dispositivo} indisponível: {exc}",
                    classe="dispositivo",
                ) from exc
            referencias = []
            for resposta in respostas:
                linha = next((x for x in resposta if x.startswith("+CMGS:")), None)
                if linha is None:
                    raise ErroEnvio("O modem respondeu sem +CMGS.", classe="incerto")
                referencias.append(int(linha[6:].strip()))
            return referencias

    def ha_entrada(self) -> bool:
        conexao = _conexoes.get(self.modem.dispositivo)
        return conexao is not None and conexao.ha_entrada.is_set()

    def aguardar_leitura(self) -> None:
        # The watcher thread reads under the port's lock (and clears ``ha_entrada``
        # first): taking the lock waits for that read, and the replies it stored.
        with _trava:
            pass

    def ler_entrada(
        self,
        *,
        ao_relatorio: Callable[[RelatorioStatus], object],
        ao_receber: Callable[[SmsEntrada], object],
        listar: bool = False,
    ) -> dict:
        """Read delivery reports and inbound SMS (see the module docstring).

        ``ao_receber`` gets each complete SMS; its stored copies are deleted only after
        it returned (an exception keeps them on the SIM for the next read). Returns
        counts, or {"erro": …} when the modem could not be read.
        """
        resumo = {"relatorios": 0, "recebidos": 0, "partes_aguardando": 0}
        with _trava:
            try:
                conexao = self._conectar()
                conexao.ha_entrada.clear()
                with conexao._anotacoes:
                    diretos = list(conexao.relatorios_diretos)
                    conexao.relatorios_diretos.clear()
                    memorias, conexao.memorias_avisadas = conexao.memorias_avisadas, set()
                falhos = [p for p in diretos if not self._relatorio(p, ao_relatorio, resumo)]
                if falhos:  # not recorded (database down?): kept for the next read
                    with conexao._anotacoes:
                        conexao.relatorios_diretos.extendleft(reversed(falhos))
                if listar or TODAS in memorias:
                    memorias = set(self._memorias(conexao))
                if memorias:
                    self._ler_memorias(conexao, sorted(memorias), ao_relatorio, ao_receber, resumo)
            except ErroEnvio as exc:
                return {**resumo, "erro": exc.texto}
            except (GsmModemException, *_FALHAS_DISPOSITIVO) as exc:
                _descartar(self.modem.dispositivo)
                return {**resumo, "erro": f"Sem resposta do modem: {exc or exc.__class__.__name__}"}
        return resumo

    @staticmethod
    def _memorias(conexao: "_Conexao") -> list[str]:
        """The memories the modem can read from (first list of AT+CPMS=?)."""
        if getattr(conexao, "_memorias_leitura", None) is None:
            try:
                linha = next((x for x in conexao.write("AT+CPMS=?") if x.startswith("+CPMS")), "")
            except CommandError:
                linha = ""
            primeira = linha.split("(")[1].split(")")[0] if "(" in linha else ""
            conexao._memorias_leitura = re.findall(r'"(\w+)"', primeira) or ["SM"]
        return conexao._memorias_leitura

    @staticmethod
    def _relatorio(pdu: str, ao_relatorio, resumo: dict) -> bool:
        try:
            relatorio = decodificar_recebida(pdu)
        except PduInvalida:
            log.warning("Relatório de entrega ilegível descartado: %s", pdu[:400])
            return True
        if not isinstance(relatorio, RelatorioStatus):
            log.warning("+CDS sem SMS-STATUS-REPORT descartado: %s", pdu[:400])
            return True
        try:
            ao_relatorio(relatorio)
        except Exception:
            log.exception("Falha ao registrar o relatório de entrega %s", relatorio)
            return False
        resumo["relatorios"] += 1
        return True

    def _ler_memorias(self, conexao, memorias, ao_relatorio, ao_receber, resumo) -> None:
        conexao.smsTextMode = False
        padrao = (conexao._smsMemReadDelete or '"SM"').strip('"')
        try:
            for memoria in memorias:
                try:
                    conexao.write(f'AT+CPMS="{memoria}"')
                    linhas = conexao.write("AT+CMGL=4", timeout=LEITURA_TIMEOUT)
                except CommandError as exc:
                    log.warning("Memória %s do modem %s ilegível: %s", memoria, self.modem, exc)
                    continue
                self._tratar_lista(conexao, linhas, ao_relatorio, ao_receber, resumo)
        finally:
            conexao.write(f'AT+CPMS="{padrao}"', parseError=False)

    def _tratar_lista(self, conexao, linhas, ao_relatorio, ao_receber, resumo) -> None:
        guardadas: list[tuple[int, str]] = []
        indice = None
        for linha in linhas:
            if m := _CMGL.match(linha):
                indice = int(m.group(1))
            elif indice is not None and linha not in ("OK", ""):
                guardadas.append((indice, linha.strip()))
                indice = None
        grupos: dict[tuple, dict[int, tuple[int, Deliver]]] = {}
        for indice, pdu in guardadas:
            try:
                lida = decodificar_recebida(pdu)
            except PduInvalida:
                # Kept for a person rather than lost: the raw PDU is its text.
                lida = Deliver("", f"(SMS ilegível: {pdu[:400]})", "8bit", None, None)
            if isinstance(lida, RelatorioStatus):
                if self._relatorio(pdu, ao_relatorio, resumo):
                    self._apagar(conexao, [indice])
                continue
            if lida.concatenacao is None:
                entrada = SmsEntrada(lida.remetente, lida.texto, lida.enviada_em, 1)
                self._entregar(conexao, entrada, [indice], ao_receber, resumo)
                continue
            ref, total, seq = lida.concatenacao
            partes = grupos.setdefault((lida.remetente, ref, total), {})
            if seq in partes:  # the network repeated a part: keep one, delete the copy
                self._apagar(conexao, [indice])
            else:
                partes[seq] = (indice, lida)
        espera = datetime.timedelta(seconds=settings.SMS_PARTES_ESPERA_SEGUNDOS)
        agora = datetime.datetime.now(datetime.UTC)
        for (remetente, _, total), partes in grupos.items():
            chegadas = [partes[s][1] for s in sorted(partes)]
            primeira = min((p.enviada_em for p in chegadas if p.enviada_em), default=None)
            completa = len(partes) == total
            if not completa and (primeira is None or agora - primeira < espera):
                resumo["partes_aguardando"] += len(partes)
                continue  # the rest may still come; the parts stay on the SIM
            textos = [partes[s][1].texto if s in partes else " […] " for s in range(1, total + 1)]
            if not completa:
                log.warning(
                    "SMS de %s em %s partes chegou incompleto (%s); guardado como chegou",
                    remetente, total, sorted(partes),
                )  # fmt: skip
            entrada = SmsEntrada(remetente, "".join(textos).strip(), primeira, len(partes))
            self._entregar(conexao, entrada, [i for i, _ in partes.values()], ao_receber, resumo)

    def _entregar(self, conexao, entrada: SmsEntrada, indices, ao_receber, resumo) -> None:
        try:
            ao_receber(entrada)
        except Exception:
            log.exception("Falha ao guardar o SMS recebido de %s; fica no SIM", entrada.remetente)
            return
        resumo["recebidos"] += 1
        self._apagar(conexao, indices)

    @staticmethod
    def _apagar(conexao, indices) -> None:
        for indice in indices:
            conexao.write(f"AT+CMGD={indice}")

    def ler_saude(self) -> dict:
        with _trava:
            try:
                conexao = self._conectar()
                sim = conexao.write("AT+CPIN?", parseError=False)[0].replace("+CPIN:", "").strip()
                creg = conexao.write("AT+CREG?", parseError=False)[0]
                estado = creg.split(",")[-1].strip() if creg.startswith("+CREG") else "?"
                return {
                    "sim": sim,
                    "registro": REGISTRO.get(estado, f"desconhecido ({estado})"),
                    "registrado": estado in ("1", "5"),
                    "sinal": conexao.signalStrength,
                    "operadora": conexao.networkName or "",
                }
            except ErroEnvio as exc:
                return {"erro": exc.texto, "classe": exc.classe}
            except (GsmModemException, *_FALHAS_DISPOSITIVO) as exc:
                _descartar(self.modem.dispositivo)
                return {"erro": f"Sem resposta do modem: {exc or exc.__class__.__name__}"}

    def fechar(self) -> None:
        with _trava:
            _descartar(self.modem.dispositivo)


REGISTRO = {
    "0": "não registrado, sem busca",
    "1": "registrado (rede local)",
    "2": "procurando rede",
    "3": "registro negado",
    "4": "desconhecido",
    "5": "registrado (roaming)",
}
