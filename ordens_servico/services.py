"""Writes of service orders.

The RA services call the ``*_do_ra`` functions explicitly (no signals) when an
RA opens, is routed or is closed without execution.
"""

from django.db import transaction
from django.utils import timezone

from ordens_servico.models import OrdemServico


def ordem_servico_gerar(*, ra, tipo_servico, usuario) -> OrdemServico:
    """Generate an OS for an RA, in the RA's current unit."""
    with transaction.atomic():
        return OrdemServico.objects.create(
            ra=ra,
            imovel=ra.imovel,
            tipo_servico=tipo_servico,
            unidade_atual=ra.unidade_atual,
            usuario_geracao=usuario,
            data_geracao=timezone.now(),
        )


def ordens_servico_do_ra_tramitar(*, ra, unidade) -> int:
    """Routing an RA moves its open OS with it."""
    return OrdemServico.objects.filter(ra=ra, situacao__in=OrdemServico.ABERTAS).update(
        unidade_atual=unidade
    )


def ordens_servico_do_ra_cancelar(*, ra, usuario, motivo: str, data=None) -> int:
    """Closing an RA as not executed closes its open OS without execution."""
    return OrdemServico.objects.filter(ra=ra, situacao__in=OrdemServico.ABERTAS).update(
        situacao=OrdemServico.Situacao.ENCERRADA_NAO_EXECUTADA,
        data_encerramento=data or timezone.now(),
        motivo_encerramento=motivo[:120],
    )
