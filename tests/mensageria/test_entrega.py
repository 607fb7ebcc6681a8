"""Long SMS (parts, references, pacing) and delivery reports, at the service level."""

import datetime
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import RegraViolada
from mensageria import services
from mensageria.backends import memoria
from mensageria.models import Mensagem, Modem, Parametros, RelatorioEntrega
from mensageria.pdu import RelatorioStatus
from mensageria.services.entrada import (
    entrega_status_texto,
    mensagem_entrega_conciliar,
    relatorio_entrega_registrar,
)

from .factories import modem_criar

pytestmark = pytest.mark.django_db
LONGO = "Aviso de interrupção: " + "ç" * 150  # 172 UCS-2 characters: three parts of 67


@pytest.fixture
def modem():
    return modem_criar(nome="principal")


@pytest.fixture
def parametros():
    p = Parametros.atuais()
    p.tamanho_maximo = 300
    p.save()
    return p


def enviar(modem, texto="Protocolo 20261000000001", destino="+5581999990001"):
    m = services.mensagem_sms_criar(destino=destino, texto=texto, modem=modem)
    services.mensagem_enviar(mensagem_id=m.pk)
    m.refresh_from_db()
    return m


def relatorio(referencia, destino="+5581999990001", status=0, entregue_em=None):
    agora = timezone.now()
    return RelatorioStatus(referencia, destino, agora, entregue_em or agora, status)


def test_sms_de_mil_caracteres_e_recusado_com_o_motivo(modem, parametros):
    with pytest.raises(RegraViolada) as erro:
        services.mensagem_sms_criar(destino="+5581999990001", texto="a" * 1000, modem=modem)
    assert "1000 caracteres GSM" in str(erro.value) and "máximo permitido é 300" in str(erro.value)
    assert not Mensagem.objects.exists()
    # An automatic notification is kept, failed, with the same reason.
    m = services.mensagem_sms_criar(
        destino="+5581999990001", texto="ã" * 1000, modem=modem, recusar_invalida=False
    )
    assert m.status == "falhou" and m.erro_classe == "texto"
    assert "1000 caracteres" in m.erro_texto and "300" in m.erro_texto


def test_sms_longo_guarda_a_referencia_de_cada_parte(modem, parametros):
    enviar(modem)  # one part: reference 1
    m = enviar(modem, texto=LONGO)
    assert m.status == "enviada" and m.partes == 3
    assert m.referencias == [2, 3, 4] and m.referencia == 2
    assert m.entrega == Mensagem.Entrega.AGUARDANDO
    assert memoria.enviadas[-1]["partes"] == 3


def test_sms_em_tres_partes_ocupa_tres_intervalos(modem, parametros):
    Modem.objects.filter(pk=modem.pk).update(intervalo_segundos=60)
    modem.refresh_from_db()
    m = enviar(modem, texto=LONGO)
    modem.refresh_from_db()
    # The next send waits until ultimo_inicio_envio + interval = start + 3 intervals.
    assert m.partes == 3
    assert modem.ultimo_inicio_envio == m.enviando_desde + timedelta(seconds=120)


def test_relatorio_entregue_marca_a_mensagem(modem):
    m = enviar(modem)
    quando = timezone.now() - timedelta(seconds=5)
    registro = relatorio_entrega_registrar(
        modem=modem, relatorio=relatorio(m.referencia, entregue_em=quando)
    )
    m.refresh_from_db()
    assert registro.mensagem == m and registro.entregue
    assert m.entrega == "entregue" and m.entrega_em == quando and m.entrega_status == 0


def test_sms_em_partes_so_e_entregue_com_todas(modem, parametros):
    m = enviar(modem, texto=LONGO)
    for referencia in m.referencias[:2]:
        relatorio_entrega_registrar(modem=modem, relatorio=relatorio(referencia))
    m.refresh_from_db()
    assert m.entrega == "aguardando" and m.entrega_texto == "2 de 3 partes entregues"
    relatorio_entrega_registrar(modem=modem, relatorio=relatorio(m.referencias[2]))
    m.refresh_from_db()
    assert m.entrega == "entregue" and m.relatorios.count() == 3


def test_relatorio_de_falha_diz_o_motivo(modem):
    m = enviar(modem)
    relatorio_entrega_registrar(modem=modem, relatorio=relatorio(m.referencia, status=0x41))
    m.refresh_from_db()
    assert m.entrega == "nao_entregue" and m.entrega_status == 0x41
    assert "número incompatível" in m.entrega_texto and "0x41" in m.entrega_texto


def test_falha_temporaria_continua_aguardando(modem):
    m = enviar(modem)
    relatorio_entrega_registrar(modem=modem, relatorio=relatorio(m.referencia, status=0x22))
    m.refresh_from_db()
    assert m.entrega == "aguardando" and m.entrega_status == 0x22
    assert m.entrega_texto.startswith("A operadora ainda tenta entregar: celular do destinatário")
    relatorio_entrega_registrar(modem=modem, relatorio=relatorio(m.referencia, status=0))
    m.refresh_from_db()
    assert m.entrega == "entregue"


def test_relatorio_desconhecido_e_guardado_e_registrado_no_log(modem, caplog):
    enviar(modem)
    with caplog.at_level(logging.WARNING, logger="mensageria.services.entrada"):
        registro = relatorio_entrega_registrar(
            modem=modem, relatorio=relatorio(200, destino="+5581999990009", status=0)
        )
    assert registro.pk and registro.mensagem is None and registro.referencia == 200
    assert "sem mensagem conhecida" in caplog.text and "referência 200" in caplog.text


def test_referencia_repetida_vai_para_a_mensagem_recente_do_mesmo_numero(modem):
    antiga = enviar(modem)
    Mensagem.objects.filter(pk=antiga.pk).update(
        enviada_em=timezone.now() - timedelta(days=10), referencia=5, referencias=[5]
    )
    outro_numero = enviar(modem, destino="+5581999990002")
    Mensagem.objects.filter(pk=outro_numero.pk).update(referencia=5, referencias=[5])
    # Another modem sent reference 5 to the same number: not this modem's report.
    vizinha = enviar(modem_criar(nome="vizinho"))
    Mensagem.objects.filter(pk=vizinha.pk).update(referencia=5, referencias=[5])
    registro = relatorio_entrega_registrar(modem=modem, relatorio=relatorio(5))
    assert registro.mensagem is None  # the only match is ten days old: the reference wrapped
    recente = enviar(modem)
    Mensagem.objects.filter(pk=recente.pk).update(referencia=5, referencias=[5])
    # National format in the report (no country code) still matches the number.
    registro = relatorio_entrega_registrar(modem=modem, relatorio=relatorio(5, "81999990001"))
    assert registro.mensagem_id == recente.pk


def test_relatorio_lido_antes_da_mensagem_ser_marcada_enviada_e_conciliado(modem):
    m = services.mensagem_sms_criar(destino="+5581999990001", texto="oi", modem=modem)
    Mensagem.objects.filter(pk=m.pk).update(status="enviando", enviando_desde=timezone.now())
    orfao = relatorio_entrega_registrar(modem=modem, relatorio=relatorio(9))
    assert orfao.mensagem is None
    Mensagem.objects.filter(pk=m.pk).update(
        status="enviada", enviada_em=timezone.now(), referencia=9, referencias=[9]
    )
    mensagem_entrega_conciliar(mensagem_id=m.pk)
    m.refresh_from_db()
    orfao.refresh_from_db()
    assert orfao.mensagem == m and m.entrega == "entregue"


@pytest.mark.parametrize(
    ("status", "trecho"),
    [
        (0x00, "entregue ao destinatário"),
        (0x46, "validade"),
        (0x5A, "falha permanente"),
        (0x2B, "ainda tenta"),
        (0x6F, "desistiu"),
    ],
)
def test_texto_do_status(status, trecho):
    assert trecho in entrega_status_texto(status)
    assert f"0x{status:02X}" in entrega_status_texto(status)


def test_relatorio_com_datas_da_central_em_outro_fuso(modem):
    m = enviar(modem)
    fuso = datetime.timezone(datetime.timedelta(hours=-3))
    quando = datetime.datetime.now(fuso).replace(microsecond=0)
    relatorio_entrega_registrar(modem=modem, relatorio=relatorio(m.referencia, entregue_em=quando))
    assert RelatorioEntrega.objects.get().entregue_em == quando
