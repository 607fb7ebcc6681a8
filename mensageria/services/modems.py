"""Writes about modems: register, pause, resume, health readings."""

from django.db import transaction
from django.utils import timezone

from core.exceptions import RegraViolada

from ..models import Mensagem, Modem


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


def modem_pausar(*, modem: Modem, motivo: str, automatica: bool = False, usuario=None) -> None:
    """Stop sending through a modem; its messages stay pending until it resumes."""
    campos = {
        "pausado_em": timezone.now(),
        "motivo_pausa": motivo[:300],
        "pausa_automatica": automatica,
    }
    if Modem.objects.filter(pk=modem.pk, pausado_em__isnull=True).update(**campos):
        for nome, valor in campos.items():
            setattr(modem, nome, valor)


def modem_retomar(*, modem: Modem, usuario=None) -> int:
    """Resume a paused modem and enqueue its pending messages. Returns how many."""
    from .mensagens import _publicar_varias

    with transaction.atomic():
        atualizado = Modem.objects.filter(pk=modem.pk).update(
            pausado_em=None, motivo_pausa="", pausa_automatica=False
        )
        if not atualizado:
            return 0
        modem.refresh_from_db()
        pendentes = list(
            Mensagem.objects.filter(modem=modem, status=Mensagem.Status.PENDENTE)
            .order_by("criada_em", "id")
            .values_list("pk", flat=True)
        )
        itens = [(pk, modem.fila) for pk in pendentes]
        transaction.on_commit(lambda: _publicar_varias(itens))
    return len(pendentes)


def modem_saude_registrar(*, modem: Modem, saude: dict) -> None:
    Modem.objects.filter(pk=modem.pk).update(saude=saude, saude_lida_em=timezone.now())
