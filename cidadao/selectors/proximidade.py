"""Open RAs near a citizen's report: the triage's duplicate check (DOMAIN §7).

No PostGIS: a bounding box in degrees, read on the partial index ``ra_aberto_local``
(especificação, latitude, longitude of the open RAs that have a point), then the exact
great-circle distance of each candidate in Python, filtered to the radius and sorted.
The same query runs on PostgreSQL and on SQLite (``make run``).
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from atendimento.models import Anexo, RegistroAtendimento

RAIO_MAXIMO_M = 1000
RAIO_TERRA_M = 6_371_008.8  # mean Earth radius (IUGG)
METROS_POR_GRAU = 111_320.0  # one degree of latitude, and of longitude at the equator
_ABERTAS = (RegistroAtendimento.Situacao.PENDENTE, RegistroAtendimento.Situacao.BLOQUEADO)


@dataclass(frozen=True)
class RaProximo:
    ra: RegistroAtendimento
    distancia_m: int
    endereco: str
    descricao: str
    foto_url: str  # "" when the RA has no photo an attendant's browser can load
    idade: datetime.timedelta


def distancia_m(lat1, lon1, lat2, lon2) -> float:
    """Haversine distance in metres between two points in degrees."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * RAIO_TERRA_M * math.asin(min(1.0, math.sqrt(h)))


def caixa_envolvente(latitude, longitude, raio_m) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(lat_min, lat_max, lon_min, lon_max) of a box holding every point within
    ``raio_m`` of the centre; a little larger (rounded outwards to the columns' 6
    decimals), never smaller."""
    lat, lon = float(latitude), float(longitude)
    dlat = raio_m / METROS_POR_GRAU
    # Near the poles a degree of longitude shrinks to nothing: take the whole circle.
    cos_lat = math.cos(math.radians(min(abs(lat) + dlat, 89.999999)))
    dlon = min(raio_m / (METROS_POR_GRAU * cos_lat), 180.0)
    passo = Decimal("0.000001")

    def para_baixo(x):
        return Decimal(math.floor(x * 1e6) - 1) * passo

    def para_cima(x):
        return Decimal(math.ceil(x * 1e6) + 1) * passo

    return (
        para_baixo(lat - dlat),
        para_cima(lat + dlat),
        para_baixo(lon - dlon),
        para_cima(lon + dlon),
    )


def _endereco(ra) -> str:
    imovel = ra.imovel
    if imovel is None:
        return ra.local_ocorrencia
    rua = f"{imovel.logradouro}, {imovel.numero}" if imovel.numero else imovel.logradouro
    return f"{rua} — {imovel.bairro}" if imovel.bairro else rua


def _url_foto_relato(relato_id) -> str:
    # The triage screens may serve a report's photo (login required); without that
    # view there is no URL to give.
    try:
        return reverse("cidadao:relato_foto", args=[relato_id])
    except NoReverseMatch:
        return ""


def _foto_url(ra) -> str:
    """The RA's first image attachment, else the photo of a report linked to it."""
    if ra.anexo_foto is not None:
        return reverse("atendimento:anexo", args=[ra.anexo_foto])
    if ra.relato_foto is not None:
        return _url_foto_relato(ra.relato_foto)
    return ""


def ras_proximos_candidatos(*, especificacao, latitude, longitude, raio_m):
    """The indexed bounding-box query (the benchmark prints its plan): only the point
    and age of each candidate, as tuples, so a crowded box costs little."""
    lat_min, lat_max, lon_min, lon_max = caixa_envolvente(latitude, longitude, raio_m)
    return (
        RegistroAtendimento.objects.filter(
            especificacao_id=especificacao.pk,
            situacao__in=_ABERTAS,
            latitude__isnull=False,
            latitude__gte=lat_min,
            latitude__lte=lat_max,
            longitude__gte=lon_min,
            longitude__lte=lon_max,
        )
        .values_list("pk", "latitude", "longitude", "data_abertura")
        .order_by()
    )


def _ras_para_a_tela(ids):
    """The RAs the screen shows, with their imóvel's address and photo ids (one query)."""
    from cidadao.models import Relato

    primeira_imagem = (
        Anexo.objects.filter(ra_id=OuterRef("pk"), tipo_mime__startswith="image/")
        .order_by("data", "id")
        .values("pk")[:1]
    )
    relato_com_foto = (
        Relato.objects.filter(ra_id=OuterRef("pk"))
        .exclude(foto="")
        .order_by("criado_em", "id")
        .values("pk")[:1]
    )
    return (
        RegistroAtendimento.objects.filter(pk__in=ids)
        .select_related("imovel")
        .only(
            "pk",
            "protocolo",
            "situacao",
            "descricao",
            "latitude",
            "longitude",
            "local_ocorrencia",
            "data_abertura",
            "especificacao_id",
            "imovel__logradouro",
            "imovel__numero",
            "imovel__bairro",
        )
        .annotate(anexo_foto=Subquery(primeira_imagem), relato_foto=Subquery(relato_com_foto))
        .in_bulk()
    )


def ras_proximos(*, especificacao, latitude, longitude, raio_m=None, limite=20) -> list[RaProximo]:
    """Open RAs (pendente, bloqueado) of the same especificação within the radius
    (``raio_m`` or the especificação's ``raio_duplicidade_m``, at most 1,000 m; 0 turns
    the check off), nearest first, at most ``limite``."""
    if latitude is None or longitude is None or especificacao is None:
        return []
    raio = especificacao.raio_duplicidade_m if raio_m is None else raio_m
    raio = min(int(raio or 0), RAIO_MAXIMO_M)
    if raio <= 0:
        return []
    # Distances on the bare candidates first; only the nearest are read in full
    # (a box in a dense bairro holds hundreds of open RAs of one kind).
    perto = []
    for pk, lat, lon, aberto in ras_proximos_candidatos(
        especificacao=especificacao, latitude=latitude, longitude=longitude, raio_m=raio
    ):
        d = distancia_m(latitude, longitude, lat, lon)
        if d <= raio:
            perto.append((d, aberto, pk))
    perto.sort()
    perto = perto[:limite]
    if not perto:
        return []
    ras = _ras_para_a_tela([pk for _, _, pk in perto])
    agora = timezone.now()
    return [
        RaProximo(
            ra=ras[pk],
            distancia_m=round(d),
            endereco=_endereco(ras[pk]),
            descricao=ras[pk].descricao,
            foto_url=_foto_url(ras[pk]),
            idade=agora - ras[pk].data_abertura,
        )
        for d, _, pk in perto
        if pk in ras  # closed or deleted between the two reads: no longer a candidate
    ]
