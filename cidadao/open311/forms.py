"""Validation of the Open311 parameters. Each refusal is a pt-BR sentence naming the
parameter as the spec spells it, since it reaches the app's developer and its user."""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.exceptions import RegraViolada

from .selectors import JANELA_PADRAO, SITUACOES

PROTOCOLOS_POR_CONSULTA = 50
ATRIBUTOS_MAX = 20
ATRIBUTO_CODIGO_MAX = 50
ATRIBUTO_VALOR_MAX = 500
ANO_MINIMO, ANO_MAXIMO = 1970, 2200  # far from datetime's and PostgreSQL's edges
_ATRIBUTO = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def _sem_controles(texto: str) -> str:
    return "".join(c for c in texto if c >= " ").strip()


class RequestForm(forms.Form):
    """POST requests: what ``relato_registrar`` does not check itself."""

    service_code = forms.CharField(
        max_length=40, error_messages={"required": "Informe o service_code."}
    )
    lat = forms.CharField(required=False, max_length=40)
    long = forms.CharField(required=False, max_length=40)
    address_string = forms.CharField(required=False, max_length=1000)
    address_id = forms.CharField(required=False, max_length=100)
    email = forms.CharField(required=False, max_length=254)
    device_id = forms.CharField(required=False, max_length=100)
    account_id = forms.CharField(required=False, max_length=100)
    first_name = forms.CharField(required=False, max_length=100)
    last_name = forms.CharField(required=False, max_length=100)
    phone = forms.CharField(required=False, max_length=30)
    description = forms.CharField(required=False, max_length=10000, strip=False)
    # Shown to the attendant as a link: only http(s), never javascript: or data:.
    media_url = forms.URLField(required=False, max_length=200, assume_scheme="https")

    def mensagens(self) -> list[str]:
        return [f"{campo}: {erro}" for campo, lista in self.errors.items() for erro in lista]

    def dados_open311(self, atributos: dict) -> dict:
        dados = {
            "device_id": _sem_controles(self.cleaned_data["device_id"]),
            "account_id": _sem_controles(self.cleaned_data["account_id"]),
            "attributes": atributos,
        }
        return {chave: valor for chave, valor in dados.items() if valor}

    @property
    def nome(self) -> str:
        partes = (self.cleaned_data["first_name"], self.cleaned_data["last_name"])
        return " ".join(p.strip() for p in partes if p.strip())


def atributos_ler(dados) -> dict:
    """``attribute[code]=v`` and ``attribute[code][]=v1&…`` (form) or ``{"attribute":
    {code: v}}`` (JSON) as {code: value or [values]}, or RegraViolada."""
    atributos = {}
    if hasattr(dados, "getlist"):
        for chave in dados:
            if achado := _ATRIBUTO.match(chave):
                valores = dados.getlist(chave)
                atributos[achado[1]] = valores if achado[2] else valores[-1]
    else:
        bruto = dados.get("attribute") or {}
        if not isinstance(bruto, dict):
            raise RegraViolada("attribute: informe pares código → valor.")
        atributos = dict(bruto)
    if len(atributos) > ATRIBUTOS_MAX:
        raise RegraViolada(f"attribute: no máximo {ATRIBUTOS_MAX} atributos.")
    limpos = {}
    for codigo, valor in atributos.items():
        codigo = _sem_controles(str(codigo))
        valores = valor if isinstance(valor, list) else [valor]
        if (
            not codigo
            or len(codigo) > ATRIBUTO_CODIGO_MAX
            or len(valores) > ATRIBUTOS_MAX
            or any(isinstance(v, dict | list) for v in valores)
        ):
            raise RegraViolada("attribute: atributo inválido.")
        textos = [_sem_controles("" if v is None else str(v)) for v in valores]
        if any(len(t) > ATRIBUTO_VALOR_MAX for t in textos):
            raise RegraViolada(
                f"attribute[{codigo}]: no máximo {ATRIBUTO_VALOR_MAX} caracteres por valor."
            )
        limpos[codigo] = textos if isinstance(valor, list) else textos[0]
    return limpos


# --- GET requests ------------------------------------------------------------------


def _lista(parametros, nome: str) -> list[str]:
    """A comma-delimited parameter, which may also be declared several times."""
    valores = parametros.getlist(nome) if hasattr(parametros, "getlist") else []
    return [parte.strip() for valor in valores for parte in valor.split(",") if parte.strip()]


def _momento(texto: str, *, parametro: str, fim: bool) -> datetime.datetime | None:
    """A W3C datetime (2010-01-01T00:00:00Z, with an offset or Z; a bare date or a
    datetime without offset is read in local time)."""
    texto = (texto or "").strip()
    if not texto:
        return None
    # An unencoded "+03:00" arrives as " 03:00".
    texto = re.sub(r" (\d\d:?\d\d)$", r"+\1", texto)
    erro = RegraViolada(
        f"{parametro}: “{texto[:40]}” não é uma data no formato W3C (ex.: 2026-12-01T00:00:00Z)."
    )
    try:
        momento = parse_datetime(texto)
        if momento is None and (dia := parse_date(texto)) is not None:
            momento = datetime.datetime.combine(
                dia, datetime.time.max if fim else datetime.time.min
            )
    except ValueError as exc:
        raise erro from exc
    if momento is None:
        raise erro
    if not ANO_MINIMO <= momento.year <= ANO_MAXIMO:
        raise RegraViolada(f"{parametro}: use um ano entre {ANO_MINIMO} e {ANO_MAXIMO}.")
    if timezone.is_naive(momento):
        momento = timezone.make_aware(momento)
    return momento


def filtros_validar(parametros) -> dict:
    """The GET requests filters as keyword arguments for the selectors, or RegraViolada.

    ``service_request_id`` overrides every other filter (the spec); without dates the
    window is the last 90 days, and a given window may not span more than 90 days.
    """
    protocolos = _lista(parametros, "service_request_id")
    if protocolos:
        if len(protocolos) > PROTOCOLOS_POR_CONSULTA:
            raise RegraViolada(
                f"service_request_id: no máximo {PROTOCOLOS_POR_CONSULTA} protocolos por consulta."
            )
        return {"protocolos": [p[:20] for p in protocolos]}
    situacoes = _lista(parametros, "status")
    if invalidas := [s for s in situacoes if s not in SITUACOES]:
        raise RegraViolada(f"status: “{invalidas[0][:20]}” não existe; use open ou closed.")
    inicio = _momento(parametros.get("start_date"), parametro="start_date", fim=False)
    fim = _momento(parametros.get("end_date"), parametro="end_date", fim=True)
    if inicio is None and fim is None:
        fim = timezone.now()
        inicio = fim - JANELA_PADRAO
    elif inicio is None:
        inicio = fim - JANELA_PADRAO
    elif fim is None:
        fim = inicio + JANELA_PADRAO
    if inicio > fim:
        raise RegraViolada("start_date: o início vem depois do fim (end_date).")
    if fim - inicio > JANELA_PADRAO:
        raise RegraViolada("start_date/end_date: o período vai até 90 dias.")
    return {
        "codigos": _lista(parametros, "service_code"),
        "situacoes": situacoes,
        "inicio": inicio,
        "fim": fim,
    }
