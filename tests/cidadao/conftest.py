"""Fixtures of the citizen channel's browser tests: a phone-sized window, and media
files in a temporary folder."""

import pytest

CELULAR = {"width": 390, "height": 844}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def celular(navegador, live_server):
    """A page in a phone-sized, touch window; ``violacoes`` collects CSP reports."""
    contextos = []

    def _abrir(**opcoes):
        contexto = navegador.new_context(
            viewport=CELULAR,
            has_touch=True,
            is_mobile=True,
            base_url=live_server.url,
            locale="pt-BR",
            **opcoes,
        )
        contextos.append(contexto)
        contexto.add_init_script(
            """document.addEventListener("securitypolicyviolation", (e) =>
                 console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));"""
        )
        pagina = contexto.new_page()
        pagina.set_default_timeout(15_000)
        pagina.violacoes = []
        pagina.on(
            "console",
            lambda m: "Content Security Policy" in m.text and pagina.violacoes.append(m.text),
        )
        return pagina

    yield _abrir
    for contexto in contextos:
        contexto.close()
