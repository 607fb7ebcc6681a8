"""Import bills and payments from a CSV file, synchronously, with progress."""

import time

from django.core.management.base import BaseCommand, CommandError

from faturamento.services.importacao import (
    COLUNAS_CONTAS,
    COLUNAS_DOCUMENTOS,
    ArquivoRecusado,
    importar_arquivo,
)


class _Progresso:
    """Stands for a run's ``Execucao``: prints each chunk instead of storing it."""

    def __init__(self, saida):
        self.saida = saida
        self.total = 0
        self.processados = 0
        self.inicio = time.perf_counter()

    def definir_total(self, total: int) -> None:
        self.total = total

    def avancar(self, processados: int = 0, **contadores) -> None:
        self.processados += processados
        pct = f" ({100 * self.processados // self.total}%)" if self.total else ""
        decorrido = time.perf_counter() - self.inicio
        self.saida.write(f"  {self.processados} de {self.total} linhas{pct} — {decorrido:.1f} s")


class Command(BaseCommand):
    help = (
        "Importa contas e pagamentos de um arquivo CSV separado por “;” (UTF-8 ou Latin-1), "
        f"com o cabeçalho {';'.join(COLUNAS_CONTAS)} — ou documentos de cobrança, com o "
        f"cabeçalho {';'.join(COLUNAS_DOCUMENTOS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("arquivo", help="caminho do arquivo CSV")
        parser.add_argument(
            "--max-rejeicoes",
            type=int,
            default=50,
            help="quantas linhas rejeitadas listar (todas são contadas; padrão 50)",
        )

    def handle(self, *args, **opcoes):
        progresso = _Progresso(self.stdout) if opcoes["verbosity"] >= 1 else None
        inicio = time.perf_counter()
        try:
            relatorio = importar_arquivo(opcoes["arquivo"], execucao=progresso)
        except ArquivoRecusado as exc:
            raise CommandError(f"Arquivo recusado, nada foi gravado: {exc}") from exc
        for linha in relatorio.linhas(max_rejeicoes=opcoes["max_rejeicoes"]):
            self.stdout.write(linha)
        self.stdout.write(
            self.style.SUCCESS(f"Importação concluída em {time.perf_counter() - inicio:.1f} s.")
        )
