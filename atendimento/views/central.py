"""The operator console, "Central de atendimento ao cliente" (seed 004).

One screen: the queue (boxes, filters, orderings, the seed's columns) and, when a
contact is selected (``central/<pk>/``), its pane beside it: data, the whole
conversation, attachments, the log, a reply box and the actions. Each action is a
POST to its own URL calling one service; a refusal comes back on the same screen
next to the action's form, with the queue's filters kept (``volta``).
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from atendimento import exportacao, selectors
from atendimento import forms_central as f
from atendimento import services as s
from atendimento.selectors.central import PERMISSAO_CENTRAL
from atendimento.views._comum import erro_no_form
from cadastro.selectors import pode_exportar_dados_pessoais
from core.exceptions import RegraViolada
from core.exportacao import auditada

PERMISSAO = PERMISSAO_CENTRAL
VOLTA_MAX = 2000


def _qs(filtros, *, sem=(), **trocar) -> str:
    """``filtros`` (a QueryDict) as a query string, without ``sem`` and with ``trocar``."""
    copia = filtros.copy()
    for chave in sem:
        copia.pop(chave, None)
    for chave, valor in trocar.items():
        copia[chave] = valor
    return copia.urlencode()


def _url_fila(volta: str = "") -> str:
    return reverse("atendimento:central") + (f"?{volta}" if volta else "")


def _url_contato(pk, volta: str = "") -> str:
    return reverse("atendimento:central_contato", args=[pk]) + (f"?{volta}" if volta else "")


def _volta(request) -> str:
    """The queue's query string a pane form came with (only ever appended to our path)."""
    return (request.POST.get("volta") or "")[:VOLTA_MAX]


def _forms_do_contato(contato, *, volta, com_erro=None):
    ra = contato.ra
    inicial = {"versao": ra.versao, "volta": volta}
    forms = {
        "atender": f.AtenderForm(initial=inicial, prefixo="atender"),
        "responder": f.RespostaForm(initial=inicial, prefixo="responder"),
        "pendente": f.PendenteForm(initial=inicial, prefixo="pendente"),
        "desistir": f.DesistirForm(initial=inicial, prefixo="desistir"),
        "excluir": f.ExcluirForm(initial=inicial, prefixo="excluir"),
        "encerrar": f.EncerrarForm(initial=inicial, prefixo="encerrar"),
        "encaminhar": f.EncaminharForm(initial=inicial, prefixo="encaminhar", ra=ra),
    }
    forms.update(com_erro or {})
    return forms


def _tela(request, *, filtros, pk=None, com_erro=None):
    fila = selectors.central_fila(usuario=request.user, filtros=filtros)
    pagina = selectors.paginar(
        fila.queryset, pagina=filtros.get("pagina"), tamanho=filtros.get("tamanho")
    )
    volta = _qs(filtros)
    contato = selectors.central_contato(usuario=request.user, pk=pk) if pk else None
    caixas = [
        {**c, "url": _url_fila(_qs(filtros, sem=("pagina",), caixa=c["valor"]))}
        for c in selectors.central_caixas(filtros)
    ]
    return render(
        request,
        "atendimento/central.html",
        {
            "form": fila.form,
            "filtrado": fila.filtrado,
            "pagina": pagina,
            "caixas": caixas,
            "caixa_proxima": next(c for c in caixas if c["proxima"]),
            "filtros_qs": _qs(filtros, sem=("pagina",)),
            "volta": volta,
            "url_fila": _url_fila(volta),
            "contato": contato,
            "forms": _forms_do_contato(contato, volta=volta, com_erro=com_erro) if contato else {},
            "com_erro": next(iter(com_erro)) if com_erro else "",
            "form_com_erro": next(iter(com_erro.values())) if com_erro else None,
            "tamanhos": selectors.TAMANHOS,
            "ver_dados_pessoais": selectors.ve_dados_pessoais(request.user),
        },
    )


@require_GET
@permission_required(PERMISSAO, raise_exception=True)
def central(request, pk=None):
    return _tela(request, filtros=request.GET, pk=pk)


@require_GET
@permission_required(PERMISSAO, raise_exception=True)
def contagem(request):
    """The number of contacts in the queue, on demand (a COUNT on every page would cost)."""
    fila = selectors.central_fila(usuario=request.user, filtros=request.GET)
    total, exato = selectors.contar_ate(fila.queryset)
    return render(
        request, "atendimento/_partials/contagem_busca.html", {"total": total, "exato": exato}
    )


# --- Actions of the pane --------------------------------------------------------


@dataclass(frozen=True)
class AcaoCentral:
    nome: str
    form: type
    executar: Callable  # (ra, cleaned_data, usuario) -> result
    sucesso: Callable  # result -> message
    volta_ao_contato: bool = False  # else back to the queue
    form_kwargs: Callable | None = None  # ra -> extra form arguments


def _acao(acao: AcaoCentral):
    @require_POST
    @permission_required(PERMISSAO, raise_exception=True)
    def view(request, pk):
        # Only what the user may read (404 otherwise); the service decides who may act.
        ra = get_object_or_404(selectors.registros_visiveis(request.user), pk=pk)
        extra = acao.form_kwargs(ra) if acao.form_kwargs else {}
        form = acao.form(request.POST, prefixo=acao.nome, **extra)
        volta = _volta(request)
        if form.is_valid():
            try:
                resultado = acao.executar(ra, form.cleaned_data, request.user)
            except RegraViolada as exc:
                erro_no_form(form, exc)
            else:
                messages.success(request, acao.sucesso(resultado))
                if acao.volta_ao_contato:
                    return redirect(_url_contato(pk, volta))
                return redirect(_url_fila(volta))
        return _tela(request, filtros=QueryDict(volta), pk=pk, com_erro={acao.nome: form})

    return view


def _v(d):
    return d["versao"]


atender = _acao(
    AcaoCentral(
        nome="atender",
        form=f.AtenderForm,
        executar=lambda ra, d, u: s.registro_atendimento_assumir(ra=ra, usuario=u, versao=_v(d)),
        sucesso=lambda ra: "Atendimento assumido com sucesso!",
        volta_ao_contato=True,
    )
)

responder = _acao(
    AcaoCentral(
        nome="responder",
        form=f.RespostaForm,
        executar=lambda ra, d, u: s.registro_atendimento_mensagem_adicionar(
            ra=ra, usuario=u, texto=d["texto"], visibilidade=d["visibilidade"], versao=_v(d)
        ),
        sucesso=lambda m: (
            "Nota interna registrada."
            if m.visibilidade == m.Visibilidade.INTERNA
            else "Mensagem enviada ao cliente."
        ),
        volta_ao_contato=True,
    )
)

pendente = _acao(
    AcaoCentral(
        nome="pendente",
        form=f.PendenteForm,
        executar=lambda ra, d, u: s.registro_atendimento_marcar_pendente(
            ra=ra, usuario=u, observacao=d.get("observacao", ""), versao=_v(d)
        ),
        sucesso=lambda ra: f"Chamado {ra.protocolo} pendente com você (pendentes do operador).",
    )
)

desistir = _acao(
    AcaoCentral(
        nome="desistir",
        form=f.DesistirForm,
        executar=lambda ra, d, u: s.registro_atendimento_desistir(ra=ra, usuario=u, versao=_v(d)),
        sucesso=lambda ra: f"Você desistiu do chamado {ra.protocolo}; ele voltou à fila.",
    )
)

excluir = _acao(
    AcaoCentral(
        nome="excluir",
        form=f.ExcluirForm,
        executar=lambda ra, d, u: s.registro_atendimento_excluir(
            ra=ra, usuario=u, justificativa=d["justificativa"], versao=_v(d)
        ),
        sucesso=lambda ra: f"Contato {ra.protocolo} excluído.",
    )
)

encerrar = _acao(
    AcaoCentral(
        nome="encerrar",
        form=f.EncerrarForm,
        executar=lambda ra, d, u: s.registro_atendimento_encerrar(
            ra=ra, motivo=d["motivo"], parecer=d.get("parecer", ""), usuario=u, versao=_v(d)
        ),
        sucesso=lambda ra: f"Chamado {ra.protocolo} encerrado.",
    )
)

encaminhar = _acao(
    AcaoCentral(
        nome="encaminhar",
        form=f.EncaminharForm,
        executar=lambda ra, d, u: s.registro_atendimento_encaminhar(
            ra=ra,
            usuario=u,
            destinatario=d["destinatario"],
            parecer=d.get("parecer", ""),
            versao=_v(d),
        ),
        sucesso=lambda ra: f"Chamado {ra.protocolo} encaminhado a {ra.responsavel}.",
        form_kwargs=lambda ra: {"ra": ra},
    )
)


# --- CSV ---------------------------------------------------------------------------


class _Eco:
    def write(self, valor):
        return valor


@require_GET
@permission_required(PERMISSAO, raise_exception=True)
def exportar_csv(request):
    """The filtered queue as CSV (the console's columns), audited like every export."""
    fila = selectors.central_fila(usuario=request.user, filtros=request.GET)
    if fila.form.errors:
        messages.error(request, "Corrija os filtros destacados antes de exportar.")
        return redirect(_url_fila(_qs(request.GET)))
    dados_pessoais = selectors.ve_dados_pessoais(request.user) and pode_exportar_dados_pessoais(
        request.user
    )
    linhas = selectors.central_exportacao(fila.queryset)
    agora = timezone.now()
    escritor = csv.writer(_Eco(), delimiter=";", lineterminator="\r\n")

    def gerar():
        yield exportacao.BOM + escritor.writerow(exportacao.CABECALHO_CENTRAL)
        for ra in linhas.iterator(chunk_size=2000):
            yield escritor.writerow(
                exportacao.linha_central(ra, dados_pessoais=dados_pessoais, agora=agora)
            )

    nome = f"central-atendimento-{timezone.localtime(agora):%Y%m%d-%H%M}.csv"
    pedacos = auditada(
        gerar(),
        request=request,
        nome="Central de atendimento ao cliente",
        dados_pessoais=dados_pessoais,
    )
    resposta = StreamingHttpResponse(pedacos, content_type="text/csv; charset=utf-8")
    resposta["Content-Disposition"] = f'attachment; filename="{nome}"'
    return resposta
