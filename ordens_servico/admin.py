from django.contrib import admin

from ordens_servico.models import (
    Equipe,
    EventoOS,
    OrdemServico,
    ParametrosUnidadeOS,
    TipoServico,
)


@admin.register(TipoServico)
class TipoServicoAdmin(admin.ModelAdmin):
    list_display = (
        "descricao",
        "valor",
        "prazo_execucao_horas",
        "encerra_ra",
        "exige_programacao",
        "dias_vencimento",
        "pesquisa_satisfacao",
        "ativo",
    )
    list_filter = ("ativo", "encerra_ra", "exige_programacao", "pesquisa_satisfacao")
    search_fields = ("descricao",)


@admin.register(Equipe)
class EquipeAdmin(admin.ModelAdmin):
    list_display = ("nome", "unidade", "veiculo", "telefone", "carga_diaria", "ativa")
    list_filter = ("ativa", "unidade")
    search_fields = ("nome", "veiculo")
    list_select_related = ("unidade",)


@admin.register(ParametrosUnidadeOS)
class ParametrosUnidadeOSAdmin(admin.ModelAdmin):
    list_display = ("unidade", "exige_programacao")
    list_select_related = ("unidade",)


class EventoOSInline(admin.TabularInline):
    model = EventoOS
    extra = 0
    can_delete = False
    fields = ("data", "tipo", "situacao_anterior", "situacao_nova", "usuario", "descricao")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OrdemServico)
class OrdemServicoAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the services (the OS screens)."""

    list_display = (
        "id",
        "tipo_servico",
        "situacao",
        "unidade_atual",
        "equipe",
        "data_programada",
        "data_geracao",
    )
    list_filter = ("situacao", "tipo_servico", "unidade_atual")
    list_select_related = ("tipo_servico", "unidade_atual", "equipe")
    search_fields = ("=id", "ra__protocolo")
    date_hierarchy = "data_geracao"
    show_full_result_count = False
    inlines = [EventoOSInline]
    readonly_fields = [f.name for f in OrdemServico._meta.fields]
    raw_id_fields = ("ra", "imovel")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # An OS is history (its RA, the boletim): cancel it on its page instead.
        return False
