"""The portal's own session, apart from the staff site's.

Under ``/portal/`` a second session travels in its own cookie (``portal_sessao``,
path ``/portal/``): it holds the outside account, never ``request.user``. So a
portal login grants nothing on a staff URL (those still ask for a staff login),
and signing out of one site leaves the other alone. Views read
``request.conta_externa`` (a :class:`~portal.models.ContaExterna` or None).
"""

import time
from importlib import import_module

from django.conf import settings
from django.middleware.csrf import rotate_token
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import http_date

from portal.models import ContaExterna

PREFIXO = "/portal/"
COOKIE = "portal_sessao"
_CONTA = "_conta_externa_id"
_HASH = "_conta_externa_hash"


def _engine():
    return import_module(settings.SESSION_ENGINE)


def _conta_da_sessao(sessao) -> ContaExterna | None:
    conta_id = sessao.get(_CONTA)
    if conta_id is None:
        return None
    conta = (
        ContaExterna.objects.select_related("cliente")
        .filter(pk=conta_id, is_active=True, email_confirmado_em__isnull=False)
        .first()
    )
    # A changed password ends every other session of the account (as Django's auth does).
    if conta is None or not constant_time_compare(
        sessao.get(_HASH, ""), conta.get_session_auth_hash()
    ):
        return None
    return conta


class SessaoPortalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.conta_externa = None
        if not request.path_info.startswith(PREFIXO):
            return self.get_response(request)
        sessao = _engine().SessionStore(request.COOKIES.get(COOKIE))
        request.sessao_portal = sessao
        request.conta_externa = _conta_da_sessao(sessao)
        response = self.get_response(request)
        return self._gravar(request, sessao, response)

    def _gravar(self, request, sessao, response):
        if COOKIE in request.COOKIES and sessao.is_empty():
            response.delete_cookie(COOKIE, path=PREFIXO, samesite=settings.SESSION_COOKIE_SAMESITE)
            return response
        if not sessao.modified or sessao.is_empty() or response.status_code >= 500:
            return response
        sessao.save()
        idade = settings.PORTAL_SESSAO_SEGUNDOS
        response.set_cookie(
            COOKIE,
            sessao.session_key,
            max_age=idade,
            expires=http_date(time.time() + idade),
            path=PREFIXO,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
        return response


def portal_entrar(request, conta: ContaExterna) -> None:
    """Start ``conta``'s portal session: a new session key (no fixation), a new CSRF token."""
    sessao = request.sessao_portal
    if sessao.get(_CONTA) not in (None, conta.pk):
        sessao.flush()
    else:
        sessao.cycle_key()
    sessao[_CONTA] = conta.pk
    sessao[_HASH] = conta.get_session_auth_hash()
    sessao.set_expiry(settings.PORTAL_SESSAO_SEGUNDOS)
    conta.last_login = timezone.now()
    conta.save(update_fields=["last_login"])
    rotate_token(request)
    request.conta_externa = conta


def portal_sair(request) -> None:
    request.sessao_portal.flush()
    request.conta_externa = None
