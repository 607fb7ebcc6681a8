"""The public report form (no login)."""

from django.urls import path

from cidadao.views import formulario

app_name = "relato"
urlpatterns = [
    path("", formulario.novo, name="novo"),
    path("<slug:token>/", formulario.acompanhar, name="acompanhar"),
]
