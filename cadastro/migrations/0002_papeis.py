from django.db import migrations

from core.papeis import criar_permissoes, sincronizar_papeis


def criar_papeis(apps, schema_editor):
    criar_permissoes(apps)
    sincronizar_papeis(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cadastro", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(criar_papeis, migrations.RunPython.noop)]
