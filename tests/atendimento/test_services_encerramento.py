import datetime

import pytest
from django.utils import timezone

from atendimento.models import EventoRA, RegistroAtendimento, Reiteracao
from atendimento.selectors import acoes_disponiveis
from atendimento.services import (
    registro_atendimento_encerrar,
    registro_atendimento_excluir,
    registro_atendimento_reativar,
    registro_atendimento_reiterar,
)
from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida
from ordens_servico.models import OrdemServico
from tests.atendimento.conftest import vencer
from tests.atendimento.factories import EspecificacaoFactory, TipoServicoFactory
from tests.factories import ImovelFactory

pytestmark = pytest.mark.django_db
OS = OrdemServico.Situacao


@pytest.fixture
def com_os(especificacao):
    especificacao.tipo_servico = TipoServicoFactory(descricao="Reparo de vazamento")
    especificacao.save()
    return especificacao


def test_encerrar_executado(abrir, tecnico, motivos):
    ra = abrir()
    ra = registro_atendimento_encerrar(
        ra=ra, motivo=motivos["executado"], parecer="Reparado.", usuario=tecnico, versao=1
    )
    assert ra.situacao == RegistroAtendimento.Situacao.ENCERRADO
    assert ra.data_encerramento is not None and ra.versao == 2
    evento = EventoRA.objects.get(ra=ra, tipo="encerramento")
    assert (evento.situacao_anterior, evento.situacao_nova) == ("pendente", "encerrado")
    with pytest.raises(TransicaoInvalida, match="encerrado"):
        registro_atendimento_encerrar(
            ra=ra, motivo=motivos["executado"], parecer="x", usuario=tecnico
        )


def test_encerrar_datas(abrir, tecnico, motivos):
    ra = abrir(data_abertura=timezone.now() - datetime.timedelta(hours=3))
    agora = timezone.now()
    with pytest.raises(RegraViolada, match="anterior à abertura"):
        registro_atendimento_encerrar(
            ra=ra,
            motivo=motivos["executado"],
            parecer="x",
            usuario=tecnico,
            data=agora - datetime.timedelta(hours=4),
        )
    with pytest.raises(RegraViolada, match="futuro"):
        registro_atendimento_encerrar(
            ra=ra,
            motivo=motivos["executado"],
            parecer="x",
            usuario=tecnico,
            data=agora + datetime.timedelta(hours=1),
        )
    ra.refresh_from_db()
    assert ra.situacao == "pendente"
    uma_hora_atras = agora - datetime.timedelta(hours=1)
    ra = registro_atendimento_encerrar(
        ra=ra, motivo=motivos["executado"], parecer="x", usuario=tecnico, data=uma_hora_atras
    )
    assert ra.data_encerramento == uma_hora_atras


def test_encerrar_antes_da_ultima_os_recusado(abrir, com_os, tecnico, motivos):
    ra = abrir(data_abertura=timezone.now() - datetime.timedelta(hours=5))
    fim_os = timezone.now() - datetime.timedelta(hours=1)
    OrdemServico.objects.filter(ra=ra).update(
        situacao=OS.ENCERRADA_EXECUTADA, data_geracao=ra.data_abertura, data_encerramento=fim_os
    )
    with pytest.raises(RegraViolada, match="última OS"):
        registro_atendimento_encerrar(
            ra=ra,
            motivo=motivos["executado"],
            parecer="x",
            usuario=tecnico,
            data=fim_os - datetime.timedelta(minutes=30),
        )
    registro_atendimento_encerrar(ra=ra, motivo=motivos["executado"], parecer="x", usuario=tecnico)


def test_parecer_exigido_pela_especificacao(abrir, especificacao, tecnico, motivos):
    ra = abrir()
    with pytest.raises(RegraViolada, match="exige o parecer"):
        registro_atendimento_encerrar(
            ra=ra, motivo=motivos["executado"], parecer="", usuario=tecnico
        )
    with pytest.raises(RegraViolada, match="máximo é 2000"):
        registro_atendimento_encerrar(
            ra=ra, motivo=motivos["executado"], parecer="x" * 2001, usuario=tecnico
        )
    livre = abrir(
        especificacao=EspecificacaoFactory(
            exige_parecer_encerramento=False, unidade_destino=especificacao.unidade_destino
        )
    )
    assert (
        registro_atendimento_encerrar(
            ra=livre, motivo=motivos["executado"], parecer="", usuario=tecnico
        ).situacao
        == "encerrado"
    )


def test_executado_com_os_pendente_recusado_nao_executado_cancela_os(
    abrir, com_os, tecnico, motivos
):
    ra = abrir()
    with pytest.raises(RegraViolada, match="pendente"):
        registro_atendimento_encerrar(
            ra=ra, motivo=motivos["executado"], parecer="x", usuario=tecnico
        )
    assert OrdemServico.objects.get(ra=ra).situacao == OS.PENDENTE
    registro_atendimento_encerrar(
        ra=ra, motivo=motivos["nao_executado"], parecer="Cliente desistiu", usuario=tecnico
    )
    assert OrdemServico.objects.get(ra=ra).situacao == OS.ENCERRADA_NAO_EXECUTADA


@pytest.mark.parametrize("situacao", [OS.PROGRAMADA, OS.EM_EXECUCAO])
def test_os_programada_ou_em_execucao_bloqueia(abrir, com_os, tecnico, motivos, situacao):
    ra = abrir()
    OrdemServico.objects.filter(ra=ra).update(situacao=situacao)
    for motivo in (motivos["executado"], motivos["nao_executado"]):
        with pytest.raises(RegraViolada, match=r"OS .* está"):
            registro_atendimento_encerrar(ra=ra, motivo=motivo, parecer="x", usuario=tecnico)
    assert RegistroAtendimento.objects.get(pk=ra.pk).situacao == "pendente"


def test_duplicidade(abrir, tecnico, motivos):
    ra = abrir()
    referencia = abrir(imovel=ImovelFactory())
    dup = motivos["duplicidade"]
    with pytest.raises(RegraViolada, match="Informe o RA de referência"):
        registro_atendimento_encerrar(ra=ra, motivo=dup, parecer="x", usuario=tecnico)
    with pytest.raises(RegraViolada, match="outro RA"):
        registro_atendimento_encerrar(
            ra=ra, motivo=dup, parecer="x", usuario=tecnico, ra_referencia=ra
        )
    fechado = abrir(imovel=ImovelFactory())
    registro_atendimento_encerrar(
        ra=fechado, motivo=motivos["executado"], parecer="x", usuario=tecnico
    )
    with pytest.raises(RegraViolada, match="já está encerrado"):
        registro_atendimento_encerrar(
            ra=ra, motivo=dup, parecer="x", usuario=tecnico, ra_referencia=fechado
        )
    with pytest.raises(RegraViolada, match="só é informado"):
        registro_atendimento_encerrar(
            ra=ra,
            motivo=motivos["executado"],
            parecer="x",
            usuario=tecnico,
            ra_referencia=referencia,
        )
    ra = registro_atendimento_encerrar(
        ra=ra, motivo=dup, parecer="x", usuario=tecnico, ra_referencia=referencia
    )
    assert ra.ra_referencia == referencia


def test_encerrar_por_outra_unidade_recusado(abrir, estranho, motivos):
    ra = abrir()
    with pytest.raises(PermissaoNegada):
        registro_atendimento_encerrar(
            ra=ra, motivo=motivos["executado"], parecer="x", usuario=estranho
        )


def test_reiterar_so_depois_do_prazo(abrir, atendente):
    ra = abrir()
    with pytest.raises(RegraViolada, match="ainda está no prazo"):
        registro_atendimento_reiterar(ra=ra, usuario=atendente, solicitante_nome="Ana")
    assert not Reiteracao.objects.exists()
    vencer(ra)
    with pytest.raises(RegraViolada, match="quem está reiterando"):
        registro_atendimento_reiterar(ra=ra, usuario=atendente, solicitante_nome=" ")
    reiteracao = registro_atendimento_reiterar(
        ra=ra, usuario=atendente, solicitante_nome="Ana", solicitante_telefone="81999990000"
    )
    segunda = registro_atendimento_reiterar(ra=ra, usuario=atendente, solicitante_nome="Ana")
    ra.refresh_from_db()
    assert ra.quantidade_reiteracoes == 2 and ra.urgente
    assert len({ra.protocolo, reiteracao.protocolo, segunda.protocolo}) == 3
    assert EventoRA.objects.filter(ra=ra, tipo="reiteracao").count() == 2


def test_reiterar_ra_encerrado_recusado(abrir, tecnico, atendente, motivos):
    ra = vencer(abrir())
    registro_atendimento_encerrar(ra=ra, motivo=motivos["executado"], parecer="x", usuario=tecnico)
    with pytest.raises(TransicaoInvalida):
        registro_atendimento_reiterar(ra=ra, usuario=atendente, solicitante_nome="Ana")


def test_reativar(abrir, tecnico, atendente, motivos, com_os):
    ra = abrir()
    with pytest.raises(TransicaoInvalida, match="encerrado"):
        registro_atendimento_reativar(ra=ra, usuario=atendente)
    registro_atendimento_encerrar(
        ra=ra, motivo=motivos["nao_executado"], parecer="x", usuario=tecnico
    )
    novo = registro_atendimento_reativar(ra=ra, usuario=atendente, descricao="Voltou a vazar")
    assert novo.pk != ra.pk and novo.ra_origem == ra
    assert novo.situacao == "pendente" and novo.protocolo != ra.protocolo
    assert novo.descricao == "Voltou a vazar"
    assert OrdemServico.objects.filter(ra=novo, situacao=OS.PENDENTE).count() == 1
    assert EventoRA.objects.filter(ra=ra, tipo="reativacao").exists()
    with pytest.raises(RegraViolada, match="já foi reativado"):
        registro_atendimento_reativar(ra=ra, usuario=atendente)


def test_reativar_duplicado_recusado(abrir, tecnico, atendente, motivos):
    ra = abrir()
    referencia = abrir(imovel=ImovelFactory())
    registro_atendimento_encerrar(
        ra=ra, motivo=motivos["duplicidade"], parecer="x", usuario=tecnico, ra_referencia=referencia
    )
    with pytest.raises(RegraViolada, match="duplicidade"):
        registro_atendimento_reativar(ra=ra, usuario=atendente)
    assert RegistroAtendimento.objects.count() == 2


def test_reativar_contato_excluido_recusado(abrir, atendente, supervisor):
    ra = abrir()
    registro_atendimento_excluir(ra=ra, usuario=supervisor, justificativa="Aberto por engano")
    ra.refresh_from_db()
    with pytest.raises(RegraViolada, match="excluído"):
        registro_atendimento_reativar(ra=ra, usuario=atendente)
    assert RegistroAtendimento.objects.filter(ra_origem=ra).count() == 0
    assert "reativar" not in [a.nome for a in acoes_disponiveis(usuario=supervisor, ra=ra)]
