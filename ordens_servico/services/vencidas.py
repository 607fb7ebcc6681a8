"""Encerrar OS vencida: close, set-based, pending OS of a type older than N days."""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import ngettext

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
    rows in one INSERT (a single statement on PostgreSQL), then commits, so a
    long run shows progress and a failure keeps what was done.
    ``progresso(feitas)`` is called after each batch. Returns how many OS
    were closed.
    """
    agora = timezone.now()
    elegiveis = ordens_servico_vencidas_elegiveis(
        tipo_servico=tipo_servico, dias=dias, unidades=unidades, agora=agora
    )
    ha_mais_de = ngettext("%(n)d dia", "%(n)d dias", dias) % {"n": dias}
    descricao = (
        f"Encerrada em lote: {MOTIVO_DECURSO_PRAZO.lower()} (pendente há mais de {ha_mais_de})."
    )
    total = 0
    lote_fechar = _lote_postgresql if connection.vendor == "postgresql" else _lote_orm
    while True:
        with transaction.atomic():
            feitas = lote_fechar(elegiveis, lote, agora=agora, usuario=usuario, descricao=descricao)
        if not feitas:
            break
        total += feitas
        if progresso is not None:
            progresso(total)
    return total


def _lote_postgresql(elegiveis, lote, *, agora, usuario, descricao) -> int:
    """One statement per batch: pick (skipping locked rows), update, insert history.

    The batch's WHERE clause is the eligibility queryset compiled by Django;
    no ORDER BY, so the (tipo, situação, geração) index finds rows without
    rescanning the ones already closed.
    """
    escolha = elegiveis.select_for_update(skip_locked=True).order_by().values("id")[:lote]
    sql_escolha, params_escolha = escolha.query.get_compiler(connection=connection).as_sql()
    os_tabela = OrdemServico._meta.db_table
    evento_tabela = EventoOS._meta.db_table
    sql = f"""
        WITH lote AS ({sql_escolha}),
        feitas AS (
            UPDATE {os_tabela} AS o
               SET situacao = %s, data_encerramento = %s, motivo_encerramento = %s,
                   usuario_encerramento_id = %s, versao = o.versao + 1
              FROM lote
             WHERE o.id = lote.id AND o.situacao = %s
         RETURNING o.id
        )
        INSERT INTO {evento_tabela}
               (os_id, tipo, situacao_anterior, situacao_nova, usuario_id, data, descricao, dados)
        SELECT id, %s, %s, %s, %s, %s, %s, '{{}}'::jsonb FROM feitas
    """
    fechada = OrdemServico.Situacao.ENCERRADA_NAO_EXECUTADA
    pendente = OrdemServico.Situacao.PENDENTE
    usuario_id = usuario.pk if usuario is not None else None
    params = [
        *params_escolha,
        fechada,
        agora,
        MOTIVO_DECURSO_PRAZO,
        usuario_id,
        pendente,
        EventoOS.Tipo.CANCELAMENTO,
        pendente,
        fechada,
        usuario_id,
        agora,
        descricao,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _lote_orm(elegiveis, lote, *, agora, usuario, descricao) -> int:
    """The same batch with the ORM (SQLite, the embedded development database)."""
    ids = list(
        elegiveis.select_for_update(skip_locked=True).order_by().values_list("pk", flat=True)[:lote]
    )
    if not ids:
        return 0
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
    return len(ids)
