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
