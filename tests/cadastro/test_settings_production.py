"""Production settings refuse to start without their secrets and services."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]
COMPLETO = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://u:p@db:5432/gsan",
    "REDIS_URL": "redis://redis:6379/0",
    "ALLOWED_HOSTS": "atendimento.example.com",
}


def _iniciar(ambiente):
    env = {k: v for k, v in os.environ.items() if k not in COMPLETO and k != "CELERY_BROKER_URL"}
    env.update(ambiente, DJANGO_SETTINGS_MODULE="gsan.settings.production")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('ok')"],
        cwd=RAIZ,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_producao_inicia_com_tudo_configurado():
    resultado = _iniciar(COMPLETO)
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.strip() == "ok"


@pytest.mark.parametrize("faltando", sorted(COMPLETO))
def test_producao_recusa_sem_variavel(faltando):
    resultado = _iniciar({k: v for k, v in COMPLETO.items() if k != faltando})
    assert resultado.returncode != 0
    assert "ImproperlyConfigured" in resultado.stderr
    assert faltando in resultado.stderr.splitlines()[-1]
