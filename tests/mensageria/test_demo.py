import io

import pytest
from django.conf import settings

from mensageria import demo
from mensageria.models import Modem, Parametros

pytestmark = pytest.mark.django_db


def test_demo_registra_o_modem_emulado_e_e_idempotente():
    demo.carregar(io.StringIO())
    demo.carregar(io.StringIO())
    modem = Modem.objects.get()
    assert modem.nome == "emulador" and modem.fila == "modem.emulador"
    assert modem.dispositivo == str(settings.VAR_DIR / "modem" / "ttyEMU0")
    assert modem.intervalo_segundos == 7
    assert Parametros.atuais().transliterar is True
