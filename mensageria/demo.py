"""Demo data of the messaging app: the emulated modem that `make run` starts.

Idempotent: running it again changes nothing (the modem is matched by name).
"""

from django.conf import settings

from .models import Modem, Parametros
from .services import modem_cadastrar

NOME_MODEM_DEMO = "emulador"
DISPOSITIVO_DEMO = settings.VAR_DIR / "modem" / "ttyEMU0"


def carregar(stdout) -> None:
    # Demo utility's choice: accents transliterated, so each message is one GSM-7 SMS
    # (the catalogue's names have accents; in UCS-2 most texts would need two SMS).
    Parametros.objects.update_or_create(pk=1, defaults={"transliterar": True})
    existente = Modem.objects.filter(nome=NOME_MODEM_DEMO).first()
    if existente and existente.dispositivo == str(DISPOSITIVO_DEMO):
        stdout.write(f"Modem de demonstração “{NOME_MODEM_DEMO}” já cadastrado.")
        return
    modem = modem_cadastrar(
        nome=NOME_MODEM_DEMO, dispositivo=str(DISPOSITIVO_DEMO), baud=115200, intervalo=7.0
    )
    stdout.write(
        f"Modem de demonstração “{modem.nome}” em {modem.dispositivo} (fila {modem.fila})."
    )
