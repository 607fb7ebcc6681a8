"""Reads of service orders (lists, agenda, week calendar, boletim)."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from ordens_servico.models import Equipe, EventoOS, OrdemServico, TipoServico

Situacao = OrdemServico.Situacao

# Pseudo-situations offered by the list filter.
ABERTAS = "abertas"
ENCERRADAS = "encerradas"


def _inicio_do_dia(dia):
    return timezone.make_aware(datetime.combine(dia, time.min))


def ordem_servico_list(*, usuario, filtros: dict | None = None):
    """Service orders matching the list filters, newest first.

    Every logged user may read every OS (acting is what is restricted), so
    ``usuario`` does not narrow the list; it is taken so that a future
    data-protection rule has one place to live.
    """
    f = filtros or {}
    qs = OrdemServico.objects.select_related(
        "tipo_servico", "unidade_atual", "equipe", "imovel", "ra"
    ).order_by("-data_geracao", "-id")
    situacao = f.get("situacao")
    if situacao == ABERTAS:
        qs = qs.filter(situacao__in=OrdemServico.ABERTAS)
    elif situacao == ENCERRADAS:
        qs = qs.filter(situacao__in=OrdemServico.ENCERRADAS)
    elif situacao:
        qs = qs.filter(situacao=situacao)
    if f.get("numero"):
        qs = qs.filter(pk=f["numero"])
    # Filters accept model instances or ids.
    if f.get("tipo_servico"):
        qs = qs.filter(tipo_servico=f["tipo_servico"])
    if f.get("unidade"):
        qs = qs.filter(unidade_atual=f["unidade"])
    if f.get("equipe"):
        qs = qs.filter(equipe=f["equipe"])
    if f.get("gerada_de"):
        qs = qs.filter(data_geracao__gte=_inicio_do_dia(f["gerada_de"]))
    if f.get("gerada_ate"):
        qs = qs.filter(data_geracao__lt=_inicio_do_dia(f["gerada_ate"] + timedelta(days=1)))
    if f.get("vencidas"):
        qs = qs.filter(situacao__in=OrdemServico.ABERTAS, data_limite__lt=timezone.now())
    return qs


def ordem_servico_get(*, pk):
    return OrdemServico.objects.select_related(
        "tipo_servico",
        "unidade_atual",
        "equipe",
        "imovel",
        "ra",
        "ra__especificacao",
        "usuario_geracao",
        "usuario_encerramento",
        "motivo",
    ).get(pk=pk)


def ordem_servico_eventos(*, os):
    return EventoOS.objects.filter(os=os).select_related("usuario").order_by("data", "id")


def ordens_servico_do_ra(*, ra):
    return (
        OrdemServico.objects.filter(ra=ra)
        .select_related("tipo_servico", "unidade_atual", "equipe")
        .order_by("data_geracao", "id")
    )


def equipe_list(*, unidade=None, ativas=True):
    qs = Equipe.objects.select_related("unidade").order_by("unidade__sigla", "nome")
    if ativas:
        qs = qs.filter(ativa=True)
    if unidade is not None:
        qs = qs.filter(unidade=unidade)
    return qs


def equipe_agenda(*, equipe, dia):
    """The team's day, in order, with what the field needs (address, RA, type)."""
    return (
        OrdemServico.objects.filter(equipe=equipe, data_programada=dia)
        .select_related("tipo_servico", "imovel", "ra", "ra__especificacao")
        .order_by("posicao", "id")
    )


def programacao_semana(*, unidade, inicio, dias=7):
    """A unit's week: teams × days with their OS, plus the unit's unscheduled open OS."""
    datas = [inicio + timedelta(days=i) for i in range(dias)]
    equipes = list(equipe_list(unidade=unidade))
    por_celula = defaultdict(list)
    programadas = (
        OrdemServico.objects.filter(
            equipe__in=equipes, data_programada__gte=datas[0], data_programada__lte=datas[-1]
        )
        .select_related("tipo_servico", "imovel")
        .order_by("posicao", "id")
    )
    for os in programadas:
        por_celula[(os.equipe_id, os.data_programada)].append(os)
    linhas = [
        {
            "equipe": equipe,
            "celulas": [{"dia": d, "ordens": por_celula[(equipe.pk, d)]} for d in datas],
        }
        for equipe in equipes
    ]
    pendentes = (
        OrdemServico.objects.filter(unidade_atual=unidade, situacao=Situacao.PENDENTE)
        .select_related("tipo_servico", "imovel")
        .order_by("data_limite", "id")[:100]
    )
    return {"datas": datas, "linhas": linhas, "pendentes": list(pendentes)}


def boletim_os_concluidas(*, de, ate, equipe=None, tipo_servico=None, unidade=None):
    """Executed OS in the period (by execution date), grouped by team and service type."""
    qs = OrdemServico.objects.filter(
        situacao=Situacao.ENCERRADA_EXECUTADA,
        data_execucao__gte=_inicio_do_dia(de),
        data_execucao__lt=_inicio_do_dia(ate + timedelta(days=1)),
    )
    if equipe:
        qs = qs.filter(equipe=equipe)
    if tipo_servico:
        qs = qs.filter(tipo_servico=tipo_servico)
    if unidade:
        qs = qs.filter(unidade_atual=unidade)
    linhas = list(
        qs.values("equipe__nome", "equipe__unidade__sigla", "tipo_servico__descricao")
        .annotate(quantidade=Count("id"), valor=Sum("tipo_servico__valor"))
        .order_by("equipe__unidade__sigla", "equipe__nome", "tipo_servico__descricao")
    )
    for linha in linhas:
        linha["equipe__nome"] = linha["equipe__nome"] or "(sem equipe)"
    totais = qs.aggregate(quantidade=Count("id"), valor=Sum("tipo_servico__valor"))
    por_tipo = list(
        qs.values("tipo_servico__descricao")
        .annotate(quantidade=Count("id"))
        .order_by("-quantidade", "tipo_servico__descricao")
    )
    return {"linhas": linhas, "totais": totais, "por_tipo": por_tipo}


def boletim_detalhe(*, de, ate, equipe=None, tipo_servico=None, unidade=None):
    qs = OrdemServico.objects.filter(
        situacao=Situacao.ENCERRADA_EXECUTADA,
        data_execucao__gte=_inicio_do_dia(de),
        data_execucao__lt=_inicio_do_dia(ate + timedelta(days=1)),
    ).select_related("tipo_servico", "equipe", "unidade_atual", "imovel", "ra")
    if equipe:
        qs = qs.filter(equipe=equipe)
    if tipo_servico:
        qs = qs.filter(tipo_servico=tipo_servico)
    if unidade:
        qs = qs.filter(unidade_atual=unidade)
    return qs.order_by("data_execucao", "id")


def tipos_servico_ativos():
    return TipoServico.objects.filter(ativo=True).order_by("descricao")


def contagem_por_situacao(*, unidade=None):
    qs = OrdemServico.objects.all()
    if unidade is not None:
        qs = qs.filter(unidade_atual=unidade)
    return qs.aggregate(**{s.value: Count("id", filter=Q(situacao=s.value)) for s in Situacao})
