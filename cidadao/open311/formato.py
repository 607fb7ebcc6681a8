"""GeoReport v2 answers in JSON or XML, from the same Python data.

The XML follows the spec's shapes (``<services><service>…``): a list becomes one
element per item, named by ``ITENS`` after its parent; ``None`` is left out (the spec's
"may not be returned"). JSON comes from the same data, with ``<``, ``>`` and ``&``
written as ``\\u00XX`` so that no text a citizen sent can ever read as markup, even in a
client that pastes the body into a page. XML text is escaped by ``xml.etree``.
"""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

JSON_TIPO = "application/json; charset=utf-8"
XML_TIPO = "text/xml; charset=utf-8"

# The element each list item gets in XML, after the list's own element.
ITENS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

_ESCAPES_JSON = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
# Characters XML 1.0 cannot carry even escaped (an echoed parameter may hold them).
_FORA_DO_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _texto(valor) -> str:
    if isinstance(valor, bool):
        return "true" if valor else "false"
    return _FORA_DO_XML.sub("", str(valor))


def _preencher(elemento: ET.Element, valor) -> None:
    if isinstance(valor, dict):
        for chave, filho in valor.items():
            if filho is not None:
                _preencher(ET.SubElement(elemento, chave), filho)
    elif isinstance(valor, list):
        item = ITENS[elemento.tag]
        for filho in valor:
            _preencher(ET.SubElement(elemento, item), filho)
    else:
        elemento.text = _texto(valor)


def _sem_nulos(valor):
    if isinstance(valor, dict):
        return {k: _sem_nulos(v) for k, v in valor.items() if v is not None}
    if isinstance(valor, list):
        return [_sem_nulos(v) for v in valor]
    return valor


def em_json(dados) -> bytes:
    texto = json.dumps(_sem_nulos(dados), ensure_ascii=False, separators=(",", ":"))
    return texto.translate(_ESCAPES_JSON).encode("utf-8", "replace")


def em_xml(raiz: str, dados) -> bytes:
    elemento = ET.Element(raiz)
    _preencher(elemento, dados)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(elemento, encoding="utf-8")


def resposta(dados, *, formato: str, raiz: str, status: int = 200) -> HttpResponse:
    """``dados`` as ``formato`` ("json" or "xml"); ``raiz`` names the XML root element."""
    if formato == "xml":
        return HttpResponse(em_xml(raiz, dados), content_type=XML_TIPO, status=status)
    return HttpResponse(em_json(dados), content_type=JSON_TIPO, status=status)


def erros(status: int, *descricoes: str, formato: str) -> HttpResponse:
    """The spec's error list: ``[{"code": status, "description": …}, …]``."""
    dados = [{"code": status, "description": d} for d in descricoes]
    return resposta(dados, formato=formato, raiz="errors", status=status)
