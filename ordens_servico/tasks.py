from celery import shared_task

from ordens_servico.models import TipoServico
from ordens_servico.services import ordens_servico_encerrar_vencidas


@shared_task
def ordens_servico_encerrar_vencidas_task() -> int:
    """Daily: close overdue pending OS of every type that sets ``dias_vencimento``."""
    total = 0
    for tipo in TipoServico.objects.filter(dias_vencimento__isnull=False, ativo=True):
        total += ordens_servico_encerrar_vencidas(tipo_servico=tipo, dias=tipo.dias_vencimento)
    return total
