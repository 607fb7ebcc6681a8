"""Rate limits of the public channel, counted in the shared cache (django-ratelimit).

Counted per client IP (``core.acesso.ip_do_cliente``, which knows the trusted
proxies). A cache that cannot be reached lets the request through and logs it:
a dead Redis must not stop a citizen from reporting a leak; the per-phone limit
and the honeypot, which live in the database and the form, still apply.
"""

import logging

from django_ratelimit.core import get_usage

from core.acesso import ip_do_cliente

logger = logging.getLogger(__name__)


def limite_ip_atingido(request, *, grupo: str, maximo: int, periodo: str) -> bool:
    """Count this request for its IP in ``grupo``; True once more than ``maximo`` came
    within the ``periodo`` ("m", "h" or "d")."""
    ip = ip_do_cliente(request) or "desconhecido"
    try:
        uso = get_usage(
            request,
            group=grupo,
            key=lambda _grupo, _request: ip,
            rate=f"{maximo}/{periodo}",
            increment=True,
        )
    except Exception:  # the cache (Redis) is down or refuses: fail open, loudly
        logger.exception("limite de %s não contado para %s: cache indisponível", grupo, ip)
        return False
    return bool(uso and uso["should_limit"])
