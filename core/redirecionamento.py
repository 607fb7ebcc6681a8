"""Where a form may send the user back to: only this site, never a URL it was handed."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def destino_local(request, destino: str | None) -> str | None:
    """``destino`` when it is a URL of this site (same host and scheme), ``None`` otherwise.

    A bare ``startswith("/")`` lets ``//evil.example/x`` and ``/\\evil.example`` through:
    browsers read both as another host.
    """
    if destino and url_has_allowed_host_and_scheme(
        destino, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return destino
    return None


def redirecionar_de_volta(request, padrao, *args, campo: str = "voltar", **kwargs):
    """Redirect to the local URL in ``request.POST``/``GET[campo]``, or to ``padrao``."""
    destino = destino_local(request, request.POST.get(campo) or request.GET.get(campo))
    if destino:
        return redirect(destino)
    return redirect(padrao, *args, **kwargs)
