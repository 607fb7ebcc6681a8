"""The public status page by protocol, and its short link (no login)."""

from django.urls import path

from cidadao.views import consulta

app_name = "consulta"
urlpatterns = [
    path("acompanhar/", consulta.inicio, name="inicio"),
    path("acompanhar/<path:protocolo>/", consulta.protocolo, name="protocolo"),
    # The SMS short link (mensageria.links builds it): the same page, no redirect.
    path("p/<path:protocolo>", consulta.protocolo, name="curto"),
]
