"""A team's day (agenda) and a unit's week (calendar to drag OS between teams and days)."""

from datetime import date, timedelta

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cadastro.models import UnidadeOrganizacional
from ordens_servico import permissoes, selectors
from ordens_servico.models import Equipe

VER = "ordens_servico.view_ordemservico"


def _data(valor, padrao):
    """The date in ``valor``, or ``padrao`` when it is missing, malformed or so far
    away that the previous/next day or week would overflow."""
    try:
        dia = date.fromisoformat(valor) if valor else padrao
    except ValueError:
        return padrao
    return dia if 1900 <= dia.year <= 2100 else padrao


@permission_required(VER, raise_exception=True)
def agenda(request, pk):
    equipe = get_object_or_404(Equipe.objects.select_related("unidade"), pk=pk)
    dia = _data(request.GET.get("dia"), timezone.localdate())
    ordens = list(selectors.equipe_agenda(equipe=equipe, dia=dia))
    return render(
        request,
        "ordens_servico/equipe_agenda.html",
        {
            "equipe": equipe,
            "dia": dia,
            "anterior": dia - timedelta(days=1),
            "seguinte": dia + timedelta(days=1),
            "ordens": ordens,
            "pode_atuar": permissoes.pode_atuar_na_unidade(request.user, equipe.unidade)
            and request.user.has_perm("ordens_servico.change_ordemservico"),
            "equipes": selectors.equipe_list(unidade=equipe.unidade),
        },
    )


def _contexto_semana(request, dados):
    unidade = None
    valor = str(dados.get("unidade", ""))
    if valor.isascii() and valor.isdigit():
        unidade = UnidadeOrganizacional.objects.filter(pk=int(valor)).first()
    unidade = unidade or request.user.unidade
    hoje = timezone.localdate()
    inicio = _data(dados.get("inicio"), hoje - timedelta(days=hoje.weekday()))
    contexto = {
        "unidade": unidade,
        "inicio": inicio,
        "anterior": inicio - timedelta(days=7),
        "seguinte": inicio + timedelta(days=7),
        "hoje": hoje,
        "unidades": UnidadeOrganizacional.objects.filter(ativa=True).order_by("sigla"),
        "pode_atuar": unidade is not None
        and permissoes.pode_atuar_na_unidade(request.user, unidade)
        and request.user.has_perm("ordens_servico.change_ordemservico"),
    }
    if unidade is not None:
        contexto.update(selectors.programacao_semana(unidade=unidade, inicio=inicio))
    return contexto


@permission_required(VER, raise_exception=True)
def semana(request):
    return render(
        request, "ordens_servico/programacao_semana.html", _contexto_semana(request, request.GET)
    )


def responder_calendario(request, *, erro=None, sucesso=None):
    """After a drag-and-drop (htmx), re-render the week with the outcome."""
    contexto = _contexto_semana(request, request.POST)
    contexto.update({"erro": erro, "sucesso": sucesso})
    return render(request, "ordens_servico/_partials/semana.html", contexto)
