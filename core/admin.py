from django.contrib import admin

from core.admin_leitura import SomenteLeituraAdmin
from core.models import Exportacao


@admin.register(Exportacao)
class ExportacaoAdmin(SomenteLeituraAdmin):
    """The export audit, read-only: nobody adds, changes or deletes a record."""

    list_display = ("data", "usuario", "nome", "linhas", "dados_pessoais")
    list_filter = ("nome", "dados_pessoais")
    search_fields = ("usuario__username", "usuario__first_name", "usuario__last_name")
    date_hierarchy = "data"
    list_select_related = ("usuario",)
    readonly_fields = ("data", "usuario", "nome", "filtros", "linhas", "dados_pessoais")
