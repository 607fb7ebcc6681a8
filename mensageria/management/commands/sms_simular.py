"""Text the emulated modem, as a citizen would (development: `make run`)."""

import json
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mensageria.telefones import NumeroInvalido, celular_normalizar


class Command(BaseCommand):
    help = (
        "Simula um SMS enviado ao modem emulado (`manage.py modem_emulador`, iniciado por "
        "`make run`): o emulador o recebe, o worker do modem o lê e a resposta, se houver, "
        "aparece no log de enviados do emulador."
    )

    def add_arguments(self, parser):
        pasta = settings.VAR_DIR / "modem"
        parser.add_argument("texto", help='texto do SMS, ex.: "20261000000001"')
        parser.add_argument(
            "--de", required=True, help="celular de quem envia, ex.: +5581999990001"
        )
        parser.add_argument(
            "--ucs2", action="store_true", help="envia em UCS-2 (como um celular com acentos)"
        )
        parser.add_argument(
            "--entrada", default=str(pasta / "entrada"), help="pasta que o emulador lê"
        )
        parser.add_argument(
            "--log", default=str(pasta / "enviados.log"), help="log de enviados do emulador"
        )

    def handle(self, *args, **opcoes):
        try:
            remetente = celular_normalizar(opcoes["de"])
        except NumeroInvalido as exc:
            raise CommandError(f"--de: {exc}") from exc
        pasta = Path(opcoes["entrada"])
        pasta.mkdir(parents=True, exist_ok=True)
        nome = uuid.uuid4().hex
        provisorio = pasta / f"{nome}.tmp"
        provisorio.write_text(
            json.dumps(
                {"de": remetente, "texto": opcoes["texto"], "ucs2": opcoes["ucs2"]},
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        # The emulator only reads *.json: the rename makes the request appear whole.
        os.replace(provisorio, pasta / f"{nome}.json")
        self.stdout.write(
            self.style.SUCCESS(
                f"SMS de {remetente} entregue ao modem emulado (pasta {pasta}). "
                f"Ele aparece em “SMS recebidos”; uma resposta automática sai em "
                f"{opcoes['log']} (tail -f)."
            )
        )
