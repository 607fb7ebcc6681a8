"""docker-compose.yml's modem worker consumes the queue the code gives its modem."""

import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from mensageria.models import Modem

RAIZ = Path(__file__).resolve().parents[2]


def _servicos():
    return yaml.safe_load((RAIZ / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


def _comando(servico):
    comando = servico["command"]
    palavras = comando if isinstance(comando, list) else shlex.split(comando)
    if palavras[:2] == ["sh", "-c"]:
        palavras = shlex.split(palavras[2])
    return palavras


def _filas(palavras):
    filas = []
    for i, palavra in enumerate(palavras):
        if palavra.startswith(("--queues=", "-Q")) and palavra not in ("-Q", "--queues"):
            filas += palavra.split("=", 1)[-1].removeprefix("-Q").split(",")
        elif palavra in ("-Q", "--queues"):
            filas += palavras[i + 1].split(",")
    return filas


@pytest.mark.django_db
def test_worker_do_modem_consome_a_fila_do_modem_que_cadastra():
    palavras = _comando(_servicos()["modem"])
    # The service registers its modem (idempotent) and then starts its one worker.
    inicio = palavras.index("manage.py") + 1
    fim = palavras.index("&&")
    call_command(*palavras[inicio:fim])
    modem = Modem.objects.get()
    assert _filas(palavras) == [modem.fila]
    assert "--concurrency=1" in palavras


def test_worker_geral_nao_consome_fila_de_modem():
    filas = _filas(_comando(_servicos()["worker"]))
    assert filas == ["celery"]
