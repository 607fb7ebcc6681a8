import re

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from cadastro import services
from cadastro.models import (
    Cliente,
    ClienteImovel,
    Feriado,
    Imovel,
    Sequencia,
    Telefone,
    UnidadeOrganizacional,
    Usuario,
)
from core.texto import normalizar


@admin.register(UnidadeOrganizacional)
class UnidadeOrganizacionalAdmin(SimpleHistoryAdmin):
    list_display = (
        "sigla",
        "nome",
        "tipo",
        "superior",
        "abre_ra",
        "recebe_tramite",
        "central_atendimento",
        "ativa",
    )
    list_filter = ("tipo", "ativa", "abre_ra", "recebe_tramite", "central_atendimento")
    search_fields = ("sigla", "nome")
    autocomplete_fields = ("superior", "centralizadora")


@admin.register(Usuario)
class UsuarioAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Lotação", {"fields": ("unidade",)}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Lotação", {"fields": ("unidade",)}))
    list_display = ("username", "first_name", "last_name", "unidade", "is_active")
    list_filter = ("unidade", "groups", "is_active")
    autocomplete_fields = ("unidade",)

    # Only a superuser makes superusers or grants loose permissions; everyone
    # else manages access through the roles (groups).
    _SO_SUPERUSUARIO = ("is_superuser", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        campos = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return campos
        return (*campos, *self._SO_SUPERUSUARIO)

    def has_change_permission(self, request, obj=None):
        # Editing a superuser (e.g. setting its password) would be a way to become one.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class TelefoneInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        marcados = [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("sms")
        ]
        if len(marcados) > 1:
            raise ValidationError(
                "Só um telefone do cliente pode receber SMS: desmarque os outros."
            )


class TelefoneInline(admin.TabularInline):
    model = Telefone
    formset = TelefoneInlineFormSet
    extra = 0


class ClienteImovelInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        ativos = set()
        for f in self.forms:
            dados = getattr(f, "cleaned_data", None)
            if not dados or dados.get("DELETE") or dados.get("data_fim"):
                continue
            chave = (getattr(dados.get("imovel"), "pk", None), dados.get("relacao"))
            if None not in chave and chave in ativos:
                raise ValidationError(
                    "O imóvel não pode ter dois vínculos ativos da mesma relação: "
                    "informe a data de fim de um deles."
                )
            ativos.add(chave)


class ClienteImovelInline(admin.TabularInline):
    model = ClienteImovel
    formset = ClienteImovelInlineFormSet
    extra = 0
    autocomplete_fields = ("cliente", "imovel")


@admin.register(Cliente)
class ClienteAdmin(SimpleHistoryAdmin):
    list_display = ("nome", "cpf_cnpj", "email", "recebe_sms", "recebe_email")
    list_filter = ("recebe_sms", "recebe_email")
    search_fields = ("busca", "cpf_cnpj")

    def save_formset(self, request, form, formset, change):
        if formset.model is Telefone:
            # Clear the SMS flags being removed before any is set, so the
            # one-SMS-phone index never sees two at once mid-save.
            for f in formset.initial_forms:
                dados = getattr(f, "cleaned_data", {})
                if f.instance.pk and (dados.get("DELETE") or not dados.get("sms")):
                    Telefone.objects.filter(pk=f.instance.pk).update(sms=False)
        super().save_formset(request, form, formset, change)

    def get_search_results(self, request, queryset, search_term):
        # ``busca`` holds accent-free lower-case text; CPF/CNPJ is stored as digits.
        termo = normalizar(search_term)
        if re.fullmatch(r"[\d.\-/ ]+", termo):
            termo = re.sub(r"\D", "", termo)
        return super().get_search_results(request, queryset, termo)

    inlines = [TelefoneInline, ClienteImovelInline]


@admin.register(Imovel)
class ImovelAdmin(SimpleHistoryAdmin):
    list_display = (
        "matricula_formatada",
        "inscricao",
        "endereco",
        "situacao_agua",
        "situacao_esgoto",
    )
    list_filter = ("situacao_agua", "situacao_esgoto", "municipio")
    search_fields = ("=matricula", "busca")
    readonly_fields = ("matricula",)

    def get_search_results(self, request, queryset, search_term):
        termo = normalizar(search_term)
        if re.fullmatch(r"\d{1,9}-\d", termo):
            termo = termo.split("-")[0]
        return super().get_search_results(request, queryset, termo)

    inlines = [ClienteImovelInline]

    def save_model(self, request, obj, form, change):
        if not change:
            # Same counter as cadastro.services.imovel_criar: gap-free, never typed by hand.
            obj.matricula = services.matriculas_reservar(1)
        super().save_model(request, obj, form, change)

    @admin.display(description="matrícula", ordering="matricula")
    def matricula_formatada(self, obj):
        return obj.matricula_formatada


@admin.register(Feriado)
class FeriadoAdmin(admin.ModelAdmin):
    list_display = ("data", "descricao", "abrangencia", "municipio")
    list_filter = ("abrangencia", "municipio")
    date_hierarchy = "data"


@admin.register(Sequencia)
class SequenciaAdmin(admin.ModelAdmin):
    list_display = ("nome", "valor")
    readonly_fields = ("nome", "valor")

    def has_add_permission(self, request):
        return False
