"""Admin of the Open311 keys (stored hashed, shown once).

Adding asks only the app's name; the key is made by ``chave_criar`` and shown once,
in the message after saving. Nothing shows it again: the list and the form have the
prefix only. A key is deactivated (never deleted: its reports point to it), and a
deactivated key stays off — a leaked key is replaced, not turned back on.
"""

from django import forms
from django.contrib import admin, messages

from cidadao.models import ChaveApi
from cidadao.open311.chaves import chave_criar, chave_desativar
from core.exceptions import RegraViolada


class ChaveApiForm(forms.ModelForm):
    class Meta:
        model = ChaveApi
        fields = ("nome",)


@admin.register(ChaveApi)
class ChaveApiAdmin(admin.ModelAdmin):
    form = ChaveApiForm
    list_display = ("nome", "prefixo", "ativa", "criada_em", "ultimo_uso")
    list_filter = ("ativa",)
    search_fields = ("nome", "prefixo")
    readonly_fields = ("prefixo", "ativa", "criada_em", "criada_por", "ultimo_uso")
    actions = ["desativar"]

    def get_fields(self, request, obj=None):
        return ("nome",) if obj is None else ("nome", *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["nome"])
            return
        try:
            chave, segredo = chave_criar(nome=obj.nome, usuario=request.user)
        except RegraViolada as exc:  # the form already checked the name; kept for safety
            raise forms.ValidationError(exc.mensagem) from exc
        obj.pk = chave.pk
        obj.refresh_from_db()
        obj._state.adding = False
        messages.warning(
            request,
            f"Guarde esta chave: {segredo}; ela não será mostrada de novo. "
            "Se ela se perder, desative-a e crie outra.",
        )

    @admin.action(description="Desativar as chaves selecionadas", permissions=["change"])
    def desativar(self, request, queryset):
        desativadas = 0
        for chave in queryset:
            if chave_desativar(chave=chave, usuario=request.user):
                self.log_change(request, chave, "Chave desativada.")
                desativadas += 1
        self.message_user(request, f"{desativadas} chave(s) desativada(s).", messages.SUCCESS)
