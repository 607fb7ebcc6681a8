import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from atendimento.selectors.celular import celular_sms_origem
from atendimento.services import registro_atendimento_celular_corrigir
from cadastro.selectors import pode_exportar_dados_pessoais
from core.exceptions import RegraViolada
from core.exportacao import auditada
from core.paginacao import contar_ate, paginar
from core.texto import celula_csv

from . import selectors, services
from .enderecos import destino_mascarar
from .forms import (
    ConsultaForm,
    DescartarForm,
    ReenviarForm,
    SmsAnexarForm,
    SmsDescartarForm,
    SmsRecebidoFiltroForm,
)
from .models import Mensagem, Modem, SmsRecebido

POR_PAGINA = 50


@permission_required("mensageria.view_mensagem", raise_exception=True)
def mensagem_list(request):
    form = ConsultaForm(request.GET or None)
    filtros = form.cleaned_data if form.is_valid() else {}
    mensagens = selectors.mensagem_list(usuario=request.user, filtros=filtros)
    ver_numero = selectors.pode_ver_numero(request.user)
    if request.GET.get("formato") == "csv" and (form.is_valid() or not request.GET):
        # A bulk copy of phones: full numbers need exportar_dados_pessoais too.
        completo = ver_numero and pode_exportar_dados_pessoais(request.user)
        return _csv(mensagens, completo, request=request)
    pagina = paginar(
        mensagens, pagina=request.GET.get("pagina"), tamanho=POR_PAGINA, tamanhos=(POR_PAGINA,)
    )
    total, total_exato = contar_ate(mensagens)
    return render(
        request,
        "mensageria/mensagem_list.html",
        {
            "form": form,
            "pagina": pagina,
            "total": total,
            "total_exato": total_exato,
            "ver_numero": ver_numero,
        },
    )


class _Eco:
    def write(self, valor):
        return valor


def _entrega_csv(m: Mensagem) -> str:
    if m.entrega == Mensagem.Entrega.NAO_ENTREGUE and m.entrega_texto:
        return f"{m.get_entrega_display()}: {m.entrega_texto}"
    return m.get_entrega_display() if m.entrega else ""


def _csv(mensagens, ver_numero: bool, *, request) -> StreamingHttpResponse:
    escritor = csv.writer(_Eco(), delimiter=";")
    cabecalho = ["Número", "Criada em", "Canal", "Evento", "Protocolo", "Destino", "Situação"]
    cabecalho += ["Tentativas", "Enviada em", "Entrega", "Entregue em", "Erro", "Modem"]
    cabecalho += ["Codificação", "Partes", "Assunto", "Texto"]

    def linhas():
        yield "\ufeff" + escritor.writerow(cabecalho)
        for m in mensagens.iterator(chunk_size=2000):
            yield escritor.writerow(
                [
                    m.pk,
                    timezone.localtime(m.criada_em).strftime("%d/%m/%Y %H:%M:%S"),
                    m.get_canal_display(),
                    m.get_evento_display(),
                    celula_csv(m.registro_atendimento.protocolo if m.registro_atendimento else ""),
                    celula_csv(m.destino if ver_numero else destino_mascarar(m.destino, m.canal)),
                    m.get_status_display(),
                    m.tentativas,
                    timezone.localtime(m.enviada_em).strftime("%d/%m/%Y %H:%M:%S")
                    if m.enviada_em
                    else "",
                    celula_csv(_entrega_csv(m)),
                    timezone.localtime(m.entrega_em).strftime("%d/%m/%Y %H:%M:%S")
                    if m.entrega_em
                    else "",
                    celula_csv(m.erro_texto),
                    celula_csv(m.modem.nome if m.modem else ""),
                    m.codificacao.upper(),
                    m.partes,
                    celula_csv(m.assunto),
                    celula_csv(m.texto_para_equipe),
                ]
            )

    pedacos = auditada(
        linhas(), request=request, nome="Mensagens (SMS e e-mail)", dados_pessoais=ver_numero
    )
    resposta = StreamingHttpResponse(pedacos, content_type="text/csv; charset=utf-8")
    resposta["Content-Disposition"] = 'attachment; filename="mensagens.csv"'
    return resposta


@permission_required("mensageria.supervisionar_mensagem", raise_exception=True)
def mensagem_erros(request):
    pagina = paginar(
        selectors.mensagens_com_erro(usuario=request.user),
        pagina=request.GET.get("pagina"),
        tamanho=POR_PAGINA,
        tamanhos=(POR_PAGINA,),
    )
    for m in pagina.itens:
        # Where the wrong number lives, so correcting it can fix the RA's later SMS too.
        m.origem_celular = (
            celular_sms_origem(ra=m.registro_atendimento, destino=m.destino)
            if m.registro_atendimento_id and m.canal == Mensagem.Canal.SMS
            else None
        )
    return render(
        request,
        "mensageria/mensagem_erros.html",
        {"pagina": pagina, "ver_numero": selectors.pode_ver_numero(request.user)},
    )


def _acao(request, pk, form_class, executar, sucesso):
    """Validate, run ``executar`` (it may return a success text of its own), redirect."""
    mensagem = get_object_or_404(Mensagem.objects.select_related("registro_atendimento"), pk=pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        erros = "; ".join(e for lista in form.errors.values() for e in lista)
        messages.error(request, f"Mensagem {pk}: {erros}")
        return redirect("mensageria:mensagem_erros")
    try:
        texto = executar(mensagem, form.cleaned_data if form else {})
    except RegraViolada as exc:
        messages.error(request, f"Mensagem {pk}: {exc}")
    else:
        messages.success(request, texto if isinstance(texto, str) else sucesso.format(pk=pk))
    return redirect("mensageria:mensagem_erros")


def _reenviar(mensagem, dados, usuario) -> str:
    sucesso = f"Mensagem {mensagem.pk} voltou para a fila de envio"
    sms = mensagem.canal == Mensagem.Canal.SMS
    if dados["atualizar_origem"] and mensagem.registro_atendimento_id and sms:
        corrigido = registro_atendimento_celular_corrigir(
            ra=mensagem.registro_atendimento,
            mensagem=mensagem,
            celular=dados["destino"],
            usuario=usuario,
        )
        return f"{sucesso}; corrigido também {corrigido}."
    services.mensagem_reenviar(mensagem=mensagem, usuario=usuario, destino=dados["destino"])
    return f"{sucesso}."


@require_POST
@permission_required("mensageria.supervisionar_mensagem", raise_exception=True)
def mensagem_reenviar(request, pk):
    return _acao(request, pk, ReenviarForm, lambda m, dados: _reenviar(m, dados, request.user), "")


@require_POST
@permission_required("mensageria.supervisionar_mensagem", raise_exception=True)
def mensagem_descartar(request, pk):
    return _acao(
        request,
        pk,
        DescartarForm,
        lambda m, dados: services.mensagem_descartar(
            mensagem=m, usuario=request.user, motivo=dados["motivo"]
        ),
        "Mensagem {pk} descartada.",
    )


@require_POST
@permission_required("mensageria.supervisionar_mensagem", raise_exception=True)
def mensagem_confirmar(request, pk):
    return _acao(
        request,
        pk,
        None,
        lambda m, dados: services.mensagem_confirmar_envio(mensagem=m, usuario=request.user),
        "Mensagem {pk} marcada como enviada.",
    )


@permission_required("mensageria.tratar_smsrecebido", raise_exception=True)
def sms_recebido_list(request):
    form = SmsRecebidoFiltroForm(request.GET or None)
    filtros = form.filtros() if request.GET else {"situacao": SmsRecebido.Situacao.NOVO}
    pagina = paginar(
        selectors.sms_recebido_list(**filtros),
        pagina=request.GET.get("pagina"),
        tamanho=POR_PAGINA,
        tamanhos=(POR_PAGINA,),
    )
    return render(
        request,
        "mensageria/sms_recebido_list.html",
        {
            "form": form,
            "pagina": pagina,
            "ver_numero": selectors.pode_ver_numero(request.user),
            "volta": _volta(request.GET),
        },
    )


_FILTROS_RECEBIDOS = ("situacao", "limitados", "pagina")


def _volta(dados) -> str:
    """The list's own filters, carried through a POST so the redirect lands on them."""
    volta = QueryDict(mutable=True)
    for chave in _FILTROS_RECEBIDOS:
        if dados.get(chave):
            volta[chave] = dados[chave][:20]
    return volta.urlencode()


def _sms_acao(request, pk, form_class, executar):
    sms = get_object_or_404(SmsRecebido, pk=pk)
    destino = reverse("mensageria:sms_recebido_list")
    volta = _volta(QueryDict(request.POST.get("volta", "")))
    if volta:
        destino += "?" + volta
    form = form_class(request.POST)
    if not form.is_valid():
        erros = "; ".join(e for lista in form.errors.values() for e in lista)
        messages.error(request, f"SMS {pk}: {erros}")
        return redirect(destino)
    try:
        texto = executar(sms, form.cleaned_data)
    except RegraViolada as exc:
        messages.error(request, f"SMS {pk}: {exc}")
    else:
        messages.success(request, texto)
    return redirect(destino)


@require_POST
@permission_required("mensageria.tratar_smsrecebido", raise_exception=True)
def sms_recebido_anexar(request, pk):
    def anexar(sms, dados):
        mensagem = services.sms_recebido_anexar(
            sms=sms, usuario=request.user, protocolo=dados["protocolo"]
        )
        return (
            f"SMS {pk} anexado ao RA do protocolo {mensagem.ra.protocolo} como mensagem do "
            "solicitante."
        )

    return _sms_acao(request, pk, SmsAnexarForm, anexar)


@require_POST
@permission_required("mensageria.tratar_smsrecebido", raise_exception=True)
def sms_recebido_descartar(request, pk):
    def descartar(sms, dados):
        services.sms_recebido_descartar(sms=sms, usuario=request.user, motivo=dados["motivo"])
        return f"SMS {pk} descartado."

    return _sms_acao(request, pk, SmsDescartarForm, descartar)


@permission_required("mensageria.view_modem", raise_exception=True)
def modem_status(request):
    modems = selectors.modem_status_list()
    contexto = {"modems": modems, "sem_modem_esperando": None}
    if modems and not any(m.disponivel and not m.sem_worker for m in modems):
        contexto["sem_modem_esperando"] = selectors.sms_esperando()
    contexto["alertas"] = selectors.alertas_abertos()
    return render(request, "mensageria/modem_status.html", contexto)


@permission_required("mensageria.view_modem", raise_exception=True)
def modem_detalhe(request, pk):
    modem = get_object_or_404(Modem, pk=pk)
    contexto = selectors.modem_saude_historico(modem)
    contexto.update(modem=modem, alertas=selectors.alertas_abertos(modem=modem))
    return render(request, "mensageria/modem_detalhe.html", contexto)


@require_POST
@permission_required("mensageria.change_modem", raise_exception=True)
def modem_retomar(request, pk):
    modem = get_object_or_404(Modem, pk=pk)
    quantidade = services.modem_retomar(modem=modem, usuario=request.user)
    mensagens = f"{quantidade} mensage{pluralize(quantidade, 'm,ns')}"
    messages.success(request, f"Modem {modem.nome} retomado; {mensagens} na fila.")
    return redirect("mensageria:modem_status")


@require_POST
@permission_required("mensageria.change_modem", raise_exception=True)
def modem_pausar(request, pk):
    modem = get_object_or_404(Modem, pk=pk)
    nome = request.user.get_full_name() or request.user.get_username()
    movidas = services.modem_pausar(modem=modem, motivo=f"Pausado por {nome}", usuario=request.user)
    if movidas:
        mensagens = f"{movidas} mensage{pluralize(movidas, 'm passou,ns passaram')}"
        messages.success(request, f"Modem {modem.nome} pausado; {mensagens} para outros modems.")
    else:
        messages.success(request, f"Modem {modem.nome} pausado; as mensagens dele aguardam.")
    return redirect("mensageria:modem_status")


@login_not_required
@never_cache
def healthz(request) -> HttpResponse:
    token = settings.HEALTHZ_TOKEN
    enviado = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    detalhes = request.user.is_staff or bool(
        token and enviado and constant_time_compare(enviado, token)
    )
    saude = selectors.saude_sistema(detalhes=detalhes)
    return JsonResponse(saude, status=200 if saude["ok"] else 503)
