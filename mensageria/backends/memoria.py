"""In-memory backend for unit tests (like Django's locmem e-mail backend).

``enviadas`` collects what was sent; push ``ErroEnvio`` instances (or the
string "incerto") onto ``falhas`` to make the next sends fail in order.
"""

from . import BaseBackend, Envio, ErroEnvio

enviadas: list[dict] = []
falhas: list = []
saude = {"sim": "READY", "registro": "registrado", "sinal": 20, "operadora": "MEMORIA"}


def limpar() -> None:
    enviadas.clear()
    falhas.clear()


class MemoriaBackend(BaseBackend):
    def enviar(self, envio: Envio) -> list[int]:
        if falhas:
            falha = falhas.pop(0)
            if falha == "incerto":
                raise ErroEnvio("O modem não confirmou o envio (tempo esgotado).", classe="incerto")
            raise falha
        enviadas.append(
            {
                "modem": self.modem.nome,
                "destino": envio.destino,
                "texto": envio.texto,
                "codificacao": envio.codificacao,
                "partes": envio.partes,
            }
        )
        inicio = sum(e["partes"] for e in enviadas[:-1]) + 1
        return [(inicio + i) % 256 for i in range(envio.partes)]

    def ler_saude(self) -> dict:
        return dict(saude)
