from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse


def conta_exigida(view):
    """A portal page: an outside account must be signed in (its own session, see
    ``portal.sessao``); otherwise the portal's login, coming back here after."""

    @login_not_required
    @wraps(view)
    def _view(request, *args, **kwargs):
        if request.conta_externa is None:
            destino = reverse("portal:entrar") + "?" + urlencode({"next": request.get_full_path()})
            return redirect(destino)
        return view(request, *args, **kwargs)

    return _view
