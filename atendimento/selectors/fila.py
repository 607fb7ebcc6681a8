"""The unit's queue, the counts per deadline status and the supervisors' panel."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.utils import timezone

from atendimento.filters import ABERTO, prazo_q, status_prazo_q
from atendimento.models import Especificacao, RegistroAtendimento
from atendimento.selectors.visibilidade import exigir_leitura, registros_visiveis, ve_painel
from cadastro.models import UnidadeOrganizacional

RA = RegistroAtendimento
StatusPrazo = RA.StatusPrazo


def fila_unidade(*, usuario, unidade=None) -> QuerySet:
    """Open RAs (pending or blocked) with the user's unit, nearest deadline first."""
    exigir_leitura(usuario)
    unidade_id = unidade.pk if unidade is not None else usuario.unidade_id
    if unidade_id is None:
        return RA.objects.none()
    return (
        registros_visiveis(usuario)
        .filter(ABERTO, unidade_atual_id=unidade_id)
        .order_by("data_prevista_atual", "id")
    )


def _contagens(agora):
    """Per-status counts; callers filter on ABERTO first (see filters.prazo_q)."""
    return {status: Count("id", filter=prazo_q(status, agora)) for status in StatusPrazo.values}


def contagem_por_status_prazo(*, usuario, unidade=None, agora=None) -> dict:
    """{"no_prazo": n, "atencao": n, "vencido": n, "total": n} of open RAs."""
    exigir_leitura(usuario)
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
    # Grouped on the ids alone (an index-only scan of the open RAs), names added after.
    por_unidade = _agrupar(abertos, "unidade_atual_id", agora)
    unidades = UnidadeOrganizacional.objects.in_bulk(
        [linha["unidade_atual_id"] for linha in por_unidade]
    )
    for linha in por_unidade:
        unidade = unidades[linha["unidade_atual_id"]]
        linha["unidade_atual__sigla"], linha["unidade_atual__nome"] = unidade.sigla, unidade.nome
    por_unidade.sort(
        key=lambda linha: (-linha["vencido"], -linha["total"], linha["unidade_atual__sigla"])
    )
    por_especificacao = _agrupar(abertos, "especificacao_id", agora)
    por_especificacao.sort(key=lambda linha: (-linha["vencido"], -linha["total"]))
    por_especificacao = por_especificacao[:15]
    especificacoes = Especificacao.objects.select_related("tipo").in_bulk(
        [linha["especificacao_id"] for linha in por_especificacao]
    )
    for linha in por_especificacao:
        especificacao = especificacoes[linha["especificacao_id"]]
        linha["especificacao__nome"] = especificacao.nome
        linha["especificacao__tipo__nome"] = especificacao.tipo.nome
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


def _agrupar(abertos, coluna, agora) -> list[dict]:
    return list(abertos.values(coluna).annotate(total=Count("id"), **_contagens(agora)).order_by())


def filtrar_status_prazo(queryset, status, agora=None) -> QuerySet:
    return queryset.filter(status_prazo_q(status, agora or timezone.now()))
