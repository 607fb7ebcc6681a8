from django.apps import AppConfig


class FaturamentoConfig(AppConfig):
    name = "faturamento"
    verbose_name = "Faturamento e cobrança (contas e mensagens)"

    def ready(self):
        # Each module registers its batch step (services.processos.ETAPAS).
        from .services import importacao, preparacao, transmissao  # noqa: F401
