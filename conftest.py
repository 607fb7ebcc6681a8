import os

import pytest

from core.papeis import ADMINISTRADOR, ATENDENTE, SUPERVISOR
from tests.factories import UnidadeFactory, UsuarioFactory

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _cache_isolado(settings):
    """Each test counts rate limits (and caches anything) under keys of its own in the
    real Redis, so one test's requests never count against another's. New CACHES
    settings reset every thread's cache connection, the live server's included."""
    import uuid

    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"teste-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def unidade(db):
    return UnidadeFactory(
        nome="Central de Atendimento",
        sigla="CAT",
        tipo="central",
        central_atendimento=True,
    )


@pytest.fixture
def atendente(unidade):
    return UsuarioFactory(username="atendente", unidade=unidade, papeis=[ATENDENTE])


@pytest.fixture
def supervisor(unidade):
    return UsuarioFactory(username="supervisor", unidade=unidade, papeis=[SUPERVISOR])


@pytest.fixture
def administrador(unidade):
    return UsuarioFactory(
        username="administrador", unidade=unidade, is_staff=True, papeis=[ADMINISTRADOR]
    )


@pytest.fixture
def client_atendente(client, atendente):
    client.force_login(atendente)
    return client


# --- Browser tests: Playwright driving Debian's Chromium -------------------


@pytest.fixture(scope="session")
def _playwright():
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # refuses to run inside one unless told it is safe (it is: one thread).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def navegador(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def pagina(navegador, live_server):
    context = navegador.new_context(base_url=live_server.url, locale="pt-BR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def entrar(pagina):
    """Log a user in through the real login form."""

    def _entrar(usuario, senha="senha-de-teste-123"):
        pagina.goto("/entrar/")
        pagina.get_by_label("Usuário").fill(usuario.username)
        pagina.get_by_label("Senha").fill(senha)
        pagina.get_by_role("button", name="Entrar").click()
        pagina.wait_for_url(lambda url: "/entrar/" not in url)
        return pagina

    return _entrar
