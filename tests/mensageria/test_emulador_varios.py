"""``manage.py modem_emulador --quantidade N``: several emulated modems at once, each
on its own pseudo-terminal with its own log (a pool on one machine)."""

import io
import os
import signal
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from mensageria.backends import Envio
from mensageria.backends.gsm import GsmBackend
from mensageria.emulador import ler_log
from mensageria.models import Modem

from .integracao import RAIZ, esperar


@pytest.fixture
def tres(tmp_path):
    processo = subprocess.Popen(
        [
            *(sys.executable, "manage.py", "modem_emulador", "--quantidade", "3"),
            *("--link", str(tmp_path / "ttyEMU0"), "--log", str(tmp_path / "enviados.log")),
            *("--entrada", str(tmp_path / "entrada")),
            *("--latencia", "0", "--ausencia", "600"),
        ],
        cwd=RAIZ,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "gsan.settings.test", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    links = [tmp_path / f"ttyEMU{i}" for i in range(3)]
    try:
        esperar(lambda: all(x.exists() for x in links), mensagem="os três links")
        yield processo, links
    finally:
        if processo.poll() is None:
            processo.kill()
        processo.wait(timeout=10)


def test_tres_modems_cada_um_com_seu_log(tres, tmp_path):
    processo, links = tres
    for i, link in enumerate(links):
        backend = GsmBackend(Modem(nome=f"emu{i}", dispositivo=str(link), timeout_segundos=5))
        try:
            backend.enviar(Envio(f"+558199999000{i}", f"Teste {i}", "gsm7", 1))
        finally:
            backend.fechar()
    for i in range(3):
        [registro] = ler_log(tmp_path / f"enviados-ttyEMU{i}.log")
        assert (registro["numero"], registro["texto"]) == (f"+558199999000{i}", f"Teste {i}")
    assert not (tmp_path / "enviados.log").exists()

    # SIGUSR1 unplugs one device at a time, in turn.
    processo.send_signal(signal.SIGUSR1)
    esperar(lambda: not links[0].exists(), mensagem="ttyEMU0 desplugado")
    assert links[1].exists() and links[2].exists()
    processo.send_signal(signal.SIGUSR1)
    esperar(lambda: not links[1].exists(), mensagem="ttyEMU1 desplugado")
    assert links[2].exists()
    processo.send_signal(signal.SIGTERM)
    saida, _ = processo.communicate(timeout=20)
    assert processo.returncode == 0
    for i in range(3):
        assert f"Modem emulado em {links[i]} -> /dev/pts/" in saida
        assert f"sms_simular --entrada {tmp_path / f'entrada-ttyEMU{i}'}`" in saida
    assert f"Dispositivo {links[0]} removido por 600 s." in saida
    assert f"Dispositivo {links[1]} removido por 600 s." in saida


@pytest.mark.parametrize(
    ("args", "motivo"),
    [
        (["--quantidade", "0"], "pelo menos 1"),
        (["--link", "/tmp/a", "--link", "/tmp/b", "--quantidade", "3"], "use um ou outro"),
        (["--link", "/tmp/a", "--link", "/tmp/a"], "--link diferente"),
    ],
)
def test_opcoes_invalidas(args, motivo):
    with pytest.raises(CommandError, match=motivo):
        call_command("modem_emulador", *args, stdout=io.StringIO())
