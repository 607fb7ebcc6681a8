from django.apps import AppConfig


class CidadaoConfig(AppConfig):
    name = "cidadao"
    verbose_name = "Canal do cidadão (relatos, Open311, consulta pública)"
