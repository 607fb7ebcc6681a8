"""Bills for the counter's tests (imóvel page, sending, RA opening with debt)."""

import datetime
from decimal import Decimal

from faturamento.models import Conta


def conta_criar(imovel, *, referencia, vencimento, valor="123.45", situacao="em_aberto"):
    return Conta.objects.create(
        imovel=imovel,
        referencia=referencia,
        vencimento=vencimento,
        valor=Decimal(valor),
        situacao=situacao,
        pago_em=vencimento if situacao == Conta.Situacao.PAGA else None,
    )


def dias(n: int) -> datetime.date:
    """Today (company's zone) plus ``n`` days."""
    from faturamento.selectors import hoje

    return hoje() + datetime.timedelta(days=n)
