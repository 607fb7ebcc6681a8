"""The public report form and the page that follows a report (no login)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from atendimento.uploads import LimiteDeAnexoUploadHandler
from atendimento.views._comum import erro_no_form
from cidadao.forms import RelatoForm
from cidadao.fotos import LimiteDaFotoUploadHandler, tamanho_descrever
from cidadao.mapa import mapa_config, mapa_liberar_csp
from cidadao.models import ParametrosCidadao, Relato
from cidadao.selectors.publico import relato_publico
from cidadao.services.relatos import relato_registrar
from cidadao.views._publico import contexto_publico
from core.acesso import ip_do_cliente
from core.exceptions import RegraViolada
from core.limites import limite_ip_atingido

ENVIO_ILEGIVEL = (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    MultiPartParserError,
    OSError,  # the client went away mid-upload
)


@login_not_required
@csrf_exempt  # checked by _formulario, once the upload handlers below are in place
@require_http_methods(["GET", "HEAD", "POST"])
def novo(request):
    params = ParametrosCidadao.atual()
    if request.method == "POST":
        # Counted before the body is read: a flood costs a cache hit, not an upload.
        if limite_ip_atingido(
            request, grupo="relato", maximo=params.relatos_por_ip_hora, periodo="h"
        ):
            resposta = render(
                request,
                "cidadao/relato_limite.html",
                contexto_publico(maximo=params.relatos_por_ip_hora),
                status=429,
            )
            resposta["Retry-After"] = "3600"
            return resposta
        # The photo is held to its own limit (the attachments' one is for attendants).
        request.upload_handlers = [LimiteDaFotoUploadHandler(request)] + [
            h for h in request.upload_handlers if not isinstance(h, LimiteDeAnexoUploadHandler)
        ]
        try:
            request.POST  # noqa: B018 - parse now, to answer a body Django refuses
        except ENVIO_ILEGIVEL:
            return _pagina(
                request,
                RelatoForm(),
                params,
                erro_envio=(
                    "O envio não pôde ser lido (grande demais ou interrompido). "
                    "Preencha o formulário de novo; se escolheu uma foto, use uma menor."
                ),
                status=400,
            )
    return _formulario(request, params)


@csrf_protect
def _formulario(request, params):
    if request.method != "POST":
        return _pagina(request, RelatoForm(), params)
    form = RelatoForm(request.POST, request.FILES)
    if form.armadilha:
        return _confirmacao_falsa(request, form)
    if form.is_valid():
        dados = form.cleaned_data
        try:
            relato = relato_registrar(
                canal=Relato.Canal.WEB,
                especificacao=dados["especificacao"],
                latitude=dados["latitude"],
                longitude=dados["longitude"],
                endereco=dados["endereco"],
                descricao=dados["descricao"],
                celular=dados["celular"],
                foto=dados["foto"],
                ip=ip_do_cliente(request),
            )
        except RegraViolada as exc:
            erro_no_form(form, exc)
        else:
            return redirect("relato:acompanhar", token=relato.token)
    # A browser cannot refill a file input: say so when a photo came with the errors.
    foto_de_novo = bool(request.FILES.get("foto")) and "foto" not in form.errors
    return _pagina(request, form, params, foto_de_novo=foto_de_novo)


def _pagina(request, form, params, *, status=200, **extra):
    form.marcar_erros()
    contexto = contexto_publico(
        form=form,
        aviso_privacidade=params.aviso_privacidade,
        foto_limite=tamanho_descrever(params.foto_tamanho_max_kb * 1024),
        config={**mapa_config(params), "foto_limite_kb": params.foto_tamanho_max_kb},
        **extra,
    )
    resposta = render(request, "cidadao/relato_novo.html", contexto, status=status)
    return mapa_liberar_csp(resposta, params)


def _confirmacao_falsa(request, form):
    """What a bot that filled the honeypot sees: the page of a report waiting for
    triage, with nothing stored."""
    escolhida = request.POST.get("especificacao") or ""
    especificacao = (
        form.fields["especificacao"].queryset.filter(pk=escolhida).first()
        if escolhida.isdigit() and len(escolhida) < 10
        else None
    )
    return render(
        request,
        "cidadao/relato_acompanhar.html",
        contexto_publico(
            estado="aguardando",
            servico=especificacao.nome if especificacao else "Problema na rua",
            recebido_em=timezone.now(),
            descricao=form.data.get("descricao", "")[:2000],
            tem_foto=bool(request.FILES.get("foto")),
            tem_celular=bool((form.data.get("celular") or "").strip()),
        ),
    )


@login_not_required
@never_cache
def acompanhar(request, token):
    relato = relato_publico(token)
    if relato is None:
        return render(request, "cidadao/relato_nao_encontrado.html", contexto_publico(), status=404)
    return render(request, "cidadao/relato_acompanhar.html", contexto_publico(**relato))
