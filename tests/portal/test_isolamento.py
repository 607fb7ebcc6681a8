"""A portal account reaches nothing of the staff site, and a staff login nothing of
the portal.

Every URL pattern of the project outside /portal/ is walked (its path converters
filled with 1 or "x"): with only a portal login each answers a redirect to a staff
login, except the public pages listed here by name. A new public page must be added
to the list on purpose, or this test fails.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from tests.portal.conftest import portal_logar
from tests.portal.factories import ContaExternaFactory

pytestmark = pytest.mark.django_db

# Pages anyone may open (no login): the staff login, the citizen channel, the health
# check, the admin's own login. Static and media files are served outside Django's
# URLs (WhiteNoise; media only with DEBUG).
PUBLICAS = {
    "login",
    "healthz",
    "relato:novo",
    "relato:acompanhar",
    "consulta:inicio",
    "consulta:protocolo",
    "consulta:curto",
    "open311:raiz",
    "open311:openapi",
    "open311:discovery",
    "open311:services",
    "open311:service",
    "open311:requests",
    "open311:request",
    "open311:token",
    "admin:login",
}
# Regular-expression routes cannot be filled in generically: each is listed with an
# address it answers, and what that address must do.
REGEX = {
    "open311/v2/": ("/open311/v2/qualquer/coisa", "publica"),  # Open311's JSON 404
    "admin/": ("/admin/qualquer/coisa/", "login"),  # the admin's catch-all
}
VALORES = {"int": 1, "str": "x", "slug": "x", "path": "x/y"}
LOGINS = ("/entrar/?next=", "/admin/login/?next=")


def _padroes(padroes=None, prefixo="", espaco=None):
    """(route, name with namespace, pattern) of every URL pattern of the project."""
    for padrao in padroes if padroes is not None else get_resolver().url_patterns:
        rota = prefixo + str(padrao.pattern)
        if isinstance(padrao, URLResolver):
            yield from _padroes(padrao.url_patterns, rota, padrao.namespace or espaco)
        elif isinstance(padrao, URLPattern):
            nome = f"{espaco}:{padrao.name}" if espaco and padrao.name else padrao.name
            yield rota, nome, padrao


def _url(rota: str, padrao) -> str:
    """The route with each path converter filled with a plain value of its kind."""
    url = "/" + rota
    for parametro, conversor in padrao.pattern.converters.items():
        tipo = {
            "IntConverter": "int",
            "StringConverter": "str",
            "SlugConverter": "slug",
            "PathConverter": "path",
        }[type(conversor).__name__]
        url = url.replace(f"<{tipo}:{parametro}>", str(VALORES[tipo])).replace(
            f"<{parametro}>", str(VALORES[tipo])
        )
    assert "<" not in url, url
    return url


def _alvos():
    """(name, url, route is a plain path) of every pattern outside /portal/."""
    for rota, nome, padrao in _padroes():
        if rota.startswith("portal/"):
            continue
        if isinstance(padrao.pattern, RoutePattern) and "^" not in rota:
            yield nome, _url(rota, padrao), True
        else:
            prefixo = next((p for p in REGEX if rota.startswith(p)), None)
            assert prefixo, f"rota por expressão regular sem exemplo: {rota}"
            yield nome, REGEX[prefixo][0], False


@pytest.fixture
def so_portal(client):
    """A client with a portal login only (the account's cookie goes with every request)."""
    portal_logar(client, ContaExternaFactory())
    assert client.get("/portal/").status_code == 200
    client.raise_request_exception = False
    return client


def test_lista_de_paginas_publicas_e_a_do_projeto():
    publicas = {
        nome
        for rota, nome, padrao in _padroes()
        if not rota.startswith("portal/")
        and getattr(padrao.callback, "login_required", True) is False
    }
    assert publicas - {None} == PUBLICAS


def test_conta_do_portal_nao_abre_nenhuma_pagina_interna(so_portal):
    vistos, problemas = 0, []
    for nome, url, simples in _alvos():
        if nome in PUBLICAS:
            continue
        if not simples:
            esperado = next(e for p, (u, e) in REGEX.items() if u == url)
            if esperado == "publica":
                continue
        for metodo in ("get", "post"):
            resposta = getattr(so_portal, metodo)(url)
            vistos += 1
            destino = resposta.get("Location", "")
            para_o_login = destino.startswith(LOGINS) or (
                nome == "admin:logout" and destino == reverse("admin:index")
            )
            if resposta.status_code != 302 or not para_o_login:
                problemas.append(f"{metodo} {nome} {url} -> {resposta.status_code} {destino}")
    assert vistos > 200
    assert problemas == []


def test_paginas_publicas_nao_mostram_nada_interno_a_conta_do_portal(so_portal):
    for nome, url, simples in _alvos():
        if nome not in PUBLICAS or not simples:
            continue
        resposta = so_portal.get(url)
        # healthz answers 503 here: no worker runs in the tests.
        assert resposta.status_code < 500 or nome == "healthz", nome
        nomes = [t.name for t in getattr(resposta, "templates", [])]
        assert "core/_partials/navbar.html" not in nomes, nome


def _paginas_do_portal():
    for rota, nome, padrao in _padroes():
        if rota.startswith("portal/"):
            yield nome, _url(rota, padrao), padrao.callback


def test_login_interno_nao_abre_paginas_do_portal(client_atendente):
    contas = {"portal:" + n for n in ("entrar", "sair", "cadastro", "cadastro_enviado")}
    contas |= {"portal:" + n for n in ("confirmar", "senha_pedir", "senha_enviada")}
    contas |= {"portal:senha_definir", "portal:senha_definida"}
    fechadas = 0
    for nome, url, _view in _paginas_do_portal():
        if nome in contas:
            continue
        resposta = client_atendente.get(url)
        assert resposta.status_code == 302, nome
        assert resposta["Location"].startswith("/portal/entrar/?next="), nome
        fechadas += 1
    assert fechadas >= 5


def test_paginas_do_portal_nunca_mostram_o_menu_interno(client, atendente):
    """Even with both logins in one browser, the portal's pages are the portal's."""
    client.force_login(atendente)
    portal_logar(client, ContaExternaFactory())
    client.raise_request_exception = False
    vistas = 0
    for nome, url, _view in _paginas_do_portal():
        resposta = client.get(url)
        assert resposta.status_code < 500, nome
        if resposta.status_code != 200 or not resposta.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        vistas += 1
        nomes = [t.name for t in resposta.templates]
        conteudo = resposta.content.decode()
        assert "base.html" not in nomes and "core/_partials/navbar.html" not in nomes, nome
        assert 'id="menu"' not in conteudo and reverse("atendimento:inserir") not in conteudo, nome
    assert vistas >= 1
