import time

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import RegraViolada
from ordens_servico.models import TipoServico
from ordens_servico.services import ordens_servico_encerrar_vencidas


class Command(BaseCommand):
    help = (
        "Encerra, por decurso de prazo, as OS pendentes de um tipo de serviço geradas há mais "
        "de N dias. Sem --tipo, usa cada tipo que tem 'encerrar pendentes após (dias)'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tipo", type=int, help="id do tipo de serviço")
        parser.add_argument("--dias", type=int, help="pendentes há mais de N dias")

    def handle(self, *args, tipo=None, dias=None, **options):
        if tipo is not None:
            try:
                tipos = [(TipoServico.objects.get(pk=tipo), dias)]
            except TipoServico.DoesNotExist as exc:
                raise CommandError(f"Tipo de serviço {tipo} não existe.") from exc
            if dias is None:
                dias = tipos[0][0].dias_vencimento
                if dias is None:
                    raise CommandError("Informe --dias (o tipo não tem prazo de vencimento).")
                tipos = [(tipos[0][0], dias)]
        else:
            if dias is not None:
                raise CommandError("--dias exige --tipo.")
            tipos = [
                (t, t.dias_vencimento)
                for t in TipoServico.objects.filter(dias_vencimento__isnull=False)
            ]
        for tipo_servico, n in tipos:
            inicio = time.perf_counter()
            try:
                total = ordens_servico_encerrar_vencidas(
                    tipo_servico=tipo_servico,
                    dias=n,
                    progresso=lambda feitas: self.stdout.write(f"  … {feitas} encerradas"),
                )
            except RegraViolada as erro:
                raise CommandError(str(erro)) from erro
            self.stdout.write(
                f"{tipo_servico}: {total} OS encerradas por decurso de prazo "
                f"(> {n} dias) em {time.perf_counter() - inicio:.1f} s."
            )
