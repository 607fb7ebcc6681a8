import pytest

from mensageria.models import Mensagem, ModeloMensagem
from mensageria.services import registro_atendimento_notificar

from .factories import especificacao_criar, modem_criar, ra_criar

pytestmark = pytest.mark.django_db


@pytest.fixture
def ra(unidade, atendente):
    modem_criar(nome="principal")
    return ra_criar(unidade=unidade, usuario=atendente, telefone="+5581999990001")


@pytest.fixture
def motivos(db):
    from atendimento.models import MotivoEncerramento

    Tipo = MotivoEncerramento.Tipo
    return {
        tipo: MotivoEncerramento.objects.create(nome=str(tipo.label), tipo=tipo) for tipo in Tipo
    }


def _encerrar(ra, motivo):
    """Mark the RA closed (the notifier is under test here, not the closing service)."""
    from atendimento.models import RegistroAtendimento

    RegistroAtendimento.objects.filter(pk=ra.pk).update(
        situacao=RegistroAtendimento.Situacao.ENCERRADO,
        motivo_encerramento=motivo,
        data_encerramento=ra.data_abertura,
    )
    ra.refresh_from_db()


def test_ra_aberto_envia_protocolo(ra, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        m = registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    assert m.status == Mensagem.Status.PENDENTE
    assert m.registro_atendimento == ra and m.evento == "ra_aberto"
    assert m.origem_tipo == "ra" and m.origem_id == ra.pk
    assert ra.protocolo in m.texto
    assert "Vazamento no cavalete" in m.texto and "03/12/2026" in m.texto
    assert m.destino == "+5581999990001"
    assert len(callbacks) == 1


def test_ra_existente_e_ra_atendido_usam_seus_modelos(ra, motivos):
    ModeloMensagem.objects.filter(evento="ra_atendido").update(
        texto="Protocolo {protocolo} atendido."
    )
    existente = registro_atendimento_notificar(ra=ra, evento="ra_existente")
    _encerrar(ra, motivos["executado"])
    atendido = registro_atendimento_notificar(ra=ra, evento="ra_atendido")
    assert "ja existe" in existente.texto and ra.protocolo in existente.texto
    assert atendido.texto == f"Protocolo {ra.protocolo} atendido."


def test_texto_proprio_da_especificacao_tem_precedencia(unidade, atendente):
    modem_criar()
    especificacao = especificacao_criar(
        texto_abertura="RA {protocolo} aberto, prazo {data_prevista}"
    )
    ra = ra_criar(unidade=unidade, usuario=atendente, especificacao=especificacao)
    m = registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    assert m.texto == f"RA {ra.protocolo} aberto, prazo 03/12/2026"


def test_especificacao_sem_sms_nao_cria_mensagem(unidade, atendente, motivos):
    modem_criar()
    especificacao = especificacao_criar(envia_sms_abertura=False, envia_sms_encerramento=False)
    ra = ra_criar(unidade=unidade, usuario=atendente, especificacao=especificacao)
    assert registro_atendimento_notificar(ra=ra, evento="ra_aberto") is None
    _encerrar(ra, motivos["executado"])
    assert registro_atendimento_notificar(ra=ra, evento="ra_atendido") is None
    assert not Mensagem.objects.exists()


def test_sem_celular_nao_cria_mensagem(unidade, atendente):
    ra = ra_criar(unidade=unidade, usuario=atendente, telefone="")
    assert registro_atendimento_notificar(ra=ra, evento="ra_aberto") is None


def test_telefone_fixo_fica_registrado_com_erro(unidade, atendente):
    ra = ra_criar(unidade=unidade, usuario=atendente, telefone="+558133334444")
    m = registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    assert m.status == Mensagem.Status.FALHOU and "fixo" in m.erro_texto


def test_evento_desconhecido(ra):
    with pytest.raises(ValueError, match="evento desconhecido"):
        registro_atendimento_notificar(ra=ra, evento="ra_reiterado")


def test_sms_aparece_na_linha_do_tempo_do_ra_com_situacao(ra, supervisor):
    from atendimento.selectors.linha_do_tempo import linha_do_tempo
    from mensageria.backends import erro_cms, memoria
    from mensageria.services import mensagem_enviar

    m = registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    memoria.falhas.append(erro_cms(1))
    mensagem_enviar(mensagem_id=m.pk)
    [item] = [i for i in linha_do_tempo(ra, usuario=supervisor) if i.tipo == "sms"]
    assert item.titulo == "RA aberto (SMS)"
    assert ra.protocolo in item.descricao
    [entrega] = item.entregas
    assert entrega["status"] == "falhou"
    assert (
        entrega["texto"].startswith("Não enviada por SMS")
        and "número inexistente" in entrega["texto"]
    )


# --- "Concluído. Obrigado!" only for a closing that was executed ---------------


@pytest.mark.parametrize(
    ("tipo", "envia"),
    [("executado", True), ("nao_executado", False), ("duplicidade", False)],
)
def test_sms_de_concluido_so_quando_o_encerramento_foi_executado(
    ra, motivos, atendente, unidade, tipo, envia
):
    from atendimento.services import registro_atendimento_encerrar

    referencia = None
    if tipo == "duplicidade":
        referencia = ra_criar(unidade=unidade, usuario=atendente, especificacao=ra.especificacao)
    registro_atendimento_encerrar(
        ra=ra,
        motivo=motivos[tipo],
        parecer="Parecer do encerramento.",
        usuario=atendente,
        ra_referencia=referencia,
    )
    atendidas = Mensagem.objects.filter(registro_atendimento=ra, evento="ra_atendido")
    assert atendidas.exists() is envia
    if envia:
        assert "concluido" in atendidas.get().texto


def test_ra_aberto_nao_recebe_sms_de_concluido(ra):
    assert registro_atendimento_notificar(ra=ra, evento="ra_atendido") is None


def test_nome_longo_da_especificacao_e_cortado_no_sms(unidade, atendente):
    """The templates are validated against a 40-character name: the SMS never has more."""
    modem_criar()
    nome = "Vazamento de água na rede de distribuição da rua principal do bairro"
    especificacao = especificacao_criar(nome=nome, texto_abertura="{especificacao}")
    ra = ra_criar(unidade=unidade, usuario=atendente, especificacao=especificacao)
    m = registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    assert m.texto == "Vazamento de água na rede de distribu..."
    assert len(m.texto) == 40
