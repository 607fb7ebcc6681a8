"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) at /open311/v2/: each
resource in JSON or XML by its extension (``services.json``, ``tokens/abc.xml``).

The extension is read by the views (``views.formato_de``): an unknown one is the
API's own 404, like any path that matches nothing here.
"""

from django.urls import path, re_path

from . import views

app_name = "open311"
urlpatterns = [
    path("", views.nao_encontrado, name="raiz"),
    path("openapi.json", views.openapi, name="openapi"),
    path("discovery.<str:formato>", views.discovery, name="discovery"),
    path("services.<str:formato>", views.services, name="services"),
    path("services/<str:arquivo>", views.service_definition, name="service"),
    path("requests.<str:formato>", views.requests, name="requests"),
    path("requests/<str:arquivo>", views.request_detail, name="request"),
    path("tokens/<str:arquivo>", views.token, name="token"),
    re_path(r"^(?P<caminho>[\s\S]*)$", views.nao_encontrado),  # a path may hold a newline
]
