"""Demo data of the citizen channel (``load_demo``, after atendimento's demo): three
public especificações, the meio of the RAs opened from reports, and four reports
waiting for triage — one a few metres from an open demo RA (so the triage screen
shows a duplicate to link), one far from every RA, one with an address only and one
filed through the Open311 channel.

Idempotent: especificações are found by name, a code is set only where none is, and
each report is created once (found again by its text).
"""

import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from atendimento.models import (
    Especificacao,
    GrupoSolicitacao,
    MeioSolicitacao,
    RegistroAtendimento,
    TipoSolicitacao,
)
from cadastro.models import UnidadeOrganizacional
from cidadao.models import ParametrosCidadao, Relato
from cidadao.selectors.proximidade import METROS_POR_GRAU, distancia_m
from cidadao.services.relatos import relato_registrar
from core.exceptions import RegraViolada
from ordens_servico.models import TipoServico

# codigo_servico: (especificação of atendimento's demo to reuse, public description)
PUBLICAS = {
    "vazamento-agua-via-publica": (
        "Vazamento de água na via pública",
        "Água limpa correndo na rua ou na calçada, ou brotando do asfalto.",
    ),
    "vazamento-esgoto-via-publica": (
        "Extravasamento de esgoto na via pública",
        "Esgoto transbordando de um poço de visita ou correndo pela rua.",
    ),
    "falta-agua": (
        "Falta d'água na rua",
        "A rua ou o bairro inteiro está sem água na torneira.",
    ),
}
# atendimento's "Falta d'água" asks for an imóvel, which a report from the street has
# not: the public one is its own especificação, created with the demo's unit.
FALTA_AGUA_NA_RUA = {
    "grupo": "Água",
    "tipo": "Abastecimento",
    "unidade": "GMA",
    "servico": "Verificação de falta d'água",
    "prazo_horas": 24,
}
MEIO = "Internet"
ABERTAS = [RegistroAtendimento.Situacao.PENDENTE, RegistroAtendimento.Situacao.BLOQUEADO]
DISTANCIA_DUPLICADO_M = 80
# Far from every open RA of a public especificação (the widest radius is 1,000 m).
CANDIDATOS_LONGE = [
    (Decimal("-7.990000"), Decimal("-34.860000")),
    (Decimal("-8.150000"), Decimal("-35.000000")),
    (Decimal("-8.010000"), Decimal("-34.990000")),
    (Decimal("-8.180000"), Decimal("-34.950000")),
]
IP_DEMO = "198.51.100.10"  # documentation range (RFC 5737)

TEXTOS_COM_LINK = {
    # Used only when URL_PUBLICA is set and the event still has its default text.
    "ra_aberto": "{empresa}: {especificacao} registrado. Protocolo {protocolo}, previsao "
    "{data_prevista}. Acompanhe: {link}",
    "ra_existente": "{empresa}: ja existe atendimento para este problema. Protocolo "
    "{protocolo}, previsao {data_prevista}. Acompanhe: {link}",
}


def carregar(stdout) -> None:
    with transaction.atomic():
        especificacoes = _especificacoes()
        _parametros()
        _textos_com_link()
        perto = _ra_aberto_com_ponto(especificacoes)
        novos = _relatos(especificacoes, perto)
    stdout.write(
        f"cidadao: {len(especificacoes)} especificações públicas, {novos} relatos novos "
        f"({Relato.objects.filter(situacao=Relato.Situacao.NOVO).count()} na triagem)."
    )
    if perto is not None:
        stdout.write(f"  relato a {DISTANCIA_DUPLICADO_M} m do RA {perto.protocolo} (vincular)")


def _especificacoes() -> dict[str, Especificacao]:
    """The public especificações by service code (atendimento's, or created here)."""
    publicas = {}
    for codigo, (nome, descricao) in PUBLICAS.items():
        especificacao = Especificacao.objects.filter(codigo_servico=codigo).first()
        if especificacao is None:
            especificacao = Especificacao.objects.filter(nome=nome).order_by("pk").first()
            if especificacao is None and nome == PUBLICAS["falta-agua"][0]:
                especificacao = _falta_agua_na_rua(nome)
            if especificacao is None or especificacao.codigo_servico:
                continue  # atendimento's demo did not run, or an admin chose another code
            especificacao.publica = True
            especificacao.codigo_servico = codigo
            especificacao.descricao_publica = especificacao.descricao_publica or descricao
            especificacao.save(update_fields=["publica", "codigo_servico", "descricao_publica"])
        publicas[codigo] = especificacao
    return publicas


def _falta_agua_na_rua(nome) -> Especificacao | None:
    dados = FALTA_AGUA_NA_RUA
    grupo = GrupoSolicitacao.objects.filter(nome=dados["grupo"]).first()
    tipo = TipoSolicitacao.objects.filter(grupo=grupo, nome=dados["tipo"]).first()
    if tipo is None:
        return None
    especificacao, _ = Especificacao.objects.get_or_create(
        tipo=tipo,
        nome=nome,
        defaults={
            "prazo_horas": dados["prazo_horas"],
            "unidade_destino": UnidadeOrganizacional.objects.filter(sigla=dados["unidade"]).first(),
            "tipo_servico": TipoServico.objects.filter(descricao=dados["servico"]).first(),
        },
    )
    return especificacao


def _parametros() -> None:
    parametros = ParametrosCidadao.atual()
    if parametros.meio_id is None:
        parametros.meio = MeioSolicitacao.objects.filter(nome=MEIO).first()
        parametros.save()


def _textos_com_link() -> None:
    """With URL_PUBLICA set (``make run`` sets it), the protocol SMS carry the short link
    to the status page — only for templates nobody edited, and only if they fit."""
    from mensageria.models import MODELOS_PADRAO, ModeloMensagem, validar_modelo_sms

    if not settings.URL_PUBLICA:
        return
    for evento, texto in TEXTOS_COM_LINK.items():
        modelo = ModeloMensagem.objects.filter(evento=evento).first()
        if modelo is None or modelo.texto != MODELOS_PADRAO[evento]:
            continue
        try:
            validar_modelo_sms(texto)
        except ValidationError:
            continue  # a long company name: the default text stays
        modelo.texto = texto
        modelo.save(update_fields=["texto", "atualizado_em"])


def _abertos_com_ponto(especificacoes):
    return RegistroAtendimento.objects.filter(
        especificacao__in=especificacoes, situacao__in=ABERTAS, latitude__isnull=False
    )


def _ra_aberto_com_ponto(especificacoes) -> RegistroAtendimento | None:
    """The open demo RA of a public especificação the duplicate report lands next to
    (the oldest water leak with a point: atendimento's demo copies its imóvel's)."""
    vazamento = especificacoes.get("vazamento-agua-via-publica")
    if vazamento is None:
        return None
    return (
        _abertos_com_ponto([vazamento])
        .filter(pausado_desde__isnull=True)
        .order_by("data_abertura", "pk")
        .first()
    )


def _ponto_longe(especificacoes):
    abertos = _abertos_com_ponto(especificacoes.values())
    pontos = list(abertos.values_list("latitude", "longitude"))
    for lat, lon in CANDIDATOS_LONGE:
        if all(distancia_m(lat, lon, a, b) > 2000 for a, b in pontos):
            return lat, lon
    return None


def _relatos(especificacoes, perto) -> int:
    agua = especificacoes.get("vazamento-agua-via-publica")
    esgoto = especificacoes.get("vazamento-esgoto-via-publica")
    falta = especificacoes.get("falta-agua")
    relatos = []
    if perto is not None:
        # About 80 m north-east of the open RA: inside the especificação's radius.
        passo = DISTANCIA_DUPLICADO_M / math.sqrt(2) / METROS_POR_GRAU
        cos_lat = math.cos(math.radians(float(perto.latitude)))
        relatos.append(
            {
                "canal": Relato.Canal.WEB,
                "especificacao": perto.especificacao,
                "latitude": perto.latitude + Decimal(f"{passo:.6f}"),
                "longitude": perto.longitude + Decimal(f"{passo / cos_lat:.6f}"),
                "endereco": "Perto da esquina, do lado da farmácia",
                "descricao": "Água saindo do asfalto e descendo a rua desde cedo. "
                "Já tem uma poça grande na frente da farmácia.",
                "celular": "81999001001",
                "nome": "Carla Moradora",
            }
        )
    longe = _ponto_longe(especificacoes)
    if agua is not None and longe is not None:
        relatos.append(
            {
                "canal": Relato.Canal.WEB,
                "especificacao": agua,
                "latitude": longe[0],
                "longitude": longe[1],
                "descricao": "Cano estourado no meio-fio, jorrando água limpa.",
                "celular": "81999001002",
            }
        )
    if esgoto is not None:
        relatos.append(
            {
                "canal": Relato.Canal.WEB,
                "especificacao": esgoto,
                "endereco": "Rua da Aurora, em frente ao número 300, Boa Vista",
                "descricao": "Esgoto transbordando do bueiro, com mau cheiro forte.",
                "celular": "81999001003",
                "nome": "José Vizinho",
            }
        )
    if falta is not None:
        relatos.append(
            {
                "canal": Relato.Canal.OPEN311,
                "especificacao": falta,
                "latitude": Decimal("-8.047200"),
                "longitude": Decimal("-34.898500"),
                "endereco": "Rua das Graças",
                "descricao": "A rua inteira está sem água desde ontem à noite.",
                "celular": "81999001004",
                "email": "cidadao.demo@demo.gsan.local",
                "dados_open311": {"service_code": falta.codigo_servico, "device_id": "demo"},
            }
        )
    novos = 0
    for dados in relatos:
        if Relato.objects.filter(descricao=dados["descricao"]).exists():
            continue
        if _registrar(dados):
            novos += 1
    return novos


def _registrar(dados) -> bool:
    try:
        relato_registrar(ip=IP_DEMO, **dados)
    except RegraViolada as erro:
        campos = {e.campo for e in getattr(erro, "erros", [erro])}
        if campos != {"celular"}:
            return False  # e.g. an admin narrowed the service area: no such demo report
        # The per-phone daily limit (someone tried the form with these numbers): the
        # report is kept without the phone rather than left out of the demo.
        relato_registrar(ip=IP_DEMO, **{**dados, "celular": ""})
    return True
