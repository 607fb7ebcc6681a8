"""What the modem brings in: delivery reports and inbound SMS.

The backend reads them (``GsmBackend.ler_entrada``); this module records them.
A report is always stored (``RelatorioEntrega``), matched or not; a matched one
updates the message's delivery state. Inbound SMS go to
``services.recebidos.sms_recebido_registrar``.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..backends import SmsEntrada, obter_backend
from ..models import Mensagem, Modem, RelatorioEntrega
from ..pdu import RelatorioStatus

log = logging.getLogger(__name__)
Entrega = Mensagem.Entrega

# TP-ST, 3GPP TS 23.040 §9.2.3.15, as an attendant reads it.
STATUS_ENTREGA = {
    0x00: "entregue ao destinatário",
    0x01: "repassada ao destinatário sem confirmação de entrega",
    0x02: "substituída pela central de SMS",
    0x20: "rede congestionada",
    0x21: "celular do destinatário ocupado",
    0x22: "celular do destinatário sem resposta (desligado ou fora de área)",
    0x23: "serviço recusado",
    0x24: "qualidade de serviço indisponível",
    0x25: "erro no celular do destinatário",
    0x40: "erro de procedimento no destino",
    0x41: "número incompatível: o destino não existe ou não recebe SMS",
    0x42: "conexão recusada pelo destinatário",
    0x43: "não obtida",
    0x44: "qualidade de serviço indisponível",
    0x45: "sem interligação com a rede do destino",
    0x46: "prazo de validade da mensagem expirou",
    0x47: "apagada pelo remetente",
    0x48: "apagada pela central de SMS",
    0x49: "a mensagem não existe na central",
    0x60: "rede congestionada (a central desistiu)",
    0x61: "celular do destinatário ocupado (a central desistiu)",
    0x62: "celular do destinatário sem resposta (a central desistiu)",
    0x63: "serviço recusado (a central desistiu)",
    0x64: "qualidade de serviço indisponível (a central desistiu)",
    0x65: "erro no celular do destinatário (a central desistiu)",
}


def entrega_status_texto(status: int) -> str:
    """pt-BR text of a TP-ST value, with the code for whoever calls the operator."""
    if status in STATUS_ENTREGA:
        descricao = STATUS_ENTREGA[status]
    elif status < 0x20:
        descricao = "entregue"
    elif status < 0x40:
        descricao = "falha temporária; a central ainda tenta entregar"
    elif status < 0x60:
        descricao = "falha permanente"
    elif status < 0x80:
        descricao = "falha temporária; a central desistiu de entregar"
    else:
        descricao = "status desconhecido"
    return f"{descricao} (código 0x{status:02X})"


def entregue(status: int) -> bool:
    return status < 0x20


def definitivo(status: int) -> bool:
    """The SMSC will not try again: delivered, or failed for good (0x40–0x7F)."""
    return status < 0x20 or 0x40 <= status < 0x80


def _digitos(numero: str) -> str:
    return "".join(c for c in numero or "" if c.isdigit())


def _mesmo_numero(a: str, b: str) -> bool:
    """An SMSC may write the recipient in national format: compare the last digits."""
    da, db = _digitos(a), _digitos(b)
    if not da or not db:
        return False
    curto, longo = sorted((da, db), key=len)
    return len(curto) >= 8 and longo.endswith(curto)


def _candidata(*, modem: Modem, referencia: int, destino: str, ate) -> Mensagem | None:
    """The most recent SMS this modem sent with this reference to this number."""
    janela = timedelta(hours=settings.SMS_RELATORIO_JANELA_HORAS)
    recentes = (
        Mensagem.objects.filter(
            modem=modem,
            canal=Mensagem.Canal.SMS,
            status=Mensagem.Status.ENVIADA,
            enviada_em__gte=ate - janela,
            enviada_em__lte=ate + timedelta(minutes=1),
        )
        .filter(destino__endswith=_digitos(destino)[-8:])
        .order_by("-enviada_em", "-id")
        .only("pk", "destino", "referencias", "referencia")[:200]
    )
    for mensagem in recentes:
        referencias = mensagem.referencias or (
            [mensagem.referencia] if mensagem.referencia is not None else []
        )
        if referencia in referencias and _mesmo_numero(mensagem.destino, destino):
            return mensagem
    return None


def relatorio_entrega_registrar(*, modem: Modem, relatorio: RelatorioStatus) -> RelatorioEntrega:
    """Store a delivery report and, when it is one of ours, update the message.

    Matched by modem, reference (any part's) and recipient, among messages sent in
    the last ``SMS_RELATORIO_JANELA_HORAS`` (the 0–255 reference repeats); the most
    recent wins. An unknown report is kept (``mensagem`` empty) and logged.
    """
    agora = timezone.now()
    with transaction.atomic():
        mensagem = _candidata(
            modem=modem, referencia=relatorio.referencia, destino=relatorio.destino, ate=agora
        )
        registro = RelatorioEntrega.objects.create(
            modem=modem,
            referencia=relatorio.referencia,
            destino=relatorio.destino[:30],
            status=relatorio.status,
            entregue=entregue(relatorio.status),
            enviada_em=relatorio.enviada_em,
            entregue_em=relatorio.entregue_em,
            mensagem=mensagem,
        )
        if mensagem is None:
            log.warning(
                "Relatório de entrega sem mensagem conhecida: modem %s, referência %s, "
                "destino %s, status 0x%02X",
                modem.nome, relatorio.referencia, relatorio.destino, relatorio.status,
            )  # fmt: skip
        else:
            _entrega_atualizar(mensagem.pk)
    return registro


def mensagem_entrega_conciliar(*, mensagem_id: int) -> None:
    """Right after a send: adopt reports read before the message row named its references."""
    mensagem = Mensagem.objects.filter(pk=mensagem_id).first()
    if mensagem is None or not mensagem.referencias or mensagem.modem_id is None:
        return
    with transaction.atomic():
        orfaos = [
            r
            for r in RelatorioEntrega.objects.select_for_update().filter(
                modem_id=mensagem.modem_id,
                mensagem__isnull=True,
                referencia__in=mensagem.referencias,
                recebido_em__gte=(mensagem.enviando_desde or mensagem.enviada_em)
                - timedelta(seconds=5),
            )
            if _mesmo_numero(r.destino, mensagem.destino)
        ]
        if not orfaos:
            return
        RelatorioEntrega.objects.filter(pk__in=[r.pk for r in orfaos]).update(mensagem=mensagem)
        _entrega_atualizar(mensagem.pk)


def _entrega_atualizar(mensagem_id: int) -> None:
    """Recompute the delivery state from the message's reports (latest per part)."""
    mensagem = Mensagem.objects.select_for_update().get(pk=mensagem_id)
    ultimos: dict[int, RelatorioEntrega] = {}
    for relatorio in mensagem.relatorios.order_by("recebido_em", "id"):
        ultimos[relatorio.referencia] = relatorio
    referencias = mensagem.referencias or [mensagem.referencia]
    falha = next(
        (r for r in ultimos.values() if not entregue(r.status) and definitivo(r.status)), None
    )
    campos = {}
    if falha is not None:
        campos = {
            "entrega": Entrega.NAO_ENTREGUE,
            "entrega_em": None,
            "entrega_status": falha.status,
            "entrega_texto": entrega_status_texto(falha.status)[:200],
        }
    elif all(r in ultimos and entregue(ultimos[r].status) for r in referencias):
        instantes = [ultimos[r].entregue_em or ultimos[r].recebido_em for r in referencias]
        campos = {
            "entrega": Entrega.ENTREGUE,
            "entrega_em": max(instantes),
            "entrega_status": max(ultimos[r].status for r in referencias),
            "entrega_texto": "",
        }
    else:
        tentando = next((r for r in ultimos.values() if not definitivo(r.status)), None)
        campos = {
            "entrega": Entrega.AGUARDANDO,
            "entrega_em": None,
            "entrega_status": tentando.status if tentando else None,
            "entrega_texto": (
                "A operadora ainda tenta entregar: " + entrega_status_texto(tentando.status)
                if tentando
                else f"{sum(entregue(r.status) for r in ultimos.values())} de "
                f"{len(referencias)} partes entregues"
            )[:200],
        }
    for nome, valor in campos.items():
        setattr(mensagem, nome, valor)
    mensagem.save(update_fields=[*campos, "atualizada_em"])


def modem_entrada_ler(*, modem: Modem, listar: bool = False) -> dict:
    """Read and record what the modem brought in (runs on the modem's worker only)."""

    def ao_relatorio(relatorio: RelatorioStatus) -> None:
        relatorio_entrega_registrar(modem=modem, relatorio=relatorio)

    def ao_receber(sms: SmsEntrada) -> None:
        from .recebidos import sms_recebido_registrar

        sms_recebido_registrar(
            modem=modem,
            remetente=sms.remetente,
            texto=sms.texto,
            recebido_em=sms.recebido_em,
            partes=sms.partes,
        )

    resumo = obter_backend(modem).ler_entrada(
        ao_relatorio=ao_relatorio, ao_receber=ao_receber, listar=listar
    )
    if resumo.get("relatorios") or resumo.get("recebidos"):
        log.info("Modem %s: %s", modem.nome, resumo)
    return resumo


def modem_entrada_ler_por_id(*, modem_id: int) -> dict | None:
    """For the port's watcher thread (``backends.gsm.tratador_entrada``): None when the
    modem row is gone."""
    modem = Modem.objects.filter(pk=modem_id).first()
    return modem_entrada_ler(modem=modem) if modem is not None else None
