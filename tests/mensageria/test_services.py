import datetime

import pytest
from django.utils import timezone

from core.exceptions import RegraViolada, TransicaoInvalida
from mensageria import selectors, services
from mensageria.backends import ErroEnvio, erro_cms, memoria
from mensageria.models import Mensagem, MensagemHistorico, Modem, Parametros

from .factories import modem_criar

pytestmark = pytest.mark.django_db
Status = Mensagem.Status


@pytest.fixture
def modem():
    return modem_criar(nome="principal", max_tentativas=3)


def criar(modem, texto="Seu protocolo: 20261000000001", destino="+5581999990001", **kw):
    return services.mensagem_sms_criar(destino=destino, texto=texto, modem=modem, **kw)


def test_criar_enfileira_no_commit(modem, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        m = criar(modem, destino="(81) 99999-0001")
    assert m.status == Status.PENDENTE
    assert m.destino == "+5581999990001"
    assert m.codificacao == "gsm7" and m.partes == 1
    assert len(callbacks) == 1
    assert list(m.historico.values_list("para", flat=True)) == ["pendente"]


def test_criar_escolhe_modem_disponivel_com_menor_fila():
    ocupado = modem_criar(nome="ocupado")
    livre = modem_criar(nome="livre")
    pausado = modem_criar(nome="pausado", pausado_em=timezone.now(), motivo_pausa="SIM")
    criar(ocupado)
    m = services.mensagem_sms_criar(destino="+5581999990002", texto="oi")
    assert m.modem == livre
    assert m.modem != pausado


def test_sem_modem_a_mensagem_espera(db):
    m = services.mensagem_sms_criar(destino="+5581999990002", texto="oi")
    assert m.modem is None and m.status == Status.PENDENTE
    assert services.mensagem_enviar(mensagem_id=m.pk) is None


@pytest.mark.parametrize("destino", ["+1 202 555 0100", "(81) 3333-4444", "123"])
def test_numero_nao_celular_brasileiro_recusado(modem, destino):
    with pytest.raises(RegraViolada) as erro:
        criar(modem, destino=destino)
    assert erro.value.campo == "destino"
    assert not Mensagem.objects.exists()


def test_numero_invalido_em_notificacao_automatica_fica_com_erro(modem):
    m = criar(modem, destino="(81) 3333-4444", recusar_invalida=False)
    assert m.status == Status.FALHOU
    assert m.erro_classe == "numero"
    assert "fixo" in m.erro_texto


def test_texto_de_1000_caracteres_recusado_com_motivo(modem):
    with pytest.raises(RegraViolada, match="1000 caracteres GSM; o máximo permitido é 164"):
        criar(modem, texto="a" * 1000)
    m = criar(modem, texto="a" * 1000, recusar_invalida=False)
    assert m.status == Status.FALHOU and m.erro_classe == "texto"
    assert len(m.texto) == 1000  # nothing lost


def test_tamanho_maximo_conta_na_codificacao_real(modem):
    parametros = Parametros.atuais()
    parametros.tamanho_maximo = 100
    parametros.save()
    criar(modem, texto="a" * 100)
    with pytest.raises(RegraViolada, match="101 caracteres"):
        criar(modem, texto="ã" * 101)
    with pytest.raises(RegraViolada, match="102 caracteres GSM"):
        criar(modem, texto="[" * 51)  # 51 characters, 102 septets


def test_multiparte_so_quando_permitido(modem):
    m = criar(modem, texto="ã" * 80)
    assert m.partes == 2
    parametros = Parametros.atuais()
    parametros.permitir_multiparte = False
    parametros.save()
    with pytest.raises(RegraViolada, match=r"não cabe num SMS.*UCS-2"):
        criar(modem, texto="ã" * 80)


def test_transliteracao_por_parametro(modem):
    parametros = Parametros.atuais()
    parametros.transliterar = True
    parametros.save()
    m = criar(modem, texto="Solicitação concluída")
    assert m.texto == "Solicitacao concluida" and m.codificacao == "gsm7"


def test_controle_removido_antes_de_gravar(modem):
    m = criar(modem, texto="Prot\x1aocolo\x1b 1")
    assert m.texto == "Protocolo 1"


def test_enviar_com_sucesso(modem):
    m = criar(modem)
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.ENVIADA
    m.refresh_from_db()
    modem.refresh_from_db()
    assert m.status == Status.ENVIADA and m.tentativas == 1
    assert m.referencia == 1 and m.enviada_em
    assert memoria.enviadas == [
        {
            "modem": "principal",
            "destino": "+5581999990001",
            "texto": "Seu protocolo: 20261000000001",
            "codificacao": "gsm7",
            "partes": 1,
        }
    ]
    assert selectors.modem_status_list()[0].ultimo_envio_em == m.enviada_em
    assert modem.ultimo_inicio_envio is not None
    assert m.enviando_desde == modem.ultimo_inicio_envio
    assert list(m.historico.values_list("de", "para")) == [
        ("", "pendente"),
        ("enviando", "enviada"),
    ]


def test_enviar_duas_vezes_envia_uma(modem):
    m = criar(modem)
    services.mensagem_enviar(mensagem_id=m.pk)
    assert services.mensagem_enviar(mensagem_id=m.pk) is None
    assert len(memoria.enviadas) == 1


def test_erro_temporario_tenta_de_novo_ate_o_maximo(modem, django_capture_on_commit_callbacks):
    memoria.falhas.extend([erro_cms(42), erro_cms(332), erro_cms(47)])
    m = criar(modem)
    for tentativa in (1, 2):
        with django_capture_on_commit_callbacks() as callbacks:
            assert services.mensagem_enviar(mensagem_id=m.pk) == Status.PENDENTE
        assert len(callbacks) == 1  # re-enqueued with backoff
        m.refresh_from_db()
        assert m.tentativas == tentativa and m.erro_classe == "temporario"
        assert m.proxima_tentativa_em is not None
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.FALHOU
    m.refresh_from_db()
    assert m.tentativas == 3 and m.erro_codigo == 47
    assert "falhou em 3 tentativas; sem novas tentativas" in m.historico.last().observacao
    assert memoria.enviadas == []


def test_nova_tentativa_respeita_o_backoff(modem, settings):
    settings.SMS_BACKOFF_SEGUNDOS = 60
    memoria.falhas.append(erro_cms(42))
    m = criar(modem)
    services.mensagem_enviar(mensagem_id=m.pk)
    m.refresh_from_db()
    assert m.proxima_tentativa_em > timezone.now() + datetime.timedelta(seconds=50)
    assert services.mensagem_enviar(mensagem_id=m.pk) is None  # too early
    assert memoria.enviadas == []


@pytest.mark.parametrize("codigo", [1, 21, 28, 29, 30])
def test_numero_ruim_falha_sem_nova_tentativa(modem, codigo):
    memoria.falhas.append(erro_cms(codigo))
    m = criar(modem)
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.FALHOU
    m.refresh_from_db()
    assert m.tentativas == 1 and m.erro_classe == "numero" and m.erro_codigo == codigo


@pytest.mark.parametrize("codigo", [310, 311, 312, 313, 314, 315, 316, 330])
def test_erro_de_sim_pausa_o_modem_e_a_mensagem_espera(modem, codigo):
    memoria.falhas.append(erro_cms(codigo))
    m = criar(modem)
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.PENDENTE
    m.refresh_from_db()
    modem.refresh_from_db()
    assert m.tentativas == 0 and m.erro_codigo == codigo
    assert modem.pausado and f"+CMS ERROR: {codigo}" in modem.motivo_pausa
    assert not modem.pausa_automatica
    # While paused nothing is sent.
    assert services.mensagem_enviar(mensagem_id=m.pk) is None
    assert memoria.enviadas == []


def test_retomar_modem_enfileira_o_que_esperava(modem, django_capture_on_commit_callbacks):
    memoria.falhas.append(erro_cms(310))
    m = criar(modem)
    services.mensagem_enviar(mensagem_id=m.pk)
    modem.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.modem_retomar(modem=modem) == 1
    assert len(callbacks) == 1
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.ENVIADA


def test_dispositivo_ausente_pausa_automatica(modem):
    memoria.falhas.append(ErroEnvio("Dispositivo sumiu", classe="dispositivo"))
    m = criar(modem)
    services.mensagem_enviar(mensagem_id=m.pk)
    modem.refresh_from_db()
    assert modem.pausado and modem.pausa_automatica
    m.refresh_from_db()
    assert m.status == Status.PENDENTE and m.tentativas == 0


def test_sem_confirmacao_depois_de_entregar_fica_incerta(modem):
    memoria.falhas.append("incerto")
    m = criar(modem)
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.INCERTA
    m.refresh_from_db()
    assert m.erro_classe == "incerto"
    assert services.mensagem_enviar(mensagem_id=m.pk) is None  # never a blind resend


# --- supervisor actions -------------------------------------------------------


def falhada(modem):
    memoria.falhas.append(erro_cms(1))
    m = criar(modem)
    services.mensagem_enviar(mensagem_id=m.pk)
    m.refresh_from_db()
    return m


def test_corrigir_numero_e_reenviar(modem, supervisor):
    m = falhada(modem)
    services.mensagem_reenviar(mensagem=m, usuario=supervisor, destino="81 99999-7777")
    m.refresh_from_db()
    assert m.status == Status.PENDENTE and m.destino == "+5581999997777" and m.tentativas == 0
    registro = m.historico.last()
    assert registro.usuario == supervisor and "+5581999997777" in registro.observacao
    assert services.mensagem_enviar(mensagem_id=m.pk) == Status.ENVIADA
    assert memoria.enviadas[-1]["destino"] == "+5581999997777"


def test_reenviar_com_numero_invalido_recusado(modem, supervisor):
    m = falhada(modem)
    with pytest.raises(RegraViolada, match="fixo"):
        services.mensagem_reenviar(mensagem=m, usuario=supervisor, destino="81 3333-4444")
    m.refresh_from_db()
    assert m.status == Status.FALHOU


def test_reenviar_mensagem_enviada_recusado(modem, supervisor):
    m = criar(modem)
    services.mensagem_enviar(mensagem_id=m.pk)
    with pytest.raises(TransicaoInvalida):
        services.mensagem_reenviar(mensagem=m, usuario=supervisor)


def test_descartar_exige_motivo_e_audita(modem, supervisor):
    m = falhada(modem)
    with pytest.raises(RegraViolada, match="por que"):
        services.mensagem_descartar(mensagem=m, usuario=supervisor, motivo=" ")
    services.mensagem_descartar(mensagem=m, usuario=supervisor, motivo="Cliente sem celular")
    m.refresh_from_db()
    assert m.status == Status.DESCARTADA
    assert m.historico.last().usuario == supervisor
    with pytest.raises(TransicaoInvalida):
        services.mensagem_descartar(mensagem=m, usuario=supervisor, motivo="de novo")


def test_confirmar_incerta(modem, supervisor):
    memoria.falhas.append("incerto")
    m = criar(modem)
    services.mensagem_enviar(mensagem_id=m.pk)
    services.mensagem_confirmar_envio(mensagem=m, usuario=supervisor)
    m.refresh_from_db()
    assert m.status == Status.ENVIADA


# --- sweep ------------------------------------------------------------------------


def test_varredura_enviando_parada_vira_incerta(modem):
    m = criar(modem)
    Mensagem.objects.filter(pk=m.pk).update(
        status=Status.ENVIANDO, enviando_desde=timezone.now() - datetime.timedelta(hours=1)
    )
    resumo = services.mensagens_varrer(enviando_limite=300)
    m.refresh_from_db()
    assert resumo["incertas"] == 1 and m.status == Status.INCERTA
    assert MensagemHistorico.objects.filter(mensagem=m, para="incerta").exists()


def test_varredura_nao_retoma_pelo_caminho_do_dispositivo(tmp_path):
    """The beat host cannot see another host's /dev: the modem's own worker resumes it
    (its health reading, see test_pool.py), never the sweep."""
    dispositivo = tmp_path / "ttyUSB9"
    dispositivo.touch()
    modem = modem_criar(
        dispositivo=str(dispositivo), pausado_em=timezone.now(), pausa_automatica=True
    )
    services.mensagens_varrer()
    modem.refresh_from_db()
    assert modem.pausado


def test_varredura_nao_retoma_pausa_por_sim(tmp_path):
    dispositivo = tmp_path / "ttyUSB9"
    dispositivo.touch()
    modem = modem_criar(dispositivo=str(dispositivo), pausado_em=timezone.now())
    services.mensagens_varrer()
    modem.refresh_from_db()
    assert modem.pausado


def test_varredura_reatribui_mensagens_de_modem_pausado(modem):
    m = criar(modem)
    Modem.objects.filter(pk=modem.pk).update(pausado_em=timezone.now())
    reserva = modem_criar(nome="reserva")
    resumo = services.mensagens_varrer()
    m.refresh_from_db()
    assert resumo["reatribuidas"] == 1 and m.modem == reserva


def test_drenar_envia_as_devidas_do_modem_em_ordem(modem):
    import time

    outro = modem_criar(nome="outro")
    ids = [criar(modem, texto=f"texto {i}").pk for i in range(3)]
    criar(outro, texto="de outro modem")
    adiada = criar(modem, texto="adiada")
    Mensagem.objects.filter(pk=adiada.pk).update(
        proxima_tentativa_em=timezone.now() + datetime.timedelta(hours=1)
    )
    assert services.mensagem_enviar(mensagem_id=ids[0], drenar_ate=time.monotonic() + 30) == (
        Status.ENVIADA
    )
    assert [e["texto"] for e in memoria.enviadas] == ["texto 0", "texto 1", "texto 2"]
    assert Mensagem.objects.get(pk=adiada.pk).status == Status.PENDENTE
    # The tasks of the drained messages find them sent and do nothing.
    assert services.mensagem_enviar(mensagem_id=ids[1]) is None


def test_drenar_para_no_prazo_e_com_modem_pausado(modem):
    import time

    criar(modem, texto="a")
    criar(modem, texto="b")
    assert services.modem_drenar(modem_id=modem.pk, ate=time.monotonic() - 1) == 0
    memoria.falhas.append(erro_cms(310))
    assert services.modem_drenar(modem_id=modem.pk, ate=time.monotonic() + 30) == 1
    assert memoria.enviadas == []  # the SIM error paused the modem; "b" waits
