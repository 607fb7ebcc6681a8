"""The unit's queue, the counts per deadline status and the supervisors' panel."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.utils import timezone

from atendimento.filters import ABERTO, status_prazo_q
from atendimento.models import RegistroAtendimento
from atendimento.selectors.visibilidade import _exigir_leitura, registros_visiveis, ve_painel

RA = RegistroAtendimento
StatusPrazo = RA.StatusPrazo


def fila_unidade(*, usuario, unidade=None) -> QuerySet:
    """Open RAs (pending or blocked) with the user's unit, nearest deadline first."""
    _exigir_leitura(usuario)
    unidade_id = unidade.pk if unidade is not None else usuario.unidade_id
    if unidade_id is None:
        return RA.objects.none()
    return (
        registros_visiveis(usuario)
        .filter(ABERTO, unidade_atual_id=unidade_id)
        .order_by("data_prevista_atual", "id")
    )


def _contagens(agora):
    return {
        status: Count("id", filter=status_prazo_q(status, agora)) for status in StatusPrazo.values
    }


def contagem_por_status_prazo(*, usuario, unidade=None, agora=None) -> dict:
    """{"no_prazo": n, "atencao": n, "vencido": n, "total": n} of open RAs."""
    _exigir_leitura(usuario)
    agora = agora or timezone.now()
    qs = RA.objects.filter(ABERTO)
    if unidade is not None:
        qs = qs.filter(unidade_atual=unidade)
    contagem = qs.aggregate(**_contagens(agora))
    contagem["total"] = sum(contagem.values())
    return contagem


def painel_supervisor(*, usuario, agora=None, limite_vencidos=20) -> dict:
    """Counts by deadline status, by unit and by especificação, and the most overdue RAs."""
    if not ve_painel(usuario):
        raise PermissionDenied("O painel é dos supervisores.")
    agora = agora or timezone.now()
    abertos = RA.objects.filter(ABERTO)
    por_unidade = list(
        abertos.values("unidade_atual_id", "unidade_atual__sigla", "unidade_atual__nome")
        .annotate(total=Count("id"), **_contagens(agora))
        .order_by("-vencido", "-total", "unidade_atual__sigla")
    )
    por_especificacao = list(
        abertos.values("especificacao_id", "especificacao__nome", "especificacao__tipo__nome")
        .annotate(total=Count("id"), **_contagens(agora))
        .order_by("-vencido", "-total", "especificacao__nome")[:15]
    )
    vencidos = list(
        registros_visiveis(usuario)
        .filter(status_prazo_q(StatusPrazo.VENCIDO, agora))
        .order_by("data_prevista_atual", "id")[:limite_vencidos]
    )
    totais = {s: sum(linha[s] for linha in por_unidade) for s in StatusPrazo.values}
    totais["total"] = sum(linha["total"] for linha in por_unidade)
    return {
        "totais": totais,
        "por_unidade": por_unidade,
        "por_especificacao": por_especificacao,
        "vencidos": vencidos,
        "agora": agora,
    }


def filtrar_status_prazo(queryset, status, agora=None) -> QuerySet:
    return queryset.filter(status_prazo_q(status, agora or timezone.now()))
