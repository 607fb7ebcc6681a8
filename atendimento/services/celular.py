"""Correct the wrong mobile of an RA's failed SMS at its source, and send it again.

Without this, a supervisor fixed only the message: the RA (or the client's
registry) kept the wrong number and the later "RA atendido" SMS failed again.
Audited twice: an ``alteracao`` EventoRA in the RA's timeline (who, when, from,
to, which message) and simple-history on the row that changed (the RA, or the
client's phone).
"""

from django.db import transaction

from atendimento.models import RegistroAtendimento
from atendimento.selectors.celular import celular_sms_origem
from atendimento.services._comum import (
    evento_registrar,
    exigir_permissao,
    exigir_situacao,
    ra_salvar,
    ra_travar,
)
from cadastro.services import cliente_celular_sms_corrigir
from core.exceptions import PermissaoNegada, RegraViolada
from mensageria.models import Mensagem
from mensageria.services import mensagem_reenviar
from mensageria.telefones import NumeroInvalido, celular_mascarar, celular_normalizar

Situacao = RegistroAtendimento.Situacao


def registro_atendimento_celular_corrigir(
    *, ra: RegistroAtendimento, mensagem: Mensagem, celular: str, usuario
) -> str:
    """Put ``celular`` where the RA's SMS number comes from, then resend ``mensagem`` to it.

    Returns what was corrected (e.g. "o telefone do solicitante no RA nº 42"),
    for the confirmation. Nothing changes when any step is refused.
    """
    if mensagem.registro_atendimento_id != ra.pk:
        raise ValueError("a mensagem não é deste RA")
    try:
        novo = celular_normalizar(celular)
    except NumeroInvalido as exc:
        raise RegraViolada(str(exc), campo="destino") from exc
    with transaction.atomic():
        ra = ra_travar(ra)
        anterior = (
            Mensagem.objects.select_for_update()
            .values_list("destino", flat=True)
            .get(pk=mensagem.pk)
        )
        origem = celular_sms_origem(ra=ra, destino=anterior)
        if origem.problema:
            raise RegraViolada(origem.problema)
        motivo = f"Corrigido na tela de mensagens com erro (mensagem nº {mensagem.pk})."
        if origem.no_cliente:
            if not usuario.has_perm("cadastro.change_telefone"):
                raise PermissaoNegada("Você não pode alterar os telefones do cadastro de clientes.")
            cliente_celular_sms_corrigir(
                cliente=ra.cliente, de=anterior, para=novo, usuario=usuario, motivo=motivo
            )
            campo = "celular de SMS do cliente"
        else:
            exigir_permissao(usuario, ra)
            exigir_situacao(ra, Situacao.PENDENTE, Situacao.BLOQUEADO, acao="alterar o telefone")
            ra.solicitante_telefone = novo
            ra_salvar(ra, usuario=usuario, campos=["solicitante_telefone"])
            campo = "telefone do solicitante"
        if novo != anterior:
            evento_registrar(
                ra,
                tipo="alteracao",
                usuario=usuario,
                anterior=ra.situacao,
                nova=ra.situacao,
                descricao=f"{campo[0].upper()}{campo[1:]} corrigido: {motivo}",
                # The timeline shows "campos" (masked); the full numbers stay for the audit.
                dados={
                    "campos": {campo: [celular_mascarar(anterior), celular_mascarar(novo)]},
                    "de": anterior,
                    "para": novo,
                    "mensagem": mensagem.pk,
                },
            )
        mensagem_reenviar(
            mensagem=mensagem,
            usuario=usuario,
            destino=novo,
            observacao=f"Corrigido também {origem.rotulo}.",
        )
    return origem.rotulo
