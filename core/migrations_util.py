"""Helpers for migrations that only apply to PostgreSQL (the embedded SQLite skips them)."""

from django.db import migrations


def somente_postgresql(sql: str, reverse_sql: str = ""):
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        if reverse_sql and schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forwards, backwards)


_FUNCAO_POSTGRESQL = """
CREATE OR REPLACE FUNCTION historico_imutavel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'O histórico % não pode ser %.', TG_ARGV[0],
        CASE TG_OP WHEN 'DELETE' THEN 'apagado' ELSE 'alterado' END
        USING ERRCODE = 'restrict_violation';
END
$$
"""


def historico_imutavel(tabela: str, historico_de: str):
    """Make a history table append-only in the database itself (core.models.Imutavel
    guards only ``save()``/``delete()`` of one instance; ``QuerySet.update()``,
    ``.delete()`` and raw SQL bypass it).

    BEFORE UPDATE OR DELETE row triggers raise ``restrict_violation`` (Django's
    IntegrityError) with the message of ``Imutavel``. TRUNCATE fires no row
    trigger, so test teardown still empties the tables. On SQLite (the embedded
    development database) equivalent triggers use ``RAISE(ABORT, …)``; note that
    SQLite rebuilds a table on most schema changes, so a later migration that
    alters one of these tables there must create its triggers again.
    """
    nome = f"{tabela}_imutavel"
    mensagem = f"O histórico {historico_de} não pode ser"

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(_FUNCAO_POSTGRESQL, params=None)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {nome} ON {tabela}", params=None)
            schema_editor.execute(
                f"CREATE TRIGGER {nome} BEFORE UPDATE OR DELETE ON {tabela} FOR EACH ROW "
                f"EXECUTE FUNCTION historico_imutavel('{historico_de}')",
                params=None,
            )
        elif vendor == "sqlite":
            for evento, verbo in (("UPDATE", "alterado"), ("DELETE", "apagado")):
                schema_editor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {nome}_{evento.lower()} BEFORE {evento} "
                    f"ON {tabela} BEGIN SELECT RAISE(ABORT, '{mensagem} {verbo}.'); END",
                    params=None,
                )

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {nome} ON {tabela}", params=None)
        elif vendor == "sqlite":
            for evento in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {nome}_{evento}", params=None)

    return migrations.RunPython(forwards, backwards)
