"""scripts/apt-lock.sh: apt-get waits for another apt process instead of failing."""

import fcntl
import os
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]
SCRIPT = RAIZ / "scripts" / "apt-lock.sh"


def _apt_get(*args, path=None, **env):
    comando = f'source "{SCRIPT}"; apt_get "$@"'
    ambiente = {**os.environ, "APT_LOCK_RETRY_SECONDS": "0.1", **env}
    if path:
        ambiente["PATH"] = f"{path}:{ambiente['PATH']}"
    return subprocess.run(
        ["bash", "-c", comando, "apt-lock", *args],
        capture_output=True,
        text=True,
        env=ambiente,
        timeout=60,
    )


def _apt_get_falso(pasta: Path, falhas: int) -> Path:
    """An apt-get that reports the lists lock as held ``falhas`` times, then succeeds."""
    chamadas = pasta / "chamadas"
    script = pasta / "apt-get"
    script.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$*" >> "{chamadas}"\n'
        f'n=$(wc -l < "{chamadas}")\n'
        f'if [ "$n" -le {falhas} ]; then\n'
        '  echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 1 (apt-get)" >&2\n'
        '  echo "E: Unable to lock directory /var/lib/apt/lists/" >&2\n'
        "  exit 100\n"
        "fi\n"
        'echo "ok"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return chamadas


def test_update_waits_for_the_lists_lock(tmp_path):
    chamadas = _apt_get_falso(tmp_path, falhas=2)

    resultado = _apt_get("update", "-qq", path=tmp_path)

    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.strip() == "ok"
    assert "waiting" in resultado.stderr
    linhas = chamadas.read_text().splitlines()
    assert len(linhas) == 3
    # The dpkg frontend lock is waited for by apt itself.
    assert all("DPkg::Lock::Timeout=600" in linha for linha in linhas)


def test_gives_up_after_the_timeout_and_reports_apt_error(tmp_path):
    chamadas = _apt_get_falso(tmp_path, falhas=10_000)

    resultado = _apt_get("update", path=tmp_path, APT_LOCK_TIMEOUT="1")

    assert resultado.returncode == 100
    assert "Could not get lock" in resultado.stdout
    assert len(chamadas.read_text().splitlines()) >= 2


def test_other_errors_are_not_retried(tmp_path):
    chamadas = tmp_path / "chamadas"
    script = tmp_path / "apt-get"
    script.write_text(
        f'#!/usr/bin/env bash\necho "$*" >> "{chamadas}"\necho "E: boom" >&2\nexit 100\n'
    )
    script.chmod(0o755)

    resultado = _apt_get("install", "-y", "x", path=tmp_path)

    assert resultado.returncode == 100
    assert len(chamadas.read_text().splitlines()) == 1


LOCK_DPKG = Path("/var/lib/dpkg/lock-frontend")


@pytest.mark.skipif(
    os.geteuid() != 0 or not LOCK_DPKG.exists() or not Path("/usr/bin/apt-get").exists(),
    reason="needs root and Debian's apt",
)
def test_real_apt_waits_for_a_held_dpkg_lock():
    """Another process holds dpkg's frontend lock for a moment: apt-get waits for it."""
    segurando = threading.Event()
    soltar = threading.Event()

    def segurar():
        with open(LOCK_DPKG, "w") as arquivo:
            fcntl.lockf(arquivo, fcntl.LOCK_EX)
            segurando.set()
            soltar.wait(10)
            time.sleep(1.5)

    fio = threading.Thread(target=segurar)
    fio.start()
    segurando.wait(5)
    soltar.set()
    # Removing a package that does not exist takes the lock and changes nothing.
    resultado = _apt_get("remove", "-y", "gsan-pacote-que-nao-existe")
    fio.join()

    saida = resultado.stdout + resultado.stderr
    assert "Could not get lock" not in saida
    assert "Unable to locate package gsan-pacote-que-nao-existe" in saida
