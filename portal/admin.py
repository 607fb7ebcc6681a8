from django.contrib import admin

from portal.models import ContaExterna, ParametrosPortal

admin.site.register(ContaExterna)
admin.site.register(ParametrosPortal)
