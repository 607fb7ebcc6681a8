"""Writes of the portal's contacts: open one, complement it.

A contact is an RA opened by the portal's system user (``portal.sistema``) with
``origem="portal"``, the account's client as solicitante and the contact person,
phone and e-mail as typed; from then on it is worked by the RA services like any
other. These functions authorise the account (its client, the catalogue open to the
portal) and leave every other rule to the RA services they call.
"""

from types import SimpleNamespace

from django.db import transaction

from atendimento.models import RegistroAtendimento
from atendimento.services import (
    registro_atendimento_abrir,
    registro_atendimento_anexar,
    registro_atendimento_mensagem_adicionar,
)
from atendimento.services.anexos import AnexoGuardado, anexo_temporario_guardar, anexo_validar
from core.exceptions import ErrosColetados, PermissaoNegada, RegraViolada, TransicaoInvalida
from portal import selectors
from portal.sistema import meio_do_portal, usuario_do_portal

RA = RegistroAtendimento
# The RA's location when the customer named no imóvel (the subject needs none).
SEM_IMOVEL = "Sem imóvel indicado (contato pelo portal)"
ENCERRADO = (
    "Este contato já foi encerrado e não recebe mais mensagens. Se precisar, abra um novo contato."
)


def contato_abrir(
    *,
    conta,
    especificacao,
    imovel,
    titulo,
    pessoa_contato,
    telefone,
    email,
    mensagem,
    anexos=(),
) -> RegistroAtendimento:
    """Open a contact for ``conta``'s client: an RA of origem portal (meio Internet)
    whose opening notice (protocol by SMS / e-mail, as the client's consent allows) is
    mensageria's ``ra_aberto``. Raises RegraViolada (RegistroDuplicado when the imóvel
    already has an open RA of the same especificação)."""
    erros = ErrosColetados()
    with erros.verificar():
        if not selectors.especificacoes_do_portal().filter(pk=especificacao.pk).exists():
            raise RegraViolada(
                "Este assunto não pode ser aberto pelo portal. Escolha outro da lista.",
                campo="especificacao",
            )
    with erros.verificar():
        if (
            imovel is not None
            and not selectors.imoveis_da_conta(conta).filter(pk=imovel.pk).exists()
        ):
            raise RegraViolada("Escolha um dos seus imóveis.", campo="imovel")
    with erros.verificar():
        if imovel is None and especificacao.exige_imovel:
            raise RegraViolada(
                "Este assunto exige o imóvel: escolha um dos seus imóveis.", campo="imovel"
            )
        # Every RA needs a place; without one it would start Bloqueado until an operator
        # types it in. A client with imóveis picks one; only one without any goes without.
        if imovel is None and selectors.imoveis_da_conta(conta).exists():
            raise RegraViolada("Escolha um dos seus imóveis.", campo="imovel")
    with erros.verificar():
        if not (titulo or "").strip():
            raise RegraViolada("Informe o título.", campo="titulo")
    with erros.verificar():
        if not (pessoa_contato or "").strip():
            raise RegraViolada("Informe a pessoa para contato.", campo="solicitante_nome")
    erros.levantar()
    return registro_atendimento_abrir(
        usuario=usuario_do_portal(),
        meio=meio_do_portal(),
        origem=RA.Origem.PORTAL,
        tipo_solicitante=RA.TipoSolicitante.CLIENTE,
        cliente=conta.cliente,
        solicitante_nome=pessoa_contato.strip(),
        solicitante_telefone=telefone,
        solicitante_email=email,
        especificacao=especificacao,
        imovel=imovel,
        local_ocorrencia="" if imovel is not None else SEM_IMOVEL,
        titulo=titulo,
        descricao=mensagem,
        anexos=anexos,
    )


def contato_complementar(*, conta, ra, texto, anexos=()) -> None:
    """The customer's mensagem complementar (and its files) on an open contact: a public
    message of the requester, so the interação pendente becomes interna (our move).
    Every file is checked before anything is written; all or nothing."""
    if ra.cliente_id != conta.cliente_id or ra.excluido:
        raise PermissaoNegada("Este contato não é seu.")
    if ra.situacao == RA.Situacao.ENCERRADO:
        raise TransicaoInvalida(ENCERRADO)
    erros = ErrosColetados()
    for arquivo in anexos:
        with erros.verificar():
            anexo_validar(arquivo)
    erros.levantar()
    with transaction.atomic():
        registro_atendimento_mensagem_adicionar(
            ra=ra,
            usuario=None,
            texto=texto,
            visibilidade="publica",
            do_solicitante=True,
            autor_nome=conta.nome,
        )
        for arquivo in anexos:
            registro_atendimento_anexar(
                ra=ra, usuario=None, arquivo=arquivo, do_solicitante=True, autor_nome=conta.nome
            )


# --- files of a form that came back with errors -----------------------------------------


def dono_dos_temporarios(conta) -> SimpleNamespace:
    """Who a kept file belongs to (``atendimento.services.anexos.anexo_temporario_*``
    sign the owner's ``pk``): the portal account, in a namespace of its own so it never
    matches a staff user's id."""
    return SimpleNamespace(pk=f"portal:{conta.pk}")


def anexos_guardar(*, conta, arquivos) -> tuple[list[AnexoGuardado], list[RegraViolada]]:
    """Keep the files of a refused Novo contato for the next submission (a browser
    cannot refill a file input); a refused file is not kept, its refusal is returned."""
    guardados, recusas = [], []
    dono = dono_dos_temporarios(conta)
    for arquivo in arquivos:
        try:
            guardados.append(anexo_temporario_guardar(arquivo=arquivo, usuario=dono))
        except RegraViolada as exc:
            recusas.append(exc)
    return guardados, recusas
