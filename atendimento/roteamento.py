"""Where a routed RA lands (DOMAIN §3 and §4.2): the centralizadora of a unit.

A unit may name a *centralizadora* that receives what is routed to it. That
holds for RAs coming from outside; inside the group (from the centralizadora
itself, or between two units it centralizes) the RA goes where it is sent, or
the centralizadora could never hand an RA on to its own units.
"""

from django.db.models import Q, QuerySet

from cadastro.models import UnidadeOrganizacional


def _grupo(origem) -> set:
    """Ids of the centralizadoras whose units ``origem`` routes to directly."""
    if origem is None:
        return set()
    return {origem.pk, origem.centralizadora_id} - {None}


def unidade_que_recebe(destino, *, origem):
    """The unit that actually receives an RA sent from ``origem`` to ``destino``."""
    if destino is None or destino.centralizadora_id is None:
        return destino
    if destino.centralizadora_id in _grupo(origem):
        return destino
    return destino.centralizadora


def unidades_destino(*, origem, excluir_origem: bool) -> QuerySet:
    """Units an RA at ``origem`` can be sent to and that receive it themselves.

    The routing form offers exactly these, so what the attendant picks is where
    the RA goes (a unit centralized from outside is reached through its
    centralizadora, which is in the list).
    """
    qs = UnidadeOrganizacional.objects.filter(ativa=True, recebe_tramite=True).filter(
        Q(centralizadora__isnull=True) | Q(centralizadora_id__in=_grupo(origem))
    )
    if excluir_origem and origem is not None:
        qs = qs.exclude(pk=origem.pk)
    return qs.order_by("sigla")
