"""Reads used when opening an RA: open RAs of the imóvel and the duplicate check."""

from atendimento.models import RegistroAtendimento

EM_ABERTO = (RegistroAtendimento.Situacao.PENDENTE, RegistroAtendimento.Situacao.BLOQUEADO)


def registros_em_aberto_do_imovel(*, imovel, excluir_especificacao=None):
    """Open RAs of an imóvel, for the warning list of the opening form (with links)."""
    if imovel is None:
        return RegistroAtendimento.objects.none()
    qs = RegistroAtendimento.objects.filter(imovel=imovel, situacao__in=EM_ABERTO)
    if excluir_especificacao is not None:
        qs = qs.exclude(especificacao=excluir_especificacao)
    return qs.select_related("especificacao", "especificacao__tipo", "unidade_atual").order_by(
        "-data_abertura"
    )


def registro_atendimento_duplicado(*, imovel, especificacao):
    """The open RA that blocks a new one for the same imóvel and especificação, or None."""
    if imovel is None:
        return None
    return (
        RegistroAtendimento.objects.filter(
            imovel=imovel, especificacao=especificacao, situacao__in=EM_ABERTO
        )
        .order_by("data_abertura")
        .first()
    )
