"""Opening screens: Inserir RA (full and simplified), the confirmation and the receipt."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from atendimento import prazos, selectors
from atendimento.forms import (
    ContatoForm,
    RegistroAtendimentoForm,
    RegistroAtendimentoSimplificadoForm,
)
from atendimento.models import Especificacao, ParametrosAtendimento, RegistroAtendimento
from atendimento.services import registro_atendimento_abrir
from atendimento.services.abertura import (
    RegistroDuplicado,
    registro_atendimento_abertura_verificar,
    unidade_destino_sugerir,
)
from atendimento.services.anexos import anexo_temporario_descartar, anexo_temporario_guardar
from atendimento.views._comum import erro_no_form, url_detalhe
from cadastro.models import Cliente, ClienteImovel, Imovel
from cadastro.selectors import imovel_da_matricula
from core.exceptions import RegraViolada
from mensageria.selectors import sms_protocolo_do_ra, sms_ra_previsao

PERMISSAO_ABRIR = "atendimento.add_registroatendimento"


def _inteiro(valor):
    return int(valor) if valor and str(valor).isdigit() else None


def _contexto_imovel(imovel):
    if imovel is None:
        return {"imovel": None, "ras_em_aberto": []}
    return {
        "imovel": imovel,
        "ras_em_aberto": list(selectors.registros_em_aberto_do_imovel(imovel=imovel)[:20]),
    }


def _abrir(request, form):
    """Open the RA the form describes, or leave every error on the form: those of the
    form and those of the rules, in one round (the attendant fixes all at once)."""
    if not form.is_valid():
        try:
            registro_atendimento_abertura_verificar(usuario=request.user, **form.dados_servico())
        except RegraViolada as exc:
            erro_no_form(form, exc, so_campos_sem_erro=True)
        return None
    try:
        return registro_atendimento_abrir(usuario=request.user, **form.dados_servico())
    except RegistroDuplicado as exc:
        erro_no_form(form, exc)
        form.duplicado = exc.existente  # the screen offers to record the call on it
        return None
    except RegraViolada as exc:
        erro_no_form(form, exc)
        return None


def _anexos_guardar(request, form) -> None:
    """The form came back with errors: keep the files just sent, so the attendant does not
    choose them again (a browser cannot refill a file input). A refused file is not kept:
    its error is on the form already."""
    for arquivo in request.FILES.getlist("anexos"):
        try:
            guardado = anexo_temporario_guardar(arquivo=arquivo, usuario=request.user)
        except RegraViolada:
            continue
        form.anexos_guardados_lista.append(guardado)


@permission_required(PERMISSAO_ABRIR, raise_exception=True)
def inserir(request):
    imovel = Imovel.objects.filter(pk=_inteiro(request.GET.get("imovel"))).first()
    cliente = Cliente.objects.filter(pk=_inteiro(request.GET.get("cliente"))).first()
    if imovel is None and cliente is not None:
        vinculo = (
            ClienteImovel.objects.filter(cliente=cliente, data_fim__isnull=True)
            .select_related("imovel")
            .first()
        )
        imovel = vinculo.imovel if vinculo else None
    if cliente is None and imovel is not None:
        vinculo = ClienteImovel.objects.filter(
            imovel=imovel, relacao=ClienteImovel.Relacao.USUARIO, data_fim__isnull=True
        ).first()
        cliente = vinculo.cliente if vinculo else None
    if request.method == "POST":
        form = RegistroAtendimentoForm(
            request.POST, request.FILES, imovel=imovel, cliente=cliente, usuario=request.user
        )
        ra = _abrir(request, form)
        if ra is not None:
            for guardado in form.anexos_guardados_lista:
                anexo_temporario_descartar(token=guardado.token)
            return redirect("atendimento:confirmacao", pk=ra.pk)
        _anexos_guardar(request, form)
        imovel = form.cleaned_data.get("matricula") if hasattr(form, "cleaned_data") else imovel
    else:
        inicial = {"tipo_solicitante": "cliente" if cliente else "livre"}
        if imovel is not None:
            inicial["matricula"] = imovel.matricula_formatada
        if cliente is not None:
            inicial["cliente"] = cliente.pk
        form = RegistroAtendimentoForm(
            initial=inicial, imovel=imovel, cliente=cliente, usuario=request.user
        )
    contexto = {"form": form, **_contexto_imovel(imovel), **_contexto_duplicado(form)}
    return render(request, "atendimento/registro_form.html", contexto)


@permission_required(PERMISSAO_ABRIR, raise_exception=True)
def inserir_simplificado(request):
    if request.method == "POST":
        form = RegistroAtendimentoSimplificadoForm(request.POST)
        ra = _abrir(request, form)
        if ra is not None:
            return redirect("atendimento:confirmacao", pk=ra.pk)
    else:
        form = RegistroAtendimentoSimplificadoForm()
    contexto = {"form": form, **_contexto_duplicado(form)}
    return render(request, "atendimento/registro_simplificado.html", contexto)


def _contexto_duplicado(form) -> dict:
    """Opening refused as a duplicate: the call is recorded on the existing RA instead,
    with who is calling as typed (see templates/atendimento/_partials/duplicado_contato.html)."""
    existente = getattr(form, "duplicado", None)
    if existente is None:
        return {}
    dados = form.dados_servico()
    pessoa = dados.get("cliente") or dados.get("solicitante_funcionario")
    inicial = {
        "solicitante_nome": str(getattr(pessoa, "nome", pessoa or ""))
        or dados.get("solicitante_nome", ""),
        "solicitante_telefone": "" if pessoa else dados.get("solicitante_telefone", ""),
        "observacao": dados.get("descricao", ""),
    }
    return {"duplicado": existente, "form_contato": ContatoForm(initial=inicial)}


@require_GET
def especificacao_info(request):
    """htmx partial: what the chosen especificação implies (deadline, unit, required data),
    and whether the imóvel already has an open RA of it (offer reiteração)."""
    especificacao = (
        Especificacao.objects.select_related("tipo", "unidade_destino", "tipo_servico")
        .filter(pk=_inteiro(request.GET.get("especificacao")))
        .first()
    )
    if especificacao is None:
        return render(request, "atendimento/_partials/especificacao_info.html", {})
    imovel = None
    matricula = request.GET.get("matricula", "")
    if matricula:
        try:
            imovel = imovel_da_matricula(matricula)
        except ValidationError:  # an incomplete matrícula while typing: no warning yet
            imovel = None
    params = ParametrosAtendimento.atual()
    agora = timezone.now()
    prevista = prazos.data_prevista(
        inicio=agora,
        especificacao=especificacao,
        parametros=params,
        municipio=imovel.municipio if imovel else "",
    )
    contexto = {
        "especificacao": especificacao,
        "prevista": prevista,
        "dias_uteis": params.prazo_em_dias_uteis and especificacao.prazo_horas is None,
        "destino": unidade_destino_sugerir(especificacao=especificacao, usuario=request.user),
        "duplicado": selectors.registro_atendimento_duplicado(
            imovel=imovel, especificacao=especificacao
        ),
    }
    return render(request, "atendimento/_partials/especificacao_info.html", contexto)


@require_GET
def sms_previsao(request):
    """htmx partial: will the protocol SMS go to the requester being typed, and if not, why
    (the same decision the opening follows)."""
    tipo = request.GET.get("tipo_solicitante", "")
    cliente = None
    if tipo == RegistroAtendimento.TipoSolicitante.CLIENTE:
        cliente = Cliente.objects.filter(pk=_inteiro(request.GET.get("cliente"))).first()
        if cliente is None:
            return render(request, "atendimento/_partials/sms_previsao.html", {})
    telefone = request.GET.get("solicitante_telefone", "")
    if tipo != RegistroAtendimento.TipoSolicitante.LIVRE:
        telefone = ""
    especificacao = Especificacao.objects.filter(
        pk=_inteiro(request.GET.get("especificacao"))
    ).first()
    contexto = {
        "previsao": sms_ra_previsao(
            especificacao=especificacao, cliente=cliente, telefone=telefone
        ),
        "ver_dados_pessoais": selectors.ve_dados_pessoais(request.user),
    }
    return render(request, "atendimento/_partials/sms_previsao.html", contexto)


def _ra_da_tela(pk):
    return get_object_or_404(
        RegistroAtendimento.objects.select_related(
            "especificacao__tipo",
            "meio",
            "imovel",
            "cliente",
            "unidade_atual",
            "unidade_abertura",
            "usuario_abertura",
            "solicitante_funcionario",
        ),
        pk=pk,
    )


@require_GET
def confirmacao(request, pk):
    ra = _ra_da_tela(pk)
    return render(
        request,
        "atendimento/registro_confirmacao.html",
        {
            "ra": ra,
            "url_detalhe": url_detalhe(ra),
            "sms_protocolo": sms_protocolo_do_ra(ra),
            "ver_dados_pessoais": selectors.ve_dados_pessoais(request.user),
        },
    )


@require_GET
def comprovante(request, pk):
    ra = _ra_da_tela(pk)
    return render(request, "atendimento/registro_comprovante.html", {"ra": ra})
