"""Inbound SMS (issue 10, item 7): storage, automatic reply to protocol queries, triage."""

import datetime

import pytest
from django.utils import timezone

from core.exceptions import RegraViolada
from mensageria import services
from mensageria.models import Mensagem, ModeloMensagem, Parametros, SmsRecebido

from .factories import modem_criar, ra_criar

pytestmark = pytest.mark.django_db

SMSC = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 30, 5))
HORA = datetime.timedelta(hours=1)


@pytest.fixture
def modem():
    return modem_criar(nome="recebe")


def registrar(modem, texto="Bom dia", remetente="+5581999990001", recebido_em=SMSC, partes=1):
    return services.sms_recebido_registrar(
        modem=modem, remetente=remetente, texto=texto, recebido_em=recebido_em, partes=partes
    )


def test_ucs2_com_acentos_guardado_como_veio(modem):
    texto = "Olá, a água não chegou na rua São João ção ü €"
    sms = registrar(modem, texto=texto)
    sms.refresh_from_db()
    assert sms.texto == texto
    assert sms.remetente == "+5581999990001"
    assert sms.recebido_em == SMSC
    assert sms.modem == modem
    assert len(sms.chave) == 64


def test_mesmo_sms_lido_duas_vezes_fica_uma_linha(modem):
    primeiro = registrar(modem, texto="Falta água")
    segundo = registrar(modem, texto="Falta água")
    assert primeiro.pk == segundo.pk
    assert SmsRecebido.objects.count() == 1


def test_mesmo_texto_em_outro_instante_e_outro_sms(modem):
    registrar(modem, texto="Falta água")
    registrar(modem, texto="Falta água", recebido_em=SMSC + datetime.timedelta(minutes=3))
    assert SmsRecebido.objects.count() == 2


def test_sms_vazio_guardado(modem):
    sms = registrar(modem, texto="")
    assert SmsRecebido.objects.get(pk=sms.pk).texto == ""


def test_partes_guardadas(modem):
    sms = registrar(modem, texto="x" * 1500, partes=10)
    sms.refresh_from_db()
    assert sms.partes == 10 and len(sms.texto) == 1500


# --- automatic reply ------------------------------------------------------------------

NUMERO_DO_RA = "+5581999990001"
ESTRANHO = "+5581988887777"


@pytest.fixture
def ra(unidade, atendente):
    return ra_criar(unidade=unidade, usuario=atendente, telefone=NUMERO_DO_RA)


def respostas(destino=None):
    qs = Mensagem.objects.filter(evento=Mensagem.Evento.RESPOSTA_SMS)
    return list(qs.filter(destino=destino) if destino else qs)


def pontuado(protocolo: str) -> str:
    return f"{protocolo[:4]}.{protocolo[4]}.{protocolo[5:]}"


@pytest.mark.parametrize(
    "formato",
    [
        lambda p: p,
        lambda p: f"protocolo {p}?",
        pontuado,
        lambda p: f"{p[:4]} {p[4]} {p[5:]}",
        lambda p: f"Boa tarde, qual a situação do protocolo nº {p[:4]}-{p[4]}-{p[5:]}, obrigado",
    ],
)
def test_protocolo_com_ou_sem_pontuacao_reconhecido(modem, ra, formato):
    sms = registrar(modem, texto=formato(ra.protocolo), remetente="81 99999-0001")
    [resposta] = respostas(NUMERO_DO_RA)
    assert ra.protocolo in resposta.texto
    assert "Em andamento" in resposta.texto
    assert "03/12/2026" in resposta.texto  # the expected date
    sms.refresh_from_db()
    assert sms.situacao == SmsRecebido.Situacao.RESPONDIDO
    assert sms.resposta == resposta
    assert sms.registro_atendimento == ra
    assert resposta.registro_atendimento == ra
    assert resposta.modem == modem  # the modem that received it answers


def test_resposta_sem_dados_pessoais(modem, unidade, atendente):
    ra = ra_criar(
        unidade=unidade,
        usuario=atendente,
        telefone=NUMERO_DO_RA,
        solicitante_nome="Josefa Bezerra",
        local_ocorrencia="Rua do Sossego, 123",
    )
    registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    [resposta] = respostas()
    for pessoal in ("Josefa", "Bezerra", "Sossego", "123", "99999"):
        assert pessoal not in resposta.texto.replace(ra.protocolo, "")


def test_responde_numero_que_recebeu_sms_do_ra(modem, ra):
    # A reiteração's number got an SMS of this RA: it may ask too.
    outro = "+5581977776666"
    services.mensagem_sms_criar(
        destino=outro,
        texto="protocolo",
        evento="ra_existente",
        registro_atendimento=ra,
        modem=modem,
    )
    registrar(modem, texto=ra.protocolo, remetente=outro)
    [resposta] = respostas(outro)
    assert "Em andamento" in resposta.texto and ra.protocolo in resposta.texto


def test_situacao_encerrado(modem, ra):
    from atendimento.models import MotivoEncerramento

    ra.situacao = ra.Situacao.ENCERRADO
    ra.motivo_encerramento = MotivoEncerramento.objects.create(
        nome="Não executado", tipo=MotivoEncerramento.Tipo.NAO_EXECUTADO
    )
    ra.data_encerramento = timezone.now()
    ra.save()
    registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    [resposta] = respostas()
    assert "Encerrado (nao executado)" in resposta.texto


def test_remetente_estranho_recebe_resposta_neutra(modem, ra):
    sms = registrar(modem, texto=f"protocolo {ra.protocolo}", remetente=ESTRANHO)
    [resposta] = respostas(ESTRANHO)
    assert resposta.texto.startswith("Saneamento: recebemos sua mensagem.")
    assert ra.protocolo not in resposta.texto
    assert "andamento" not in resposta.texto.lower() and "03/12" not in resposta.texto
    sms.refresh_from_db()
    # Nothing ties the stranger to the RA: a later query of theirs stays neutral.
    assert resposta.registro_atendimento is None and sms.registro_atendimento is None
    registrar(modem, texto=ra.protocolo, remetente=ESTRANHO, recebido_em=SMSC + HORA / 60)
    assert all(ra.protocolo not in r.texto for r in respostas(ESTRANHO))


def test_protocolo_inexistente_mesma_resposta_neutra(modem, ra):
    registrar(modem, texto=f"protocolo {ra.protocolo}", remetente=ESTRANHO)
    registrar(modem, texto="protocolo 20269999999999", remetente=NUMERO_DO_RA)
    neutra_estranho = respostas(ESTRANHO)[0].texto
    [neutra_dono] = respostas(NUMERO_DO_RA)
    assert neutra_dono.texto == neutra_estranho  # existence is not revealed
    assert neutra_dono.registro_atendimento is None


def test_sms_vazio_sem_resposta(modem):
    sms = registrar(modem, texto="")
    assert respostas() == []
    assert sms.situacao == SmsRecebido.Situacao.NOVO


def test_texto_sem_protocolo_fica_para_o_atendente(modem, ra):
    sms = registrar(modem, texto="A água não chegou até agora na rua 12", remetente=NUMERO_DO_RA)
    assert respostas() == []
    assert sms.situacao == SmsRecebido.Situacao.NOVO and not sms.limite_atingido


def test_remetente_que_nao_e_celular_nao_recebe_resposta(modem, ra):
    sms = registrar(modem, texto=ra.protocolo, remetente="Claro")
    assert respostas() == [] and sms.situacao == SmsRecebido.Situacao.NOVO


def test_mesmo_sms_duas_vezes_uma_resposta(modem, ra):
    primeiro = registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    segundo = registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    assert primeiro.pk == segundo.pk
    assert SmsRecebido.objects.count() == 1
    assert len(respostas()) == 1


def test_50_palpites_em_um_minuto_respeitam_o_limite(modem, ra):
    Parametros.objects.update_or_create(pk=1, defaults={"respostas_por_hora": 3})
    base = int(ra.protocolo)
    for i in range(50):
        registrar(
            modem,
            texto=f"protocolo {base + i - 25}",
            remetente=ESTRANHO,
            recebido_em=SMSC + datetime.timedelta(seconds=i),
        )
    enviadas = respostas(ESTRANHO)
    assert len(enviadas) == 3
    neutra = enviadas[0].texto
    assert all(r.texto == neutra for r in enviadas)  # no information
    assert SmsRecebido.objects.count() == 50
    limitados = SmsRecebido.objects.filter(limite_atingido=True)
    assert limitados.count() == 47
    assert set(limitados.values_list("situacao", flat=True)) == {"novo"}
    assert not limitados.filter(resposta__isnull=False).exists()


def test_limite_e_por_numero(modem, ra):
    Parametros.objects.update_or_create(pk=1, defaults={"respostas_por_hora": 1})
    registrar(modem, texto="20269999999999", remetente=ESTRANHO)
    registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    assert len(respostas(NUMERO_DO_RA)) == 1 and len(respostas(ESTRANHO)) == 1


def test_limite_conta_so_a_ultima_hora(modem, ra):
    Parametros.objects.update_or_create(pk=1, defaults={"respostas_por_hora": 1})
    registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    Mensagem.objects.update(criada_em=timezone.now() - HORA - datetime.timedelta(seconds=1))
    registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA, recebido_em=SMSC + HORA)
    assert len(respostas(NUMERO_DO_RA)) == 2


def test_falha_na_resposta_nao_perde_o_sms(modem, ra, monkeypatch):
    from mensageria.services import recebidos

    def quebra(**kwargs):
        raise RuntimeError("banco caiu no meio da resposta")

    monkeypatch.setattr(recebidos, "mensagem_sms_criar", quebra)
    sms = registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    assert SmsRecebido.objects.filter(pk=sms.pk, situacao="novo").exists()
    assert respostas() == []
    monkeypatch.undo()
    # Read again (the SIM copy was not deleted): now it is answered, once.
    registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    assert len(respostas()) == 1
    assert SmsRecebido.objects.get(pk=sms.pk).situacao == "respondido"


def test_modelo_editavel_da_resposta(modem, ra):
    ModeloMensagem.objects.create(
        evento="resposta_sms", texto="{protocolo}: {situacao} (prev. {data_prevista})"
    )
    registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    [resposta] = respostas()
    assert resposta.texto == f"{ra.protocolo}: Em andamento (prev. 03/12/2026)"


def test_modem_pausado_deixa_o_pool_escolher(modem, ra):
    modem.pausado_em = timezone.now()
    modem.save()
    registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    [resposta] = respostas()
    assert resposta.modem != modem


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("2026.1.000001234", ["20261000001234"]),
        ("2026 1 000001234", ["20261000001234"]),
        ("protocolo 20261000001234?", ["20261000001234"]),
        ("ligue 81 99999-0001", []),
        ("123456 20261201 000123", ["12345620261201000123"]),
        ("", []),
        ("٢٠٢٦١٠٠٠٠٠١٢٣٤", []),  # other scripts' digits are not a protocol
    ],
)
def test_protocolos_no_texto(texto, esperado):
    from mensageria.services.recebidos import protocolos_no_texto

    assert protocolos_no_texto(texto)[: len(esperado) or None] == esperado


# --- attach and discard ------------------------------------------------------------------


def test_anexar_vira_mensagem_publica_do_solicitante(modem, ra, atendente):
    from atendimento.models import MensagemAtendimento

    ra.interacao_pendente = ra.InteracaoPendente.EXTERNA
    ra.save()
    sms = registrar(modem, texto="A água voltou mas está barrenta", remetente=NUMERO_DO_RA)
    mensagem = services.sms_recebido_anexar(
        sms=sms, usuario=atendente, protocolo=pontuado(ra.protocolo)
    )
    assert mensagem.texto == "A água voltou mas está barrenta"
    assert mensagem.do_solicitante is True
    assert mensagem.visibilidade == MensagemAtendimento.Visibilidade.PUBLICA
    ra.refresh_from_db()
    assert ra.interacao_pendente == ra.InteracaoPendente.INTERNA
    sms.refresh_from_db()
    assert sms.situacao == "anexado" and sms.registro_atendimento == ra
    assert sms.tratado_por == atendente and sms.tratado_em is not None
    # The citizen's own words are not sent back to the citizen.
    assert not Mensagem.objects.filter(registro_atendimento=ra).exists()


def test_anexar_duas_vezes_diz_quem_tratou(modem, ra, atendente, supervisor):
    sms = registrar(modem, texto="Ainda sem água")
    services.sms_recebido_anexar(sms=sms, usuario=atendente, protocolo=ra.protocolo)
    with pytest.raises(RegraViolada) as erro:
        services.sms_recebido_anexar(sms=sms, usuario=supervisor, protocolo=ra.protocolo)
    assert "Este SMS já foi tratado por" in str(erro.value)
    assert (atendente.get_full_name() or atendente.username) in str(erro.value)
    with pytest.raises(RegraViolada, match="já foi tratado"):
        services.sms_recebido_descartar(sms=sms, usuario=supervisor, motivo="engano")
    assert ra.mensagens.count() == 1


@pytest.mark.parametrize(
    ("protocolo", "erro"),
    [
        ("", "Informe o protocolo"),
        ("abc", "não é um protocolo"),
        ("20269999999999", "Não há RA com o protocolo 20269999999999"),
    ],
)
def test_anexar_protocolo_invalido(modem, ra, atendente, protocolo, erro):
    sms = registrar(modem, texto="Ainda sem água")
    with pytest.raises(RegraViolada, match=erro):
        services.sms_recebido_anexar(sms=sms, usuario=atendente, protocolo=protocolo)
    assert SmsRecebido.objects.get(pk=sms.pk).situacao == "novo"


def test_anexar_a_ra_encerrado_recusado(modem, ra, atendente):
    from atendimento.models import MotivoEncerramento

    ra.situacao = ra.Situacao.ENCERRADO
    ra.motivo_encerramento = MotivoEncerramento.objects.create(
        nome="Executado", tipo=MotivoEncerramento.Tipo.EXECUTADO
    )
    ra.data_encerramento = timezone.now()
    ra.save()
    sms = registrar(modem, texto="Ainda sem água")
    with pytest.raises(RegraViolada, match="está encerrado"):
        services.sms_recebido_anexar(sms=sms, usuario=atendente, protocolo=ra.protocolo)
    assert ra.mensagens.count() == 0


def test_anexar_a_ra_bloqueado(modem, ra, atendente):
    ra.situacao = ra.Situacao.BLOQUEADO
    ra.save()
    sms = registrar(modem, texto="Ainda sem água")
    services.sms_recebido_anexar(sms=sms, usuario=atendente, protocolo=ra.protocolo)
    assert ra.mensagens.count() == 1


def test_anexar_sms_vazio_recusado(modem, ra, atendente):
    sms = registrar(modem, texto="  ")
    with pytest.raises(RegraViolada, match="vazio"):
        services.sms_recebido_anexar(sms=sms, usuario=atendente, protocolo=ra.protocolo)


def test_descartar_com_motivo(modem, atendente):
    sms = registrar(modem, texto="Promoção imperdível")
    with pytest.raises(RegraViolada, match="motivo"):
        services.sms_recebido_descartar(sms=sms, usuario=atendente, motivo="   ")
    services.sms_recebido_descartar(sms=sms, usuario=atendente, motivo="Propaganda")
    sms.refresh_from_db()
    assert sms.situacao == "descartado" and sms.motivo_descarte == "Propaganda"
    assert sms.tratado_por == atendente


def test_respondido_automaticamente_nao_se_trata(modem, ra, atendente):
    sms = registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    with pytest.raises(RegraViolada, match="respondido automaticamente"):
        services.sms_recebido_descartar(sms=sms, usuario=atendente, motivo="x")


def test_resposta_passa_na_frente_da_fila_do_modem(modem, ra):
    """A citizen waiting for the answer does not wait behind a batch of notices."""
    import time

    from mensageria.backends import memoria

    for i in range(3):
        services.mensagem_sms_criar(destino=f"+55819777700{i:02d}", texto=f"Aviso {i}", modem=modem)
    registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    services.modem_drenar(modem_id=modem.pk, ate=time.monotonic() + 30)
    destinos = [e["destino"] for e in memoria.enviadas]
    assert destinos[0] == NUMERO_DO_RA
    assert len(destinos) == 4


def test_tarefa_de_outra_mensagem_deixa_a_resposta_ir_antes(modem, ra):
    """The worker's task for a queued notice still lets the waiting reply go first."""
    import time

    from mensageria.backends import memoria

    avisos = [
        services.mensagem_sms_criar(destino=f"+55819777700{i:02d}", texto="Aviso", modem=modem)
        for i in range(2)
    ]
    registrar(modem, texto=ra.protocolo, remetente=NUMERO_DO_RA)
    services.mensagem_enviar(
        mensagem_id=avisos[1].pk, modem_id=modem.pk, drenar_ate=time.monotonic() + 30
    )
    destinos = [e["destino"] for e in memoria.enviadas]
    assert destinos == [NUMERO_DO_RA, avisos[0].destino, avisos[1].destino]


def test_drenagem_espera_a_leitura_do_vigia(modem, monkeypatch):
    """The port's watcher thread is reading an SMS (port lock held) when the drain picks
    its next message: the drain waits, so the reply being stored can go first."""
    import threading
    import time

    from mensageria.backends import gsm
    from mensageria.services import mensagens

    eventos, segurando = [], threading.Event()

    def vigia():
        with gsm._trava:
            segurando.set()
            time.sleep(0.3)
            eventos.append("leitura terminou")

    fio = threading.Thread(target=vigia)
    fio.start()
    assert segurando.wait(5)
    monkeypatch.setattr(mensagens, "obter_backend", gsm.GsmBackend)
    mensagens._entrada_se_avisada(modem)
    eventos.append("drenagem escolhe a próxima")
    fio.join(5)
    assert eventos == ["leitura terminou", "drenagem escolhe a próxima"]
