"""GSM backend: python-gsmmodem-new over pyserial.

The same code drives a USB cable modem (/dev/ttyUSB0, /dev/ttyACM0) and a phone
bound over Bluetooth RFCOMM (/dev/rfcomm0): both are serial ports.

The port is opened once per worker process (module-level cache) and closed by
the worker's shutdown signals (see ``mensageria.tasks``). The AT+CMGS exchange
is ours rather than ``GsmModem.sendSms`` because the outcome depends on *when*
a failure happens: before the ``> `` prompt nothing reached the network (safe to
retry); after the text and Ctrl-Z were written the SMS may have left (incerta).
"""

import logging
import os
import threading
import time

import serial
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

from ..texto import GSM7
from . import BaseBackend, Envio, ErroEnvio, erro_cms

log = logging.getLogger(__name__)

CTRLZ = "\x1a"
PROMPT_TIMEOUT = 5
SONDA_TIMEOUT = 5  # the plain AT sent after a timeout, to tell a hung modem from a slow send

_conexoes: dict[str, GsmModem] = {}
_trava = threading.Lock()
_referencias: dict[str, int] = {}

_FALHAS_DISPOSITIVO = (serial.SerialException, OSError)


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
    def _conectar(self) -> GsmModem:
        dispositivo = self.modem.dispositivo
        conexao = _conexoes.get(dispositivo)
        if conexao is not None and conexao.alive:
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
        return conexao

    def _iniciar(self, dispositivo: str) -> GsmModem:
        """Open and initialise; a second try absorbs stale lines from an interrupted session
        (e.g. a late ``+CMGS`` answered to a worker that was killed)."""
        for tentativa in (1, 2):
            # exclusive: a second process on the same port (a second worker, or
            # `modem check` while the worker runs) is refused instead of interleaving.
            conexao = GsmModem(dispositivo, self.modem.baud, requestDelivery=False, exclusive=True)
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

    def enviar(self, envio: Envio) -> int | None:
        with _trava:
            conexao = self._conectar()
            usar_texto = (
                self.modem.modo == "texto"
                and envio.codificacao == GSM7
                and envio.partes == 1
                and all(c in TEXT_MODE for c in envio.texto)
            )
            entregue = False
            try:
                if usar_texto:
                    conexao.smsTextMode = True
                    conexao.write(
                        f'AT+CMGS="{envio.destino}"',
                        timeout=PROMPT_TIMEOUT,
                        expectedResponseTermSeq="> ",
                    )
                    entregue = True
                    resposta = conexao.write(
                        envio.texto, timeout=self.modem.timeout_segundos, writeTerm=CTRLZ
                    )
                else:
                    conexao.smsTextMode = False
                    pdus = encodeSmsSubmitPdu(
                        envio.destino,
                        envio.texto,
                        reference=self._proxima_referencia(),
                        requestStatusReport=False,
                    )
                    for pdu in pdus:
                        conexao.write(
                            f"AT+CMGS={pdu.tpduLength}",
                            timeout=PROMPT_TIMEOUT,
                            expectedResponseTermSeq="> ",
                        )
                        entregue = True
                        resposta = conexao.write(
                            str(pdu), timeout=self.modem.timeout_segundos, writeTerm=CTRLZ
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
            except _FALHAS_DISPOSITIVO as exc:
                _descartar(self.modem.dispositivo)
                if entregue:
                    raise ErroEnvio(
                        f"O dispositivo caiu depois de receber o texto: {exc}", classe="incerto"
                    ) from exc
                raise ErroEnvio(
                    f"Dispositivo {self.modem.dispositivo} indisponível: {exc}",
                    classe="dispositivo",
                ) from exc
            linha = next((x for x in resposta if x.startswith("+CMGS:")), None)
            if linha is None:
                raise ErroEnvio("O modem respondeu sem +CMGS.", classe="incerto")
            return int(linha[6:].strip())

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
