"""Writes of the registry (cadastro)."""

from django.db import transaction

from cadastro.models import Sequencia


def sequencia_proximo(*, nome: str, quantidade: int = 1) -> int:
    """Reserve ``quantidade`` values of a named counter; returns the first.

    The row lock makes concurrent callers wait for each other, and the value
    is only taken if the caller's transaction commits: no gaps, no repeats.
    """
    with transaction.atomic():
        Sequencia.objects.get_or_create(nome=nome)
        seq = Sequencia.objects.select_for_update().get(nome=nome)
        primeiro = seq.valor + 1
        seq.valor += quantidade
        seq.save(update_fields=["valor"])
    return primeiro
