from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from atendimento import selectors as atendimento_selectors
from cadastro import selectors, services
from cadastro.forms import (
    BuscaForm,
    ClienteForm,
    TelefoneFormSet,
    VinculoNovoForm,
    telefones_iniciais,
)
from cadastro.models import Cliente, Imovel
from core.exceptions import RegraViolada


def busca(request):
    """The global search box: imóveis and clientes, and RAs by any of their protocols
    (what a citizen on the phone has). Submitting a protocol goes straight to its RA."""
    form = BuscaForm(request.GET)
    form.is_valid()  # a bad page number falls back to the first page
    termo = form.cleaned_data.get("q") or ""
    pagina = form.cleaned_data.get("pagina") or 1
    resultado = selectors.busca_atendimento(termo, request.user, pagina=pagina)
    ras = []
    if selectors.pode_ser_protocolo(resultado.termo) and pagina == 1:
        ras = atendimento_selectors.registro_atendimento_por_protocolo(
            usuario=request.user, protocolo=resultado.termo
        )
    if ras and resultado.vazio:
        resultado.mensagem = ""
        if len(ras) == 1 and not request.htmx:
            return redirect("atendimento:detalhe", ras[0].pk)
    elif selectors.pode_ser_protocolo(resultado.termo) and resultado.vazio:
        resultado.mensagem = f"Nenhum RA com este protocolo. {resultado.mensagem}"
    contexto = {
        "resultado": resultado,
        "ras": ras,
        "termo": resultado.termo,
        "ver_dados": selectors.pode_ver_dados_pessoais(request.user),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "cadastro/_partials/busca_resultados.html", contexto)
    return render(request, "cadastro/busca_resultados.html", contexto)


def imovel_detalhe(request, pk):
    try:
        imovel = selectors.imovel_get(pk=pk, usuario=request.user)
    except Imovel.DoesNotExist as exc:
        raise Http404("Imóvel não encontrado.") from exc
    vinculos = list(imovel.vinculos.all())
    return render(
        request,
        "cadastro/imovel_detalhe.html",
        {
            "imovel": imovel,
            "vinculos_ativos": [v for v in vinculos if v.ativo],
            "vinculos_encerrados": [v for v in vinculos if not v.ativo],
            "ver_dados": selectors.pode_ver_dados_pessoais(request.user),
        },
    )


def cliente_detalhe(request, pk):
    try:
        cliente = selectors.cliente_get(pk=pk, usuario=request.user)
    except ObjectDoesNotExist as exc:
        raise Http404("Cliente não encontrado.") from exc
    return render(
        request,
        "cadastro/cliente_detalhe.html",
        {"cliente": cliente, "ver_dados": selectors.pode_ver_dados_pessoais(request.user)},
    )


def _erros_do_servico(exc: ValidationError, form, formset) -> None:
    """Put a service's refusal next to the field it concerns."""
    erros = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for campo, mensagens in erros.items():
        if campo in form.fields:
            form.add_error(campo, mensagens)
        elif campo == "telefones":
            formset.erros_servico = [*getattr(formset, "erros_servico", []), *mensagens]
        else:
            form.add_error(None, mensagens)


@permission_required("cadastro.add_cliente", raise_exception=True)
def cliente_novo(request):
    imovel = None
    if request.GET.get("imovel", "").isdigit():
        imovel = get_object_or_404(Imovel, pk=int(request.GET["imovel"]))
    if request.method == "POST":
        form = ClienteForm(request.POST)
        formset = TelefoneFormSet(request.POST, prefix="telefones")
        vinculo = VinculoNovoForm(request.POST)
        if form.is_valid() and formset.is_valid() and vinculo.is_valid():
            try:
                cliente = services.cliente_criar(
                    **form.cleaned_data,
                    telefones=formset.telefones(),
                    usuario=request.user,
                    imovel=imovel,
                    relacao=vinculo.cleaned_data["relacao"] if imovel else "",
                )
            except RegraViolada as exc:
                vinculo.add_error("relacao", exc.mensagem)
            except ValidationError as exc:
                if "relacao" in getattr(exc, "error_dict", {}):
                    vinculo.add_error("relacao", exc.error_dict["relacao"])
                else:
                    _erros_do_servico(exc, form, formset)
            else:
                messages.success(request, f"Cliente {cliente.nome} cadastrado.")
                if imovel is not None and vinculo.cleaned_data["relacao"]:
                    return redirect("cadastro:imovel_detalhe", pk=imovel.pk)
                return redirect("cadastro:cliente_detalhe", pk=cliente.pk)
    else:
        form = ClienteForm()
        formset = TelefoneFormSet(prefix="telefones")
        vinculo = VinculoNovoForm(initial={"relacao": "usuario"} if imovel else None)
    return render(
        request,
        "cadastro/cliente_form.html",
        {"form": form, "formset": formset, "vinculo": vinculo, "imovel": imovel, "cliente": None},
    )


# The edit form shows the full CPF, phones and e-mail: editing needs both permissions.
@permission_required(
    ["cadastro.change_cliente", "cadastro.ver_dados_pessoais"], raise_exception=True
)
def cliente_editar(request, pk):
    cliente = get_object_or_404(Cliente.objects.prefetch_related("telefones"), pk=pk)
    if request.method == "POST":
        form = ClienteForm(request.POST, cliente=cliente)
        formset = TelefoneFormSet(
            request.POST, prefix="telefones", initial=telefones_iniciais(cliente)
        )
        if form.is_valid() and formset.is_valid():
            try:
                services.cliente_atualizar(
                    cliente=cliente,
                    **form.cleaned_data,
                    telefones=formset.telefones(),
                    usuario=request.user,
                )
            except ValidationError as exc:
                _erros_do_servico(exc, form, formset)
            else:
                messages.success(request, f"Cliente {form.cleaned_data['nome']} atualizado.")
                return redirect("cadastro:cliente_detalhe", pk=cliente.pk)
    else:
        form = ClienteForm(
            initial={
                "nome": cliente.nome,
                "cpf_cnpj": cliente.cpf_cnpj_formatado,
                "email": cliente.email,
                "recebe_sms": cliente.recebe_sms,
                "recebe_email": cliente.recebe_email,
            }
        )
        formset = TelefoneFormSet(prefix="telefones", initial=telefones_iniciais(cliente))
    return render(
        request,
        "cadastro/cliente_form.html",
        {"form": form, "formset": formset, "vinculo": None, "imovel": None, "cliente": cliente},
    )
