"""The RA's conversation: public messages and internal notes."""

from django.db import transaction
from django.utils import timezone

from atendimento.models import MensagemAtendimento, RegistroAtendimento
from atendimento.models.registro import MENSAGEM_MAX
from atendimento.services._comum import (
    Situacao,
    evento_registrar,
    exigir_permissao,
    exigir_situacao,
    ra_salvar,
    ra_travar,
    texto_obrigatorio,
)
from core.exceptions import RegraViolada
from mensageria.services import registro_atendimento_mensagem_notificar

Interacao = RegistroAtendimento.InteracaoPendente
Visibilidade = MensagemAtendimento.Visibilidade


def _interacao_apos(atual, *, visibilidade, do_solicitante):
    """Who owes the next move: a requester's message waits on us (interna); a public
    answer of ours waits on the requester (externa); internal notes change nothing."""
    if do_solicitante:
        return Interacao.INTERNA
    if visibilidade == Visibilidade.PUBLICA:
        return Interacao.EXTERNA
    return atual


def registro_atendimento_mensagem_adicionar(
    *, ra, usuario, texto, visibilidade, do_solicitante=False, autor_nome="", versao=None
) -> MensagemAtendimento:
    """Add a message to the RA's conversation. A requester's message (``do_solicitante``,
    from the portal: ``usuario`` None, ``autor_nome`` the account's name) is public,
    waits on us (interação pendente interna) and is authorised by its caller."""
    texto = texto_obrigatorio(
        texto, campo="texto", rotulo="o texto da mensagem", maximo=MENSAGEM_MAX
    )
    if visibilidade not in Visibilidade.values:
        raise RegraViolada("Escolha se a mensagem é pública ou nota interna.", campo="visibilidade")
    if do_solicitante and visibilidade != Visibilidade.PUBLICA:
        raise RegraViolada("Mensagens do solicitante são sempre públicas.", campo="visibilidade")
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        if not do_solicitante:
            # The requester (portal) is authorised by the portal; staff by unit.
            exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, Situacao.BLOQUEADO, acao="enviar mensagens")
        agora = timezone.now()
        mensagem = MensagemAtendimento.objects.create(
            ra=ra,
            visibilidade=visibilidade,
            texto=texto,
            autor=usuario if usuario is not None and usuario.is_authenticated else None,
            do_solicitante=do_solicitante,
            autor_nome=(autor_nome or "")[:150] if do_solicitante else "",
            data=agora,
        )
        campos = []
        nova = _interacao_apos(
            ra.interacao_pendente, visibilidade=visibilidade, do_solicitante=do_solicitante
        )
        if nova != ra.interacao_pendente:
            ra.interacao_pendente = nova
            campos.append("interacao_pendente")
        ra_salvar(ra, usuario=usuario, campos=campos)
        tipo_texto = (
            f"Mensagem do solicitante{f' ({autor_nome})' if autor_nome else ''}"
            if do_solicitante
            else (
                "Mensagem ao solicitante"
                if visibilidade == Visibilidade.PUBLICA
                else "Nota interna"
            )
        )
        evento_registrar(
            ra,
            tipo="mensagem",
            usuario=mensagem.autor,
            anterior=ra.situacao,
            nova=ra.situacao,
            data=agora,
            descricao=f"{tipo_texto}: {texto[:200]}",
            dados={"mensagem": mensagem.pk, "visibilidade": visibilidade},
        )
        # A public answer of ours reaches the requester (SMS / e-mail, as consent allows).
        registro_atendimento_mensagem_notificar(mensagem=mensagem)
    return mensagem
