"""The attendants' triage of citizens' reports: the queue, one report with the open RAs
near it, and one POST per decision (abrir RA, vincular, descartar, bloquear o celular).

Each action: a Form validates, one service of ``cidadao.services.triagem`` decides,
its refusal shows on the report's page, success goes to the next report waiting.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from atendimento.views._comum import erro_no_form
from cadastro.selectors import pode_ver_dados_pessoais
from cidadao import forms_triagem as f
from cidadao.mapa import mapa_config, mapa_liberar_csp
from cidadao.models import ParametrosCidadao, Relato, TelefoneBloqueado
from cidadao.selectors.fila import relatos_fila
from cidadao.selectors.proximidade import distancia_m, ras_proximos
from cidadao.services import triagem
from cidadao.templatetags.cidadao_triagem import metros
from core.dados_pessoais import email_mascarar
from core.exceptions import RegraViolada
from core.paginacao import TAMANHOS, contar_ate, paginar
from mensageria.selectors import sms_protocolo_da_reiteracao, sms_protocolo_do_ra
from mensageria.telefones import celular_mascarar

PERMISSAO_TRIAR = "cidadao.triar_relato"
PERMISSAO_VER = "cidadao.view_relato"
PERMISSAO_BLOQUEAR = "cidadao.add_telefonebloqueado"
BADGE_MAX = 99

Situacao = Relato.Situacao


# --- reading ------------------------------------------------------------------------


@require_GET
@permission_required(PERMISSAO_TRIAR, raise_exception=True)
def fila(request):
    filtro = f.FiltroFilaForm(request.GET or None)
    especificacao = filtro.cleaned_data["especificacao"] if filtro.is_valid() else None
    relatos = relatos_fila(usuario=request.user, especificacao=especificacao)
    total, exato = contar_ate(relatos)
    filtros = request.GET.copy()
    filtros.pop("pagina", None)
    return render(
        request,
        "cidadao/triagem_fila.html",
        {
            "filtro": filtro,
            "pagina": paginar(
                relatos,
                pagina=request.GET.get("pagina"),
                tamanho=request.GET.get("tamanho"),
            ),
            "total": total,
            "exato": exato,
            "filtrado": especificacao is not None,
            "filtros_qs": filtros.urlencode(),
            "tamanhos": TAMANHOS,
        },
    )


@require_GET
@permission_required(PERMISSAO_TRIAR, raise_exception=True)
def contagem(request):
    """The navbar's badge, fetched after the page (htmx), so no screen pays for it."""
    total, _ = contar_ate(Relato.objects.filter(situacao=Situacao.NOVO), limite=BADGE_MAX)
    return render(
        request, "cidadao/_partials/triagem_badge.html", {"total": total, "maximo": BADGE_MAX}
    )


@require_GET
@permission_required(PERMISSAO_TRIAR, raise_exception=True)
def relato(request, pk):
    return _detalhe(request, _relato(pk))


@require_GET
@permission_required(PERMISSAO_VER, raise_exception=True)
def foto(request, pk):
    """The stored photo (EXIF already stripped), only to staff: never from MEDIA_URL."""
    relato = get_object_or_404(Relato.objects.only("pk", "foto"), pk=pk)
    if not relato.foto:
        raise Http404("Este relato não tem foto.")
    try:
        arquivo = relato.foto.open("rb")
    except (FileNotFoundError, ValueError) as erro:
        raise Http404("A foto deste relato não foi encontrada.") from erro
    tipo = _tipo_imagem(arquivo.read(16))
    arquivo.seek(0)
    resposta = FileResponse(
        arquivo,
        as_attachment=tipo is None,
        filename=f"relato-{relato.pk}.{(tipo or 'application/octet-stream').rpartition('/')[2]}",
        content_type=tipo or "application/octet-stream",
    )
    resposta["X-Content-Type-Options"] = "nosniff"
    resposta["Cache-Control"] = "private, no-store"
    return resposta


def _tipo_imagem(inicio: bytes) -> str | None:
    # By content, not by name: the stored file is a re-encoded JPEG, anything else
    # (a file put there by hand) is offered as a download, never rendered.
    if inicio.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if inicio.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if inicio[:4] == b"RIFF" and inicio[8:12] == b"WEBP":
        return "image/webp"
    return None


# --- actions ------------------------------------------------------------------------


@require_POST
@permission_required(PERMISSAO_TRIAR, raise_exception=True)
def abrir_ra(request, pk):
    def executar(relato, dados):
        triagem.relato_abrir_ra(relato=relato, usuario=request.user, descricao=dados["descricao"])

    def sucesso(relato):
        previsao = sms_protocolo_do_ra(relato.ra)["previsao"]
        return f"RA aberto: protocolo {relato.ra.protocolo}{_aviso_sms(previsao)}"

    return _acao(request, pk, "abrir", f.AbrirRaForm, executar, sucesso)


@require_POST
@permission_required(PERMISSAO_TRIAR, raise_exception=True)
def vincular(request, pk):
    def executar(relato, dados):
        triagem.relato_vincular(relato=relato, ra=dados["ra"], usuario=request.user)

    def sucesso(relato):
        previsao = sms_protocolo_da_reiteracao(relato.reiteracao)["previsao"]
        return f"Relato vinculado ao RA {relato.ra.protocolo}{_aviso_sms(previsao)}"

    return _acao(request, pk, "vincular", f.VincularForm, executar, sucesso)


@require_POST
@permission_required(PERMISSAO_TRIAR, raise_exception=True)
def descartar(request, pk):
    def executar(relato, dados):
        triagem.relato_descartar(
            relato=relato, usuario=request.user, motivo=dados["motivo"], avisar=dados["avisar"]
        )

    def sucesso(relato):
        if relato.cidadao_avisado:
            return "Relato descartado; o cidadão recebe o motivo por SMS."
        return "Relato descartado."

    return _acao(request, pk, "descartar", f.DescartarForm, executar, sucesso)


@require_POST
@permission_required(PERMISSAO_BLOQUEAR, raise_exception=True)
def bloquear(request, pk):
    def executar(relato, dados):
        if not relato.celular:
            raise RegraViolada("Este relato não tem celular para bloquear.")
        triagem.telefone_bloquear(
            numero=relato.celular, motivo=dados["motivo"], usuario=request.user
        )

    def sucesso(relato):
        return (
            f"Celular {celular_mascarar(relato.celular)} bloqueado: os relatos dele "
            "não entram mais na fila."
        )

    return _acao(request, pk, "bloquear", f.BloquearForm, executar, sucesso)


def _acao(request, pk, nome, form_class, executar, sucesso):
    relato = _relato(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            executar(relato, form.cleaned_data)
        except RegraViolada as exc:
            erro_no_form(form, exc)
        else:
            relato = _relato(pk)
            messages.success(request, sucesso(relato))
            return redirect(_proximo(request, relato))
    return _detalhe(request, _relato(pk), forms={nome: form})


def _aviso_sms(previsao) -> str:
    """Whether the protocol goes to the citizen, as the SMS code decides it."""
    if previsao.envia:
        return "; o cidadão recebe o protocolo por SMS."
    motivo = previsao.motivo or "o relato não tem celular."
    return f"; o cidadão não recebe SMS: {motivo}"


def _proximo(request, relato) -> str:
    """The next report waiting (oldest first), or the queue when none is left."""
    seguinte = (
        relatos_fila(usuario=request.user).exclude(pk=relato.pk).values_list("pk", flat=True)
    ).first()
    if seguinte is None:
        return reverse("cidadao:triagem")
    return reverse("cidadao:relato", args=[seguinte])


# --- the report's page --------------------------------------------------------------


def _relato(pk) -> Relato:
    return get_object_or_404(
        Relato.objects.select_related(
            "especificacao", "ra", "triado_por", "chave_api", "reiteracao"
        ),
        pk=pk,
    )


def _detalhe(request, relato: Relato, *, forms=None):
    forms = forms or {}
    params = ParametrosCidadao.atual()
    tem_ponto = relato.latitude is not None and relato.longitude is not None
    possiveis = Relato.TRANSICOES.get(relato.situacao, set())
    proximos = (
        ras_proximos(
            especificacao=relato.especificacao,
            latitude=relato.latitude,
            longitude=relato.longitude,
        )
        if tem_ponto and Situacao.VINCULADO in possiveis
        else []
    )
    ve_dados = pode_ver_dados_pessoais(request.user)
    resposta = render(
        request,
        "cidadao/triagem_relato.html",
        {
            "relato": relato,
            "proximos": proximos,
            "tem_ponto": tem_ponto,
            "raio": relato.especificacao.raio_duplicidade_m,
            "foto_local": _foto_local(relato),
            "celular": relato.celular if ve_dados else celular_mascarar(relato.celular),
            "email": relato.email if ve_dados else email_mascarar(relato.email),
            "pode_abrir": Situacao.RA_ABERTO in possiveis,
            "pode_vincular": Situacao.VINCULADO in possiveis,
            "pode_descartar": Situacao.DESCARTADO in possiveis,
            "pode_bloquear": bool(relato.celular)
            and request.user.has_perm(PERMISSAO_BLOQUEAR)
            and not TelefoneBloqueado.objects.filter(numero=relato.celular).exists(),
            # The refused form's errors show on top: its section may be gone (the report
            # was triaged meanwhile by someone else).
            "form_com_erro": next(iter(forms.values()), None),
            "form_abrir": forms.get("abrir") or f.AbrirRaForm(),
            "form_vincular": forms.get("vincular"),
            "form_descartar": forms.get("descartar") or f.DescartarForm(),
            "form_bloquear": forms.get("bloquear") or f.BloquearForm(),
            "mapa": _dados_mapa(relato, proximos, params) if tem_ponto else None,
        },
    )
    return mapa_liberar_csp(resposta, params)


def _dados_mapa(relato, proximos, params) -> dict:
    return {
        **mapa_config(params),
        "relato": [float(relato.latitude), float(relato.longitude)],
        "raio": relato.especificacao.raio_duplicidade_m,
        "proximos": [
            {
                "ponto": [float(p.ra.latitude), float(p.ra.longitude)],
                "protocolo": p.ra.protocolo,
                "distancia": round(p.distancia_m),
                "url": reverse("atendimento:detalhe", args=[p.ra.pk]),
            }
            for p in proximos
            if p.ra.latitude is not None and p.ra.longitude is not None
        ],
    }


def _foto_local(relato) -> str:
    """Where the photo's EXIF says it was taken, in words, as a hint (never a proof)."""
    if not relato.foto:
        return ""
    if relato.foto_latitude is None or relato.foto_longitude is None:
        return "Sem localização na foto."
    if relato.latitude is None or relato.longitude is None:
        return (
            f"A foto foi tirada em {relato.foto_latitude}, {relato.foto_longitude} "
            "(o relato não tem ponto no mapa)."
        )
    distancia = distancia_m(
        relato.latitude, relato.longitude, relato.foto_latitude, relato.foto_longitude
    )
    return f"A foto foi tirada a {metros(distancia)} do ponto informado."
