from django.db import migrations

from core.migrations_util import somente_postgresql

# Same indexes as 0003, now also carrying pausado_desde: a paused RA has only the
# "pausado" deadline status (atendimento/filters.py, prazo_q), so the per-status
# counts read that column and still come from the index alone.
ANTES = {
    "ra_abertos_unidade_prazo": "atendimento_registroatendimento "
    "(unidade_atual_id, data_prevista_atual, id) INCLUDE (data_atencao) "
    "WHERE NOT (situacao = 'encerrado')",
    "ra_abertos_prazo": "atendimento_registroatendimento (data_prevista_atual, id) "
    "INCLUDE (data_atencao, unidade_atual_id, especificacao_id) "
    "WHERE NOT (situacao = 'encerrado')",
}
DEPOIS = {
    "ra_abertos_unidade_prazo": "atendimento_registroatendimento "
    "(unidade_atual_id, data_prevista_atual, id) INCLUDE (data_atencao, pausado_desde) "
    "WHERE NOT (situacao = 'encerrado')",
    "ra_abertos_prazo": "atendimento_registroatendimento (data_prevista_atual, id) "
    "INCLUDE (data_atencao, pausado_desde, unidade_atual_id, especificacao_id) "
    "WHERE NOT (situacao = 'encerrado')",
}


def _recriar(definicoes):
    return ";".join(
        f"DROP INDEX IF EXISTS {nome}; CREATE INDEX {nome} ON {definicao}"
        for nome, definicao in definicoes.items()
    )


class Migration(migrations.Migration):
    dependencies = [("atendimento", "0004_indice_cliente_abertura")]

    operations = [somente_postgresql(_recriar(DEPOIS), _recriar(ANTES))]
