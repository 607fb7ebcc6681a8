"""Celery triggers of the messaging pipeline: they take ids and call services.

Each modem has its own queue (``Modem.fila``) consumed by one worker with
concurrency 1, so one process owns the serial port: it opens it on the first
send and closes it when the worker process shuts down.
"""

import time

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown
from django.conf import settings

from . import services
from .backends import gsm, obter_backend
from .models import Modem
from .services.entrada import modem_entrada_ler, modem_entrada_ler_por_id


def _modem_da_fila(tarefa) -> int | None:
    """The modem whose queue this task came from: the worker's own modem."""
    fila = (tarefa.request.delivery_info or {}).get("routing_key")
    if not fila:
        return None
    return Modem.objects.filter(fila=fila).values_list("pk", flat=True).first()


def _continuar(modem_id: int | None, ate: float) -> None:
    """A drain that stopped at its deadline may have left work: queue another drain
    behind the tasks waiting on the queue (health readings get their turn)."""
    if modem_id is None or time.monotonic() < ate:
        return
    modem = Modem.objects.filter(pk=modem_id).first()
    if modem is not None and modem.disponivel:
        services.modems_acordar([modem])


@shared_task(name="mensageria.mensagem_enviar_task", acks_late=True, bind=True)
def mensagem_enviar_task(self, mensagem_id: int) -> str | None:
    drenar_ate = time.monotonic() + settings.SMS_DRENAGEM_SEGUNDOS
    modem_id = _modem_da_fila(self)
    resultado = services.mensagem_enviar(
        mensagem_id=mensagem_id, modem_id=modem_id, drenar_ate=drenar_ate
    )
    _continuar(modem_id, drenar_ate)
    return resultado


@shared_task(name="mensageria.modem_drenar_task", acks_late=True)
def modem_drenar_task(modem_id: int) -> int:
    """A wake-up for a modem's worker: send what is due for it (pool failover and
    rebalancing). Published on the modem's own queue."""
    ate = time.monotonic() + settings.SMS_DRENAGEM_SEGUNDOS
    enviadas = services.modem_drenar(modem_id=modem_id, ate=ate)
    _continuar(modem_id, ate)
    return enviadas


@shared_task(name="mensageria.mensagens_varrer_task")
def mensagens_varrer_task() -> dict:
    resumo = services.mensagens_varrer()
    for modem in Modem.objects.filter(ativo=True):
        modem_ler_saude_task.apply_async(args=[modem.pk], queue=modem.fila, expires=120)
    return resumo


@shared_task(name="mensageria.alertas_avaliar_task")
def alertas_avaliar_task() -> dict:
    """Every minute, next to the sweep: open and resolve the supervisors' alerts."""
    return services.alertas_avaliar()


@shared_task(name="mensageria.modem_ler_saude_task")
def modem_ler_saude_task(modem_id: int) -> dict | None:
    """Runs on the modem's own queue: only that worker may talk to the port.

    It also lists every memory of the modem for delivery reports and inbound SMS
    that no notification announced (they arrived while the port was closed, or the
    notification was lost)."""
    modem = Modem.objects.filter(pk=modem_id).first()
    if modem is None:
        return None
    saude = obter_backend(modem).ler_saude()
    services.modem_saude_registrar(modem=modem, saude=saude)
    if "erro" not in saude:
        modem_entrada_ler(modem=modem, listar=True)
    return saude


# The port's watcher thread (in this worker process) reads announced inbound traffic.
gsm.tratador_entrada = modem_entrada_ler_por_id


@worker_process_shutdown.connect
@worker_shutdown.connect
def _fechar_portas(**kwargs) -> None:
    gsm.fechar_todas()
