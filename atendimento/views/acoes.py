"""One screen per RA transition: Form → one service → domain error as form error → redirect."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from atendimento import forms
from atendimento import services as s
from atendimento.models import RegistroAtendimento
from atendimento.permissoes import pode_atuar
from atendimento.views._comum import erro_no_form, url_detalhe
from core.exceptions import RegraViolada
from mensageria.selectors import canais_da_mensagem_publica

PERMISSAO_ALTERAR = "atendimento.change_registroatendimento"


@dataclass(frozen=True)
class Acao:
    titulo: str
    botao: str
    icone: str
    form: type
    executar: Callable  # (ra, cleaned_data, usuario) -> result
    sucesso: Callable  # result -> message shown after the redirect
    destino: Callable | None = None  # result -> URL (default: Consultar RA)
    form_kwargs: Callable | None = None  # ra -> extra form arguments
    perigo: bool = False


def _ra(pk):
    return get_object_or_404(
        RegistroAtendimento.objects.select_related(
            "especificacao__tipo", "unidade_atual", "imovel", "cliente", "responsavel"
        ),
        pk=pk,
    )


def _executar(request, pk, acao: Acao):
    ra = _ra(pk)
    extra = acao.form_kwargs(ra) if acao.form_kwargs else {}
    if request.method == "POST":
        form = acao.form(request.POST, request.FILES, **extra)
        if form.is_valid():
            try:
                resultado = acao.executar(ra, form.cleaned_data, request.user)
            except RegraViolada as exc:
                erro_no_form(form, exc)
            else:
                messages.success(request, acao.sucesso(resultado))
                return redirect(acao.destino(resultado) if acao.destino else url_detalhe(ra))
    else:
        form = acao.form(initial={"versao": ra.versao}, **extra)
    return render(
        request,
        "atendimento/registro_acao.html",
        {
            "ra": ra,
            "form": form,
            "acao": acao,
            "pode_atuar": pode_atuar(request.user, ra),
            "url_detalhe": url_detalhe(ra),
            "multipart": any(f.widget.needs_multipart_form for f in form.fields.values()),
        },
    )


def _mensagem_registrada(mensagem) -> str:
    """Whether a public message is on its way to the requester (the timeline has each
    delivery under it)."""
    if mensagem.visibilidade != mensagem.Visibilidade.PUBLICA:
        return "Nota interna registrada."
    canais = canais_da_mensagem_publica(mensagem)
    if not canais:
        return (
            "Mensagem registrada; o solicitante não a recebe por SMS nem por e-mail "
            "(veja os avisos ao solicitante)."
        )
    return f"Mensagem registrada e enviada ao solicitante por {' e '.join(canais)}."


def _view(acao: Acao):
    @permission_required(PERMISSAO_ALTERAR, raise_exception=True)
    def view(request, pk):
        return _executar(request, pk, acao)

    return view


tramitar = _view(
    Acao(
        titulo="Tramitar RA",
        botao="Tramitar",
        icone="bi-send",
        form=forms.TramitarForm,
        executar=lambda ra, d, u: s.registro_atendimento_tramitar(
            ra=ra,
            unidade_destino=d["unidade_destino"],
            parecer=d["parecer"],
            usuario=u,
            versao=d["versao"],
        ),
        sucesso=lambda ra: f"RA tramitado para {ra.unidade_atual.sigla}.",
        form_kwargs=lambda ra: {"ra": ra},
    )
)

encerrar = _view(
    Acao(
        titulo="Encerrar RA",
        botao="Encerrar",
        icone="bi-check2-circle",
        form=forms.EncerrarForm,
        executar=lambda ra, d, u: s.registro_atendimento_encerrar(
            ra=ra,
            motivo=d["motivo"],
            parecer=d["parecer"],
            usuario=u,
            data=d.get("data"),
            ra_referencia=d.get("ra_referencia"),
            versao=d["versao"],
        ),
        sucesso=lambda ra: f"RA de protocolo {ra.protocolo} encerrado.",
        perigo=True,
    )
)

reiterar = _view(
    Acao(
        titulo="Reiterar RA",
        botao="Registrar reiteração",
        icone="bi-arrow-repeat",
        form=forms.ReiterarForm,
        executar=lambda ra, d, u: s.registro_atendimento_reiterar(
            ra=ra,
            usuario=u,
            solicitante_nome=d["solicitante_nome"],
            solicitante_telefone=d.get("solicitante_telefone", ""),
            observacao=d.get("observacao", ""),
            versao=d["versao"],
        ),
        sucesso=lambda r: f"Reiteração registrada. Protocolo da reiteração: {r.protocolo}.",
    )
)

reativar = _view(
    Acao(
        titulo="Reativar RA",
        botao="Reativar (abre um novo RA)",
        icone="bi-arrow-counterclockwise",
        form=forms.ReativarForm,
        executar=lambda ra, d, u: s.registro_atendimento_reativar(
            ra=ra, usuario=u, descricao=d.get("descricao", ""), versao=d["versao"]
        ),
        sucesso=lambda novo: f"RA reativado: novo RA com protocolo {novo.protocolo}.",
        destino=lambda novo: reverse("atendimento:confirmacao", args=[novo.pk]),
    )
)

assumir = _view(
    Acao(
        titulo="Assumir atendimento",
        botao="Assumir",
        icone="bi-person-check",
        form=forms.AssumirForm,
        executar=lambda ra, d, u: s.registro_atendimento_assumir(
            ra=ra, usuario=u, versao=d["versao"]
        ),
        sucesso=lambda ra: "Atendimento assumido com sucesso!",
    )
)

encaminhar = _view(
    Acao(
        titulo="Encaminhar a outro usuário",
        botao="Encaminhar",
        icone="bi-person-up",
        form=forms.EncaminharForm,
        executar=lambda ra, d, u: s.registro_atendimento_encaminhar(
            ra=ra,
            usuario=u,
            destinatario=d["destinatario"],
            parecer=d.get("parecer", ""),
            versao=d["versao"],
        ),
        sucesso=lambda ra: f"Atendimento encaminhado a {ra.responsavel}.",
        form_kwargs=lambda ra: {"ra": ra},
    )
)

desbloquear = _view(
    Acao(
        titulo="Desbloquear RA (informar o local)",
        botao="Desbloquear",
        icone="bi-unlock",
        form=forms.DesbloquearForm,
        executar=lambda ra, d, u: s.registro_atendimento_desbloquear(
            ra=ra,
            usuario=u,
            imovel=d.get("matricula"),
            local_ocorrencia=d.get("local_ocorrencia", ""),
            versao=d["versao"],
        ),
        sucesso=lambda ra: "RA desbloqueado: agora está pendente.",
    )
)

mensagem = _view(
    Acao(
        titulo="Nova mensagem",
        botao="Enviar",
        icone="bi-chat-left-text",
        form=forms.MensagemForm,
        executar=lambda ra, d, u: s.registro_atendimento_mensagem_adicionar(
            ra=ra, usuario=u, texto=d["texto"], visibilidade=d["visibilidade"], versao=d["versao"]
        ),
        sucesso=lambda m: _mensagem_registrada(m),
    )
)

prorrogar = _view(
    Acao(
        titulo="Prorrogar prazo",
        botao="Prorrogar",
        icone="bi-calendar-plus",
        form=forms.ProrrogarForm,
        executar=lambda ra, d, u: s.registro_atendimento_prorrogar(
            ra=ra, usuario=u, nova_data=d["nova_data"], motivo=d["motivo"], versao=d["versao"]
        ),
        sucesso=lambda ra: "Prazo prorrogado.",
    )
)

pausar = _view(
    Acao(
        titulo="Pausar prazo",
        botao="Pausar",
        icone="bi-pause-circle",
        form=forms.PausarForm,
        executar=lambda ra, d, u: s.registro_atendimento_pausar(
            ra=ra, usuario=u, motivo=d["motivo"], versao=d["versao"]
        ),
        sucesso=lambda ra: "Prazo pausado: o relógio está parado até a retomada.",
    )
)

retomar = _view(
    Acao(
        titulo="Retomar prazo",
        botao="Retomar",
        icone="bi-play-circle",
        form=forms.RetomarForm,
        executar=lambda ra, d, u: s.registro_atendimento_retomar(
            ra=ra, usuario=u, versao=d["versao"]
        ),
        sucesso=lambda ra: "Prazo retomado; a data prevista foi ajustada pelo tempo pausado.",
    )
)

anexar = _view(
    Acao(
        titulo="Anexar arquivo",
        botao="Anexar",
        icone="bi-paperclip",
        form=forms.AnexarForm,
        executar=lambda ra, d, u: s.registro_atendimento_anexar(
            ra=ra, usuario=u, arquivo=d["arquivo"], publico=d["publico"], versao=d["versao"]
        ),
        sucesso=lambda a: (
            f"Arquivo {a.nome_original} anexado; "
            + ("o cliente o vê no portal." if a.publico else "só a equipe o vê.")
        ),
    )
)
