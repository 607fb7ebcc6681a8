"""Writes of the messaging pipeline (SMS and e-mail).

The ``Mensagem`` row is the truth; Celery only carries "look at message N".
Every status change goes through :func:`_transitar` (allowed map + history row).
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
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


def _modem_escolher() -> Modem | None:
    """The available modem with a live worker and the shortest queue (a pool shares the load)."""
    return (
        Modem.objects.filter(ativo=True, pausado_em__isnull=True)
        .exclude(modem_sem_worker_q())
        .annotate(
            fila_atual=models.Count(
                "mensagens",
                filter=models.Q(mensagens__status__in=[Status.PENDENTE, Status.ENVIANDO]),
            )
        )
        .order_by("fila_atual", "id")
        .first()
    )


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
    parametros = Parametros.atuais()
    problema, classe = "", ""
    try:
        destino = celular_normalizar(destino)
    except NumeroInvalido as exc:
        problema, classe = str(exc), Mensagem.ClasseErro.NUMERO
    preparado = texto_sms.preparar(texto, transliterar_acentos=parametros.transliterar)
    if not problema:
        problema = _problema_texto(preparado, parametros)
        classe = Mensagem.ClasseErro.TEXTO if problema else ""
    if problema and recusar_invalida:
        raise RegraViolada(problema, campo="destino" if classe == "numero" else "texto")
    with transaction.atomic():
        mensagem = Mensagem.objects.create(
            canal=Mensagem.Canal.SMS,
            evento=evento,
            destino=destino,
            texto=preparado.texto,
            codificacao=preparado.codificacao,
            partes=preparado.partes,
            registro_atendimento=registro_atendimento,
            origem_tipo=origem_tipo or ("ra" if registro_atendimento else ""),
            origem_id=origem_id or getattr(registro_atendimento, "pk", None),
            criada_por=usuario,
            modem=modem or _modem_escolher(),
        )
        MensagemHistorico.objects.create(mensagem=mensagem, para=Status.PENDENTE, usuario=usuario)
        if problema:
            _transitar(mensagem, Status.FALHOU, erro_classe=classe, erro_texto=problema[:300])
        else:
            mensagem_enfileirar(mensagem)
    return mensagem


def _problema_texto(preparado: texto_sms.TextoPreparado, parametros: Parametros) -> str:
    return texto_sms.problema_tamanho(
        preparado,
        tamanho_maximo=parametros.tamanho_maximo,
        permitir_multiparte=parametros.permitir_multiparte,
    )


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
    paused or inactive.
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


def mensagem_enviar(*, mensagem_id: int, drenar_ate: float | None = None) -> str | None:
    """Send one pending SMS through its modem. Safe to run twice: the claim is atomic.

    With ``drenar_ate`` (a ``time.monotonic()`` deadline) it then keeps sending
    the modem's other due messages, oldest first (see :func:`modem_drenar`).
    Returns the status this message ended in, or None when there was nothing to do.
    An e-mail goes to :func:`mensageria.services.email.email_enviar` (same contract).
    """
    mensagem = Mensagem.objects.select_related("modem").filter(pk=mensagem_id).first()
    if mensagem is not None and mensagem.canal == Mensagem.Canal.EMAIL:
        from .email import email_enviar

        return email_enviar(mensagem=mensagem, drenar_ate=drenar_ate)
    resultado = _enviar(mensagem) if mensagem is not None else None
    if drenar_ate is not None and mensagem is not None and mensagem.modem_id:
        modem_drenar(modem_id=mensagem.modem_id, ate=drenar_ate)
    return resultado


def modem_drenar(*, modem_id: int, ate: float) -> int:
    """Send a modem's due pending messages, oldest first, until none is due, the modem
    stops being available, or the ``time.monotonic()`` deadline ``ate`` passes.

    The modem's worker calls it after each task: the database is the queue, Celery
    messages are wake-ups (the task of a message sent here finds it sent and does
    nothing), and the per-message dispatch cost disappears from the modem's pace.
    """
    enviadas = 0
    while time.monotonic() < ate:
        mensagem = (
            Mensagem.objects.select_related("modem")
            .filter(modem_id=modem_id, status=Status.PENDENTE)
            .filter(
                models.Q(proxima_tentativa_em__isnull=True)
                | models.Q(proxima_tentativa_em__lte=timezone.now())
            )
            .order_by("criada_em", "id")
            .first()
        )
        if mensagem is None:
            break
        if _adiar_no_silencio(mensagem, timezone.now()):
            continue  # waits for the morning; the messages behind it may go now
        if _enviar(mensagem) is None:
            break
        enviadas += 1
    return enviadas


def _adiar_no_silencio(mensagem: Mensagem, agora) -> bool:
    """Hold a message of a quiet-hours event until the window ends (see ``silencio``).

    It becomes due again at the window's end and the sweep enqueues it then; it is
    not enqueued now, so a retry after a back-off that lands in the window waits too.
    """
    ate = silencio_ate(mensagem.evento, agora, parametros=_parametros())
    if ate is None:
        return False
    Mensagem.objects.filter(pk=mensagem.pk, status=Status.PENDENTE).update(
        proxima_tentativa_em=ate, enfileirada_em=None
    )
    return True


def _enviar(mensagem: Mensagem) -> str | None:
    agora = timezone.now()
    if (
        mensagem.status != Status.PENDENTE
        or mensagem.modem is None
        or not mensagem.modem.disponivel
        or (mensagem.proxima_tentativa_em and mensagem.proxima_tentativa_em > agora)
    ):
        return None
    if _adiar_no_silencio(mensagem, agora):
        return None
    modem = mensagem.modem
    inicio = _reservar_vez(modem)
    if inicio is None:
        return None  # paused or inactive: the message waits for it
    # The claim is one UPDATE (no history row: enviando_desde records it); the
    # outcome below writes the history row.
    reclamada = Mensagem.objects.filter(pk=mensagem.pk, status=Status.PENDENTE).update(
        status=Status.ENVIANDO,
        enviando_desde=inicio,
        tentativas=models.F("tentativas") + 1,
        atualizada_em=inicio,
    )
    if not reclamada:
        return None  # another run got it first
    envio = Envio(mensagem.destino, mensagem.texto, mensagem.codificacao, mensagem.partes)
    try:
        referencia = obter_backend(modem).enviar(envio)
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
        referencia=referencia,
        erro_codigo=None,
        erro_texto="",
        erro_classe="",
    )
    if not concluida:  # the sweep declared it incerta meanwhile
        return Mensagem.objects.values_list("status", flat=True).get(pk=mensagem.pk)
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
    transient errors are retried up to ``Parametros.email_max_tentativas``."""
    Classe = Mensagem.ClasseErro
    max_tentativas = modem.max_tentativas if modem else _parametros().email_max_tentativas
    with transaction.atomic():
        mensagem = Mensagem.objects.select_for_update().get(pk=mensagem_id)
        if mensagem.status != Status.ENVIANDO:
            return mensagem.status
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
