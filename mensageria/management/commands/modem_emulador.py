"""Run GSM modem emulators on pseudo-terminals (see mensageria.emulador).

One by default (``var/modem/ttyEMU0``, log ``var/modem/enviados.log``); several with
``--quantidade N`` (ttyEMU0 … ttyEMU<N-1>) or a repeated ``--link``, each with its own
log (``enviados-ttyEMU0.log``…): a pool of modems on one machine.
"""

import re
import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mensageria.emulador import EmuladorModem

REGRAS_ENTREGA = ("entregue", "naoentregue", "sem-relatorio")


class Command(BaseCommand):
    help = (
        "Emula modems GSM em pseudo-terminais (link estável em var/modem/ttyEMU0; "
        "--quantidade 3 cria ttyEMU0, ttyEMU1 e ttyEMU2, cada um com seu log)."
    )

    def add_arguments(self, parser):
        pasta = settings.VAR_DIR / "modem"
        parser.add_argument(
            "--link",
            action="append",
            default=None,
            help=f"link estável do dispositivo (padrão {pasta / 'ttyEMU0'}); repita para vários",
        )
        parser.add_argument(
            "--quantidade",
            type=int,
            default=None,
            metavar="N",
            help="quantos modems emular: ttyEMU0 … ttyEMU<N-1> na pasta do link",
        )
        parser.add_argument(
            "--log",
            default=str(pasta / "enviados.log"),
            help="SMS enviados; com vários modems, um por modem: enviados-ttyEMU0.log…",
        )
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
            help="pasta onde `manage.py sms_simular` deixa os SMS que o modem recebe "
            "(com vários modems, uma por modem: entrada-ttyEMU0…)",
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
            help="SIGUSR1 desconecta um dispositivo (com vários, um de cada vez, em rodízio) "
            "por este tempo (s)",
        )

    def handle(self, *args, **opcoes):
        links = _links(opcoes["link"], opcoes["quantidade"])
        varios = len(links) > 1
        log, entrada = Path(opcoes["log"]), Path(opcoes["entrada"])
        regras, entregas = _regras(opcoes["regra"])
        emuladores = [
            EmuladorModem(
                link,
                # Several modems: one log and one inbound folder each, named after the link.
                log_enviados=log.with_name(f"{log.stem}-{link.name}{log.suffix}")
                if varios
                else log,
                latencia=opcoes["latencia"],
                falhas=[f for f in opcoes["falhas"].split(",") if f],
                regras=regras,
                com_clac=not opcoes["sem_clac"],
                travar_apos=opcoes["travar_apos"],
                entregas=entregas,
                atraso_relatorio=opcoes["atraso_relatorio"],
                pasta_entrada=entrada.with_name(f"{entrada.name}-{link.name}")
                if varios
                else entrada,
            )
            for link in links
        ]
        parar = threading.Event()
        vez = iter(range(1 << 62))

        def desplugar(*_):
            emulador = emuladores[next(vez) % len(emuladores)]
            emulador.desconectar()
            self.stdout.write(f"Dispositivo {emulador.link} removido por {opcoes['ausencia']:g} s.")
            self.stdout.flush()
            volta = threading.Timer(opcoes["ausencia"], emulador.conectar)
            volta.daemon = True  # SIGTERM stops at once, not after the absence
            volta.start()

        signal.signal(signal.SIGUSR1, desplugar)
        signal.signal(signal.SIGTERM, lambda *_: parar.set())
        for emulador in emuladores:
            emulador.iniciar()
            self.stdout.write(
                f"Modem emulado em {emulador.link} -> {emulador.caminho_escravo} "
                f"(latência {emulador.latencia:g} s). SMS enviados em {emulador.log_enviados}; "
                f"SMS para o modem: `manage.py sms_simular --entrada {emulador.pasta_entrada}`."
            )
        self.stdout.flush()
        try:
            while not parar.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            for emulador in emuladores:
                emulador.parar()


def _regras(lista: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """--regra NUMERO=VALOR: a send fault (cms:N, hang…) or a delivery outcome
    (entregue, naoentregue:0xNN, sem-relatorio), split in (faults, deliveries)."""
    regras, entregas = {}, {}
    for regra in lista:
        numero, igual, valor = regra.partition("=")
        if not igual or not numero or not valor:
            raise CommandError(f"--regra {regra!r}: use NUMERO=FALHA, ex.: +5581900000001=cms:1.")
        if valor.startswith(REGRAS_ENTREGA):
            if valor.startswith("naoentregue"):
                try:
                    status = int(valor.partition(":")[2], 0)
                except ValueError:
                    status = -1
                if not 0 <= status <= 255:
                    raise CommandError(
                        f"--regra {regra!r}: informe o status (TP-ST) de 0 a 255, "
                        "ex.: naoentregue:0x41."
                    )
            entregas[numero] = valor
        else:
            regras[numero] = valor
    return regras, entregas


def _links(links: list[str] | None, quantidade: int | None) -> list[Path]:
    """The devices to emulate: the ``--link`` list, or ``quantidade`` links numbered
    after the first one's name (ttyEMU0 → ttyEMU0, ttyEMU1…)."""
    if quantidade is not None and quantidade < 1:
        raise CommandError("--quantidade precisa ser pelo menos 1.")
    if links and len(links) > 1 and quantidade not in (None, len(links)):
        raise CommandError(
            f"Foram dados {len(links)} --link e --quantidade {quantidade}: use um ou outro."
        )
    caminhos = [Path(x) for x in (links or [settings.VAR_DIR / "modem" / "ttyEMU0"])]
    if quantidade and len(caminhos) == 1 and quantidade > 1:
        base = caminhos[0]
        prefixo = re.sub(r"\d+$", "", base.name)
        caminhos = [base.with_name(f"{prefixo}{i}") for i in range(quantidade)]
    if len(set(caminhos)) != len(caminhos):
        raise CommandError("Cada modem emulado precisa de um --link diferente.")
    return caminhos
