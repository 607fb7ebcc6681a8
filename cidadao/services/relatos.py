"""Receiving a citizen's report, from the public form or the Open311 API."""

import datetime
import ipaddress
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from cidadao.fotos import foto_preparar
from cidadao.models import ParametrosCidadao, Relato, TelefoneBloqueado
from core.exceptions import ErrosColetados, RegraViolada
from mensageria.telefones import NumeroInvalido, celular_normalizar

DESCRICAO_MAX = Relato._meta.get_field("descricao").max_length
ENDERECO_MAX = Relato._meta.get_field("endereco").max_length
NOME_MAX = Relato._meta.get_field("nome").max_length
EMAIL_MAX = Relato._meta.get_field("email").max_length


def _texto(valor, *, maximo: int, campo: str, rotulo: str) -> str:
    # NUL and other control characters (but line breaks) never reach the database.
    texto = "".join(c for c in str(valor or "") if c in "\n\t" or c >= " ").strip()
    if len(texto) > maximo:
        raise RegraViolada(
            f"{rotulo} tem {len(texto)} caracteres; o máximo é {maximo}.", campo=campo
        )
    return texto


def _coordenada(valor, *, limite: int, campo: str, rotulo: str) -> Decimal | None:
    if valor in (None, ""):
        return None
    try:
        numero = Decimal(str(valor).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise RegraViolada(f"A {rotulo} “{valor}” não é um número.", campo=campo) from exc
    if not numero.is_finite() or not -limite <= numero <= limite:
        raise RegraViolada(f"A {rotulo} deve estar entre -{limite} e {limite}.", campo=campo)
    return numero.quantize(Decimal("0.000001"))


def relato_local_validar(*, latitude, longitude, endereco, params) -> tuple:
    """(latitude, longitude, endereço) of a report, or RegraViolada: a point inside the
    area the utility serves, or at least an address."""
    erros = ErrosColetados()
    lat = lon = None
    with erros.verificar():
        lat = _coordenada(latitude, limite=90, campo="latitude", rotulo="latitude")
    with erros.verificar():
        lon = _coordenada(longitude, limite=180, campo="longitude", rotulo="longitude")
    with erros.verificar():
        endereco = _texto(endereco, maximo=ENDERECO_MAX, campo="endereco", rotulo="O endereço")
    erros.levantar()
    if (lat is None) != (lon is None):
        raise RegraViolada("Informe a latitude e a longitude juntas.", campo="latitude")
    if lat is None and not endereco:
        raise RegraViolada(
            "Informe o local do problema: toque no mapa, use a localização do celular "
            "ou escreva o endereço.",
            campo="endereco",
        )
    if lat is not None and not params.dentro_da_area(lat, lon):
        raise RegraViolada(
            "Este ponto fica fora da área atendida pela companhia. Confira o local no mapa.",
            campo="latitude",
        )
    return lat, lon, endereco


def relato_registrar(
    *,
    canal: str,
    especificacao,
    latitude=None,
    longitude=None,
    endereco: str = "",
    descricao: str = "",
    celular: str = "",
    nome: str = "",
    email: str = "",
    foto=None,
    media_url: str = "",
    ip: str | None = None,
    chave_api=None,
    dados_open311: dict | None = None,
) -> Relato:
    """Store a citizen's report for triage (DOMAIN §7), or raise RegraViolada with every
    refusal at once. Nothing is stored half-way: the photo is checked before the row.

    A report from a blocked phone is stored as *retido*: it never reaches the queue,
    and the sender sees the same confirmation as anyone (no hint to work around it).
    """
    params = ParametrosCidadao.atual()
    erros = ErrosColetados()
    with erros.verificar():
        if especificacao is None or not (
            especificacao.publica and especificacao.ativa and especificacao.tipo.ativo
        ):
            raise RegraViolada("Escolha o tipo de problema.", campo="especificacao")
    with erros.verificar():
        latitude, longitude, endereco = relato_local_validar(
            latitude=latitude, longitude=longitude, endereco=endereco, params=params
        )
    with erros.verificar():
        descricao = _texto(descricao, maximo=DESCRICAO_MAX, campo="descricao", rotulo="A descrição")
    with erros.verificar():
        nome = _texto(nome, maximo=NOME_MAX, campo="nome", rotulo="O nome")
    with erros.verificar():
        email = (email or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise RegraViolada(f"O e-mail “{email}” não é válido.", campo="email") from exc
            # The validator takes up to 320 characters; the column holds 254.
            if len(email) > EMAIL_MAX:
                raise RegraViolada(
                    f"O e-mail tem {len(email)} caracteres; o máximo é {EMAIL_MAX}.",
                    campo="email",
                )
    with erros.verificar():
        celular = _celular(celular, params)
    preparada = None
    if foto is not None:
        with erros.verificar():
            preparada = foto_preparar(foto, limite_kb=params.foto_tamanho_max_kb)
    erros.levantar()

    retido = bool(celular) and TelefoneBloqueado.objects.filter(numero=celular).exists()
    relato = Relato(
        token=secrets.token_urlsafe(12),
        canal=canal,
        especificacao=especificacao,
        situacao=Relato.Situacao.RETIDO if retido else Relato.Situacao.NOVO,
        latitude=latitude,
        longitude=longitude,
        endereco=endereco,
        descricao=descricao,
        celular=celular,
        nome=nome,
        email=email,
        media_url=(media_url or "")[:200],
        ip=_ip(ip),
        chave_api=chave_api,
        dados_open311=dados_open311 or {},
    )
    if preparada is not None:
        relato.foto_latitude = preparada.latitude
        relato.foto_longitude = preparada.longitude
    with transaction.atomic():
        if preparada is not None:
            relato.foto.save("foto.jpg", ContentFile(preparada.conteudo), save=False)
        relato.save()
    return relato


def _ip(ip) -> str | None:
    # What a misconfigured proxy may hand over ("unknown", "1.2.3.4:5678") is not an
    # address: the report is kept without it rather than refused with a database error.
    try:
        return str(ipaddress.ip_address(str(ip).strip())) if ip else None
    except ValueError:
        return None


def _celular(celular, params) -> str:
    if not (celular or "").strip():
        return ""
    try:
        numero = celular_normalizar(celular)
    except NumeroInvalido as exc:
        raise RegraViolada(str(exc), campo="celular") from exc
    desde = timezone.now() - datetime.timedelta(days=1)
    if (
        Relato.objects.filter(celular=numero, criado_em__gte=desde).count()
        >= params.relatos_por_celular_dia
    ):
        raise RegraViolada(
            f"Este celular já enviou {params.relatos_por_celular_dia} relatos nas últimas 24 "
            "horas. Se o problema é outro, ligue para a central de atendimento.",
            campo="celular",
        )
    return numero
