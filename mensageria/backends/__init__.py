"""SMS backends behind one interface, chosen by ``settings.SMS_BACKEND`` (like EMAIL_BACKEND).

A backend sends one prepared text through one modem. It never touches the
database: the service decides what an outcome means for the message row.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

# +CMS ERROR classes (3GPP TS 27.005 §3.2.5 and TS 24.011 cause values).
CMS_NUMERO = frozenset({1, 21, 28, 29, 30})
CMS_MODEM = frozenset({310, 311, 312, 313, 314, 315, 316, 330})

DESCRICAO_CMS = {
    1: "número inexistente",
    21: "mensagem recusada pela rede",
    28: "assinante não identificado",
    29: "serviço recusado para o número",
    30: "assinante desconhecido",
    38: "rede fora de serviço",
    41: "falha temporária da rede",
    42: "rede congestionada",
    47: "recursos da rede indisponíveis",
    304: "parâmetro PDU inválido",
    310: "SIM não inserido",
    311: "SIM pede PIN",
    312: "SIM pede PIN do telefone",
    313: "falha no SIM",
    314: "SIM ocupado",
    315: "SIM errado",
    316: "SIM pede PUK",
    330: "endereço da central de SMS desconhecido",
    331: "sem serviço de rede",
    332: "tempo de rede esgotado",
    500: "erro desconhecido do modem",
}


def classificar_cms(codigo: int) -> str:
    """Return a ``Mensagem.ClasseErro`` value for a +CMS ERROR code."""
    if codigo in CMS_NUMERO:
        return "numero"
    if codigo in CMS_MODEM:
        return "modem"
    return "temporario"


class ErroEnvio(Exception):
    """A send that did not succeed.

    ``classe`` is a ``Mensagem.ClasseErro`` value; ``incerto`` is True when the
    text was already handed to the modem, so the outcome is unknown.
    """

    def __init__(
        self, texto: str, *, classe: str, codigo: int | None = None, modem_mudo: bool = False
    ):
        super().__init__(texto)
        self.texto = texto
        self.classe = classe
        self.codigo = codigo
        # The modem stopped answering even a plain AT: pause it until someone looks
        # at it (the messages waiting behind this one never left).
        self.modem_mudo = modem_mudo


def erro_cms(codigo: int) -> ErroEnvio:
    descricao = DESCRICAO_CMS.get(codigo, "erro do modem")
    texto = f"+CMS ERROR: {codigo} ({descricao})"
    return ErroEnvio(texto, classe=classificar_cms(codigo), codigo=codigo)


@dataclass(frozen=True)
class Envio:
    destino: str  # E.164
    texto: str  # already sanitised
    codificacao: str  # texto.GSM7 or texto.UCS2
    partes: int


@dataclass(frozen=True)
class SmsEntrada:
    """A complete inbound SMS (the parts of a concatenated one already joined)."""

    remetente: str
    texto: str
    recebido_em: datetime.datetime | None  # the SMSC's timestamp (of the first part)
    partes: int


class BaseBackend:
    def __init__(self, modem):
        self.modem = modem

    def enviar(self, envio: Envio) -> list[int]:
        """Send and return the modem's message reference of each part (+CMGS), in order,
        or raise :class:`ErroEnvio`."""
        raise NotImplementedError

    def ha_entrada(self) -> bool:
        """The modem announced an inbound SMS or a delivery report not read yet."""
        return False

    def aguardar_leitura(self) -> None:
        """Return once a read of inbound traffic in progress (another thread) is over."""

    def ler_entrada(
        self,
        *,
        ao_relatorio: Callable[..., object],
        ao_receber: Callable[[SmsEntrada], object],
        listar: bool = False,
    ) -> dict:
        """Hand each delivery report (``mensageria.pdu.RelatorioStatus``) and each complete
        inbound SMS (:class:`SmsEntrada`) to the callbacks; delete an SMS from the modem
        only after ``ao_receber`` returned. ``listar``: read every memory, not only
        what was announced. Returns counts (and "erro" when the modem was unreadable)."""
        return {"relatorios": 0, "recebidos": 0}

    def ler_saude(self) -> dict:
        """Return {"sim", "registro", "sinal", "operadora"} (and "erro" when unreadable)."""
        raise NotImplementedError

    def fechar(self) -> None:
        """Release the device (the default keeps nothing open)."""


def obter_backend(modem) -> BaseBackend:
    return import_string(settings.SMS_BACKEND)(modem)
