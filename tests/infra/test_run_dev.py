"""gsan/run_dev.py, the launcher of `make run`: a dead child is restarted, the others keep running."""

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gsan.run_dev import Filho, Supervisor, banner, logins_demo, preparar_broker

# A child that records its start and, on SIGTERM, when it was stopped.
FILHO = """
import os, signal, sys, time
nome, registro = sys.argv[1], sys.argv[2]
def anotar(texto):
    with open(registro, "a") as f:
        f.write(f"{texto} {nome} {os.getpid()} {time.monotonic()}\\n")
def parar(*_):
    anotar("parou")
    sys.exit(0)
signal.signal(signal.SIGTERM, parar)
anotar("iniciou")
while True:
    time.sleep(0.05)
"""


def _registro(caminho):
    if not caminho.exists():
        return []
    return [linha.split() for linha in caminho.read_text().splitlines()]


def _esperar(condicao, prazo=10.0):
    limite = time.monotonic() + prazo
    while time.monotonic() < limite:
        if condicao():
            return True
        time.sleep(0.05)
    return False


def _vivo(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def produto_falso(tmp_path):
    script = tmp_path / "filho.py"
    script.write_text(FILHO)
    registro = tmp_path / "registro.txt"

    def filho(nome, ordem):
        return Filho(
            nome,
            [sys.executable, str(script), nome, str(registro)],
            log=tmp_path / f"{nome}.log",
            ordem_parada=ordem,
        )

    filhos = [filho("emulador", 2), filho("worker-modem", 1), filho("beat", 0), filho("web", 0)]
    saida = io.StringIO()
    supervisor = Supervisor(
        filhos, espera_inicial=0.1, espera_maxima=0.4, prazo_parada=5, saida=saida
    )
    fio = threading.Thread(target=lambda: (supervisor.iniciar_todos(), supervisor.rodar(0.05)))
    fio.start()
    assert _esperar(lambda: len(_registro(registro)) == 4), "children did not start"
    yield supervisor, filhos, registro, saida
    supervisor.parar()
    fio.join(15)
    for f in filhos:
        if f.processo and f.processo.poll() is None:
            f.processo.kill()


def test_a_killed_child_is_restarted_and_the_others_keep_running(produto_falso):
    _supervisor, filhos, registro, saida = produto_falso
    worker, outros = filhos[1], [f for f in filhos if f.nome != "worker-modem"]
    pid_antigo = worker.pid
    pids_outros = {f.nome: f.pid for f in outros}

    os.killpg(pid_antigo, signal.SIGKILL)

    assert _esperar(lambda: worker.pid != pid_antigo and _vivo(worker.pid))
    assert _esperar(
        lambda: ["iniciou", "worker-modem", str(worker.pid)] == _registro(registro)[-1][:3]
    )
    assert worker.reinicios == 1
    for f in outros:
        assert f.pid == pids_outros[f.nome]
        assert f.processo.poll() is None, f"{f.nome} stopped"
    texto = saida.getvalue()
    assert "worker-modem terminou sozinho (sinal 9" in texto
    assert "reiniciando em 0.1 s (reinício nº 1)" in texto
    assert f"worker-modem reiniciado (pid {worker.pid})" in texto


def test_back_off_doubles_up_to_the_cap(produto_falso):
    _supervisor, filhos, _, saida = produto_falso
    web = filhos[3]
    for _ in range(4):
        pid = web.pid
        os.killpg(pid, signal.SIGKILL)
        assert _esperar(lambda pid=pid: web.pid != pid and _vivo(web.pid))
    esperas = re.findall(r"web terminou sozinho .*?reiniciando em ([\d.]+) s", saida.getvalue())
    assert esperas == ["0.1", "0.2", "0.4", "0.4"]


def test_stop_goes_in_order_and_leaves_nothing_running(produto_falso):
    supervisor, filhos, registro, saida = produto_falso
    pids = [f.pid for f in filhos]

    supervisor.parar()
    assert _esperar(lambda: not any(_vivo(pid) for pid in pids))

    paradas = [linha for linha in _registro(registro) if linha[0] == "parou"]
    ordem = [linha[1] for linha in sorted(paradas, key=lambda linha: float(linha[3]))]
    assert sorted(ordem[:2]) == ["beat", "web"]
    assert ordem[2:] == ["worker-modem", "emulador"]
    assert "terminou sozinho" not in saida.getvalue()  # stopping is not a crash


def test_preparar_broker_drops_delivered_messages(tmp_path):
    import sqlite3

    caminho = tmp_path / "celery.sqlite"
    conexao = sqlite3.connect(caminho)
    conexao.execute("CREATE TABLE kombu_message (id INTEGER PRIMARY KEY, visible BOOLEAN)")
    conexao.executemany("INSERT INTO kombu_message (visible) VALUES (?)", [(0,), (1,), (0,)])
    conexao.commit()
    conexao.close()

    assert preparar_broker(f"sqla+sqlite:///{caminho}") == 2

    conexao = sqlite3.connect(caminho)
    assert conexao.execute("SELECT visible FROM kombu_message").fetchall() == [(1,)]
    assert conexao.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert preparar_broker("redis://127.0.0.1:6379/0") == 0


@pytest.mark.django_db
def test_banner_lists_every_demo_login_and_each_one_works(tmp_path, client):
    from django.contrib.auth import authenticate, get_user_model
    from django.core.management import call_command
    from django.test import RequestFactory

    call_command("load_demo", stdout=io.StringIO())

    logins = dict(logins_demo())
    texto = banner(8000, tmp_path)
    # Every user one can sign in as (the portal's system user is inactive).
    ativos = get_user_model().objects.filter(is_active=True)
    usuarios = set(ativos.values_list("username", flat=True))
    assert usuarios == set(logins)
    for nome, senha in logins.items():
        assert re.search(rf"^\s+{nome}\s+{re.escape(senha)}$", texto, re.M), nome
        pedido = RequestFactory().post("/entrar/")
        assert authenticate(pedido, username=nome, password=senha) is not None, nome


def test_banner_says_where_sent_email_is(tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    assert f"ls {tmp_path / 'mail'}/" in banner(8000, tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "smtp.EmailBackend (EMAIL_URL)" in banner(8000, tmp_path)


@pytest.mark.parametrize(
    ("email_url", "backend"),
    [("", "filebased.EmailBackend"), ("smtp://127.0.0.1:2525", "smtp.EmailBackend")],
)
def test_make_run_writes_email_to_var_mail_unless_email_url(tmp_path, email_url, backend):
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_URL"}
    env.update(DJANGO_SETTINGS_MODULE="gsan.settings.local", VAR_DIR=str(tmp_path))
    if email_url:
        env["EMAIL_URL"] = email_url
    codigo = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.EMAIL_BACKEND); print(getattr(settings, 'EMAIL_FILE_PATH', ''))"
    )
    saida = subprocess.run(
        [sys.executable, "-c", codigo],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    assert saida[0].endswith(backend)
    if not email_url:
        assert saida[1] == str(tmp_path / "mail")


def test_banner_says_how_to_text_the_emulated_modem(tmp_path):
    """A newcomer texts a protocol to the emulated modem and reads the answer."""
    texto = banner(8000, tmp_path)
    assert "manage.py sms_simular --de +5581999990001" in texto
    assert f"--entrada {tmp_path / 'modem' / 'entrada'}" in texto
