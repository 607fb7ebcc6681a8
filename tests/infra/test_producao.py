"""The production image's build steps, run as the Dockerfile runs them.

``collectstatic`` with the production settings (manifest storage), ``check --deploy``
and a page served by gunicorn whose static URLs carry the manifest's hashes: a
vendored file that references a missing source map, or any other break of the
manifest, would otherwise only show in production as a 500 on every page.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]
ESTATICOS = RAIZ / "static"
# Same patterns as Django's ManifestStaticFilesStorage.
MAPA_JS = re.compile(r"(?m)^//# (?-i:sourceMappingURL)=(.*)$")
MAPA_CSS = re.compile(r"(?m)^/\*#[ \t](?-i:sourceMappingURL)=(.*?)[ \t]*\*/$")


def test_todo_mapa_referenciado_por_um_estatico_existe():
    faltando = []
    for arquivo in sorted(ESTATICOS.rglob("*")):
        if arquivo.suffix not in (".js", ".css"):
            continue
        padrao = MAPA_JS if arquivo.suffix == ".js" else MAPA_CSS
        for referencia in padrao.findall(arquivo.read_text(encoding="utf-8", errors="replace")):
            if not (arquivo.parent / referencia.strip()).exists():
                faltando.append(f"{arquivo.relative_to(ESTATICOS)} -> {referencia.strip()}")
    assert faltando == []


def _porta_livre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ambiente_producao(static_root):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="gsan.settings.production",
        SECRET_KEY="k7Qz-build-only-9fR2vX8mL4pW6nB1cT3yH5jD0sG7aE9uK2iO4",
        DATABASE_URL=os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gsan"),
        REDIS_URL=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        ALLOWED_HOSTS="127.0.0.1,atendimento.example.com",
        STATIC_ROOT=str(static_root),
        # gunicorn is reached over plain HTTP here, as behind a TLS-terminating proxy.
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="true",
    )
    return env


def _manage(env, *argumentos):
    return subprocess.run(
        [sys.executable, "manage.py", *argumentos],
        cwd=RAIZ,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _get(url, **cabecalhos):
    pedido = urllib.request.Request(url, headers=cabecalhos)
    try:
        with urllib.request.urlopen(pedido, timeout=10) as resposta:
            return resposta.status, resposta.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as erro:
        return erro.code, erro.read().decode("utf-8", errors="replace")


def _cabecalhos(url, **cabecalhos):
    pedido = urllib.request.Request(url, headers=cabecalhos)
    with urllib.request.urlopen(pedido, timeout=10) as resposta:
        return resposta.headers


@pytest.fixture(scope="module")
def producao(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("staticfiles")
    env = _ambiente_producao(static_root)
    coleta = _manage(env, "collectstatic", "--noinput")
    assert coleta.returncode == 0, coleta.stderr[-3000:]
    return env, static_root


def test_collectstatic_de_producao_grava_o_manifesto(producao):
    _env, static_root = producao
    assert (static_root / "staticfiles.json").exists()
    assert list(static_root.glob("vendor/chartjs/chart.umd.min.*.js"))


def test_check_deploy_sem_avisos(producao):
    env, _static_root = producao
    # As deployed: HTTPS redirect on (the gunicorn test below reaches it over plain
    # HTTP) and the HSTS options a site wholly on HTTPS sets.
    env = {
        **env,
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "SECURE_HSTS_PRELOAD": "true",
    }
    verificacao = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert verificacao.returncode == 0, verificacao.stdout + verificacao.stderr


def test_gunicorn_serve_pagina_com_estaticos_do_manifesto(producao):
    env, _static_root = producao
    porta = _porta_livre()
    servidor = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "gsan.wsgi",
            "--bind",
            f"127.0.0.1:{porta}",
            "--workers",
            "1",
        ],
        cwd=RAIZ,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{porta}"
        limite = time.monotonic() + 30
        while True:
            try:
                status, html = _get(f"{base}/entrar/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert servidor.poll() is None, servidor.stdout.read()
                assert time.monotonic() < limite, "gunicorn did not answer"
                time.sleep(0.2)
        assert status == 200, html[-2000:]
        hasheados = re.findall(r'(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', html)
        assert any("vendor/bootstrap/bootstrap.min." in url for url in hasheados), html
        for url in hasheados:
            status_estatico, _conteudo = _get(base + url)
            assert status_estatico == 200, url
        # As the TLS proxy forwards it: HSTS and the CSP on the page.
        cabecalhos = _cabecalhos(f"{base}/entrar/", **{"X-Forwarded-Proto": "https"})
        assert cabecalhos["Strict-Transport-Security"] == "max-age=31536000"
        assert "script-src 'self'" in cabecalhos["Content-Security-Policy"]
    finally:
        servidor.terminate()
        servidor.wait(timeout=10)
