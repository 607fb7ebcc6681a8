from django.apps import AppConfig


class OrdensServicoConfig(AppConfig):
    name = "ordens_servico"
    verbose_name = "Ordens de serviço"
