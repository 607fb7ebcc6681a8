"""What the Open311 API reads: the public services and the RAs of public especificações,
already shaped as GeoReport v2 items. Nothing personal leaves through here (LGPD):
no name, phone, e-mail, CPF, the attendant's description, nor an imóvel's address.
"""

import datetime

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from atendimento.models import Especificacao, EventoRA, RegistroAtendimento, Reiteracao
from cidadao.models import Relato
from cidadao.selectors.publico import situacao_em_palavras

LIMITE_REQUESTS = 1000  # the spec's default: 90 days or 1000 requests, whichever is smaller
JANELA_PADRAO = datetime.timedelta(days=90)
SITUACOES = {
    "open": [RegistroAtendimento.Situacao.PENDENTE, RegistroAtendimento.Situacao.BLOQUEADO],
    "closed": [RegistroAtendimento.Situacao.ENCERRADO],
}


def w3c(momento: datetime.datetime | None) -> str | None:
    """A datetime as the spec writes it: local time with its offset (2026-12-01T12:00:00-03:00)."""
    if momento is None:
        return None
    return timezone.localtime(momento).isoformat(timespec="seconds")


def servicos_publicos():
    return (
        Especificacao.objects.filter(publica=True, ativa=True, tipo__ativo=True)
        .select_related("tipo__grupo")
        .order_by("tipo__nome", "nome")
    )


def servico_publico_get(codigo: str) -> Especificacao | None:
    # codigo_servico is unique: no ordering, and only the tipo that relato_registrar reads.
    return (
        Especificacao.objects.filter(
            codigo_servico=codigo, publica=True, ativa=True, tipo__ativo=True
        )
        .select_related("tipo")
        .first()
    )


def servico_open311(esp: Especificacao) -> dict:
    return {
        "service_code": esp.codigo_servico,
        "service_name": esp.nome,
        "description": esp.descricao_publica,
        "metadata": False,
        # A report becomes an RA only after triage: the POST answers a token ("batch").
        "type": "batch",
        "keywords": ", ".join([esp.tipo.nome, esp.tipo.grupo.nome]),
        "group": esp.tipo.grupo.nome,
    }


def _ras_publicos():
    ultimo_evento = EventoRA.objects.filter(ra=OuterRef("pk")).order_by("-data").values("data")[:1]
    # Only a report sent through this API gave an address meant for it (address_string).
    relatos = Relato.objects.filter(
        canal=Relato.Canal.OPEN311, situacao=Relato.Situacao.RA_ABERTO
    ).only("ra_id", "endereco", "media_url")
    return (
        RegistroAtendimento.objects.filter(especificacao__publica=True)
        .select_related("especificacao", "motivo_encerramento")
        .only(
            "protocolo",
            "situacao",
            "pausado_desde",
            "latitude",
            "longitude",
            "imovel_id",
            "data_abertura",
            "data_encerramento",
            "data_prevista_atual",
            "especificacao__nome",
            "especificacao__codigo_servico",
            "especificacao__descricao_publica",
            "motivo_encerramento__tipo",
        )
        .annotate(ultimo_evento=Subquery(ultimo_evento))
        .prefetch_related(Prefetch("relatos", queryset=relatos, to_attr="relatos_open311"))
    )


def _coordenada_publica(ra, valor) -> float | None:
    """A street spot is given as is; an RA of an imóvel has the property's point, which
    would find a customer's house (LGPD): the API shows the block (3 decimals, ~100 m)."""
    if valor is None:
        return None
    return round(float(valor), 3) if ra.imovel_id else float(valor)


def ra_open311(ra: RegistroAtendimento) -> dict:
    esp = ra.especificacao
    encerrado = ra.situacao == RegistroAtendimento.Situacao.ENCERRADO
    relato = ra.relatos_open311[0] if ra.relatos_open311 else None
    atualizado = max(
        m for m in (ra.data_abertura, ra.data_encerramento, ra.ultimo_evento) if m is not None
    )
    return {
        "service_request_id": ra.protocolo,
        "status": "closed" if encerrado else "open",
        # The words of the public status page, so an app and the page never disagree.
        "status_notes": situacao_em_palavras(
            situacao=ra.situacao,
            pausado=ra.pausado_desde is not None,
            motivo=getattr(ra.motivo_encerramento, "tipo", None),
        ),
        "service_name": esp.nome,
        "service_code": esp.codigo_servico,
        "description": esp.descricao_publica,
        "requested_datetime": w3c(ra.data_abertura),
        "updated_datetime": w3c(ra.data_encerramento if encerrado else atualizado),
        "expected_datetime": w3c(ra.data_prevista_atual),
        "address": (relato.endereco or None) if relato else None,
        "lat": _coordenada_publica(ra, ra.latitude),
        "long": _coordenada_publica(ra, ra.longitude),
        "media_url": (relato.media_url or None) if relato else None,
    }


def ras_por_protocolos(protocolos: list[str]) -> list[dict]:
    """The public RAs that gave any of ``protocolos`` (their own or a later requester's)."""
    ids = Reiteracao.objects.filter(protocolo__in=protocolos).values("ra_id")
    qs = _ras_publicos().filter(Q(protocolo__in=protocolos) | Q(pk__in=ids))
    return [ra_open311(ra) for ra in qs.order_by("-data_abertura")[:LIMITE_REQUESTS]]


def ras_list(*, codigos=None, situacoes=None, inicio, fim) -> list[dict]:
    """Public RAs opened in [inicio, fim], newest first, at most LIMITE_REQUESTS."""
    qs = _ras_publicos().filter(data_abertura__gte=inicio, data_abertura__lte=fim)
    if codigos:
        qs = qs.filter(especificacao__codigo_servico__in=codigos)
    if situacoes:
        qs = qs.filter(situacao__in=[s for chave in situacoes for s in SITUACOES[chave]])
    return [ra_open311(ra) for ra in qs.order_by("-data_abertura")[:LIMITE_REQUESTS]]


def relato_token_open311(token: str) -> dict | None:
    """``{token, service_request_id}`` of a report; the id (the RA's protocol) only once
    the triage opened or linked an RA. A retained or discarded report looks like one
    waiting: the answer gives nothing away."""
    relato = Relato.objects.select_related("ra").only("token", "ra__protocolo").filter(token=token)
    relato = relato.first()
    if relato is None:
        return None
    return {
        "token": relato.token,
        "service_request_id": relato.ra.protocolo if relato.ra_id else None,
    }
