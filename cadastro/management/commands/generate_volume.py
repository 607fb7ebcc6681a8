import importlib
import importlib.util
import time

from django.core.management.base import BaseCommand, CommandError

# Order matters: RAs need imóveis, OS need RAs, messages need both.
APPS_COM_VOLUME = ("cadastro", "atendimento", "ordens_servico", "mensageria")


def _modulos():
    for app in APPS_COM_VOLUME:
        if importlib.util.find_spec(f"{app}.volume") is not None:
            yield app, importlib.import_module(f"{app}.volume")


class Command(BaseCommand):
    help = (
        "Gera volume de dados para benchmarks (inserções em lote). "
        "Cada app declara suas opções em <app>/volume.py."
    )

    def add_arguments(self, parser):
        vistos = set()
        for app, modulo in _modulos():
            for opcao, ajuda in modulo.OPCOES.items():
                if opcao in vistos:
                    raise CommandError(f"Opção --{opcao} declarada por mais de um app ({app}).")
                vistos.add(opcao)
                parser.add_argument(f"--{opcao.replace('_', '-')}", type=int, default=0, help=ajuda)

    def handle(self, *args, **options):
        pedidos = 0
        for _app, modulo in _modulos():
            for opcao in modulo.OPCOES:
                quantidade = options.get(opcao) or 0
                if quantidade < 0:
                    raise CommandError(f"--{opcao} deve ser positivo.")
                if quantidade:
                    pedidos += 1
                    inicio = time.monotonic()
                    self.stdout.write(f"Gerando {quantidade} {opcao}…")
                    modulo.gerar(opcao, quantidade, self.stdout)
                    gasto = time.monotonic() - inicio
                    self.stdout.write(self.style.SUCCESS(f"{quantidade} {opcao} em {gasto:.1f} s"))
        if not pedidos:
            raise CommandError("Nada a gerar: informe ao menos uma opção, ex.: --imoveis 1000.")
