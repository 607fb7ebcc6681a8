"""The attendants' triage of citizens' reports (login required)."""

from django.urls import path

from cidadao.views import triagem

app_name = "cidadao"
urlpatterns: list = [
    path("triagem/", triagem.fila, name="triagem"),
    path("triagem/contagem/", triagem.contagem, name="triagem_contagem"),
    path("triagem/<int:pk>/", triagem.relato, name="relato"),
    path("triagem/<int:pk>/abrir-ra/", triagem.abrir_ra, name="relato_abrir_ra"),
    path("triagem/<int:pk>/vincular/", triagem.vincular, name="relato_vincular"),
    path("triagem/<int:pk>/descartar/", triagem.descartar, name="relato_descartar"),
    path("triagem/<int:pk>/bloquear/", triagem.bloquear, name="relato_bloquear"),
    path("relatos/<int:pk>/foto/", triagem.foto, name="relato_foto"),
]
