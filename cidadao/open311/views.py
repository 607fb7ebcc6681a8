"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): civic apps list the
public services, file reports (API key) and follow the RAs of public especificações.

Every answer is JSON or XML by the URL's extension, errors included (the spec's
list of ``{code, description}``). Reads need no key but count, per IP, with the
public status page's protocol look-ups; a look-up by id that hit the limit answers
exactly as one that found nothing, so guessing protocols teaches nothing.
"""

import json
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from cidadao.models import ParametrosCidadao, Relato
from cidadao.services.relatos import relato_registrar
from core.acesso import ip_do_cliente
from core.exceptions import RegraViolada
from core.limites import limite_ip_atingido

from . import selectors
from .chaves import chave_verificar
from .formato import erros, resposta
from .forms import RequestForm, atributos_ler, filtros_validar

OPENAPI = Path(__file__).with_name("openapi.json")
CHANGESET = "2026-12-01T00:00:00Z"  # bump when the services' shape changes

NAO_ENCONTRADO = "Não encontrado."
CHAVE_INVALIDA = (
    "Chave de API (api_key) ausente ou inválida. Peça uma chave ao administrador do sistema."
)
MUITOS_RELATOS = "Muitos relatos deste endereço em pouco tempo. Tente de novo mais tarde."
MUITAS_CONSULTAS = "Muitas consultas deste endereço em pouco tempo. Tente de novo em um minuto."
AVISO_RECEBIDO = (
    "Relato recebido. Um atendente vai conferir se já existe um atendimento aberto para "
    "este local; o número do protocolo aparece em tokens/{token} depois dessa análise "
    "e, se o celular foi informado, também chega por SMS."
)
# Where relato_registrar's refusals come from, as the spec names the parameters.
PARAMETROS = {
    "especificacao": "service_code",
    "latitude": "lat",
    "longitude": "long",
    "endereco": "address_string",
    "descricao": "description",
    "celular": "phone",
    "nome": "first_name",
    "email": "email",
}


FORMATOS = ("json", "xml")


def _formato(view):
    """Views take ``formato`` (``services.json``) or ``arquivo`` (``services/x.json``,
    split here into its name and format); any other extension answers the API's 404."""

    @wraps(view)
    def com_formato(request, formato=None, arquivo=None):
        if arquivo is not None:
            arquivo, _, formato = arquivo.rpartition(".")
        if formato not in FORMATOS or arquivo == "":
            return nao_encontrado(request, formato or "")
        return view(request, formato) if arquivo is None else view(request, arquivo, formato)

    return com_formato


def _consulta_limitada(request, custo: int = 1) -> bool:
    """Count ``custo`` protocol look-ups for this IP (shared with the status page)."""
    maximo = ParametrosCidadao.atual().consultas_por_ip_minuto
    atingido = False
    for _ in range(max(custo, 1)):
        atingido |= limite_ip_atingido(request, grupo="consulta", maximo=maximo, periodo="m")
    return atingido


@login_not_required
@require_GET
@_formato
def discovery(request, formato):
    url = f"{settings.URL_PUBLICA}{reverse('open311:raiz')}" if settings.URL_PUBLICA else None
    dados = {
        "changeset": CHANGESET,
        "contact": "Central de atendimento da companhia de saneamento.",
        "key_service": "Peça uma chave ao administrador do sistema (Administração → Chaves "
        "da API Open311); ela é mostrada uma única vez.",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": (url or request.build_absolute_uri(reverse("open311:raiz"))).rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return resposta(dados, formato=formato, raiz="discovery")


@login_not_required
@require_GET
@_formato
def services(request, formato):
    dados = [selectors.servico_open311(esp) for esp in selectors.servicos_publicos()]
    return resposta(dados, formato=formato, raiz="services")


@login_not_required
@require_GET
@_formato
def service_definition(request, codigo, formato):
    esp = selectors.servico_publico_get(codigo)
    if esp is None:
        return erros(404, f"service_code “{codigo[:40]}” não encontrado.", formato=formato)
    dados = {"service_code": esp.codigo_servico, "attributes": []}
    return resposta(dados, formato=formato, raiz="service_definition")


@csrf_exempt  # a key-authenticated API for other servers: no browser session involved
@login_not_required
@_formato
def requests(request, formato):
    if request.method == "GET":
        return _requests_listar(request, formato)
    if request.method == "POST":
        return _request_criar(request, formato)
    return HttpResponseNotAllowed(["GET", "POST"])


def _requests_listar(request, formato):
    try:
        filtros = filtros_validar(request.GET)
    except RegraViolada as exc:
        return erros(400, exc.mensagem, formato=formato)
    protocolos = filtros.pop("protocolos", None)
    if _consulta_limitada(request, custo=len(protocolos or ())):
        return erros(429, MUITAS_CONSULTAS, formato=formato)
    if protocolos:
        dados = selectors.ras_por_protocolos(protocolos)
    else:
        dados = selectors.ras_list(**filtros)
    return resposta(dados, formato=formato, raiz="service_requests")


def _dados_do_post(request):
    """The form-encoded body (the spec), or a JSON object; ValueError otherwise."""
    if request.content_type == "application/json":
        dados = json.loads(request.body or b"{}")
        if not isinstance(dados, dict):
            raise ValueError
        for chave, valor in dados.items():
            if chave != "attribute" and isinstance(valor, dict | list):
                raise ValueError
        return {
            chave: valor if chave == "attribute" else ("" if valor is None else str(valor))
            for chave, valor in dados.items()
        }
    return request.POST


def _request_criar(request, formato):
    params = ParametrosCidadao.atual()
    if limite_ip_atingido(request, grupo="open311", maximo=params.relatos_por_ip_hora, periodo="h"):
        return erros(429, MUITOS_RELATOS, formato=formato)
    try:
        dados = _dados_do_post(request)
    except ValueError:
        return erros(400, "O corpo do pedido não é um formulário nem JSON válido.", formato=formato)
    chave = chave_verificar(dados.get("api_key") or request.GET.get("api_key"))
    if chave is None:
        return erros(403, CHAVE_INVALIDA, formato=formato)
    form = RequestForm(dados)
    if not form.is_valid():
        return erros(400, *form.mensagens(), formato=formato)
    codigo = form.cleaned_data["service_code"]
    especificacao = selectors.servico_publico_get(codigo)
    if especificacao is None:
        return erros(404, f"service_code “{codigo}” não encontrado.", formato=formato)
    try:
        atributos = atributos_ler(dados)
        relato = relato_registrar(
            canal=Relato.Canal.OPEN311,
            especificacao=especificacao,
            latitude=form.cleaned_data["lat"],
            longitude=form.cleaned_data["long"],
            endereco=form.cleaned_data["address_string"],
            descricao=form.cleaned_data["description"],
            celular=form.cleaned_data["phone"],
            nome=form.nome,
            email=form.cleaned_data["email"],
            media_url=form.cleaned_data["media_url"],
            ip=ip_do_cliente(request),
            chave_api=chave,
            dados_open311=form.dados_open311(atributos),
        )
    except RegraViolada as exc:
        return erros(400, *[e.mensagem for e in getattr(exc, "erros", [exc])], formato=formato)
    dados = [{"token": relato.token, "service_notice": AVISO_RECEBIDO.format(token=relato.token)}]
    return resposta(dados, formato=formato, raiz="service_requests")


@login_not_required
@require_GET
@_formato
def request_detail(request, protocolo, formato):
    if _consulta_limitada(request):
        return erros(404, NAO_ENCONTRADO, formato=formato)
    dados = selectors.ras_por_protocolos([protocolo[:20]])
    if not dados:
        return erros(404, NAO_ENCONTRADO, formato=formato)
    return resposta(dados[:1], formato=formato, raiz="service_requests")


@login_not_required
@require_GET
@_formato
def token(request, token, formato):
    if _consulta_limitada(request):
        return erros(404, NAO_ENCONTRADO, formato=formato)
    item = selectors.relato_token_open311(token[:32])
    if item is None:
        return erros(404, NAO_ENCONTRADO, formato=formato)
    return resposta([item], formato=formato, raiz="service_requests")


@cache
def _openapi() -> bytes:
    return OPENAPI.read_bytes()


@login_not_required
@require_GET
def openapi(request):
    return HttpResponse(_openapi(), content_type="application/json; charset=utf-8")


@csrf_exempt  # changes nothing: a POST to a wrong path gets the API's 404, not CSRF's 403
@login_not_required
def nao_encontrado(request, caminho=""):
    formato = "xml" if caminho.endswith("xml") else "json"
    return erros(404, NAO_ENCONTRADO, formato=formato)
