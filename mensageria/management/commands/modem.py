"""Operate modems: add, list, check."""

import time

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import RegraViolada
from mensageria.backends import obter_backend
from mensageria.models import Mensagem, Modem
from mensageria.services import modem_cadastrar, modem_saude_registrar
from mensageria.tasks import modem_ler_saude_task


class Command(BaseCommand):
    help = "Cadastra, lista e testa modems GSM."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="acao", required=True)
        add = sub.add_parser("add", help="cadastra (ou atualiza) um modem")
        add.add_argument("--name", required=True)
        add.add_argument("--device", required=True, help="/dev/ttyUSB0, /dev/rfcomm0…")
        add.add_argument("--baud", type=int, default=115200)
        add.add_argument("--interval", type=float, default=7.0, help="segundos entre envios")
        add.add_argument("--mode", choices=["pdu", "texto"], default="pdu")
        sub.add_parser("list", help="lista os modems")
        check = sub.add_parser("check", help="lê SIM, registro, sinal e operadora")
        check.add_argument("name")
        check.add_argument(
            "--timeout", type=float, default=60, help="espera pelo worker quando ele tem a porta"
        )

    def handle(self, *args, **opcoes):
        return getattr(self, f"_{opcoes['acao']}")(opcoes)

    def _add(self, opcoes):
        try:
            modem = modem_cadastrar(
                nome=opcoes["name"],
                dispositivo=opcoes["device"],
                baud=opcoes["baud"],
                intervalo=opcoes["interval"],
                modo=opcoes["mode"],
            )
        except RegraViolada as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Modem “{modem.nome}” em {modem.dispositivo}, fila {modem.fila}.")
        )
        self.stdout.write(
            f"Inicie um worker só para ele: celery -A gsan worker -Q {modem.fila} --concurrency=1"
        )

    def _list(self, opcoes):
        modems = Modem.objects.all()
        if not modems:
            self.stdout.write("Nenhum modem cadastrado.")
        for modem in modems:
            fila = modem.mensagens.filter(status=Mensagem.Status.PENDENTE).count()
            estado = "pausado: " + modem.motivo_pausa if modem.pausado else "ativo"
            if not modem.ativo:
                estado = "inativo"
            self.stdout.write(
                f"{modem.nome}\t{modem.dispositivo}\t{modem.baud}\t{modem.intervalo_segundos:g}s"
                f"\t{modem.fila}\tpendentes={fila}\t{estado}"
            )

    def _check(self, opcoes):
        modem = Modem.objects.filter(nome=opcoes["name"]).first()
        if modem is None:
            raise CommandError(f"Modem “{opcoes['name']}” não cadastrado.")
        backend = obter_backend(modem)
        try:
            saude = backend.ler_saude()
        finally:
            backend.fechar()
        if saude.get("classe") == "ocupado":
            self.stdout.write("A porta está com o worker do modem; pedindo a leitura a ele…")
            saude = self._ler_pelo_worker(modem, opcoes["timeout"])
        else:
            modem_saude_registrar(modem=modem, saude=saude)
        if "erro" in saude:
            raise CommandError(f"{modem.nome}: {saude['erro']}")
        for chave in ("sim", "registro", "sinal", "operadora"):
            self.stdout.write(f"{chave}: {saude.get(chave)}")
        problemas = []
        if saude.get("sim") != "READY":
            problemas.append(f"SIM não está pronto ({saude.get('sim')})")
        if not saude.get("registrado", True):
            problemas.append(f"sem registro na rede ({saude.get('registro')})")
        if saude.get("sinal", 0) <= 0:
            problemas.append("sem sinal")
        if problemas:
            raise CommandError(f"{modem.nome} não pode enviar: " + "; ".join(problemas))
        self.stdout.write(self.style.SUCCESS(f"{modem.nome} pronto para enviar."))

    def _ler_pelo_worker(self, modem, timeout: float) -> dict:
        """Only the worker may talk to a port it holds: ask it through the modem's queue."""
        antes = modem.saude_lida_em
        modem_ler_saude_task.apply_async(args=[modem.pk], queue=modem.fila, expires=timeout)
        fim = time.monotonic() + timeout
        while time.monotonic() < fim:
            modem.refresh_from_db(fields=["saude", "saude_lida_em"])
            if modem.saude_lida_em and modem.saude_lida_em != antes:
                return modem.saude
            time.sleep(0.2)
        return {"erro": f"O worker da fila {modem.fila} não respondeu em {timeout:g} s."}
