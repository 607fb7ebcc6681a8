"""The periodic sweep: nothing is lost when a task is, nothing stays stuck."""

import logging
import os
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Mensagem, Modem
from .mensagens import (
    FILA_EMAIL,
    _modem_escolher,
    _publicar_varias,
    _transitar,
    modem_sem_worker_q,
)
from .modems import modem_retomar

log = logging.getLogger(__name__)
Status = Mensagem.Status


def mensagens_varrer(
    *,
    reenfileirar_apos: float | None = None,
    enviando_limite: float | None = None,
    lote: int = 1000,
) -> dict:
    """Resume modems whose device came back, mark stuck sends incerta, enqueue lost work.

    A pending message is (re)enqueued when it never reached the broker
    (``enfileirada_em`` empty: Redis was down) or when it was enqueued longer
    ago than ``reenfileirar_apos`` seconds. A duplicate task is harmless: the
    send claims the row atomically.
    """
    agora = timezone.now()
    if reenfileirar_apos is None:
        reenfileirar_apos = settings.SMS_REENFILEIRAR_APOS_SEGUNDOS
    if enviando_limite is None:
        enviando_limite = settings.SMS_ENVIANDO_LIMITE_SEGUNDOS
    resumo = {"retomados": 0, "incertas": 0, "reatribuidas": 0, "enfileiradas": 0}

    for modem in Modem.objects.filter(ativo=True, pausa_automatica=True, pausado_em__isnull=False):
        if os.path.exists(modem.dispositivo):
            modem_retomar(modem=modem)
            resumo["retomados"] += 1

    for mensagem_id in Mensagem.objects.filter(
        status=Status.ENVIANDO, enviando_desde__lt=agora - timedelta(seconds=enviando_limite)
    ).values_list("pk", flat=True)[:lote]:
        with transaction.atomic():
            mensagem = Mensagem.objects.select_for_update().get(pk=mensagem_id)
            if mensagem.status == Status.ENVIANDO:
                _transitar(
                    mensagem,
                    Status.INCERTA,
                    erro_classe=Mensagem.ClasseErro.INCERTO,
                    erro_texto="Envio interrompido (worker parado?) sem confirmação do "
                    + ("servidor de e-mail." if mensagem.canal == "email" else "modem."),
                    observacao="Varredura: parada em “enviando”.",
                )
                resumo["incertas"] += 1

    # Failover: pending messages without a usable modem (none, inactive, paused, or
    # its worker gone) go to one that is available.
    sem_modem = Mensagem.objects.filter(status=Status.PENDENTE, canal=Mensagem.Canal.SMS).filter(
        Q(modem__isnull=True)
        | Q(modem__ativo=False)
        | Q(modem__pausado_em__isnull=False)
        | modem_sem_worker_q("modem__")
    )
    if sem_modem.exists():
        destino = _modem_escolher()
        if destino is not None:
            ids = list(sem_modem.values_list("pk", flat=True)[:lote])
            resumo["reatribuidas"] = Mensagem.objects.filter(
                pk__in=ids, status=Status.PENDENTE
            ).update(modem=destino, enfileirada_em=None)

    devidas = (
        Mensagem.objects.filter(status=Status.PENDENTE)
        .filter(Q(proxima_tentativa_em__isnull=True) | Q(proxima_tentativa_em__lte=agora))
        .filter(
            Q(enfileirada_em__isnull=True)
            | Q(enfileirada_em__lt=agora - timedelta(seconds=reenfileirar_apos))
        )
        .order_by("criada_em", "pk")
    )
    perdidas = list(
        devidas.filter(
            canal=Mensagem.Canal.SMS, modem__ativo=True, modem__pausado_em__isnull=True
        ).values_list("pk", "modem__fila")[:lote]
    )
    # E-mail has no modem: its own queue.
    perdidas += [
        (pk, FILA_EMAIL)
        for pk in devidas.filter(canal=Mensagem.Canal.EMAIL).values_list("pk", flat=True)[:lote]
    ]
    resumo["enfileiradas"] = _publicar_varias(perdidas)
    if any(resumo.values()):
        log.info("Varredura de mensagens: %s", resumo)
    return resumo
