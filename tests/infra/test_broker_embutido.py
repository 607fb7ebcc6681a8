"""The embedded broker of `make run` (no REDIS_URL): kombu's SQLAlchemy transport on SQLite.

Run in fresh processes with the development settings, as `make run` does: a
task published to a modem's queue by one process is read, whole, by another.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]

# Published the way the product publishes after a commit (gsan.celery.conexao_publicar).
PUBLICAR = """
from django.conf import settings
from gsan.celery import conexao_publicar
from mensageria.tasks import mensagem_enviar_task
with conexao_publicar() as conexao:
    mensagem_enviar_task.apply_async(args=[4242], queue="modem.teste", connection=conexao)
print(settings.CELERY_BROKER_URL)
"""

LER = """
import json
from gsan.celery import app
with app.connection_for_read() as conexao:
    fila = conexao.SimpleQueue("modem.teste", no_ack=True)
    mensagem = fila.get(timeout=10)
    print(json.dumps({"tarefa": mensagem.headers["task"], "args": mensagem.decode()[0]}))
    fila.close()
"""


def _rodar(codigo, var):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"}
    }
    env.update(VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="gsan.settings.local")
    preambulo = "import django; django.setup()\n"
    resultado = subprocess.run(
        [sys.executable, "-c", preambulo + codigo],
        cwd=RAIZ,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resultado.returncode == 0, resultado.stderr[-2000:]
    return resultado.stdout.strip().splitlines()[-1]


def test_a_task_for_a_modem_queue_crosses_processes_through_sqlite(tmp_path):
    url = _rodar(PUBLICAR, tmp_path)
    assert url == f"sqla+sqlite:///{tmp_path / 'celery.sqlite'}"
    assert (tmp_path / "celery.sqlite").exists()

    recebido = json.loads(_rodar(LER, tmp_path))

    assert recebido == {"tarefa": "mensageria.mensagem_enviar_task", "args": [4242]}
