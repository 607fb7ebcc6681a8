import datetime

import pytest
from django.utils import timezone

from atendimento.models import EventoRA
from atendimento.services import registro_atendimento_alterar
from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida, VersaoDesatualizada
from tests.atendimento.factories import RegistroAtendimentoFactory, StatusComplementarFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ra(unidade):
    return RegistroAtendimentoFactory(unidade_atual=unidade, descricao="Vazamento na calçada.")


def alterar(ra, usuario, **dados):
    return registro_atendimento_alterar(ra=ra, usuario=usuario, dados=dados, versao=ra.versao)


def test_altera_campos_com_historico_e_evento(ra, atendente):
    amanha = timezone.localdate() + datetime.timedelta(days=1)
    status = StatusComplementarFactory()
    versao = ra.versao
    alterado = alterar(
        ra,
        atendente,
        descricao="Vazamento na calçada, em frente ao nº 100.",
        prioridade=3,
        data_reservada=amanha,
        melhor_horario="manha",
        status_complementar=status,
    )
    alterado.refresh_from_db()
    assert alterado.prioridade == 3
    assert alterado.data_reservada == amanha
    assert alterado.melhor_horario == "manha"
    assert alterado.status_complementar == status
    assert alterado.versao == versao + 1
    historico = alterado.history.first()
    assert historico.history_user == atendente
    assert historico.prioridade == 3
    evento = EventoRA.objects.get(ra=ra, tipo="alteracao")
    assert evento.usuario == atendente
    assert evento.dados["campos"]["prioridade"] == ["Normal", "Alta"]
    assert evento.dados["campos"]["melhor horário"] == ["", "Manhã"]
    assert evento.dados["campos"]["data reservada"] == ["", amanha.strftime("%d/%m/%Y")]
    assert "prioridade" in evento.descricao


def test_so_os_campos_alterados_vao_para_o_evento(ra, atendente):
    alterar(ra, atendente, descricao=ra.descricao, prioridade=4)
    evento = EventoRA.objects.get(ra=ra, tipo="alteracao")
    assert list(evento.dados["campos"]) == ["prioridade"]


def test_recusa_formulario_desatualizado(ra, atendente):
    versao_antiga = ra.versao
    alterar(ra, atendente, prioridade=3)
    with pytest.raises(VersaoDesatualizada):
        registro_atendimento_alterar(
            ra=ra, usuario=atendente, dados={"prioridade": 1}, versao=versao_antiga
        )
    ra.refresh_from_db()
    assert ra.prioridade == 3


def test_recusa_usuario_de_outra_unidade(ra, usuario_sem_dados_pessoais):
    with pytest.raises(PermissaoNegada):
        alterar(ra, usuario_sem_dados_pessoais, prioridade=3)
    assert not EventoRA.objects.filter(ra=ra, tipo="alteracao").exists()


def test_recusa_ra_encerrado(atendente, unidade):
    encerrado = RegistroAtendimentoFactory(unidade_atual=unidade, encerrado=True)
    with pytest.raises(TransicaoInvalida, match="encerrado"):
        alterar(encerrado, atendente, prioridade=3)


@pytest.mark.parametrize(
    ("dados", "campo", "mensagem"),
    [
        ({"descricao": "   "}, "descricao", "Informe a descrição"),
        ({"descricao": "x" * 4001}, "descricao", "o máximo é 4000"),
        ({"local_ocorrencia": "x" * 251}, "local_ocorrencia", "250"),
        ({"prioridade": 9}, "prioridade", "Prioridade inválida"),
        (
            {"data_reservada": datetime.date(2020, 1, 1)},
            "data_reservada",
            "não pode estar no passado",
        ),
        ({"melhor_horario": "tarde"}, "data_reservada", "Informe a data reservada"),
        ({"melhor_horario": "madrugada"}, "melhor_horario", "Melhor horário inválido"),
    ],
)
def test_recusa_entrada_ruim(ra, atendente, dados, campo, mensagem):
    versao = ra.versao
    with pytest.raises(RegraViolada, match=mensagem) as erro:
        alterar(ra, atendente, **dados)
    assert erro.value.campo == campo
    ra.refresh_from_db()
    assert ra.versao == versao
    assert not EventoRA.objects.filter(ra=ra, tipo="alteracao").exists()


def test_recusa_status_complementar_inativo(ra, atendente):
    inativo = StatusComplementarFactory(nome="Antigo", ativo=False)
    with pytest.raises(RegraViolada, match="inativo"):
        alterar(ra, atendente, status_complementar=inativo)


def test_recusa_quando_nada_muda(ra, atendente):
    with pytest.raises(RegraViolada, match="Nenhum dado foi alterado"):
        alterar(ra, atendente, descricao=ra.descricao, prioridade=ra.prioridade)


def test_campo_que_nao_se_altera_aqui_e_erro_de_programacao(ra, atendente):
    with pytest.raises(ValueError, match="situacao"):
        alterar(ra, atendente, situacao="encerrado")
