"""Run the GSM modem emulator on a pseudo-terminal (see mensageria.emulador)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from mensageria.emulador import EmuladorModem


class Command(BaseCommand):
    help = "Emula um modem GSM num pseudo-terminal (link estável em var/modem/ttyEMU0)."

    def add_arguments(self, parser):
        pasta = settings.VAR_DIR / "modem"
        parser.add_argument("--link", default=str(pasta / "ttyEMU0"))
        parser.add_argument("--log", default=str(pasta / "enviados.log"))
        parser.add_argument("--latencia", type=float, default=7.0, help="segundos por envio")
        parser.add_argument(
            "--falhas",
            default="",
            help="falhas dos próximos envios, em ordem: cms:42,hang,hang-prompt,desconectar…",
        )
        parser.add_argument(
            "--regra",
            action="append",
            default=[],
            metavar="NUMERO=FALHA",
            help="falha permanente para um destino, ex.: +5581900000001=cms:1",
        )
        parser.add_argument(
            "--travar-apos",
            "--hang-after",
            type=int,
            default=None,
            metavar="N",
            help="depois de N envios o modem recebe o texto seguinte e para de responder",
        )
        parser.add_argument("--sem-clac", action="store_true", help="responde ERROR ao AT+CLAC")
        parser.add_argument(
            "--ausencia",
            type=float,
            default=10.0,
            help="SIGUSR1 desconecta o dispositivo por este tempo (s)",
        )

    def handle(self, *args, **opcoes):
        regras = dict(r.split("=", 1) for r in opcoes["regra"])
        emulador = EmuladorModem(
            opcoes["link"],
            log_enviados=opcoes["log"],
            latencia=opcoes["latencia"],
            falhas=[f for f in opcoes["falhas"].split(",") if f],
            regras=regras,
            com_clac=not opcoes["sem_clac"],
            travar_apos=opcoes["travar_apos"],
        )

        def desplugar(*_):
            emulador.desconectar()
            self.stdout.write(f"Dispositivo removido por {opcoes['ausencia']:g} s.")
            threading.Timer(opcoes["ausencia"], emulador.conectar).start()

        signal.signal(signal.SIGUSR1, desplugar)
        signal.signal(signal.SIGTERM, lambda *_: emulador._parar.set())
        emulador.conectar()
        self.stdout.write(
            f"Modem emulado em {emulador.link} -> {emulador.caminho_escravo} "
            f"(latência {emulador.latencia:g} s). SMS enviados em {emulador.log_enviados}."
        )
        self.stdout.flush()
        try:
            emulador._laco()
        except KeyboardInterrupt:
            pass
        finally:
            emulador.desconectar()
