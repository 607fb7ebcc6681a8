from django.db import migrations

from core.migrations_util import somente_postgresql


class Migration(migrations.Migration):
    """Trigram indexes so that substring search stays fast over all imóveis."""

    dependencies = [("cadastro", "0002_papeis")]

    operations = [
        somente_postgresql("CREATE EXTENSION IF NOT EXISTS pg_trgm"),
        somente_postgresql(
            "CREATE INDEX IF NOT EXISTS cadastro_imovel_busca_trgm "
            "ON cadastro_imovel USING gin (busca gin_trgm_ops)",
            "DROP INDEX IF EXISTS cadastro_imovel_busca_trgm",
        ),
        somente_postgresql(
            "CREATE INDEX IF NOT EXISTS cadastro_cliente_busca_trgm "
            "ON cadastro_cliente USING gin (busca gin_trgm_ops)",
            "DROP INDEX IF EXISTS cadastro_cliente_busca_trgm",
        ),
    ]
