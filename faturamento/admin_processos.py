"""Read-only admin of the batch runs and of the sends they prepared: services write them."""

from django.contrib import admin

from core.admin_leitura import SomenteLeituraAdmin

from .models import Envio, Processo


@admin.register(Processo)
class ProcessoAdmin(SomenteLeituraAdmin):
    list_display = ("id", "tipo", "referencia", "situacao", "processados", "total", "usuario",
                    "criado_em", "concluido_em")  # fmt: skip
    list_filter = ("tipo", "situacao")
    search_fields = ("id",)
    date_hierarchy = "criado_em"
    list_select_related = ("usuario",)


@admin.register(Envio)
class EnvioAdmin(SomenteLeituraAdmin):
    list_display = ("id", "canal", "situacao", "destino", "enviar_em", "limite", "processo",
                    "criado_em")  # fmt: skip
    list_filter = ("canal", "situacao")
    search_fields = ("destino",)
    raw_id_fields = ("processo", "conta", "documento", "mensagem")
    list_select_related = ("processo",)
    show_full_result_count = False
