"""Run the batch of billing and collection messages from the command line."""

import time

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import RegraViolada
from faturamento.models import Processo, referencia_formatada
from faturamento.services.processos import (
    contagens_texto,
    processo_criar,
    processo_executar,
    referencia_atual,
    referencia_ler,
)
from faturamento.tasks import processo_enfileirar

Tipo = Processo.Tipo
Situacao = Processo.Situacao
ACOES = {
    "preparar": (Tipo.PREPARAR_FATURAMENTO, Tipo.PREPARAR_COBRANCA),
    "transmitir": (Tipo.TRANSMITIR,),
    "expirar": (Tipo.EXPIRAR,),
}
# Seconds between two progress lines (the last one is always printed).
INTERVALO = 1.0


class Command(BaseCommand):
    help = (
        "Executa o lote de mensagens de faturamento e cobrança: preparar (mensagens das "
        "contas da referência e depois as de cobrança), transmitir ou expirar. Roda neste "
        "processo mostrando o progresso; com --fila, enfileira para um worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("acao", choices=list(ACOES), help="preparar, transmitir ou expirar")
        parser.add_argument(
            "--referencia",
            help=(
                "referência das contas, AAAAMM: para preparar, o mês das contas (padrão: o "
                "atual); para transmitir e expirar, só as mensagens preparadas para esse mês "
                "(padrão: todas)"
            ),
        )
        parser.add_argument(
            "--fila", action="store_true", help="enfileira para um worker em vez de rodar aqui"
        )

    def handle(self, *args, acao, referencia, fila, **opcoes):
        try:
            ref = referencia_ler(referencia) if referencia is not None else None
        except RegraViolada as erro:
            raise CommandError(str(erro)) from erro
        if ref is None and acao == "preparar":
            ref = referencia_atual()
        tipos = ACOES[acao]
        ativo = Processo.objects.filter(tipo__in=tipos, situacao__in=Processo.ATIVAS).first()
        if ativo:
            raise CommandError(
                f"Já há um processo “{ativo.get_tipo_display()}” em andamento (nº {ativo.pk}). "
                "Espere que termine ou cancele-o."
            )
        # Collection documents have no referência; transmitir and expirar take one to
        # work only on the messages prepared for that month.
        pedidos = [(t, None if t == Tipo.PREPARAR_COBRANCA else ref) for t in tipos]
        if fila:
            for tipo, r in pedidos:
                processo = self._criar(tipo, r)
                processo_enfileirar(processo)
                self.stdout.write(f"Processo “{processo}” enfileirado.")
            return
        # A failed run does not keep the next from running (collection messages do not
        # depend on the bills'); a cancelled one stops here. Exit 1 if any did not finish.
        erros = []
        for tipo, r in pedidos:
            processo = self._rodar(self._criar(tipo, r))
            if processo.situacao != Situacao.CONCLUIDO:
                motivo = f": {processo.erro}" if processo.erro else "."
                erros.append(
                    f"Processo “{processo}” {processo.get_situacao_display().lower()}{motivo}"
                )
            if processo.situacao == Situacao.CANCELADO:
                break
        if erros:
            raise CommandError(" ".join(erros))

    def _criar(self, tipo, referencia) -> Processo:
        try:
            return processo_criar(tipo, referencia=referencia)
        except RegraViolada as erro:
            raise CommandError(str(erro)) from erro

    def _rodar(self, processo: Processo) -> Processo:
        ref = f" {referencia_formatada(processo.referencia)}" if processo.referencia else ""
        titulo = f"{processo.get_tipo_display()}{ref} (nº {processo.pk})"
        self.stdout.write(f"{titulo}: iniciado.")
        ultimo = [0.0]

        def progresso(p: Processo) -> None:
            agora = time.monotonic()
            if agora - ultimo[0] < INTERVALO:
                return
            ultimo[0] = agora
            self._progresso(titulo, p)

        processo = processo_executar(processo.pk, ao_avancar=progresso)
        self._progresso(titulo, processo)
        estilo = self.style.SUCCESS if processo.situacao == Situacao.CONCLUIDO else str
        self.stdout.write(
            estilo(
                f"{titulo}: {processo.get_situacao_display().lower()}. "
                f"{contagens_texto(processo.contadores)}."
            )
        )
        return processo

    def _progresso(self, titulo: str, p: Processo) -> None:
        if p.total:
            self.stdout.write(f"{titulo}: {p.processados} de {p.total} ({p.percentual}%)")
        else:
            self.stdout.write(f"{titulo}: {p.processados} processados")
