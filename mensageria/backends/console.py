"""Console backend: prints each SMS instead of sending it (development without a modem)."""

import itertools
import sys

from django.template.defaultfilters import pluralize

from . import BaseBackend, Envio

_referencias = itertools.count(1)


class ConsoleBackend(BaseBackend):
    stream = sys.stdout

    def enviar(self, envio: Envio) -> list[int]:
        referencias = [next(_referencias) % 256 for _ in range(envio.partes)]
        self.stream.write(
            f"--- SMS via {self.modem.nome} para {envio.destino} "
            f"({envio.codificacao}, {envio.partes} parte{pluralize(envio.partes)}, "
            f"ref {', '.join(map(str, referencias))}) ---\n"
            f"{envio.texto}\n"
        )
        self.stream.flush()
        return referencias

    def ler_saude(self) -> dict:
        return {"sim": "READY", "registro": "registrado", "sinal": 31, "operadora": "CONSOLE"}
