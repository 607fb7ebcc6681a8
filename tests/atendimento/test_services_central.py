"""The console's own state changes: excluir, marcar pendente, desistir."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from atendimento.models import EventoRA, RegistroAtendimento
from atendimento.services import (
    registro_atendimento_anexar,
    registro_atendimento_assumir,
    registro_atendimento_desistir,
    registro_atendimento_encerrar,
    registro_atendimento_excluir,
    registro_atendimento_marcar_pendente,
    registro_atendimento_mensagem_adicionar,
    registro_atendimento_prorrogar,
    registro_atendimento_tramitar,
)
from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida, VersaoDesatualizada
from tests.atendimento.central_apoio import fabrica_contato_portal
from tests.atendimento.factories import TipoServicoFactory
from tests.factories import UnidadeFactory

pytestmark = pytest.mark.django_db

RA = RegistroAtendimento


@pytest.fixture
def contato_portal(abrir):
    return fabrica_contato_portal(abrir)


def _eventos(ra, tipo):
    return list(EventoRA.objects.filter(ra=ra, tipo=tipo))


# --- excluir ------------------------------------------------------------------


def test_excluir_contato_que_ninguem_iniciou(contato_portal, supervisor):
    ra = contato_portal()
    historicos = ra.history.count()
    ra = registro_atendimento_excluir(
        ra=ra, usuario=supervisor, justificativa="Contato em duplicidade.", versao=ra.versao
    )
    ra.refresh_from_db()
    assert ra.excluido is True
    assert ra.situacao == RA.Situacao.ENCERRADO
    assert ra.data_encerramento is not None
    assert ra.parecer_encerramento == "Contato em duplicidade."
    (evento,) = _eventos(ra, EventoRA.Tipo.EXCLUSAO)
    assert evento.usuario == supervisor
    assert "Contato em duplicidade." in evento.descricao
    assert (evento.situacao_anterior, evento.situacao_nova) == ("pendente", "encerrado")
    assert ra.history.count() == historicos + 1
    assert ra.history.first().history_user == supervisor


def test_mensagens_e_anexos_do_solicitante_nao_iniciam_o_contato(contato_portal, supervisor):
    ra = contato_portal()
    registro_atendimento_mensagem_adicionar(
        ra=ra,
        usuario=None,
        texto="Esqueci de dizer: o hidrômetro está parado.",
        visibilidade="publica",
        do_solicitante=True,
        autor_nome="Maria",
    )
    registro_atendimento_anexar(
        ra=ra,
        usuario=None,
        arquivo=SimpleUploadedFile("conta.pdf", b"%PDF-1.4 conta", "application/pdf"),
        do_solicitante=True,
        autor_nome="Maria",
    )
    ra = registro_atendimento_excluir(ra=ra, usuario=supervisor, justificativa="Teste.")
    assert ra.excluido


def _assumido(ra, atendente):
    registro_atendimento_assumir(ra=ra, usuario=atendente)


def _mensagem_da_equipe(ra, atendente):
    registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=atendente, texto="Verificando.", visibilidade="interna"
    )


def _tramitado(ra, atendente):
    registro_atendimento_tramitar(
        ra=ra, unidade_destino=UnidadeFactory(sigla="COM"), parecer="Comercial.", usuario=atendente
    )


def _prorrogado(ra, atendente):
    registro_atendimento_prorrogar(
        ra=ra,
        usuario=atendente,
        nova_data=timezone.now() + datetime.timedelta(days=20),
        motivo="Aguardando leitura.",
    )


def _anexo_da_equipe(ra, atendente):
    registro_atendimento_anexar(
        ra=ra,
        usuario=atendente,
        arquivo=SimpleUploadedFile("laudo.pdf", b"%PDF-1.4 laudo", "application/pdf"),
    )


@pytest.mark.parametrize(
    ("iniciar", "motivo"),
    [
        (_assumido, "está com"),
        (_mensagem_da_equipe, "a equipe já escreveu"),
        (_tramitado, "já foi tramitado"),
        (_prorrogado, "registros da equipe no histórico"),
        (_anexo_da_equipe, "registros da equipe no histórico"),
    ],
)
def test_excluir_recusa_contato_ja_iniciado(contato_portal, supervisor, atendente, iniciar, motivo):
    ra = contato_portal()
    iniciar(ra, atendente)
    ra.refresh_from_db()
    antes = (ra.situacao, ra.versao, ra.excluido, ra.eventos.count())
    with pytest.raises(RegraViolada) as erro:
        registro_atendimento_excluir(ra=ra, usuario=supervisor, justificativa="Engano.")
    assert "já foi iniciado" in str(erro.value)
    assert motivo in str(erro.value)
    ra.refresh_from_db()
    assert (ra.situacao, ra.versao, ra.excluido, ra.eventos.count()) == antes
    assert not _eventos(ra, EventoRA.Tipo.EXCLUSAO)


def test_excluir_recusa_contato_com_os(contato_portal, supervisor, especificacao):
    especificacao.tipo_servico = TipoServicoFactory()
    especificacao.save()
    ra = contato_portal()
    with pytest.raises(RegraViolada, match="tem ordem de serviço"):
        registro_atendimento_excluir(ra=ra, usuario=supervisor, justificativa="Engano.")
    ra.refresh_from_db()
    assert not ra.excluido


def test_excluir_ra_interno_pelo_proprio_atendente_que_abriu_conta_como_iniciado(
    abrir, supervisor, atendente
):
    """An internal RA: its opener is staff, so his later events start it."""
    ra = abrir()
    registro_atendimento_excluir(ra=ra, usuario=supervisor, justificativa="Aberto por engano.")
    outro = abrir()
    _prorrogado(outro, atendente)
    with pytest.raises(RegraViolada, match="já foi iniciado"):
        registro_atendimento_excluir(ra=outro, usuario=supervisor, justificativa="Engano.")


def test_excluir_exige_permissao_de_supervisor(contato_portal, atendente):
    ra = contato_portal()
    with pytest.raises(PermissaoNegada, match="só supervisores excluem"):
        registro_atendimento_excluir(ra=ra, usuario=atendente, justificativa="Engano.")
    ra.refresh_from_db()
    assert not ra.excluido and ra.situacao == RA.Situacao.PENDENTE


def test_excluir_recusas_gerais(contato_portal, supervisor, estranho, motivos):
    ra = contato_portal()
    with pytest.raises(RegraViolada, match="Informe a justificativa"):
        registro_atendimento_excluir(ra=ra, usuario=supervisor, justificativa="   ")
    with pytest.raises(VersaoDesatualizada):
        registro_atendimento_excluir(
            ra=ra, usuario=supervisor, justificativa="Engano.", versao=ra.versao + 1
        )
    with pytest.raises(PermissaoNegada, match="está com a unidade"):
        registro_atendimento_excluir(ra=ra, usuario=estranho, justificativa="Engano.")
    registro_atendimento_excluir(ra=ra, usuario=supervisor, justificativa="Engano.")
    with pytest.raises(RegraViolada, match="já foi excluído"):
        registro_atendimento_excluir(ra=ra, usuario=supervisor, justificativa="De novo.")
    fechado = contato_portal()
    registro_atendimento_encerrar(
        ra=fechado, motivo=motivos["executado"], parecer="Feito.", usuario=supervisor
    )
    with pytest.raises(TransicaoInvalida, match="encerrado"):
        registro_atendimento_excluir(ra=fechado, usuario=supervisor, justificativa="Engano.")
    assert RA.objects.filter(excluido=True).count() == 1


# --- marcar pendente -----------------------------------------------------------


def test_marcar_pendente_assume_e_registra(contato_portal, atendente):
    ra = contato_portal()
    ra = registro_atendimento_marcar_pendente(
        ra=ra, usuario=atendente, observacao="Ligar amanhã.", versao=ra.versao
    )
    ra.refresh_from_db()
    assert ra.responsavel == atendente
    assert ra.situacao == RA.Situacao.PENDENTE
    (evento,) = _eventos(ra, EventoRA.Tipo.PENDENCIA)
    assert evento.usuario == atendente
    assert "Ligar amanhã." in evento.descricao
    # Already his: stays with him, one more event.
    registro_atendimento_marcar_pendente(ra=ra, usuario=atendente)
    ra.refresh_from_db()
    assert ra.responsavel == atendente
    assert len(_eventos(ra, EventoRA.Tipo.PENDENCIA)) == 2


def test_marcar_pendente_recusas(contato_portal, atendente, estranho, motivos):
    ra = contato_portal()
    with pytest.raises(PermissaoNegada):
        registro_atendimento_marcar_pendente(ra=ra, usuario=estranho)
    with pytest.raises(RegraViolada, match="máximo"):
        registro_atendimento_marcar_pendente(ra=ra, usuario=atendente, observacao="x" * 2001)
    with pytest.raises(VersaoDesatualizada):
        registro_atendimento_marcar_pendente(ra=ra, usuario=atendente, versao=ra.versao + 5)
    registro_atendimento_encerrar(
        ra=ra, motivo=motivos["executado"], parecer="Feito.", usuario=atendente
    )
    with pytest.raises(TransicaoInvalida):
        registro_atendimento_marcar_pendente(ra=ra, usuario=atendente)
    ra.refresh_from_db()
    assert ra.responsavel is None
    assert not _eventos(ra, EventoRA.Tipo.PENDENCIA)


# --- desistir --------------------------------------------------------------------


def test_desistir_libera_o_atendimento(contato_portal, atendente):
    ra = contato_portal()
    registro_atendimento_assumir(ra=ra, usuario=atendente)
    ra.refresh_from_db()
    ra = registro_atendimento_desistir(ra=ra, usuario=atendente, versao=ra.versao)
    ra.refresh_from_db()
    assert ra.responsavel is None
    (evento,) = _eventos(ra, EventoRA.Tipo.DESISTENCIA)
    assert evento.usuario == atendente
    assert "volta à fila" in evento.descricao


def test_desistir_so_quem_esta_com_ele(contato_portal, atendente, supervisor, estranho):
    ra = contato_portal()
    with pytest.raises(RegraViolada, match="Ninguém está com este atendimento"):
        registro_atendimento_desistir(ra=ra, usuario=atendente)
    registro_atendimento_assumir(ra=ra, usuario=atendente)
    with pytest.raises(PermissaoNegada, match="Só quem está com o atendimento"):
        registro_atendimento_desistir(ra=ra, usuario=supervisor)
    with pytest.raises(PermissaoNegada):
        registro_atendimento_desistir(ra=ra, usuario=estranho)
    ra.refresh_from_db()
    assert ra.responsavel == atendente
    assert not _eventos(ra, EventoRA.Tipo.DESISTENCIA)
