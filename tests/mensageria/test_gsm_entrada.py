"""The GSM backend in this process, against an emulator of its own (modes the shared
worker's session does not use): reading reports and inbound SMS, and a device that
vanishes while a send writes to it."""

import datetime

import pytest

from mensageria.backends import Envio, ErroEnvio, gsm
from mensageria.pdu import decodificar_recebida

from .integracao import esperar


class _Modem:
    """What the backend reads of a Modem row (no database needed)."""

    pk = None
    baud = 115200
    pin = ""
    modo = "pdu"
    timeout_segundos = 5
    nome = "emu-local"

    def __init__(self, dispositivo):
        self.dispositivo = dispositivo


@pytest.fixture
def emu_local(tmp_path, monkeypatch):
    from mensageria.emulador import EmuladorModem

    monkeypatch.setattr(gsm, "tratador_entrada", None)  # no watcher thread: we read by hand
    emu = EmuladorModem(
        tmp_path / "tty", log_enviados=tmp_path / "log", latencia=0, atraso_relatorio=0
    )
    emu.iniciar()
    yield emu
    emu.parar()


@pytest.fixture
def backend(emu_local):
    b = gsm.GsmBackend(_Modem(str(emu_local.link)))
    yield b
    b.fechar()


def ler(backend, **kw):
    relatorios, recebidos = [], []
    resumo = backend.ler_entrada(ao_relatorio=relatorios.append, ao_receber=recebidos.append, **kw)
    return resumo, relatorios, recebidos


def test_relatorio_direto_cds_quando_o_modem_nao_guarda(emu_local, backend):
    emu_local.ds_aceitos = {0, 1}  # refuses AT+CNMI=2,1,0,2,0: gsmmodem falls back to ds=1
    [referencia] = backend.enviar(Envio("+5581999990001", "oi", "gsm7", 1))
    assert emu_local._cnmi[3] == 1
    relatorios = []

    def chegou():
        relatorios.extend(ler(backend)[1])
        return relatorios

    esperar(chegou, mensagem="+CDS lido")
    [relatorio] = relatorios
    assert (relatorio.referencia, relatorio.destino, relatorio.status) == (
        referencia,
        "+5581999990001",
        0,
    )
    assert emu_local.memorias["SR"] == {}  # nothing stored: the PDU came with +CDS
    assert not backend.ha_entrada()


def test_texto_modo_texto_pede_relatorio_pelo_csmp(emu_local, backend):
    backend.modem.modo = "texto"
    emu_local.entregas["+5581999990001"] = "naoentregue:0x46"
    [referencia] = backend.enviar(Envio("+5581999990001", "oi", "gsm7", 1))
    assert "AT+CSMP=49,167,0,0" in emu_local.recebidos
    relatorios = []
    esperar(lambda: relatorios.extend(ler(backend)[1]) or relatorios, mensagem="+CDSI lido")
    [relatorio] = relatorios
    assert (relatorio.referencia, relatorio.status) == (referencia, 0x46)
    # A long text in a text-mode modem goes in PDU mode (concatenated, with UDH).
    partes = backend.enviar(Envio("+5581999990002", "y" * 200, "gsm7", 2))
    assert len(partes) == 2


def test_partes_que_nao_completam_sao_guardadas_apos_a_espera(emu_local, backend, settings):
    settings.SMS_PARTES_ESPERA_SEGUNDOS = 600
    antigo = datetime.datetime.now(datetime.UTC).replace(microsecond=0) - datetime.timedelta(
        minutes=5
    )
    backend.enviar(Envio("+5581999990001", "oi", "gsm7", 1))  # connect
    emu_local.entregas.clear()
    emu_local.receber_sms(
        "+5581988885555", "aaaa" + "bbbb" + "cccc", partes=3, omitir={2}, quando=antigo
    )
    resumo, _, recebidos = ler(backend, listar=True)
    assert recebidos == [] and resumo["partes_aguardando"] == 2
    assert len(emu_local.memorias["ME"]) == 2  # kept on the SIM for the missing part
    settings.SMS_PARTES_ESPERA_SEGUNDOS = 60
    resumo, _, [sms] = ler(backend, listar=True)
    assert sms.texto == "aaaa […] cccc" and sms.partes == 2 and sms.recebido_em == antigo
    assert emu_local.memorias["ME"] == {}


def test_falha_ao_guardar_mantem_o_sms_no_sim(emu_local, backend):
    backend.enviar(Envio("+5581999990001", "oi", "gsm7", 1))
    emu_local.receber_sms("+5581988884444", "20261000000001")

    def quebra(_sms):
        raise RuntimeError("banco fora do ar")

    resumo = backend.ler_entrada(ao_relatorio=lambda r: None, ao_receber=quebra, listar=True)
    assert resumo["recebidos"] == 0 and len(emu_local.memorias["ME"]) == 1
    _, _, [sms] = ler(backend, listar=True)  # the next read finds it again
    assert sms.texto == "20261000000001" and emu_local.memorias["ME"] == {}


def test_aviso_no_meio_de_uma_resposta_nao_se_perde(emu_local, backend):
    """A +CMTI the modem writes inside a command's answer is picked out of it."""
    backend.enviar(Envio("+5581999990001", "oi", "gsm7", 1))
    ler(backend, listar=True)
    emu_local.entregas["+5581999990001"] = "sem-relatorio"
    emu_local.receber_sms("+5581988883333", "oi", avisar=False)
    conexao = gsm._conexoes[emu_local.link.as_posix()]
    conexao.ha_entrada.clear()
    resposta = conexao._anotar(['+CMTI: "ME",0', "+CSQ: 21,99", "OK"])
    assert resposta == ["+CSQ: 21,99", "OK"] and backend.ha_entrada()
    _, _, [sms] = ler(backend)
    assert sms.remetente == "+5581988883333"


def test_sms_simular_entrega_ao_emulador_pela_pasta(tmp_path):
    import io

    from django.core.management import call_command

    from mensageria.emulador import EmuladorModem

    pasta = tmp_path / "entrada"
    emu = EmuladorModem(tmp_path / "tty", log_enviados=tmp_path / "log", pasta_entrada=pasta)
    emu.iniciar()
    try:
        saida = io.StringIO()
        call_command(
            "sms_simular", "Consulta 2026.1000.000001", "--de", "(81) 98888-7777",
            "--entrada", str(pasta), stdout=saida,
        )  # fmt: skip
        assert "+5581988887777" in saida.getvalue() and "enviados.log" in saida.getvalue()
        esperar(lambda: emu.memorias["ME"], mensagem="SMS guardado pelo emulador")
        [guardada] = emu.memorias["ME"].values()
        sms = decodificar_recebida(guardada["pdu"])
        assert (sms.remetente, sms.texto) == ("+5581988887777", "Consulta 2026.1000.000001")
        assert list(pasta.iterdir()) == []
    finally:
        emu.parar()


def test_sms_simular_recusa_numero_invalido(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--de"):
        call_command("sms_simular", "oi", "--de", "123", "--entrada", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_cds_cujo_pdu_vem_noutra_notificacao_e_relatorio_nao_gravado_ficam(emu_local, backend):
    from mensageria.emulador.pdu import codificar_status_report

    backend.enviar(Envio("+5581999990001", "oi", "gsm7", 1))
    emu_local.entregas["+5581999990001"] = "sem-relatorio"
    ler(backend, listar=True)
    agora = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    pdu, tamanho = codificar_status_report(
        42, "+5581999990001", 0, enviada_em=agora, entregue_em=agora
    )
    conexao = gsm._conexoes[emu_local.link.as_posix()]
    conexao._anotar([f"+CDS: {tamanho}"])  # the reader thread saw the line alone
    conexao._anotar([pdu])

    def quebra(_relatorio):
        raise RuntimeError("banco fora do ar")

    resumo = backend.ler_entrada(ao_relatorio=quebra, ao_receber=lambda s: None)
    assert resumo["relatorios"] == 0
    _, [relatorio], _ = ler(backend, listar=True)  # kept in memory for the next read
    assert (relatorio.referencia, relatorio.status) == (42, 0)
    assert ler(backend, listar=True)[1] == []


@pytest.mark.parametrize(
    ("regra", "motivo"),
    [("+5581900000001", "NUMERO=FALHA"), ("+5581900000001=naoentregue:xx", "TP-ST")],
)
def test_emulador_recusa_regra_malformada(regra, motivo):
    import io

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=motivo):
        call_command("modem_emulador", "--regra", regra, stdout=io.StringIO())


def test_regras_de_entrega_e_de_falha_separadas():
    from mensageria.management.commands.modem_emulador import _regras

    assert _regras(["+1=cms:1", "+2=naoentregue:0x41", "+3=sem-relatorio"]) == (
        {"+1": "cms:1"},
        {"+2": "naoentregue:0x41", "+3": "sem-relatorio"},
    )


def _some_ao_escrever(emu, conexao, comeco: bytes) -> None:
    """The device vanishes as the send writes ``comeco``: gsmmodem's reader thread meets
    it gone and closes the port under that write, which pyserial then fails with the
    TypeError seen in a worker's log (its file descriptor is already None)."""
    escrever = conexao.serial.write

    def write(dados):
        if dados.startswith(comeco):
            emu.desconectar()
            esperar(lambda: not conexao.alive, mensagem="o leitor viu o dispositivo sumir")
            raise TypeError("argument must be an int, or have a fileno() method.")
        return escrever(dados)

    conexao.serial.write = write


def test_porta_fechada_pelo_leitor_antes_do_cmgs_e_falha_de_dispositivo(emu_local, backend):
    """Nothing of the SMS was written: it did not leave, so it is not incerta (it waits
    or moves to another modem), and the modem is paused for a missing device."""
    backend.enviar(Envio("+5581999990001", "oi", "gsm7", 1))  # the port is open now
    _some_ao_escrever(emu_local, gsm._conexoes[str(emu_local.link)], b"AT+CMGS")
    with pytest.raises(ErroEnvio) as erro:
        backend.enviar(Envio("+5581999990002", "oi", "gsm7", 1))
    assert erro.value.classe == "dispositivo"
    assert "desapareceu" in erro.value.texto
    assert str(emu_local.link) not in gsm._conexoes  # reopened on the next send


def test_porta_fechada_pelo_leitor_ao_escrever_o_texto_e_incerta(emu_local, backend):
    """After the prompt the text may have reached the modem: never resent blindly."""
    backend.enviar(Envio("+5581999990001", "oi", "gsm7", 1))
    conexao = gsm._conexoes[str(emu_local.link)]
    _some_ao_escrever(emu_local, conexao, b"00")  # the PDU (no SMSC: starts with 00)
    with pytest.raises(ErroEnvio) as erro:
        backend.enviar(Envio("+5581999990002", "oi", "gsm7", 1))
    assert erro.value.classe == "incerto"


def test_vigia_de_porta_sem_modem_cadastrado_nao_fica_girando(emu_local, monkeypatch):
    """The watcher of a port whose modem row is gone (deleted, or registered again under
    a new id) has nothing to record the traffic for: it lowers the flag instead of
    calling the handler in a loop (each call a database query). What was announced stays
    on the SIM for the health task's listing of every memory."""
    chamadas = []

    def tratador(*, modem_id):
        chamadas.append(modem_id)
        return None  # modem_entrada_ler_por_id for a missing row

    monkeypatch.setattr(gsm, "tratador_entrada", tratador)
    modem = _Modem(str(emu_local.link))
    modem.pk = 999_999
    backend = gsm.GsmBackend(modem)
    try:
        backend.enviar(Envio("+5581999990001", "oi", "gsm7", 1))  # opens it: flag raised
        conexao = gsm._conexoes[str(emu_local.link)]
        esperar(lambda: chamadas, mensagem="o vigia chamou o tratador")
        esperar(lambda: not conexao.ha_entrada.is_set(), mensagem="o vigia baixou o sinal")
        assert set(chamadas) == {999_999}
    finally:
        backend.fechar()
