"""Production settings refuse to start without their secrets and services."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]
COMPLETO = {
    "SECRET_KEY": "p9Vd-3kQ_zL7wXn2Rb8Tf5Hy1Mc6Gs0Ja4Ue7Wi9Oq2Ek5Nr8Zt",
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


@pytest.mark.parametrize(
    "chave",
    [
        "curta-demais-embora-aleatoria-Zq8",  # under 50 characters
        "dev-only-insecure-key-change-me",  # the development default
        "change-me",  # the .env.example placeholder
        "build",  # the Dockerfile's old build-time value
        "x" * 60,  # long but not random
        "django-insecure-" + "k7Qz9fR2vX8mL4pW6nB1cT3yH5jD0sG7aE9uK2iO4",  # startproject's
    ],
)
def test_producao_recusa_secret_key_fraca(chave):
    resultado = _iniciar({**COMPLETO, "SECRET_KEY": chave})
    assert resultado.returncode != 0
    ultima = resultado.stderr.splitlines()[-1]
    assert "ImproperlyConfigured" in ultima
    assert "SECRET_KEY" in ultima
    assert chave not in resultado.stderr  # a secret is never echoed to the logs


_PEDIDO = """
import django
django.setup()
from django.test import Client
cliente = Client(HTTP_HOST="atendimento.example.com")
for extra in ({}, {"HTTP_X_FORWARDED_PROTO": "https"}):
    resposta = cliente.get("/", **extra)
    print(resposta.status_code, resposta.get("Location"), resposta.get("Strict-Transport-Security"))
"""


def _pedir(ambiente):
    env = {k: v for k, v in os.environ.items() if k not in COMPLETO and k != "CELERY_BROKER_URL"}
    env.update(COMPLETO, DJANGO_SETTINGS_MODULE="gsan.settings.production", **ambiente)
    resultado = subprocess.run(
        [sys.executable, "-c", _PEDIDO],
        cwd=RAIZ,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resultado.returncode == 0, resultado.stderr
    return resultado.stdout.splitlines()


def test_producao_redireciona_para_https_e_envia_hsts():
    http, https = _pedir({})
    assert http == "301 https://atendimento.example.com/ None"
    # Behind the TLS proxy: the login redirect, with a year of HSTS.
    assert https == "302 /entrar/?next=/ max-age=31536000"


def test_producao_sem_proxy_nao_confia_no_cabecalho_do_cliente():
    http, falso_https = _pedir({"SECURE_PROXY_SSL_HEADER": "", "SECURE_HSTS_SECONDS": "3600"})
    assert http.startswith("301 https://")
    assert falso_https.startswith("301 https://")


def test_producao_https_pode_ficar_no_proxy():
    http, _https = _pedir({"SECURE_SSL_REDIRECT": "false"})
    assert http.startswith("302 /entrar/")


def test_producao_recusa_load_demo():
    env = {k: v for k, v in os.environ.items() if k not in COMPLETO and k != "CELERY_BROKER_URL"}
    env.update(COMPLETO, DJANGO_SETTINGS_MODULE="gsan.settings.production")
    # The database is unreachable: the refusal comes before any query.
    resultado = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=RAIZ,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resultado.returncode == 1
    assert "CommandError: Os dados de demonstração têm senhas públicas" in resultado.stderr
