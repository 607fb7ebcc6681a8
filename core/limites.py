"""Rate limits of the public pages (citizen channel, customer portal), counted per
client IP in the shared cache (django-ratelimit).

The IP is ``core.acesso.ip_do_cliente``'s, which knows the trusted proxies. A cache
that cannot be reached lets the request through and logs it: a dead Redis must not
stop a citizen from reporting a leak; the limits that live in the database (per
phone, per portal account) and the forms' checks still apply.
"""

import logging

from django_ratelimit.core import get_usage

from core.acesso import ip_do_cliente

logger = logging.getLogger(__name__)


def _uso(request, *, grupo: str, maximo: int, periodo: str, contar: bool) -> dict | None:
    ip = ip_do_cliente(request) or "desconhecido"
    try:
        return get_usage(
            request,
            group=grupo,
            key=lambda _grupo, _request: ip,
            rate=f"{maximo}/{periodo}",
            increment=contar,
        )
    except Exception:  # the cache (Redis) is down or refuses: fail open, loudly
        logger.exception("limite de %s não contado para %s: cache indisponível", grupo, ip)
        return None


def limite_ip_atingido(request, *, grupo: str, maximo: int, periodo: str) -> bool:
    """Count this request for its IP in ``grupo``; True once more than ``maximo`` came
    within the ``periodo`` ("m", "h", "d", or a multiple such as "15m")."""
    uso = _uso(request, grupo=grupo, maximo=maximo, periodo=periodo, contar=True)
    return bool(uso and uso["should_limit"])


def limite_ip_espera(request, *, grupo: str, maximo: int, periodo: str) -> int:
    """Without counting: the seconds this IP must wait when ``maximo`` were already
    counted in ``grupo`` within the ``periodo`` (the next one would pass the limit), else 0.

    For limits on failures: check with this before trying, count a failure with
    :func:`limite_ip_atingido` after."""
    uso = _uso(request, grupo=grupo, maximo=maximo, periodo=periodo, contar=False)
    if not uso or uso["count"] < uso["limit"]:
        return 0
    return max(uso["time_left"], 1)
