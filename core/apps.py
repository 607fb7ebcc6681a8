from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sincronizar_papeis(sender, **kwargs):
    from django.apps import apps

    from core.papeis import sincronizar_papeis

    sincronizar_papeis(apps)


class CoreConfig(AppConfig):
    """Cross-cutting pieces: roles, home page, layout, health check."""

    name = "core"
    verbose_name = "Núcleo"

    def ready(self):
        from core import admin_site

        admin_site.restrict_admin_to_administradores()
        # Runs after migrate and after the flush of transactional tests; the
        # last app signalled sees every permission created.
        post_migrate.connect(_sincronizar_papeis, dispatch_uid="core.papeis")
