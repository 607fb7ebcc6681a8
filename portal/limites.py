"""Limits of the portal's account pages.

Login has two throttles, as the staff login has with django-axes (and with its
settings, ``AXES_FAILURE_LIMIT`` wrong passwords lock for ``AXES_COOLOFF_TIME``):

- per account, in the database (``ContaExterna.falhas_login``/``bloqueada_ate``);
  an e-mail with no account is counted the same way in the cache, so the answers
  never tell whether an account exists;
- per client IP, in the cache (``core.limites``): wrong logins from one address
  across any accounts.

Registration, password-reset requests and resent confirmations are counted per IP,
so nobody can guess CPF/matrícula pairs or flood a mailbox from one address.
"""

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

CADASTROS_POR_IP_HORA = 10
PEDIDOS_SENHA_POR_IP_HORA = 10
REENVIOS_POR_IP_HORA = 5

GRUPO_LOGIN = "portal_login"
GRUPO_CADASTRO = "portal_cadastro"
GRUPO_SENHA = "portal_senha"
GRUPO_REENVIO = "portal_reenvio"

BLOQUEADO = "Muitas tentativas erradas. Aguarde {espera} e tente de novo."


def falhas_por_conta() -> int:
    return settings.AXES_FAILURE_LIMIT


def espera_bloqueio() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def falhas_por_ip() -> int:
    """Wrong logins one address may make within the cool-off: room for a family or an
    office behind one address, not for guessing."""
    return settings.AXES_FAILURE_LIMIT * 4


def periodo_login() -> str:
    """The per-IP window, for ``core.limites``: the cool-off, in minutes."""
    return f"{minutos(espera_bloqueio().total_seconds())}m"


def minutos(segundos: float) -> int:
    return max(1, math.ceil(segundos / 60))


def mensagem_bloqueio(segundos: float) -> str:
    n = minutos(segundos)
    return BLOQUEADO.format(espera=f"{n} minuto" if n == 1 else f"{n} minutos")


@dataclass
class Falhas:
    """Wrong logins in a row, and the lock they led to."""

    falhas: int = 0
    bloqueada_ate: datetime | None = None

    def bloqueada(self, agora: datetime) -> bool:
        return self.bloqueada_ate is not None and self.bloqueada_ate > agora

    def registrar_falha(self, agora: datetime) -> None:
        """One more wrong login; the last one allowed locks (and starts a new count)."""
        self.falhas += 1
        if self.falhas >= falhas_por_conta():
            self.falhas, self.bloqueada_ate = 0, agora + espera_bloqueio()


# --- e-mails with no account: the same count, in the cache --------------------------


def _chave(email: str) -> str:
    return "portal:login:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()


def falhas_sem_conta(email: str) -> Falhas:
    try:
        guardado = cache.get(_chave(email))
    except Exception:  # the cache is down: fail open, as the per-IP limit does
        logger.exception("falhas de login sem conta não lidas: cache indisponível")
        return Falhas()
    if not guardado:
        return Falhas()
    ate = guardado.get("ate")
    return Falhas(guardado.get("falhas", 0), datetime.fromisoformat(ate) if ate else None)


def falha_sem_conta_registrar(email: str, agora: datetime | None = None) -> Falhas:
    agora = agora or timezone.now()
    falhas = falhas_sem_conta(email)
    if falhas.bloqueada(agora):
        return falhas
    falhas.registrar_falha(agora)
    valor = {
        "falhas": falhas.falhas,
        "ate": falhas.bloqueada_ate.isoformat() if falhas.bloqueada_ate else None,
    }
    try:
        # Forgotten one cool-off after the last failure (and after a lock has ended).
        cache.set(_chave(email), valor, int(espera_bloqueio().total_seconds()) + 60)
    except Exception:
        logger.exception("falha de login sem conta não contada: cache indisponível")
    return falhas
