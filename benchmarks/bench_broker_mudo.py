"""A sick broker (accepts connections, never answers) must not hold a request (issue 9, point 3).

Measures, with Celery pointed at such a socket, what it adds to a request:
creating an SMS row and publishing it after the commit (what opening, closing
or resending an RA does) and ``GET /healthz``. Target: under 2 s each. The same
figures against the real Redis are printed for comparison.

    .venv/bin/python benchmarks/bench_broker_mudo.py [--vezes 10]
"""

import argparse
import time

import _comum

_comum.preparar()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from mensageria.models import Mensagem, Modem  # noqa: E402
from mensageria.services import mensagem_sms_criar  # noqa: E402
from tests.mensageria.integracao import broker_mudo  # noqa: E402


def _medir(vezes: int, modem) -> tuple[list[float], list[float]]:
    cliente, publicar, saude = Client(HTTP_HOST="127.0.0.1"), [], []
    for _ in range(vezes):
        inicio = time.perf_counter()
        with transaction.atomic():
            mensagem_sms_criar(destino="+5581999990001", texto="bench", modem=modem)
        publicar.append((time.perf_counter() - inicio) * 1000)
        inicio = time.perf_counter()
        resposta = cliente.get("/healthz")
        assert resposta.status_code in (200, 503), resposta.status_code
        saude.append((time.perf_counter() - inicio) * 1000)
    return publicar, saude


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vezes", type=int, default=10)
    vezes = parser.parse_args().vezes
    modem, _ = Modem.objects.get_or_create(
        nome="bench-broker", defaults={"dispositivo": "/dev/null", "intervalo_segundos": 0}
    )
    try:
        for nome, contexto in (("Redis", None), ("socket mudo", broker_mudo)):
            if contexto is None:
                publicar, saude = _medir(vezes, modem)
            else:
                with contexto():
                    publicar, saude = _medir(vezes, modem)
            for rotulo, amostras in (("SMS criado + publicado", publicar), ("GET /healthz", saude)):
                p50, p95 = _comum.percentis(amostras)
                print(
                    f"{nome:12} {rotulo:24} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                    f"máx {max(amostras):7.1f} ms  (alvo < 2000 ms)"
                )
    finally:
        Mensagem.objects.filter(modem=modem).delete()
        modem.delete()


if __name__ == "__main__":
    main()
