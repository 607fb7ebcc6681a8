"""Writes about modems: register, pause, drain, resume, health readings."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.exceptions import RegraViolada

from ..models import LeituraSaude, Mensagem, Modem


def modem_cadastrar(
    *, nome: str, dispositivo: str, baud: int = 115200, intervalo: float = 7.0, **extras
) -> Modem:
    """Register a modem (or update the one with this name: idempotent for scripts)."""
    nome = nome.strip()
    if not nome:
        raise RegraViolada("Informe o nome do modem.", campo="nome")
    if intervalo < 0:
        raise RegraViolada("O intervalo entre envios não pode ser negativo.", campo="intervalo")
    if not dispositivo.startswith("/"):
        raise RegraViolada(
            "Informe o caminho completo do dispositivo, como /dev/ttyUSB0.", campo="dispositivo"
        )
    with transaction.atomic():
        modem, _ = Modem.objects.update_or_create(
            nome=nome,
            defaults={
                "dispositivo": dispositivo,
                "baud": baud,
                "intervalo_segundos": intervalo,
                **extras,
            },
        )
    return modem


def modem_pausar(
    *,
    modem: Modem,
    motivo: str,
    automatica: bool = False,
    usuario=None,
    drenar: bool = False,
) -> int:
    """Stop sending through a modem and move its waiting SMS to the other available
    modems at once (least waiting work first; their workers are woken on commit).

    Called when the modem fails (SIM error, device gone, hung: ``_registrar_falha``),
    by a supervisor (Modems screen, ``modem pause``) or to retire it (``drenar``:
    ``modem drain``, it takes no new messages until resumed). With no other modem
    available the messages stay with it, pending, until one resumes. A message in
    ``enviando`` is never moved. Returns how many messages moved.
    """
    from .mensagens import mensagens_redistribuir

    campos = {
        "pausado_em": timezone.now(),
        "motivo_pausa": motivo[:300],
        "pausa_automatica": automatica,
        "pausado_por": usuario,
    }
    from .alertas import alertas_avaliar_seguro

    with transaction.atomic():
        if Modem.objects.filter(pk=modem.pk, pausado_em__isnull=True).update(**campos):
            for nome, valor in campos.items():
                setattr(modem, nome, valor)
            # Supervisors hear of it now, not at the next sweep; the alert names the
            # waiting messages and the modems they pass to (moved just below).
            alertas_avaliar_seguro()
        if drenar:
            Modem.objects.filter(pk=modem.pk).update(
                drenando=True, pausa_automatica=False, motivo_pausa=motivo[:300]
            )
            modem.drenando, modem.pausa_automatica = True, False
            modem.motivo_pausa = motivo[:300]
        movidas = mensagens_redistribuir(Mensagem.objects.filter(modem=modem))
    return sum(len(ids) for ids in movidas.values())


def modem_retomar(*, modem: Modem, usuario=None) -> int:
    """Resume a paused (or draining) modem and enqueue its pending messages; messages
    left without a usable modem (all were paused) are shared among the available ones.
    Returns how many messages this modem has to send."""
    from .mensagens import (
        _publicar_varias,
        mensagens_redistribuir,
        modem_inutilizavel_q,
        modems_acordar,
    )

    with transaction.atomic():
        atualizado = Modem.objects.filter(pk=modem.pk).update(
            pausado_em=None,
            motivo_pausa="",
            pausa_automatica=False,
            pausado_por=None,
            drenando=False,
        )
        if not atualizado:
            return 0
        modem.refresh_from_db()
        pendentes = list(
            Mensagem.objects.filter(
                modem=modem, canal=Mensagem.Canal.SMS, status=Mensagem.Status.PENDENTE
            )
            .order_by("criada_em", "id")
            .values_list("pk", flat=True)
        )
        itens = [(pk, modem.fila) for pk in pendentes]
        if itens:
            transaction.on_commit(lambda: _publicar_varias(itens))
        else:
            # Even with nothing of its own, its worker takes work from busy modems.
            transaction.on_commit(lambda: modems_acordar([modem]))
        movidas = mensagens_redistribuir(Mensagem.objects.filter(modem_inutilizavel_q()))
    from .alertas import alertas_avaliar_seguro

    alertas_avaliar_seguro()  # the pause alert is resolved
    return len(pendentes) + len(movidas.get(modem, []))


def modem_saude_registrar(*, modem: Modem, saude: dict) -> LeituraSaude | None:
    """Store the modem's latest health reading, and keep it in the short history.

    The worker reads health every minute (the sweep asks it); the history keeps one
    reading about every ``SMS_SAUDE_HISTORICO_MINUTOS`` — and at once when the
    registration, the SIM or the error changes, so an outage shows when it began —
    and drops readings older than ``SMS_SAUDE_HISTORICO_DIAS``. Returns the history
    row written, or None.

    The reading is taken where the modem is plugged in (its own worker, or ``modem
    check``), so a good one for a modem paused automatically (device gone) means the
    device is back: the modem resumes (the beat host cannot see another host's /dev).
    """
    agora = timezone.now()
    Modem.objects.filter(pk=modem.pk).update(saude=saude, saude_lida_em=agora)
    _retomar_se_o_dispositivo_voltou(modem, saude)
    leitura = _leitura(modem, saude, agora)
    ultima = LeituraSaude.objects.filter(modem=modem).order_by("-quando", "-id").first()
    # Half a sweep of slack: readings arrive about a minute apart, never exactly.
    espaco = timedelta(minutes=settings.SMS_SAUDE_HISTORICO_MINUTOS) - timedelta(seconds=30)
    if ultima is not None and ultima.quando > agora - espaco and not _mudou(ultima, leitura):
        return None
    leitura.save()
    limite = agora - timedelta(days=settings.SMS_SAUDE_HISTORICO_DIAS)
    LeituraSaude.objects.filter(modem=modem, quando__lt=limite).delete()
    return leitura


def _leitura(modem: Modem, saude: dict, agora) -> LeituraSaude:
    sinal = saude.get("sinal")
    registro = str(saude.get("registro") or "")
    registrado = saude.get("registrado")
    if registrado is None:  # backends that only name the state
        registrado = registro.startswith("registrado")
    return LeituraSaude(
        modem=modem,
        quando=agora,
        # AT+CSQ: 0–31, 99 = unknown; kept as None so the chart leaves a gap.
        sinal=sinal if isinstance(sinal, int) and 0 <= sinal <= 31 else None,
        registro=registro[:60],
        registrado=bool(registrado) and not saude.get("erro"),
        operadora=str(saude.get("operadora") or "")[:60],
        sim=str(saude.get("sim") or "")[:30],
        erro=str(saude.get("erro") or "")[:300],
    )


def _mudou(anterior: LeituraSaude, nova: LeituraSaude) -> bool:
    return any(
        getattr(anterior, campo) != getattr(nova, campo)
        for campo in ("registrado", "registro", "sim", "erro", "operadora")
    )


def _retomar_se_o_dispositivo_voltou(modem: Modem, saude: dict) -> bool:
    if saude.get("erro"):
        return False
    if Modem.objects.filter(
        pk=modem.pk, ativo=True, pausa_automatica=True, pausado_em__isnull=False
    ).exists():
        modem_retomar(modem=modem)
        return True
    return False
