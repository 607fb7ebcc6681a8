"""An admin for audit and machine-written records: listed and read, never edited."""

from django.contrib import admin


class SomenteLeituraAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes a row here: services write them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
