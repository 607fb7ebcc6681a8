"""Demo data of the messaging app: the emulated modem that `make run` starts.

Idempotent: running it again changes nothing (the modem is matched by name).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import Mensagem, Modem, Parametros
from .services import modem_cadastrar, sms_recebido_registrar
from .services.supervisao import mensagem_descartar

NOME_MODEM_DEMO = "emulador"
DISPOSITIVO_DEMO = settings.VAR_DIR / "modem" / "ttyEMU0"
# The demo RAs queue one SMS each; at 7 s per SMS they would keep a newcomer's
# first RA waiting for minutes. A sample goes out, the rest are discarded.
AMOSTRA_SMS_DEMO = 3
# What citizens texted the modem, for the "SMS recebidos" screen (no protocol: no reply).
SMS_RECEBIDOS_DEMO = [
    ("+5581988880101", "Bom dia. A agua voltou na Rua da Aurora mas esta muito fraca."),
    ("+5581988880202", "Quero saber se ja mandaram alguem para o vazamento da minha rua"),
]


def preparar(stdout) -> None:
    """Before any app's demo rows: the demo RAs' SMS are rendered under these parameters."""
    # Demo utility's choice: accents transliterated, so each message is one GSM-7 SMS
    # (the catalogue's names have accents; in UCS-2 most texts would need two SMS).
    Parametros.objects.update_or_create(pk=1, defaults={"transliterar": True})


def carregar(stdout) -> None:
    preparar(stdout)
    existente = Modem.objects.filter(nome=NOME_MODEM_DEMO).first()
    if existente and existente.dispositivo == str(DISPOSITIVO_DEMO):
        stdout.write(f"Modem de demonstração “{NOME_MODEM_DEMO}” já cadastrado.")
        return
    modem = modem_cadastrar(
        nome=NOME_MODEM_DEMO, dispositivo=str(DISPOSITIVO_DEMO), baud=115200, intervalo=7.0
    )
    if existente is None:
        _reduzir_fila_da_demonstracao(stdout)
        _sms_recebidos_da_demonstracao(modem)
    stdout.write(
        f"Modem de demonstração “{modem.nome}” em {modem.dispositivo} (fila {modem.fila})."
    )


def _reduzir_fila_da_demonstracao(stdout) -> None:
    """First load only (no modem yet, so no real user's message can be waiting)."""
    pendentes = Mensagem.objects.filter(status=Mensagem.Status.PENDENTE).order_by("-criada_em")
    descartadas = 0
    for mensagem in pendentes[AMOSTRA_SMS_DEMO:]:
        mensagem_descartar(
            mensagem=mensagem,
            usuario=None,
            motivo="dados de demonstração (só uma amostra é enviada)",
        )
        descartadas += 1
    if descartadas:
        stdout.write(
            f"{descartadas} SMS dos RAs de demonstração descartados; "
            f"{AMOSTRA_SMS_DEMO} seguem como amostra."
        )


def _sms_recebidos_da_demonstracao(modem: Modem) -> None:
    quando = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=30)
    for i, (remetente, texto) in enumerate(SMS_RECEBIDOS_DEMO):
        sms_recebido_registrar(
            modem=modem,
            remetente=remetente,
            texto=texto,
            recebido_em=quando + datetime.timedelta(minutes=7 * i),
            partes=1,
        )
