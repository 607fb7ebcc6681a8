from django.db import migrations

from core.migrations_util import somente_postgresql

# "Open" is always written NOT (situacao = 'encerrado') by the selectors, so the
# partial indexes below match the queries' predicates (see atendimento/filters.py).
INDICES = [
    # The unit's queue: open RAs of a unit, nearest deadline first; data_atencao lets
    # the per-status counts be answered from the index alone.
    (
        "ra_abertos_unidade_prazo",
        "atendimento_registroatendimento (unidade_atual_id, data_prevista_atual, id) "
        "INCLUDE (data_atencao) WHERE NOT (situacao = 'encerrado')",
    ),
    # Deadline status over every unit (overdue lists, supervisor panel).
    (
        "ra_abertos_prazo",
        "atendimento_registroatendimento (data_prevista_atual, id) "
        "INCLUDE (data_atencao, unidade_atual_id, especificacao_id) "
        "WHERE NOT (situacao = 'encerrado')",
    ),
    # Closing period.
    (
        "ra_data_encerramento",
        "atendimento_registroatendimento (data_encerramento) "
        "WHERE data_encerramento IS NOT NULL",
    ),
    # CPF/CNPJ of a solicitante who is not a registered client.
    (
        "ra_solicitante_cpf_cnpj",
        "atendimento_registroatendimento (solicitante_cpf_cnpj) "
        "WHERE solicitante_cpf_cnpj <> ''",
    ),
    # Routing period.
    ("tramite_data_ra", "atendimento_tramite (data, ra_id)"),
]


class Migration(migrations.Migration):
    """Indexes of the RA search and the unit queue (measured in benchmarks/bench_ra_busca.py)."""

    dependencies = [("atendimento", "0002_initial")]

    operations = [
        somente_postgresql(
            f"CREATE INDEX IF NOT EXISTS {nome} ON {definicao}", f"DROP INDEX IF EXISTS {nome}"
        )
        for nome, definicao in INDICES
    ]
