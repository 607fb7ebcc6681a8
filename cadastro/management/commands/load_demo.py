import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Order matters: later apps build on the rows of earlier ones.
APPS_COM_DEMO = (
    "cadastro",
    "atendimento",
    "ordens_servico",
    "mensageria",
    "faturamento",
    "cidadao",
    "portal",
)


class Command(BaseCommand):
    help = "Carrega dados de demonstração (idempotente: rodar de novo não duplica nada)."

    def handle(self, *args, **options):
        if not settings.LOAD_DEMO_ALLOWED:
            raise CommandError(
                "Os dados de demonstração têm senhas públicas e não podem ser carregados "
                "em produção (gsan.settings.production)."
            )
        modulos = [
            importlib.import_module(f"{app}.demo")
            for app in APPS_COM_DEMO
            if importlib.util.find_spec(f"{app}.demo") is not None
        ]
        # Parameters first (e.g. mensageria's transliteration), so the rows that later
        # apps create (an RA's protocol SMS) are made under them.
        for modulo in modulos:
            if hasattr(modulo, "preparar"):
                modulo.preparar(self.stdout)
        for modulo in modulos:
            modulo.carregar(self.stdout)
        self.stdout.write(self.style.SUCCESS("Dados de demonstração prontos."))
