from django.contrib import admin

from core.papeis import ADMINISTRADOR


def _somente_administradores(request):
    user = request.user
    return user.is_active and (
        user.is_superuser or (user.is_staff and user.groups.filter(name=ADMINISTRADOR).exists())
    )


def restrict_admin_to_administradores():
    """Django admin is for the Administrador role only (not for any staff user)."""
    admin.site.has_permission = _somente_administradores
    admin.site.site_header = "Atendimento ao Público — Administração"
    admin.site.site_title = "Administração"
    admin.site.index_title = "Configuração do sistema"
