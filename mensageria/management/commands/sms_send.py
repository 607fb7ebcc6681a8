"""Enqueue a test SMS."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from core.exceptions import RegraViolada
from mensageria.services import mensagem_sms_criar


class Command(BaseCommand):
    help = "Enfileira um SMS de teste."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="celular, ex.: +5581999990000")
        parser.add_argument("--text", required=True)

    def handle(self, *args, **opcoes):
        try:
            mensagem = mensagem_sms_criar(destino=opcoes["to"], texto=opcoes["text"])
        except RegraViolada as exc:
            raise CommandError(str(exc)) from exc
        onde = f"fila {mensagem.modem.fila}" if mensagem.modem else "sem modem disponível"
        self.stdout.write(
            self.style.SUCCESS(
                f"Mensagem {mensagem.pk} para {mensagem.destino} enfileirada ({onde}; "
                f"{mensagem.codificacao.upper()}, "
                f"{mensagem.partes} parte{pluralize(mensagem.partes)})."
            )
        )
