"""Inbound SMS: store each one once, then answer a protocol query or leave it for a person."""

import hashlib
import logging
from datetime import datetime

from django.db import IntegrityError, transaction

from ..models import Modem, SmsRecebido

log = logging.getLogger(__name__)


def sms_recebido_chave(
    *, modem_id: int, remetente: str, texto: str, recebido_em: datetime | None
) -> str:
    """The dedupe key: the same SMS read twice (the worker died before AT+CMGD) maps to it.

    The SMSC timestamp is part of it, so the same text sent twice by a person is kept twice.
    """
    instante = recebido_em.isoformat() if recebido_em else ""
    bruto = "\x1f".join([str(modem_id), remetente or "", instante, texto or ""])
    return hashlib.sha256(bruto.encode("utf-8")).hexdigest()


def sms_recebido_registrar(
    *, modem: Modem, remetente: str, texto: str, recebido_em: datetime | None, partes: int = 1
) -> SmsRecebido:
    """Store one complete inbound SMS (idempotent) and return its row.

    Contract for the modem reader: call it once per complete SMS (parts already
    joined); when it returns, the row is committed and the SIM copy may be deleted.
    Reading the same SMS again returns the existing row and does nothing more.
    """
    chave = sms_recebido_chave(
        modem_id=modem.pk, remetente=remetente, texto=texto, recebido_em=recebido_em
    )
    existente = SmsRecebido.objects.filter(chave=chave).first()
    if existente is not None:
        return existente
    try:
        with transaction.atomic():
            sms = SmsRecebido.objects.create(
                modem=modem,
                remetente=(remetente or "")[:30],
                texto=texto or "",
                partes=max(partes or 1, 1),
                recebido_em=recebido_em,
                chave=chave,
            )
    except IntegrityError:
        # Another reader stored the same SMS between our lookup and insert.
        return SmsRecebido.objects.get(chave=chave)
    return sms
