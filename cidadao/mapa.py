"""What the pages with a map need: the configuration the script reads and the CSP
opening for the tile server (the only outside host a page of this product loads)."""

from urllib.parse import urlsplit

from cidadao.models import ParametrosCidadao


def mapa_config(params: ParametrosCidadao | None = None) -> dict:
    """For ``json_script``: tiles ("" = no map, the address field only), centre, zoom and
    the service area, so the script can refuse a point outside it before sending."""
    params = params or ParametrosCidadao.atual()
    return {
        "tiles": params.mapa_url_tiles,
        "atribuicao": params.mapa_atribuicao,
        "centro": [float(params.mapa_latitude), float(params.mapa_longitude)],
        "zoom": params.mapa_zoom,
        "area": [
            [float(params.area_latitude_min), float(params.area_longitude_min)],
            [float(params.area_latitude_max), float(params.area_longitude_max)],
        ],
    }


def mapa_liberar_csp(response, params: ParametrosCidadao | None = None):
    """Let the page load tiles from the configured server (django-csp's per-response
    update, as its ``csp_update`` decorator does, but read from the parameters)."""
    params = params or ParametrosCidadao.atual()
    url = params.mapa_url_tiles
    partes = urlsplit(url.replace("{s}", "s"))
    if partes.scheme in ("http", "https") and partes.netloc:
        # "{s}.tile.example.org" spreads tiles over subdomains: allow them all.
        host = partes.netloc.replace("s.", "*.", 1) if "{s}." in url else partes.netloc
        response._csp_update = {"img-src": [f"{partes.scheme}://{host}"]}
    return response
