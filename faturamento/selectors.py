"""Reads of the faturamento app: a property's open bills (at the counter, for the RA)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from faturamento import febraban, textos
from faturamento.models import Conta, ParametrosFaturamento


def hoje() -> datetime.date:
    """Today in ``settings.TIME_ZONE`` (the company's), whatever zone a request activated:
    a bill due today is not overdue until the company's midnight."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def contas_em_aberto(imovel):
    """The imóvel's unpaid, uncancelled bills, oldest due date first."""
    return Conta.objects.filter(imovel=imovel, situacao=Conta.Situacao.EM_ABERTO).order_by(
        "vencimento", "referencia"
    )


def contas_vencidas(imovel, *, em: datetime.date | None = None):
    """Open bills due before ``em`` (default: today in the company's zone)."""
    return contas_em_aberto(imovel).filter(vencimento__lt=em or hoje())


@dataclass(frozen=True)
class ContaAberta:
    conta: Conta
    linha: str  # formatted linha digitável
    dias_atraso: int  # 0 when not yet overdue

    @property
    def vencida(self) -> bool:
        return self.dias_atraso > 0

    @property
    def valor_formatado(self) -> str:
        return textos.valor_br(self.conta.valor)


def contas_em_aberto_com_linha(imovel) -> list[ContaAberta]:
    """What the counter shows: each open bill with its linha digitável and overdue days."""
    contas = list(contas_em_aberto(imovel))
    if not contas:
        return []
    gerador = febraban.Gerador(ParametrosFaturamento.atuais())
    dia = hoje()
    return [
        ContaAberta(
            conta=conta,
            linha=gerador.linha_conta(imovel.matricula, conta.referencia, conta.valor),
            dias_atraso=max(0, (dia - conta.vencimento).days),
        )
        for conta in contas
    ]
