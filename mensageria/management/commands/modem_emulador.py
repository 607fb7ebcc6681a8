"""Run the GSM modem emulator on a pseudo-terminal (see mensageria.emulador)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from mensageria.emulador import EmuladorModem

REGRAS_ENTREGA = ("entregue", "naoentregue", "sem-relatorio")


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
            help="falha permanente ou entrega para um destino, ex.: +5581900000001=cms:1, "
            "+5581900000002=naoentregue:0x41, +5581900000003=sem-relatorio",
        )
        parser.add_argument(
            "--atraso-relatorio",
            type=float,
            default=2.0,
            help="segundos entre o +CMGS e o relatório de entrega",
        )
        parser.add_argument(
            "--entrada",
            default=str(pasta / "entrada"),
            help="pasta onde `manage.py sms_simular` deixa os SMS que o modem recebe",
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
        regras, entregas = {}, {}
        for regra in opcoes["regra"]:
            numero, valor = regra.split("=", 1)
            alvo = entregas if valor.startswith(REGRAS_ENTREGA) else regras
            alvo[numero] = valor
        emulador = EmuladorModem(
            opcoes["link"],
            log_enviados=opcoes["log"],
            latencia=opcoes["latencia"],
            falhas=[f for f in opcoes["falhas"].split(",") if f],
            regras=regras,
            com_clac=not opcoes["sem_clac"],
            travar_apos=opcoes["travar_apos"],
            entregas=entregas,
            atraso_relatorio=opcoes["atraso_relatorio"],
            pasta_entrada=opcoes["entrada"],
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
            f"(latência {emulador.latencia:g} s). SMS enviados em {emulador.log_enviados}; "
            f"SMS para o modem: `manage.py sms_simular` (pasta {emulador.pasta_entrada})."
        )
        self.stdout.flush()
        try:
            emulador._laco()
        except KeyboardInterrupt:
            pass
        finally:
            emulador.desconectar()
