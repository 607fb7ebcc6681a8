"""Encerrar OS vencida: close, set-based, pending OS of a type older than N days."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.exceptions import RegraViolada
from ordens_servico.models import EventoOS, OrdemServico

MOTIVO_DECURSO_PRAZO = "Cancelado por decurso de prazo"
LOTE = 5000


def ordens_servico_vencidas_elegiveis(*, tipo_servico, dias: int, unidades=None, agora=None):
    """Pending OS of the type generated more than ``dias`` days ago (optionally in some units)."""
    if dias is None or int(dias) < 1:
        raise RegraViolada("Informe um número de dias maior que zero.", campo="dias")
    corte = (agora or timezone.now()) - timedelta(days=int(dias))
    qs = OrdemServico.objects.filter(
        situacao=OrdemServico.Situacao.PENDENTE,
        tipo_servico=tipo_servico,
        data_geracao__lt=corte,
    )
    if unidades is not None:
        qs = qs.filter(unidade_atual_id__in=unidades)
    return qs


def ordens_servico_encerrar_vencidas(
    *, tipo_servico, dias: int, usuario=None, unidades=None, lote: int = LOTE, progresso=None
) -> int:
    """Close the eligible OS as not executed, "cancelado por decurso de prazo".

    Works in batches: each batch locks its rows (skipping rows another
    transaction holds), updates them in one UPDATE and writes their history
    rows in one INSERT, then commits, so a long run shows progress and a
    failure keeps what was done. ``progresso(feitas)`` is called after each
    batch. Returns how many OS were closed.
    """
    agora = timezone.now()
    elegiveis = ordens_servico_vencidas_elegiveis(
        tipo_servico=tipo_servico, dias=dias, unidades=unidades, agora=agora
    )
    descricao = (
        f"Encerrada em lote: {MOTIVO_DECURSO_PRAZO.lower()} (pendente há mais de {dias} dias)."
    )
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                elegiveis.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:lote]
            )
            if not ids:
                break
            OrdemServico.objects.filter(pk__in=ids, situacao=OrdemServico.Situacao.PENDENTE).update(
                situacao=OrdemServico.Situacao.ENCERRADA_NAO_EXECUTADA,
                data_encerramento=agora,
                motivo_encerramento=MOTIVO_DECURSO_PRAZO,
                usuario_encerramento=usuario,
                versao=F("versao") + 1,
            )
            EventoOS.objects.bulk_create(
                [
                    EventoOS(
                        os_id=pk,
                        tipo=EventoOS.Tipo.CANCELAMENTO,
                        situacao_anterior=OrdemServico.Situacao.PENDENTE,
                        situacao_nova=OrdemServico.Situacao.ENCERRADA_NAO_EXECUTADA,
                        usuario=usuario,
                        data=agora,
                        descricao=descricao,
                    )
                    for pk in ids
                ],
                batch_size=lote,
            )
        total += len(ids)
        if progresso is not None:
            progresso(total)
    return total
