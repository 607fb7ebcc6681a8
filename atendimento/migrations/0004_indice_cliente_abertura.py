from django.db import migrations

from core.migrations_util import somente_postgresql


class Migration(migrations.Migration):
    """A client's RAs newest first from the index alone: the client-name search reads
    the matching clients' ids, then this index, instead of walking every RA by date."""

    dependencies = [("atendimento", "0003_indices_consulta")]

    operations = [
        somente_postgresql(
            "CREATE INDEX IF NOT EXISTS ra_cliente_abertura "
            "ON atendimento_registroatendimento (cliente_id, data_abertura, id)",
            "DROP INDEX IF EXISTS ra_cliente_abertura",
        )
    ]
