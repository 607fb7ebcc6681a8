"""The public status page by protocol, and its short link (no login)."""

from django.urls import path

from cidadao.views import consulta

app_name = "consulta"
urlpatterns = [
    path("acompanhar/<str:protocolo>/", consulta.protocolo, name="protocolo"),
]
