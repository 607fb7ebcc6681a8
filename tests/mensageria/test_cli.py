import io

import pytest
from django.core.management import CommandError, call_command

from mensageria import services
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
    assert rodar("modem", "list") == (
        "a\t/dev/ttyUSB0\t115200\t7s\tmodem.a\tpendentes=0\tultimo_envio=nunca\tativo\n"
    )


def rodar_erro(*args) -> tuple[str, str]:
    saida, erro = io.StringIO(), io.StringIO()
    call_command(*args, stdout=saida, stderr=erro)
    return saida.getvalue(), erro.getvalue()


@pytest.fixture
def dois(db):
    a = Modem.objects.create(nome="a", dispositivo="/dev/ttyUSB0", intervalo_segundos=0)
    b = Modem.objects.create(nome="b", dispositivo="/dev/ttyUSB1", intervalo_segundos=0)
    for i in range(3):
        services.mensagem_sms_criar(destino=f"+558199999000{i}", texto="oi", modem=a)
    return a, b


def test_modem_pause_move_a_fila_e_resume(dois):
    a, b = dois
    saida = rodar("modem", "pause", "a", "--reason", "Troca do chip")
    assert saida == "Modem “a” pausado (Troca do chip).\n3 mensagens passaram para outros modems.\n"
    assert Mensagem.objects.filter(modem=b, status="pendente").count() == 3
    linhas = rodar("modem", "list").splitlines()
    assert linhas[0].endswith("\tpendentes=0\tultimo_envio=nunca\tpausado: Troca do chip")
    assert linhas[1].endswith("\tpendentes=3\tultimo_envio=nunca\tativo")
    assert rodar("modem", "pause", "a") == "Modem “a” já estava pausado (Troca do chip).\n"
    assert rodar("modem", "resume", "a") == "Modem “a” retomado; 0 mensagens na fila dele.\n"
    assert not Modem.objects.get(pk=a.pk).pausado
    assert rodar("modem", "resume", "a") == "Modem “a” não estava pausado; nada a fazer.\n"


def test_modem_drain_e_resume(dois):
    a, b = dois
    saida = rodar("modem", "drain", "a")
    assert saida == (
        "Modem “a” drenando (Drenado pela linha de comando): não recebe mensagens novas.\n"
        "3 mensagens passaram para outros modems.\n"
    )
    a.refresh_from_db()
    assert a.drenando and a.pausado
    assert "\tdrenando: Drenado pela linha de comando" in rodar("modem", "list").splitlines()[0]
    nova = services.mensagem_sms_criar(destino="+5581999990009", texto="nova")
    assert nova.modem == b
    services.mensagem_enviar(mensagem_id=nova.pk)
    assert "ultimo_envio=" in rodar("modem", "list").splitlines()[1]
    assert "ultimo_envio=nunca" not in rodar("modem", "list").splitlines()[1]
    rodar("modem", "resume", "a")
    a.refresh_from_db()
    assert not a.drenando and not a.pausado
    assert rodar("modem", "list").splitlines()[0].endswith("\tativo")


def test_modem_pause_sem_outro_modem_avisa_que_esperam(dois):
    a, b = dois
    rodar("modem", "pause", "b")
    saida, erro = rodar_erro("modem", "pause", "a")
    assert saida == "Modem “a” pausado (Pausado pela linha de comando).\n"
    assert "Nenhum outro modem disponível: 3 mensagens esperam por “a”" in erro
    assert "nada se perde" in erro
    assert Mensagem.objects.filter(modem=a, status="pendente").count() == 3
    # Resuming either one sends them: b takes a's waiting messages.
    assert rodar("modem", "resume", "b") == "Modem “b” retomado; 3 mensagens na fila dele.\n"
    assert Mensagem.objects.filter(modem=b, status="pendente").count() == 3


@pytest.mark.parametrize("acao", ["pause", "resume", "drain", "check"])
def test_modem_desconhecido_lista_os_nomes(dois, acao):
    with pytest.raises(
        CommandError, match=r"Modem “c” não cadastrado\. Modems cadastrados: a, b\."
    ):
        rodar("modem", acao, "c")


def test_modem_desconhecido_sem_nenhum_cadastrado(db):
    with pytest.raises(CommandError, match="nenhum modem cadastrado"):
        rodar("modem", "pause", "c")


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
