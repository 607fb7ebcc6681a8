"""The client's address for login throttling (django-axes)."""

from django.conf import settings


def ip_do_cliente(request):
    """REMOTE_ADDR, or the address the trusted proxies saw when there are any.

    Each of the ``PROXIES_CONFIAVEIS`` proxies appends the address it received
    the request from to X-Forwarded-For, so the client is that many entries
    from the right; entries further left were sent by the client and may be forged.
    """
    confiaveis = getattr(settings, "PROXIES_CONFIAVEIS", 0)
    encaminhado = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if confiaveis and encaminhado:
        enderecos = [e.strip() for e in encaminhado.split(",") if e.strip()]
        if len(enderecos) >= confiaveis:
            return enderecos[-confiaveis]
    return request.META.get("REMOTE_ADDR")
