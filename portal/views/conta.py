"""Portal accounts: sign in and out, self-registration, e-mail confirmation, password.

All public (no staff login); the portal's own session is ``request.sessao_portal``.
"""

import posixpath
from urllib.parse import unquote, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import RegraViolada
from core.limites import limite_ip_atingido, limite_ip_espera
from portal import limites
from portal.forms.conta import CadastroForm, EntrarForm, SenhaDefinirForm, SenhaPedirForm
from portal.models import ContaExterna
from portal.services.contas import (
    JaConfirmado,
    LinkExpirado,
    LinkInvalido,
    LoginRecusado,
    conta_autenticar,
    conta_cadastrar,
    conta_confirmacao_reenviar,
    conta_do_link_de_confirmacao,
    conta_do_uid,
    conta_email_confirmar,
    conta_senha_definir,
    conta_senha_link_enviar,
    senha_tokens,
    url_base,
)
from portal.sessao import PREFIXO, portal_entrar, portal_sair

# A signed-in-but-unconfirmed account may ask for the confirmation again (login page).
_REENVIAR = "_portal_reenviar_conta_id"
# The password link's token moves from the URL into the session (as Django's reset
# view does), so it never leaks through the Referer header of the form page.
_TOKEN_SENHA = "_portal_senha_token"
TOKEN_NA_URL = "definir-senha"


def _publica(view):
    """A page of the account flow: no staff login, never cached, GET or POST."""
    return login_not_required(never_cache(require_http_methods(["GET", "HEAD", "POST"])(view)))


def _destino(request) -> str:
    """``next`` when it is a portal page of this site, else the portal's home."""
    destino = request.POST.get("next") or request.GET.get("next") or ""
    caminho = unquote(urlsplit(destino).path)
    if (
        destino.startswith(PREFIXO)
        and (posixpath.normpath(caminho) + "/").startswith(PREFIXO)
        and "\\" not in caminho
        and url_has_allowed_host_and_scheme(
            destino, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and not destino.startswith((reverse("portal:entrar"), reverse("portal:sair")))
    ):
        return destino
    return reverse("portal:inicio")


def _limite(request, *, grupo: str, maximo: int, titulo: str, texto: str):
    """True (and the answer) when this IP made more than ``maximo`` such requests this hour."""
    if not limite_ip_atingido(request, grupo=grupo, maximo=maximo, periodo="h"):
        return None
    resposta = render(
        request, "portal/conta_limite.html", {"titulo": titulo, "texto": texto}, status=429
    )
    resposta["Retry-After"] = "3600"
    return resposta


# --- sign in and out -------------------------------------------------------------------


@_publica
def entrar(request):
    destino = _destino(request)
    if request.method != "POST":
        if request.conta_externa is not None:
            return redirect(destino)
        return _entrar_pagina(request, EntrarForm(), destino)
    if request.POST.get("reenviar"):
        return _reenviar_confirmacao(request)
    form = EntrarForm(request.POST)
    espera = limite_ip_espera(
        request,
        grupo=limites.GRUPO_LOGIN,
        maximo=limites.falhas_por_ip(),
        periodo=limites.periodo_login(),
    )
    if espera:
        form.is_valid()
        form.add_error(None, limites.mensagem_bloqueio(espera))
        return _entrar_pagina(request, form, destino, status=429)
    if not form.is_valid():
        return _entrar_pagina(request, form, destino)
    try:
        conta = conta_autenticar(email=form.cleaned_data["email"], senha=form.cleaned_data["senha"])
    except LoginRecusado as exc:
        form.add_error(None, str(exc))
        if exc.conta is not None:  # right password, e-mail still to confirm
            request.sessao_portal[_REENVIAR] = exc.conta.pk
            return _entrar_pagina(request, form, destino, reenviar=True)
        limite_ip_atingido(
            request,
            grupo=limites.GRUPO_LOGIN,
            maximo=limites.falhas_por_ip(),
            periodo=limites.periodo_login(),
        )
        return _entrar_pagina(request, form, destino, status=429 if exc.espera else 200)
    portal_entrar(request, conta)
    return redirect(destino)


def _entrar_pagina(request, form, destino, *, status=200, reenviar=False):
    contexto = {"form": form, "next": destino, "reenviar": reenviar}
    return render(request, "portal/conta_entrar.html", contexto, status=status)


def _reenviar_confirmacao(request):
    conta_id = request.sessao_portal.pop(_REENVIAR, None)
    conta = ContaExterna.objects.filter(pk=conta_id).first() if conta_id else None
    if conta is None:
        messages.info(request, "Entre com seu e-mail e senha para pedir um novo e-mail.")
        return redirect("portal:entrar")
    if bloqueio := _limite_reenvio(request):
        return bloqueio
    conta_confirmacao_reenviar(conta=conta, base_url=url_base(request))
    return redirect("portal:cadastro_enviado")


def _limite_reenvio(request):
    return _limite(
        request,
        grupo=limites.GRUPO_REENVIO,
        maximo=limites.REENVIOS_POR_IP_HORA,
        titulo="Muitos pedidos de confirmação",
        texto="Já enviamos vários e-mails de confirmação pedidos desta conexão na última "
        "hora. Confira a caixa de entrada e o spam, ou tente de novo mais tarde.",
    )


@login_not_required
@require_POST
def sair(request):
    portal_sair(request)
    messages.info(request, "Você saiu do portal.")
    return redirect("portal:entrar")


# --- self-registration and confirmation ---------------------------------------------------


@_publica
def cadastro(request):
    if request.conta_externa is not None:
        return redirect("portal:inicio")
    if request.method != "POST":
        return _cadastro_pagina(request, CadastroForm())
    if bloqueio := _limite(
        request,
        grupo=limites.GRUPO_CADASTRO,
        maximo=limites.CADASTROS_POR_IP_HORA,
        titulo="Muitos cadastros",
        texto="Recebemos muitos pedidos de cadastro desta conexão na última hora. "
        "Nada foi registrado agora: tente de novo mais tarde.",
    ):
        return bloqueio
    form = CadastroForm(request.POST)
    if form.is_valid():
        dados = form.cleaned_data
        try:
            conta_cadastrar(
                cpf_cnpj=dados["cpf_cnpj"],
                matriculas=dados["matricula"],
                nome=dados["nome"],
                email=dados["email"],
                senha=dados["senha"],
                base_url=url_base(request),
            )
        except RegraViolada as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("portal:cadastro_enviado")
    return _cadastro_pagina(request, form)


def _cadastro_pagina(request, form):
    return render(request, "portal/conta_cadastro.html", {"form": form})


@_publica
def cadastro_enviado(request):
    return render(request, "portal/conta_cadastro_enviado.html")


@_publica
def confirmar(request, token):
    if request.method == "POST":  # a fresh link for an expired one
        try:
            conta = conta_do_link_de_confirmacao(token)
        except LinkInvalido as exc:
            return _confirmar_invalido(request, exc)
        if bloqueio := _limite_reenvio(request):
            return bloqueio
        conta_confirmacao_reenviar(conta=conta, base_url=url_base(request))
        return redirect("portal:cadastro_enviado")
    try:
        conta = conta_email_confirmar(token=token)
    except JaConfirmado as exc:
        messages.info(request, str(exc))
        return redirect("portal:entrar")
    except LinkInvalido as exc:
        return _confirmar_invalido(request, exc)
    portal_entrar(request, conta)
    messages.success(request, "E-mail confirmado. Boas-vindas ao portal do cliente!")
    return redirect("portal:inicio")


def _confirmar_invalido(request, exc):
    contexto = {"erro": str(exc), "pode_reenviar": isinstance(exc, LinkExpirado)}
    return render(request, "portal/conta_confirmar_invalido.html", contexto, status=400)


# --- password ------------------------------------------------------------------------------


@_publica
def senha_pedir(request):
    if request.method != "POST":
        return _senha_pedir_pagina(request, SenhaPedirForm())
    if bloqueio := _limite(
        request,
        grupo=limites.GRUPO_SENHA,
        maximo=limites.PEDIDOS_SENHA_POR_IP_HORA,
        titulo="Muitos pedidos de nova senha",
        texto="Recebemos muitos pedidos de nova senha desta conexão na última hora. "
        "Confira a caixa de entrada e o spam, ou tente de novo mais tarde.",
    ):
        return bloqueio
    form = SenhaPedirForm(request.POST)
    if not form.is_valid():
        return _senha_pedir_pagina(request, form)
    conta_senha_link_enviar(email=form.cleaned_data["email"], base_url=url_base(request))
    return redirect("portal:senha_enviada")


def _senha_pedir_pagina(request, form):
    return render(request, "portal/conta_senha_pedir.html", {"form": form})


@_publica
def senha_enviada(request):
    return render(request, "portal/conta_senha_enviada.html")


@_publica
def senha_definir(request, uidb64, token):
    conta = conta_do_uid(uidb64)
    if conta is not None and token != TOKEN_NA_URL and senha_tokens.check_token(conta, token):
        request.sessao_portal[_TOKEN_SENHA] = token
        return redirect(request.path.replace(token, TOKEN_NA_URL))
    valido = (
        conta is not None
        and token == TOKEN_NA_URL
        and senha_tokens.check_token(conta, request.sessao_portal.get(_TOKEN_SENHA))
    )
    if not valido:
        return render(request, "portal/conta_senha_invalida.html", status=400)
    form = SenhaDefinirForm(conta, request.POST if request.method == "POST" else None)
    if form.is_valid():
        conta_senha_definir(conta=conta, senha=form.cleaned_data["senha"])
        request.sessao_portal.pop(_TOKEN_SENHA, None)
        return redirect("portal:senha_definida")
    return render(request, "portal/conta_senha_definir.html", {"form": form, "conta": conta})


@_publica
def senha_definida(request):
    return render(request, "portal/conta_senha_definida.html")
