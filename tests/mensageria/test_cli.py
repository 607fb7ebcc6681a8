import io

import pytest
from django.core.management import CommandError, call_command

from mensageria.emulador import EmuladorModem
from mensageria.models import Mensagem, Modem

pytestmark = pytest.mark.django_db


def rodar(*args) -> str:
    saida = io.StringIO()
    call_command(*args, stdout=saida)
    return saida.getvalue()


@pytest.fixture
def gsm(settings):
    settings.SMS_BACKEND = "mensageria.backends.gsm.GsmBackend"


@pytest.fixture
def emulador_avulso(tmp_path, gsm):
    emu = EmuladorModem(tmp_path / "ttyCLI0", log_enviados=tmp_path / "log", latencia=0)
    emu.iniciar()
    yield emu
    emu.parar()


def test_modem_add_e_idempotente(db):
    saida = rodar("modem", "add", "--name", "USB 1", "--device", "/dev/ttyUSB0")
    assert "fila modem.usb-1" in saida and "-Q modem.usb-1 --concurrency=1" in saida
    rodar("modem", "add", "--name", "USB 1", "--device", "/dev/rfcomm0", "--interval", "9")
    modem = Modem.objects.get()
    assert (modem.dispositivo, modem.intervalo_segundos, modem.fila) == (
        "/dev/rfcomm0",
        9,
        "modem.usb-1",
    )


@pytest.mark.parametrize(
    ("args", "motivo"),
    [
        (["--device", "ttyUSB0"], "caminho completo"),
        (["--device", "/dev/ttyUSB0", "--interval", "-1"], "negativo"),
    ],
)
def test_modem_add_recusa(db, args, motivo):
    with pytest.raises(CommandError, match=motivo):
        rodar("modem", "add", "--name", "x", *args)


def test_modem_list(db):
    assert "Nenhum modem" in rodar("modem", "list")
    rodar("modem", "add", "--name", "a", "--device", "/dev/ttyUSB0")
    assert "a\t/dev/ttyUSB0\t115200\t7s\tmodem.a\tpendentes=0\tativo" in rodar("modem", "list")


def test_modem_check_pronto(emulador_avulso):
    rodar("modem", "add", "--name", "cli", "--device", str(emulador_avulso.link))
    saida = rodar("modem", "check", "cli")
    assert "sim: READY" in saida and "sinal: 21" in saida and "operadora: EMULADOR GSAN" in saida
    assert "pronto para enviar" in saida
    assert Modem.objects.get(nome="cli").saude["sinal"] == 21


@pytest.mark.parametrize(
    ("ajuste", "motivo"),
    [
        ({"sim": "SIM PIN"}, "PIN"),
        ({"registro": 3}, "registro negado"),
        ({"sinal": 0}, "sem sinal"),
    ],
)
def test_modem_check_inutilizavel_sai_com_erro(emulador_avulso, ajuste, motivo):
    for chave, valor in ajuste.items():
        setattr(emulador_avulso, chave, valor)
    rodar("modem", "add", "--name", "cli", "--device", str(emulador_avulso.link))
    with pytest.raises(CommandError, match=motivo):
        rodar("modem", "check", "cli")


def test_modem_check_dispositivo_ausente(db, tmp_path, gsm):
    rodar("modem", "add", "--name", "cli", "--device", str(tmp_path / "nada"))
    with pytest.raises(CommandError, match="indisponível"):
        rodar("modem", "check", "cli")
    with pytest.raises(CommandError, match="não cadastrado"):
        rodar("modem", "check", "outro")


def test_sms_send(db):
    rodar("modem", "add", "--name", "a", "--device", "/dev/ttyUSB0")
    saida = rodar("sms_send", "--to", "81 99999-0001", "--text", "Teste de envio")
    mensagem = Mensagem.objects.get()
    assert f"Mensagem {mensagem.pk} para +5581999990001 enfileirada (fila modem.a" in saida
    assert "GSM7, 1 parte)." in saida
    with pytest.raises(CommandError, match="brasileiro"):
        rodar("sms_send", "--to", "+44 20 7946 0000", "--text", "x")
    with pytest.raises(CommandError, match="1000"):
        rodar("sms_send", "--to", "81 99999-0001", "--text", "a" * 1000)
