"""Transmission and expiry steps of the batch, and the counts of a preparation run.

``TRANSMITIR`` hands each prepared ``Envio`` inside its window (``enviar_em`` ≤ today
≤ ``limite``, today in ``settings.TIME_ZONE``) to the mensageria as a ``Mensagem``
(``mensagens_criar_lote``): the SMS go through the modems' queues, the e-mails through
the ``email`` queue, both honouring quiet hours, the message's deadline
(``valida_ate``: the end of the ``limite`` day) and, for e-mail, its attempts. The
message and the ``Envio`` → ``transmitida`` are committed together per chunk, so a
re-run or a resume after a killed worker never makes a second message for an
``Envio``. An ``Envio`` whose bill or document was paid or cancelled meanwhile is
``dispensada`` instead.

``EXPIRAR`` marks ``expirada`` the prepared ``Envio`` whose limit passed and discards
as expired the batch's messages past their deadline that never went out.
"""

import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from mensageria.models import Mensagem, Parametros
from mensageria.services import mensagens_criar_lote, mensagens_expirar
from mensageria.silencio import fuso

from ..models import Conta, Envio, Processo
from .processos import Execucao, etapa

Situacao = Envio.Situacao
EM_ABERTO = Conta.Situacao.EM_ABERTO
# Envio rows per committed chunk: one transaction, two INSERTs for their messages.
LOTE = 500


def _em_aberto_q() -> Q:
    return Q(conta__situacao=EM_ABERTO) | Q(documento__situacao=EM_ABERTO)


def _preparadas(execucao: Execucao):
    """The prepared Envio rows of this run's scope (a reference month, when given)."""
    envios = Envio.objects.filter(situacao=Situacao.PREPARADA)
    if execucao.referencia:
        envios = envios.filter(processo__referencia=execucao.referencia)
    return envios


def valida_ate(limite: datetime.date, zona: datetime.tzinfo) -> datetime.datetime:
    """The last instant of the ``limite`` day in the utility's zone."""
    dia_seguinte = datetime.datetime.combine(limite + datetime.timedelta(days=1), datetime.time())
    return dia_seguinte.replace(tzinfo=zona) - datetime.timedelta(microseconds=1)


def _item(envio: Envio, zona) -> dict:
    conta = envio.conta_id is not None
    return {
        "canal": envio.canal,
        "destino": envio.destino,
        "assunto": envio.assunto,
        "texto": envio.texto,
        "evento": Mensagem.Evento.FATURAMENTO if conta else Mensagem.Evento.COBRANCA,
        "origem_tipo": "conta" if conta else "documento",
        "origem_id": envio.conta_id if conta else envio.documento_id,
        "valida_ate": valida_ate(envio.limite, zona),
        "max_tentativas": envio.max_tentativas,
    }


def _transmitir_lote(envios_q, zona) -> tuple[int, dict[str, int], int] | None:
    """Transmit or dispense one chunk, in one transaction. None when nothing is left.

    The rows are locked ``SKIP LOCKED``: a second run at the same time (a resume that
    thought the first dead) takes other rows, never the same ones twice.
    """
    with transaction.atomic():
        envios = list(
            envios_q.select_for_update(skip_locked=True, of=("self",))
            .select_related("conta", "documento")
            .order_by("pk")[:LOTE]
        )
        if not envios:
            return None
        dispensar, transmitir = [], []
        for envio in envios:
            origem = envio.conta or envio.documento
            (transmitir if origem.situacao == EM_ABERTO else dispensar).append(envio)
        if dispensar:
            Envio.objects.filter(pk__in=[e.pk for e in dispensar]).update(
                situacao=Situacao.DISPENSADA
            )
        transmitidas = {Envio.Canal.SMS.value: 0, Envio.Canal.EMAIL.value: 0}
        if transmitir:
            mensagens = mensagens_criar_lote([_item(e, zona) for e in transmitir])
            for envio, mensagem in zip(transmitir, mensagens, strict=True):
                envio.situacao, envio.mensagem = Situacao.TRANSMITIDA, mensagem
                transmitidas[envio.canal] += 1
            Envio.objects.bulk_update(transmitir, ["situacao", "mensagem"])
    return len(envios), transmitidas, len(dispensar)


@etapa(Processo.Tipo.TRANSMITIR)
def transmitir(execucao: Execucao) -> None:
    """Prepared Envio rows inside their window (or whose bill was paid) → messages."""
    hoje = timezone.localdate()
    janela = Q(enviar_em__lte=hoje, limite__gte=hoje)
    # A paid or cancelled bill is dispensed whatever its window.
    envios_q = _preparadas(execucao).filter(janela | ~_em_aberto_q())
    # A resumed run already counted what it committed before it died.
    execucao.definir_total(execucao.processo.processados + envios_q.count())
    zona = fuso(Parametros.atuais())
    while (lote := _transmitir_lote(envios_q, zona)) is not None:
        processados, transmitidas, dispensadas = lote
        execucao.avancar(processados, transmitidas=transmitidas, dispensadas=dispensadas)


@etapa(Processo.Tipo.EXPIRAR)
def expirar(execucao: Execucao) -> None:
    """Prepared Envio rows past their limit → ``expirada``; the batch's messages past
    their deadline that never went out → discarded as expired."""
    hoje = timezone.localdate()
    envios_q = _preparadas(execucao).filter(limite__lt=hoje)
    # A resumed run already counted what it committed before it died.
    execucao.definir_total(execucao.processo.processados + envios_q.count())
    while True:
        with transaction.atomic():
            ids = list(
                envios_q.select_for_update(skip_locked=True)
                .order_by("pk")[:LOTE]
                .values_list("pk", flat=True)
            )
            if not ids:
                break
            n = Envio.objects.filter(pk__in=ids, situacao=Situacao.PREPARADA).update(
                situacao=Situacao.EXPIRADA
            )
        execucao.avancar(len(ids), expiradas=n)
    mensagens = Mensagem.objects.filter(envio_faturamento__isnull=False)
    if execucao.referencia:
        mensagens = mensagens.filter(envio_faturamento__processo__referencia=execucao.referencia)
    execucao.avancar(0, mensagens_expiradas=mensagens_expirar(mensagens))


# --- counts for the Processos screen ----------------------------------------------------

CONTAGENS = (
    "geradas",
    "aguardando",
    "transmitidas",
    "enviadas",
    "entregues",
    "falhas",
    "expiradas",
    "dispensadas",
)


def _contagens_q() -> dict[str, Q]:
    Status = Mensagem.Status
    expirada = Q(mensagem__status=Status.DESCARTADA, mensagem__erro_classe="expirada")
    return {
        "aguardando": Q(situacao=Situacao.PREPARADA),
        # Handed to the mensageria, even if its bill was paid afterwards (dispensada).
        "transmitidas": Q(mensagem__isnull=False),
        "enviadas": Q(mensagem__status=Status.ENVIADA),
        "entregues": Q(mensagem__entrega=Mensagem.Entrega.ENTREGUE),
        # A message discarded because its bill was paid meanwhile is no failure.
        "falhas": (
            Q(mensagem__status__in=[Status.FALHOU, Status.INCERTA])
            | (Q(mensagem__status=Status.DESCARTADA) & ~expirada)
        )
        & ~Q(situacao=Situacao.DISPENSADA),
        "expiradas": Q(situacao=Situacao.EXPIRADA) | expirada,
        "dispensadas": Q(situacao=Situacao.DISPENSADA),
    }


def contagens_do_processo(processo: Processo) -> dict:
    """Counts of a preparation run's Envio rows, in one grouped query.

    ``geradas`` (prepared by the run), ``aguardando`` (still to transmit),
    ``transmitidas`` (handed to the mensageria), ``enviadas`` (the message went),
    ``entregues`` (an SMS delivery report said delivered), ``falhas`` (failed,
    uncertain, or discarded for another reason than its deadline or a payment),
    ``expiradas`` (the Envio passed its limit, or its message its deadline),
    ``dispensadas`` (bill or document paid or cancelled before its message went: at
    transmission, or by the import, which discards the waiting message); the same per
    channel in ``por_canal``.
    """
    filtros = _contagens_q()
    linhas = (
        Envio.objects.filter(processo=processo)
        .values("canal")
        .order_by("canal")
        .annotate(geradas=Count("pk"), **{n: Count("pk", filter=q) for n, q in filtros.items()})
    )
    totais = dict.fromkeys(CONTAGENS, 0)
    por_canal = {c: dict.fromkeys(CONTAGENS, 0) for c in Envio.Canal.values}
    for linha in linhas:
        canal = linha.pop("canal")
        por_canal[canal] = {n: linha[n] for n in CONTAGENS}
        for n in CONTAGENS:
            totais[n] += linha[n]
    return {**totais, "por_canal": por_canal}


__all__ = ["contagens_do_processo", "expirar", "transmitir", "valida_ate"]
