"""What a supervisor does with a message that failed or whose outcome is unknown."""

from django.db import transaction
from django.utils import timezone

from core.exceptions import RegraViolada, TransicaoInvalida

from ..enderecos import EmailInvalido, email_normalizar
from ..models import Mensagem
from ..telefones import NumeroInvalido, celular_normalizar
from .mensagens import _modem_escolher, _transitar, mensagem_enfileirar

Status = Mensagem.Status


def _travar(mensagem_id: int, permitidos: set) -> Mensagem:
    mensagem = (
        Mensagem.objects.select_for_update(of=("self",)).select_related("modem").get(pk=mensagem_id)
    )
    if mensagem.status not in permitidos:
        raise TransicaoInvalida(
            f"A mensagem está “{mensagem.get_status_display()}”: nada a fazer com ela aqui."
        )
    return mensagem


def mensagem_reenviar(
    *, mensagem: Mensagem, usuario, destino: str | None = None, observacao: str = ""
) -> Mensagem:
    """Send a failed/uncertain message again, optionally to a corrected number (or, for
    an e-mail, address) (audited).

    ``observacao`` is appended to the history row (e.g. where else the number was fixed).
    """
    with transaction.atomic():
        mensagem = _travar(mensagem.pk, {Status.FALHOU, Status.INCERTA})
        email = mensagem.canal == Mensagem.Canal.EMAIL
        nota = "Reenvio pedido pelo supervisor."
        campos = {}
        if destino is not None and destino.strip():
            try:
                novo = email_normalizar(destino) if email else celular_normalizar(destino)
            except (EmailInvalido, NumeroInvalido) as exc:
                raise RegraViolada(str(exc), campo="destino") from exc
            if novo != mensagem.destino:
                o_que = "Endereço" if email else "Número"
                nota = f"{o_que} corrigido de {mensagem.destino} para {novo}; reenvio."
                campos["destino"] = novo
        if mensagem.erro_classe == Mensagem.ClasseErro.TEXTO:
            raise RegraViolada("O texto desta mensagem não pode ser enviado; descarte-a.")
        if email:
            if "destino" not in campos:
                try:  # an address refused as invalid must be corrected, not resent as is
                    email_normalizar(mensagem.destino)
                except EmailInvalido as exc:
                    raise RegraViolada(
                        f"{exc} Informe o endereço corrigido.", campo="destino"
                    ) from exc
            campos["modem"] = None  # e-mail has its own queue
        else:
            disponivel = mensagem.modem if mensagem.modem and mensagem.modem.disponivel else None
            campos["modem"] = disponivel or _modem_escolher() or mensagem.modem
        _transitar(
            mensagem,
            Status.PENDENTE,
            usuario=usuario,
            observacao=f"{nota} {observacao}".strip(),
            tentativas=0,
            proxima_tentativa_em=None,
            enviando_desde=None,
            **campos,
        )
        mensagem_enfileirar(mensagem)
    return mensagem


def mensagem_descartar(*, mensagem: Mensagem, usuario, motivo: str) -> Mensagem:
    motivo = (motivo or "").strip()
    if not motivo:
        raise RegraViolada("Informe por que a mensagem será descartada.", campo="motivo")
    with transaction.atomic():
        mensagem = _travar(mensagem.pk, {Status.FALHOU, Status.INCERTA, Status.PENDENTE})
        _transitar(mensagem, Status.DESCARTADA, usuario=usuario, observacao=f"Descartada: {motivo}")
    return mensagem


def mensagem_confirmar_envio(*, mensagem: Mensagem, usuario) -> Mensagem:
    """An uncertain message the citizen did receive (e.g. confirmed by phone)."""
    with transaction.atomic():
        mensagem = _travar(mensagem.pk, {Status.INCERTA})
        _transitar(
            mensagem,
            Status.ENVIADA,
            usuario=usuario,
            observacao="Recebimento confirmado pelo supervisor.",
            enviada_em=timezone.now(),
        )
    return mensagem
