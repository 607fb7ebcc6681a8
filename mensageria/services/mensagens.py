"""Writes of the messaging pipeline (SMS and e-mail).

The ``Mensagem`` row is the truth; Celery only carries "look at message N".
Every status change goes through :func:`_transitar` (allowed map + history row).
"""

import heapq
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize
from django.utils import timezone

from core.exceptions import RegraViolada, TransicaoInvalida

from .. import texto as texto_sms
from ..backends import Envio, ErroEnvio, obter_backend
from ..models import Mensagem, MensagemHistorico, Modem, Parametros
from ..silencio import silencio_ate
from ..telefones import NumeroInvalido, celular_normalizar
from .modems import modem_pausar

log = logging.getLogger(__name__)
Status = Mensagem.Status
# The e-mail channel's own Celery queue: an e-mail never waits behind a modem.
FILA_EMAIL = "email"


# --- status changes ----------------------------------------------------------


def _transitar(mensagem, para, *, usuario=None, observacao="", **campos) -> None:
    """The one place a message's status changes (row already locked or claimed)."""
    de = mensagem.status
    if para not in Mensagem.TRANSICOES[de]:
        raise TransicaoInvalida(
            f"A mensagem está “{Status(de).label}” e não pode passar para “{Status(para).label}”."
        )
    mensagem.status = para
    for nome, valor in campos.items():
        setattr(mensagem, nome, valor)
    mensagem.save(update_fields=["status", "atualizada_em", *campos])
    MensagemHistorico.objects.create(
        mensagem=mensagem, de=de, para=para, usuario=usuario, observacao=observacao[:300]
    )


# --- creation and enqueueing -------------------------------------------------


def modem_sem_worker_q(prefixo: str = "") -> models.Q:
    """Modems whose worker is gone: the health reading, which only the modem's own
    worker takes (every minute, from the sweep), is older than
    ``SMS_SAUDE_VALIDADE_SEGUNDOS`` (a modem never read counts from its creation)."""
    limite = timezone.now() - timedelta(seconds=settings.SMS_SAUDE_VALIDADE_SEGUNDOS)
    return models.Q(**{f"{prefixo}saude_lida_em__lt": limite}) | models.Q(
        **{f"{prefixo}saude_lida_em__isnull": True, f"{prefixo}criado_em__lt": limite}
    )


def _trabalho_em_espera() -> models.Subquery:
    """Parts a modem still has to send (pending + sending): a 3-part SMS is 3 sends."""
    return Coalesce(
        models.Sum(
            "mensagens__partes",
            filter=models.Q(
                mensagens__canal=Mensagem.Canal.SMS,
                mensagens__status__in=[Status.PENDENTE, Status.ENVIANDO],
            ),
        ),
        0,
    )


def modems_disponiveis() -> list[Modem]:
    """Modems that may take messages now (active, not paused or draining, with a live
    worker), least waiting work first, each annotated with ``trabalho`` (parts)."""
    return list(
        Modem.objects.filter(ativo=True, pausado_em__isnull=True, drenando=False)
        .exclude(modem_sem_worker_q())
        .annotate(trabalho=_trabalho_em_espera())
        .order_by("trabalho", "id")
    )


def _modem_escolher() -> Modem | None:
    """The available modem with a live worker and the least waiting work (in parts)."""
    disponiveis = modems_disponiveis()
    return disponiveis[0] if disponiveis else None


def modem_inutilizavel_q(prefixo: str = "modem__") -> models.Q:
    """Messages (``prefixo="modem__"``) whose modem cannot send them: none, inactive,
    paused (or draining), or its worker gone."""
    return (
        models.Q(**{f"{prefixo}isnull": True})
        | models.Q(**{f"{prefixo}ativo": False})
        | models.Q(**{f"{prefixo}pausado_em__isnull": False})
        | models.Q(**{f"{prefixo}drenando": True})
        | modem_sem_worker_q(prefixo)
    )


def mensagens_redistribuir(mensagens, *, destinos: list[Modem] | None = None) -> dict:
    """Give pending SMS to the available modems, least waiting work first, and wake
    those modems' workers on commit. Returns ``{modem: [ids]}`` of what moved.

    ``mensagens`` is a queryset of messages; only the ones still ``pendente`` when the
    UPDATE runs move (one in ``enviando`` is never moved: it may be on the air). The
    modem of a message is only a preference: whichever worker claims it sends it (see
    :func:`modem_drenar`), so moving one can never make it go twice.
    """
    destinos = modems_disponiveis() if destinos is None else destinos
    if not destinos:
        return {}
    carga = [(m.trabalho, i) for i, m in enumerate(destinos)]
    heapq.heapify(carga)
    por_modem: dict[int, list[int]] = {}
    linhas = (
        mensagens.filter(canal=Mensagem.Canal.SMS, status=Status.PENDENTE)
        .order_by("criada_em", "id")
        .values_list("pk", "partes", "modem_id")
    )
    for pk, partes, atual in linhas:
        trabalho, i = heapq.heappop(carga)
        if destinos[i].pk != atual:
            por_modem.setdefault(i, []).append(pk)
        heapq.heappush(carga, (trabalho + max(partes, 1), i))
    agora = timezone.now()
    movidas, publicar = {}, []
    with transaction.atomic():
        for i, ids in por_modem.items():
            modem = destinos[i]
            Mensagem.objects.filter(pk__in=ids, status=Status.PENDENTE).update(
                modem=modem, enfileirada_em=None, atualizada_em=agora
            )
            movidas[modem] = ids
        # Wake the new modems' workers for what is due now; a message waiting for its
        # back-off or for quiet hours to end is enqueued by the sweep once due.
        devidas = set(
            Mensagem.objects.filter(
                pk__in=[pk for ids in movidas.values() for pk in ids], status=Status.PENDENTE
            )
            .filter(
                models.Q(proxima_tentativa_em__isnull=True)
                | models.Q(proxima_tentativa_em__lte=agora)
            )
            .values_list("pk", flat=True)
        )
        publicar = [
            (pk, modem.fila) for modem, ids in movidas.items() for pk in ids if pk in devidas
        ]
        if publicar:
            transaction.on_commit(lambda: _publicar_varias(publicar))
    return movidas


def modems_acordar(modems) -> None:
    """Publish one drain task on each modem's queue (a wake-up; safe to repeat)."""
    from gsan.celery import SEM_NOVAS_TENTATIVAS, conexao_publicar

    from ..tasks import modem_drenar_task

    with conexao_publicar() as conexao:
        for modem in modems:
            try:
                modem_drenar_task.apply_async(
                    args=[modem.pk],
                    queue=modem.fila,
                    connection=conexao,
                    retry_policy=SEM_NOVAS_TENTATIVAS,
                )
            except Exception:  # broker sick: the sweep re-enqueues the messages
                log.warning("Fila %s indisponível; a varredura retoma o envio", modem.fila)
                return


def _publicar(mensagem_id: int, fila: str, countdown: float = 0) -> bool:
    """Hand the message id to the modem's queue; a broker failure is left to the sweep."""
    return bool(_publicar_varias([(mensagem_id, fila)], countdown=countdown))


def _publicar_varias(itens, *, countdown: float = 0) -> int:
    """Publish (message id, queue) pairs, then mark the published ones in one UPDATE.

    Stops at the first broker failure: the rest stay unmarked for the sweep.
    """
    from gsan.celery import SEM_NOVAS_TENTATIVAS, conexao_publicar

    from ..tasks import mensagem_enviar_task

    publicadas = []
    if not itens:
        return 0
    # Short timeouts and a single try (see conexao_publicar): this runs after the
    # commit of a web request, which must answer even when the broker does not.
    with conexao_publicar() as conexao:
        for mensagem_id, fila in itens:
            try:
                mensagem_enviar_task.apply_async(
                    args=[mensagem_id],
                    queue=fila,
                    countdown=countdown or None,
                    connection=conexao,
                    retry_policy=SEM_NOVAS_TENTATIVAS,
                )
            except Exception:  # broker sick: the rows are safe, the sweep re-enqueues them
                log.warning("Fila indisponível; a mensagem %s fica para a varredura", mensagem_id)
                break
            publicadas.append(mensagem_id)
    if publicadas:
        Mensagem.objects.filter(pk__in=publicadas).update(enfileirada_em=timezone.now())
    return len(publicadas)


def mensagem_enfileirar(mensagem: Mensagem, *, countdown: float = 0) -> None:
    """Enqueue after the surrounding transaction commits (never a task for an uncommitted row)."""
    if mensagem.canal == Mensagem.Canal.EMAIL:
        fila = FILA_EMAIL
    elif mensagem.modem_id is None or not mensagem.modem.disponivel:
        return  # no usable modem: resuming it (or the sweep's failover) enqueues the message
    else:
        fila = mensagem.modem.fila
    transaction.on_commit(lambda: _publicar(mensagem.pk, fila, countdown))


def mensagem_sms_criar(
    *,
    destino: str,
    texto: str,
    evento: str = Mensagem.Evento.AVULSA,
    usuario=None,
    registro_atendimento=None,
    origem_tipo: str = "",
    origem_id: int | None = None,
    modem: Modem | None = None,
    recusar_invalida: bool = True,
) -> Mensagem:
    """Create an SMS and enqueue it on commit.

    With ``recusar_invalida`` (screens, CLI) a bad number or text raises
    :class:`RegraViolada`; otherwise (automatic notifications) the message is
    stored as ``falhou`` with the reason, so it shows on the error screen.
    """
    preparada = sms_preparar(destino=destino, texto=texto, parametros=Parametros.atuais())
    return mensagem_preparada_gravar(
        preparada,
        recusar_invalida=recusar_invalida,
        evento=evento,
        registro_atendimento=registro_atendimento,
        origem_tipo=origem_tipo,
        origem_id=origem_id,
        usuario=usuario,
        modem=modem or _modem_escolher(),
    )


@dataclass
class Preparada:
    """A message's fields after the channel's checks, and why it cannot go ("" if it can)."""

    campos: dict
    problema: str = ""
    classe: str = ""
    campo: str = ""


def sms_preparar(*, destino: str, texto: str, parametros: Parametros) -> Preparada:
    """The rules of a new SMS: the number normalized, the text cleaned (and transliterated
    when the parameters say so) and its length checked in the real encoding."""
    problema, classe = "", ""
    try:
        destino = celular_normalizar(destino)
    except NumeroInvalido as exc:
        problema, classe = str(exc), Mensagem.ClasseErro.NUMERO
    preparado = texto_sms.preparar(texto, transliterar_acentos=parametros.transliterar)
    if not problema:
        problema = _problema_texto(preparado, parametros)
        classe = Mensagem.ClasseErro.TEXTO if problema else ""
    campos = {
        "canal": Mensagem.Canal.SMS,
        "destino": destino,
        "texto": preparado.texto,
        "codificacao": preparado.codificacao,
        "partes": preparado.partes,
    }
    campo = "destino" if classe == Mensagem.ClasseErro.NUMERO else "texto"
    return Preparada(campos, problema, classe, campo if problema else "")


def mensagem_preparada_gravar(preparada: Preparada, *, recusar_invalida: bool, **campos):
    """The tail of creating one message of any channel: with ``recusar_invalida`` a
    problem raises :class:`RegraViolada` on its field; otherwise the message is stored
    (``falhou`` with the problem, or enqueued)."""
    if preparada.problema and recusar_invalida:
        raise RegraViolada(preparada.problema, campo=preparada.campo)
    return mensagem_gravar(
        problema=preparada.problema, classe=preparada.classe, **campos, **preparada.campos
    )


def _nova(*, registro_atendimento, origem_tipo: str, origem_id, usuario, **campos) -> Mensagem:
    return Mensagem(
        registro_atendimento=registro_atendimento,
        origem_tipo=origem_tipo or ("ra" if registro_atendimento else ""),
        origem_id=origem_id or getattr(registro_atendimento, "pk", None),
        criada_por=usuario,
        **campos,
    )


def mensagem_gravar(
    *,
    problema: str,
    classe: str,
    registro_atendimento,
    origem_tipo: str,
    origem_id: int | None,
    usuario,
    **campos,
) -> Mensagem:
    """Store a new message of any channel with its first history row, then either
    ``falhou`` with ``problema`` (class ``classe``) or enqueued on commit."""
    with transaction.atomic():
        mensagem = _nova(
            registro_atendimento=registro_atendimento,
            origem_tipo=origem_tipo,
            origem_id=origem_id,
            usuario=usuario,
            **campos,
        )
        mensagem.save(force_insert=True)
        MensagemHistorico.objects.create(mensagem=mensagem, para=Status.PENDENTE, usuario=usuario)
        if problema:
            _transitar(mensagem, Status.FALHOU, erro_classe=classe, erro_texto=problema[:300])
        else:
            mensagem_enfileirar(mensagem)
    return mensagem


def mensagens_criar_lote(itens, *, usuario=None) -> list[Mensagem]:
    """Create many messages of any channel at once (the billing batch) and enqueue them.

    Each item is a dict with ``canal`` (``sms``/``email``), ``destino``, ``texto``,
    ``evento`` and optionally ``assunto``, ``texto_html``, ``origem_tipo``,
    ``origem_id``, ``valida_ate``, ``max_tentativas``, ``registro_atendimento``.
    The rules are those of :func:`mensagem_sms_criar` and
    ``email.mensagem_email_criar`` (a bad number, address or text is stored as
    ``falhou`` with its reason, never raised); the SMS are shared among the
    available modems by least waiting work (in parts), as :func:`mensagens_redistribuir`
    does. Two INSERTs for the messages and their first history rows, then one broker
    connection publishes them all after the surrounding transaction commits.
    Returns the messages, in the order of ``itens``, with their ids.
    """
    from .email import email_preparar

    itens = list(itens)
    if not itens:
        return []
    parametros = Parametros.atuais()
    destinos = modems_disponiveis()
    carga = [(m.trabalho, i) for i, m in enumerate(destinos)]
    heapq.heapify(carga)
    mensagens, problemas = [], []
    for item in itens:
        item = dict(item)
        canal = item.pop("canal")
        destino, texto = item.pop("destino"), item.pop("texto")
        if canal == Mensagem.Canal.EMAIL:
            preparada = email_preparar(
                destino=destino,
                assunto=item.pop("assunto", ""),
                texto=texto,
                texto_html=item.pop("texto_html", ""),
            )
            modem = None
        elif canal == Mensagem.Canal.SMS:
            item.pop("assunto", None)
            item.pop("texto_html", None)
            preparada = sms_preparar(destino=destino, texto=texto, parametros=parametros)
            modem = None
            if carga and not preparada.problema:
                trabalho, i = heapq.heappop(carga)
                modem = destinos[i]
                heapq.heappush(carga, (trabalho + max(preparada.campos["partes"], 1), i))
        else:
            raise ValueError(f"Canal desconhecido: {canal!r}")
        campos = {**preparada.campos, **item}
        if preparada.problema:
            campos.update(
                status=Status.FALHOU,
                erro_classe=preparada.classe,
                erro_texto=preparada.problema[:300],
            )
        mensagens.append(
            _nova(
                registro_atendimento=campos.pop("registro_atendimento", None),
                origem_tipo=campos.pop("origem_tipo", ""),
                origem_id=campos.pop("origem_id", None),
                usuario=usuario,
                modem=modem,
                **campos,
            )
        )
        problemas.append(preparada.problema)
    with transaction.atomic():
        Mensagem.objects.bulk_create(mensagens)
        historico = []
        for mensagem, problema in zip(mensagens, problemas, strict=True):
            historico.append(
                MensagemHistorico(mensagem=mensagem, para=Status.PENDENTE, usuario=usuario)
            )
            if problema:
                historico.append(
                    MensagemHistorico(
                        mensagem=mensagem,
                        de=Status.PENDENTE,
                        para=Status.FALHOU,
                        observacao=problema[:300],
                    )
                )
        MensagemHistorico.objects.bulk_create(historico)
        publicar = [
            (m.pk, FILA_EMAIL if m.canal == Mensagem.Canal.EMAIL else m.modem.fila)
            for m in mensagens
            if m.status == Status.PENDENTE
            and (m.canal == Mensagem.Canal.EMAIL or m.modem is not None)
        ]
        if publicar:
            transaction.on_commit(lambda: _publicar_varias(publicar))
    return mensagens


def _problema_texto(preparado: texto_sms.TextoPreparado, parametros: Parametros) -> str:
    return texto_sms.problema_tamanho(
        preparado,
        tamanho_maximo=parametros.tamanho_maximo,
        permitir_multiparte=parametros.permitir_multiparte,
    )


# --- discarding and expiry -------------------------------------------------------

# Only messages never handed to a modem or a mail server may be discarded in bulk:
# one ``incerta`` may have reached the citizen, and a supervisor decides it.
DESCARTAVEIS = (Status.PENDENTE, Status.FALHOU)


def mensagens_descartar(
    mensagens, *, motivo: str, classe: str = "", usuario=None, lote: int = 1000
) -> int:
    """Discard, with a history row each, the messages of ``mensagens`` (a queryset or
    ids) that were never sent (``pendente`` or ``falhou``); the others are left alone.

    Each chunk of ``lote`` rows is locked and changed in its own transaction, so a
    worker claiming one of them at the same moment either sends it first (it is then
    no longer pending and is skipped here) or finds it discarded. ``classe`` (e.g.
    ``Mensagem.ClasseErro.EXPIRADA``) and ``motivo`` go to the message's error fields.
    Returns how many were discarded.
    """
    assert all(Status.DESCARTADA in Mensagem.TRANSICOES[s] for s in DESCARTAVEIS)
    if isinstance(mensagens, models.QuerySet):
        ids = list(mensagens.filter(status__in=DESCARTAVEIS).values_list("pk", flat=True))
    else:
        ids = list(mensagens)
    motivo = motivo[:300]
    descartadas = 0
    for inicio in range(0, len(ids), lote):
        with transaction.atomic():
            travadas = list(
                Mensagem.objects.select_for_update()
                .filter(pk__in=ids[inicio : inicio + lote], status__in=DESCARTAVEIS)
                .order_by("pk")
                .values_list("pk", "status")
            )
            if not travadas:
                continue
            campos = {"erro_texto": motivo}
            if classe:
                campos["erro_classe"] = classe
            Mensagem.objects.filter(pk__in=[pk for pk, _ in travadas]).update(
                status=Status.DESCARTADA, atualizada_em=timezone.now(), **campos
            )
            MensagemHistorico.objects.bulk_create(
                MensagemHistorico(
                    mensagem_id=pk,
                    de=de,
                    para=Status.DESCARTADA,
                    usuario=usuario,
                    observacao=f"Descartada: {motivo}"[:300],
                )
                for pk, de in travadas
            )
            descartadas += len(travadas)
    return descartadas


def motivo_expirada(valida_ate) -> str:
    quando = timezone.localtime(valida_ate).strftime("%d/%m/%Y %H:%M")
    return f"Passou do prazo de validade ({quando}) sem ser enviada."


def mensagens_expirar(mensagens=None, *, agora=None) -> int:
    """Discard as expired (``ClasseErro.EXPIRADA``) the not-yet-sent messages of
    ``mensagens`` (default: all) whose ``valida_ate`` has passed. Returns how many."""
    agora = agora or timezone.now()
    mensagens = Mensagem.objects.all() if mensagens is None else mensagens
    vencidas = mensagens.filter(valida_ate__lt=agora, status__in=DESCARTAVEIS)
    total = 0
    # One reason per deadline (a batch shares a handful of them).
    for valida_ate in vencidas.values_list("valida_ate", flat=True).distinct().order_by():
        total += mensagens_descartar(
            vencidas.filter(valida_ate=valida_ate),
            motivo=motivo_expirada(valida_ate),
            classe=Mensagem.ClasseErro.EXPIRADA,
        )
    return total


def _expirar_se(mensagem: Mensagem, agora, *, motivo: str = "") -> bool:
    """At claim time: discard a pending message past its ``valida_ate`` instead of
    sending it (one conditional UPDATE, as a claim). True when it was discarded."""
    if mensagem.valida_ate is None or (not motivo and mensagem.valida_ate >= agora):
        return False
    motivo = motivo or motivo_expirada(mensagem.valida_ate)
    feito = Mensagem.objects.filter(pk=mensagem.pk, status=Status.PENDENTE).update(
        status=Status.DESCARTADA,
        erro_classe=Mensagem.ClasseErro.EXPIRADA,
        erro_texto=motivo[:300],
        enfileirada_em=None,
        atualizada_em=agora,
    )
    if feito:
        MensagemHistorico.objects.create(
            mensagem_id=mensagem.pk,
            de=Status.PENDENTE,
            para=Status.DESCARTADA,
            observacao=f"Descartada: {motivo}"[:300],
        )
    return bool(feito)


# --- sending -------------------------------------------------------------------


def _transitar_se(mensagem_id: int, de: str, para: str, **campos) -> bool:
    """Conditional status change (UPDATE … WHERE status = de) plus its history row.

    The hot path of sending (a modem worker at full speed): the UPDATE alone is
    atomic and decides; the history row follows in autocommit, saving the
    BEGIN/COMMIT round trips. A crash between the two can only lose the history
    row of a routine success — the message row, the truth, is already right.
    """
    if para not in Mensagem.TRANSICOES[de]:
        raise TransicaoInvalida(f"Transição {de} → {para} não permitida.")
    feito = Mensagem.objects.filter(pk=mensagem_id, status=de).update(
        status=para, atualizada_em=timezone.now(), **campos
    )
    if feito:
        MensagemHistorico.objects.create(mensagem_id=mensagem_id, de=de, para=para)
    return bool(feito)


_parametros_cache: tuple[float, Parametros] | None = None


def _parametros() -> Parametros:
    """The parameters, cached a few seconds per process (read on every send)."""
    global _parametros_cache
    agora = time.monotonic()
    if _parametros_cache is None or _parametros_cache[0] <= agora:
        ttl = settings.SMS_PARAMETROS_CACHE_SEGUNDOS
        _parametros_cache = (agora + ttl, Parametros.atuais())
    return _parametros_cache[1]


def _reservar_vez(modem: Modem):
    """Wait for the modem's turn: a send starts no sooner than its interval after the last start.

    The last start lives in the database and is taken with a conditional UPDATE,
    so the pace holds across worker restarts and even if two workers were
    misconfigured on one queue. Returns the start instant, or None when the modem is
    paused or inactive. A concatenated SMS then holds more turns (:func:`_estender_vez`).
    """
    while True:
        agora = timezone.now()
        limite = agora - timedelta(seconds=modem.intervalo_segundos)
        tomou = (
            Modem.objects.filter(pk=modem.pk, ativo=True, pausado_em__isnull=True)
            .filter(
                models.Q(ultimo_inicio_envio__isnull=True)
                | models.Q(ultimo_inicio_envio__lte=limite)
            )
            .update(ultimo_inicio_envio=agora)
        )
        if tomou:
            return agora
        modem.refresh_from_db(
            fields=["ativo", "pausado_em", "ultimo_inicio_envio", "intervalo_segundos"]
        )
        if not modem.disponivel:
            return None
        proximo = modem.ultimo_inicio_envio + timedelta(seconds=modem.intervalo_segundos)
        time.sleep(max((proximo - timezone.now()).total_seconds(), 0.001))


def _estender_vez(modem: Modem, inicio, partes: int) -> None:
    """Each part of a concatenated SMS is one send for the modem and the network: the
    parts go back to back, and the turn taken at ``inicio`` grows to ``partes``
    intervals (the stored "last start" moves to the last part's slot), so the next
    message starts no sooner than ``partes`` × interval after this one started."""
    if partes > 1:
        Modem.objects.filter(pk=modem.pk, ultimo_inicio_envio=inicio).update(
            ultimo_inicio_envio=inicio + timedelta(seconds=modem.intervalo_segundos * (partes - 1))
        )


def _devolver_vez(modem: Modem, inicio) -> None:
    """A start reserved for a message another worker claimed first: give it back, so the
    modem's next send may start at once (never earlier than its interval allows)."""
    Modem.objects.filter(pk=modem.pk, ultimo_inicio_envio=inicio).update(
        ultimo_inicio_envio=inicio - timedelta(seconds=modem.intervalo_segundos)
    )


def _devida_q(agora) -> models.Q:
    return models.Q(proxima_tentativa_em__isnull=True) | models.Q(proxima_tentativa_em__lte=agora)


# Sent before the rest of a modem's queue: a citizen who texted a protocol is waiting
# for the answer (issue 10, benchmark (d): within 2 modem intervals), even behind a batch.
EVENTOS_PRIORITARIOS = (Mensagem.Evento.RESPOSTA_SMS,)
_PRIORIDADE = models.Case(
    models.When(evento__in=EVENTOS_PRIORITARIOS, then=models.Value(0)),
    default=models.Value(1),
)


def _proxima_candidata(modem: Modem) -> Mensagem | None:
    """The SMS ``modem`` should send next, when it is due (least waiting work first).

    1. its own due messages, oldest first;
    2. else the oldest due message no other modem can send now (no modem, or one
       that is inactive, paused, draining or without a live worker);
    3. else the oldest due message that waits behind another on a busy modem (that
       modem is sending, or has an older due message ahead of it): an idle worker
       takes work from a busy one instead of waiting.

    Within each step, :data:`EVENTOS_PRIORITARIOS` go before the oldest.
    """
    agora = timezone.now()
    devidas = (
        Mensagem.objects.select_related("modem")
        .filter(canal=Mensagem.Canal.SMS, status=Status.PENDENTE)
        .filter(_devida_q(agora))
        .order_by(_PRIORIDADE, "criada_em", "id")
    )
    propria = devidas.filter(modem=modem).first()
    if propria is not None:
        return propria
    orfa = devidas.filter(modem_inutilizavel_q()).first()
    if orfa is not None:
        return orfa
    mesmo_modem = Mensagem.objects.filter(canal=Mensagem.Canal.SMS, modem_id=OuterRef("modem_id"))
    enviando = mesmo_modem.filter(status=Status.ENVIANDO)
    antes = mesmo_modem.filter(status=Status.PENDENTE).filter(
        _devida_q(agora),
        models.Q(criada_em__lt=OuterRef("criada_em"))
        | models.Q(criada_em=OuterRef("criada_em"), pk__lt=OuterRef("pk")),
    )
    return devidas.exclude(modem=modem).filter(Exists(enviando) | Exists(antes)).first()


def _adiar_no_silencio(mensagem: Mensagem, agora) -> bool:
    """Hold a message of a quiet-hours event until the window ends (see ``silencio``).

    It becomes due again at the window's end and the sweep enqueues it then; it is
    not enqueued now, so a retry after a back-off that lands in the window waits too.
    """
    ate = silencio_ate(mensagem.evento, agora, parametros=_parametros())
    if ate is None:
        return False
    if mensagem.valida_ate is not None and ate > mensagem.valida_ate:
        # Held past its deadline: it would go out too late, so it expires now.
        quando = timezone.localtime(mensagem.valida_ate).strftime("%d/%m/%Y %H:%M")
        fim = timezone.localtime(ate).strftime("%d/%m/%Y %H:%M")
        _expirar_se(
            mensagem,
            agora,
            motivo=f"O horário de silêncio vai até {fim}, depois do prazo de validade "
            f"({quando}); a mensagem não foi enviada.",
        )
        return True
    Mensagem.objects.filter(pk=mensagem.pk, status=Status.PENDENTE).update(
        proxima_tentativa_em=ate, enfileirada_em=None
    )
    return True


def mensagem_enviar(
    *, mensagem_id: int, modem_id: int | None = None, drenar_ate: float | None = None
) -> str | None:
    """Send one pending SMS. Safe to run twice: the claim is atomic.

    ``modem_id`` is the modem whose worker runs this (the queue the task came from);
    without it, the message's own modem. The message is sent when it is that modem's,
    or no other modem can send it now (see :func:`_proxima_candidata`). With
    ``drenar_ate`` (a ``time.monotonic()`` deadline) the worker then keeps sending
    (see :func:`modem_drenar`). Returns the status this message ended in, or None
    when there was nothing to do. An e-mail goes to
    :func:`mensageria.services.email.email_enviar` (same contract).
    """
    mensagem = Mensagem.objects.select_related("modem").filter(pk=mensagem_id).first()
    if mensagem is not None and mensagem.canal == Mensagem.Canal.EMAIL:
        from .email import email_enviar

        return email_enviar(mensagem=mensagem, drenar_ate=drenar_ate)
    if modem_id is not None:
        modem = Modem.objects.filter(pk=modem_id).first()
    else:
        modem = mensagem.modem if mensagem is not None else None
    if modem is None:
        return None
    resultado = None
    if (
        mensagem is not None
        and _pode_enviar(mensagem, modem)
        and not (drenar_ate is not None and _prioritaria_espera(mensagem, modem))
    ):
        enviada = _enviar_proxima(modem, primeira=mensagem)
        if enviada is not None and enviada[0] == mensagem.pk:
            resultado = enviada[1]
    if drenar_ate is not None:
        modem_drenar(modem_id=modem.pk, ate=drenar_ate)
    return resultado


def _prioritaria_espera(mensagem: Mensagem, modem: Modem) -> bool:
    """A reply (:data:`EVENTOS_PRIORITARIOS`) is due on this modem while the task is for
    an ordinary message: the drain sends the reply first, then this one in its turn."""
    if mensagem.evento in EVENTOS_PRIORITARIOS:
        return False
    return (
        Mensagem.objects.filter(
            canal=Mensagem.Canal.SMS,
            status=Status.PENDENTE,
            modem=modem,
            evento__in=EVENTOS_PRIORITARIOS,
        )
        .filter(_devida_q(timezone.now()))
        .exists()
    )


def _pode_enviar(mensagem: Mensagem, modem: Modem) -> bool:
    agora = timezone.now()
    if mensagem.status != Status.PENDENTE or mensagem.canal != Mensagem.Canal.SMS:
        return False
    if mensagem.proxima_tentativa_em and mensagem.proxima_tentativa_em > agora:
        return False
    dono = mensagem.modem
    return dono is None or dono.pk == modem.pk or not dono.disponivel or dono.sem_worker


def modem_drenar(*, modem_id: int, ate: float) -> int:
    """Send through a modem the SMS due for it (see :func:`_proxima_candidata`), one
    after the other at its pace, until none is due, the modem stops being available,
    or the ``time.monotonic()`` deadline ``ate`` passes. Returns how many were sent.

    How a message finds a modem (a pool of modems, possibly on several hosts): it
    is bound at creation to the available modem with the least waiting work (in
    parts), and rebound when that modem pauses or drains (:func:`modem_pausar`), is
    resumed after all were paused, or loses its worker (the sweep). The binding is
    a preference and a wake-up address, not a lock: the worker with a free turn
    claims the best due message for itself with one conditional UPDATE (``pendente``
    → ``enviando``, setting ``modem`` to itself), so a message is sent by exactly one
    modem whatever moved meanwhile, and one in ``enviando`` is never moved.

    The modem's worker calls it after each task: the database is the queue, Celery
    messages are wake-ups (the task of a message sent here finds it sent and does
    nothing), and the per-message dispatch cost disappears from the modem's pace.
    """
    modem = Modem.objects.filter(pk=modem_id).first()
    enviadas = 0
    while modem is not None and time.monotonic() < ate:
        _entrada_se_avisada(modem)
        if _enviar_proxima(modem) is None:
            break
        enviadas += 1
    return enviadas


def _entrada_se_avisada(modem: Modem) -> None:
    """Between two sends: read the inbound SMS/delivery reports the modem announced, so
    a citizen's query is not stuck behind the whole queue (the port's watcher thread
    would get there too, but only once the drain lets go of the port)."""
    from .entrada import modem_entrada_ler

    backend = obter_backend(modem)
    if backend.ha_entrada():
        modem_entrada_ler(modem=modem)
    else:
        # The port's watcher thread may be reading right now (it cleared the flag):
        # wait for it, so a reply it stores is chosen before the next message.
        backend.aguardar_leitura()


def _enviar_proxima(modem: Modem, primeira: Mensagem | None = None) -> tuple[int, str] | None:
    """Claim the next due message for ``modem`` (only ``primeira``, when given) and
    send it.

    Returns (message id, status it ended in), or None when nothing was sent (nothing
    due, or the modem is paused or inactive).
    """
    inicio = None
    so_esta = primeira is not None
    try:
        while True:
            mensagem = primeira if so_esta else _proxima_candidata(modem)
            if mensagem is None:
                return None
            primeira = None
            if _expirar_se(mensagem, timezone.now()):
                continue  # past its deadline: discarded, never sent
            if _adiar_no_silencio(mensagem, timezone.now()):
                continue  # waits for the morning; the messages behind it may go now
            if inicio is None:
                inicio = _reservar_vez(modem)
                if inicio is None:
                    return None  # paused or inactive: the message waits (or moves)
            # The claim is one UPDATE (no history row: enviando_desde records it); the
            # outcome below writes the history row.
            reclamada = (
                Mensagem.objects.filter(pk=mensagem.pk, status=Status.PENDENTE)
                .filter(_devida_q(inicio))
                .filter(models.Q(valida_ate__isnull=True) | models.Q(valida_ate__gte=inicio))
                .update(
                    status=Status.ENVIANDO,
                    modem=modem,
                    enviando_desde=inicio,
                    tentativas=models.F("tentativas") + 1,
                    atualizada_em=inicio,
                )
            )
            if reclamada:
                usado, inicio = inicio, None
                _estender_vez(modem, usado, mensagem.partes)
                return mensagem.pk, _transmitir(mensagem, modem, usado)
            # Another worker claimed it while this one waited for its turn (or its
            # deadline passed meanwhile: discarded now): the next one.
            _expirar_se(mensagem, inicio)
    finally:
        if inicio is not None:
            _devolver_vez(modem, inicio)


def _transmitir(mensagem: Mensagem, modem: Modem, inicio) -> str:
    """Hand a claimed message to the modem and record the outcome."""
    envio = Envio(mensagem.destino, mensagem.texto, mensagem.codificacao, mensagem.partes)
    try:
        referencias = list(obter_backend(modem).enviar(envio) or [])
    except ErroEnvio as erro:
        return _registrar_falha(mensagem.pk, modem, erro)
    except Exception as exc:
        # An unforeseen failure: we cannot know whether the text left, so never resend blindly.
        log.exception("Falha inesperada ao enviar a mensagem %s", mensagem.pk)
        erro = ErroEnvio(f"Falha inesperada no envio: {exc!r}"[:300], classe="incerto")
        return _registrar_falha(mensagem.pk, modem, erro)
    instante = timezone.now()
    concluida = _transitar_se(
        mensagem.pk,
        Status.ENVIANDO,
        Status.ENVIADA,
        enviada_em=instante,
        referencia=referencias[0] if referencias else None,
        referencias=referencias,
        entrega=Mensagem.Entrega.AGUARDANDO,
        entrega_em=None,
        entrega_status=None,
        entrega_texto="",
        erro_codigo=None,
        erro_texto="",
        erro_classe="",
    )
    if not concluida:  # the sweep declared it incerta meanwhile
        return Mensagem.objects.values_list("status", flat=True).get(pk=mensagem.pk)
    if referencias:
        from .entrada import mensagem_entrega_conciliar

        # A report can be read before this row said which references are its own.
        mensagem_entrega_conciliar(mensagem_id=mensagem.pk)
    return Status.ENVIADA


_MOTIVO_MUDO = (
    "O modem parou de responder (nem ao AT). As mensagens em espera não saíram e "
    "continuam pendentes; verifique o modem e retome-o."
)


def _backoff(tentativa: int) -> float:
    base = settings.SMS_BACKOFF_SEGUNDOS
    return min(base * (2 ** max(tentativa - 1, 0)), settings.SMS_BACKOFF_MAXIMO_SEGUNDOS)


def _registrar_falha(mensagem_id: int, modem: Modem | None, erro: ErroEnvio) -> str:
    """What a failed send means for the row. ``modem`` is None for an e-mail: its
    transient errors are retried up to ``Mensagem.max_tentativas`` when set, else
    ``Parametros.email_max_tentativas``."""
    Classe = Mensagem.ClasseErro
    with transaction.atomic():
        mensagem = Mensagem.objects.select_for_update().get(pk=mensagem_id)
        if mensagem.status != Status.ENVIANDO:
            return mensagem.status
        if modem:
            max_tentativas = modem.max_tentativas
        else:  # an e-mail: its own limit (the batch's), else the parameters'
            max_tentativas = mensagem.max_tentativas or _parametros().email_max_tentativas
        erro_campos = {
            "erro_codigo": erro.codigo,
            "erro_texto": erro.texto[:300],
            "erro_classe": erro.classe,
        }
        if erro.classe == Classe.INCERTO:
            _transitar(mensagem, Status.INCERTA, observacao=erro.texto, **erro_campos)
            if erro.modem_mudo:
                modem_pausar(modem=modem, motivo=_MOTIVO_MUDO)
        elif erro.classe in (Classe.NUMERO, Classe.TEXTO, Classe.EMAIL, Classe.SMTP):
            _transitar(mensagem, Status.FALHOU, observacao=erro.texto, **erro_campos)
        elif erro.classe in (Classe.MODEM, Classe.DISPOSITIVO):
            # Not the message's fault: give the attempt back and let it wait for the modem.
            _transitar(
                mensagem,
                Status.PENDENTE,
                observacao=erro.texto,
                tentativas=max(mensagem.tentativas - 1, 0),
                enviando_desde=None,
                **erro_campos,
            )
            modem_pausar(
                modem=modem,
                motivo=_MOTIVO_MUDO if erro.modem_mudo else erro.texto,
                automatica=erro.classe == Classe.DISPOSITIVO,
            )
        elif mensagem.tentativas >= max_tentativas:
            _transitar(
                mensagem,
                Status.FALHOU,
                observacao=f"{erro.texto} — falhou em {mensagem.tentativas} "
                f"tentativa{pluralize(mensagem.tentativas)}; sem novas tentativas.",
                **erro_campos,
            )
        else:
            espera = _backoff(mensagem.tentativas)
            _transitar(
                mensagem,
                Status.PENDENTE,
                observacao=f"{erro.texto} — nova tentativa em {espera:g} s.",
                proxima_tentativa_em=timezone.now() + timedelta(seconds=espera),
                enviando_desde=None,
                **erro_campos,
            )
            mensagem_enfileirar(mensagem, countdown=espera)
        return mensagem.status
