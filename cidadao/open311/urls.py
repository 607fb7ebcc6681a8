"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) at /open311/v2/: each
resource in JSON or XML by its extension."""

from django.urls import path, re_path

from . import views

app_name = "open311"
F = r"\.(?P<formato>json|xml)$"
urlpatterns = [
    path("", views.nao_encontrado, name="raiz"),
    path("openapi.json", views.openapi, name="openapi"),
    re_path(r"^discovery" + F, views.discovery, name="discovery"),
    re_path(r"^services" + F, views.services, name="services"),
    re_path(r"^services/(?P<codigo>[^/]+)" + F, views.service_definition, name="service"),
    re_path(r"^requests" + F, views.requests, name="requests"),
    re_path(r"^requests/(?P<protocolo>[^/]+)" + F, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+)" + F, views.token, name="token"),
    re_path(r"^(?P<caminho>[\s\S]*)$", views.nao_encontrado),  # a path may hold a newline
]
