"""The periodic sweep: nothing is lost when a task is, nothing stays stuck."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Mensagem
from .mensagens import (
    FILA_EMAIL,
    _publicar_varias,
    _transitar,
    mensagens_expirar,
    mensagens_redistribuir,
    modem_inutilizavel_q,
    modems_acordar,
    modems_disponiveis,
)

log = logging.getLogger(__name__)
Status = Mensagem.Status


def mensagens_varrer(
    *,
    reenfileirar_apos: float | None = None,
    enviando_limite: float | None = None,
    lote: int = 1000,
) -> dict:
    """Discard what passed its ``valida_ate``, mark stuck sends incerta, move the waiting
    SMS of modems whose worker is gone, enqueue lost work.

    A modem paused because its device disappeared is resumed by its own worker's
    health reading (``modem_saude_registrar``), not here: the device is on the
    worker's host, which may not be this one.

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
    resumo = {"incertas": 0, "reatribuidas": 0, "acordados": 0, "enfileiradas": 0}

    # Past their valida_ate (a bill's due date): never sent, so neither moved nor enqueued.
    resumo["expiradas"] = mensagens_expirar(agora=agora)

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

    # Failover: pending SMS without a usable modem (none, inactive, paused, or its
    # worker gone: a stale health reading) are shared among the available modems.
    # A pause moves them at once (modem_pausar); this catches a worker that died.
    sem_modem = Mensagem.objects.filter(canal=Mensagem.Canal.SMS, status=Status.PENDENTE).filter(
        modem_inutilizavel_q()
    )
    ids = list(sem_modem.order_by("criada_em", "pk").values_list("pk", flat=True)[:lote])
    if ids:
        movidas = mensagens_redistribuir(Mensagem.objects.filter(pk__in=ids))
        resumo["reatribuidas"] = sum(len(v) for v in movidas.values())

    # An idle modem's worker sleeps until a task arrives: wake it when another modem
    # has a backlog, so it takes part of that work (see services.mensagens.modem_drenar).
    disponiveis = modems_disponiveis()
    ociosos = [m for m in disponiveis if m.trabalho == 0]
    if ociosos and any(m.trabalho > 1 for m in disponiveis):
        modems_acordar(ociosos)
        resumo["acordados"] = len(ociosos)

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
