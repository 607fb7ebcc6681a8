"""Admin of a parameters model: one row (pk=1), edited in place.

Each such model creates its row on first use (``atual``/``atuais``:
get_or_create pk=1), so the admin offers neither "add" nor "delete", and its list
goes straight to the form. Answering "may add?" without a query matters: Django
asks it of every model in the sidebar on every admin page.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse


class LinhaUnicaAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        linha, _ = self.model.objects.get_or_create(pk=1)
        meta = self.model._meta
        return redirect(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[linha.pk])
        )
