import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from atendimento import selectors
from atendimento.models import EventoRA
from core.papeis import ATENDENTE
from ordens_servico.models import OrdemServico, TipoServico
from tests.atendimento.factories import (
    AnexoFactory,
    EventoRAFactory,
    MensagemAtendimentoFactory,
    MotivoFactory,
    RegistroAtendimentoFactory,
    ReiteracaoFactory,
    TramiteFactory,
)
from tests.factories import UnidadeFactory, UsuarioFactory

pytestmark = pytest.mark.django_db


def test_fila_da_unidade_so_abertos_da_unidade_por_prazo(atendente, unidade):
    vencido = RegistroAtendimentoFactory(unidade_atual=unidade, status="vencido")
    no_prazo = RegistroAtendimentoFactory(unidade_atual=unidade, status="no_prazo")
    atencao = RegistroAtendimentoFactory(unidade_atual=unidade, status="atencao")
    bloqueado = RegistroAtendimentoFactory(unidade_atual=unidade, situacao="bloqueado")
    RegistroAtendimentoFactory(unidade_atual=unidade, encerrado=True)
    RegistroAtendimentoFactory()  # another unit
    fila = list(selectors.fila_unidade(usuario=atendente))
    # no_prazo and bloqueado share the deadline: the RA number breaks the tie.
    assert [ra.pk for ra in fila] == [vencido.pk, atencao.pk, no_prazo.pk, bloqueado.pk]
    prazos = [ra.data_prevista_atual for ra in fila]
    assert prazos == sorted(prazos)


def test_fila_de_usuario_sem_unidade_e_vazia(db):
    usuario = UsuarioFactory(unidade=None)
    RegistroAtendimentoFactory()
    assert list(selectors.fila_unidade(usuario=usuario)) == []


def test_contagem_por_status_prazo(atendente, unidade):
    for status, quantos in (("vencido", 3), ("atencao", 2), ("no_prazo", 1)):
        for _ in range(quantos):
            RegistroAtendimentoFactory(unidade_atual=unidade, status=status)
    RegistroAtendimentoFactory(unidade_atual=unidade, encerrado=True)
    RegistroAtendimentoFactory(status="vencido")  # elsewhere
    da_unidade = selectors.contagem_por_status_prazo(usuario=atendente, unidade=unidade)
    assert da_unidade == {"no_prazo": 1, "atencao": 2, "vencido": 3, "pausado": 0, "total": 6}
    geral = selectors.contagem_por_status_prazo(usuario=atendente)
    assert geral["vencido"] == 4 and geral["total"] == 7


def test_painel_do_supervisor(supervisor, unidade):
    outra = UnidadeFactory(sigla="ESG")
    RegistroAtendimentoFactory(unidade_atual=unidade, status="vencido")
    RegistroAtendimentoFactory(unidade_atual=outra, status="vencido")
    RegistroAtendimentoFactory(unidade_atual=outra, status="vencido")
    RegistroAtendimentoFactory(unidade_atual=outra, status="no_prazo")
    # Its dates say overdue, but the clock was stopped before that (waiting on the requester).
    RegistroAtendimentoFactory(
        unidade_atual=unidade,
        status="vencido",
        pausado_desde=timezone.now() - datetime.timedelta(days=2),
    )
    painel = selectors.painel_supervisor(usuario=supervisor)
    assert painel["totais"] == {
        "no_prazo": 1,
        "atencao": 0,
        "vencido": 3,
        "pausado": 1,
        "total": 5,
    }
    assert [linha["unidade_atual__sigla"] for linha in painel["por_unidade"]] == ["ESG", "CAT"]
    assert len(painel["vencidos"]) == 3
    assert sum(linha["total"] for linha in painel["por_especificacao"]) == 5


def test_painel_e_so_de_supervisor(atendente):
    with pytest.raises(PermissionDenied):
        selectors.painel_supervisor(usuario=atendente)


def test_linha_do_tempo_junta_tudo_em_ordem(atendente):
    agora = timezone.now()
    ra = RegistroAtendimentoFactory(status="vencido", agora=agora)
    t = ra.data_abertura
    TramiteFactory(ra=ra, data=t + datetime.timedelta(hours=1), parecer="Para a equipe.")
    # The service also writes an EventoRA for a trâmite: it must not show twice.
    EventoRAFactory(ra=ra, tipo=EventoRA.Tipo.TRAMITE, data=t + datetime.timedelta(hours=1))
    EventoRAFactory(ra=ra, tipo=EventoRA.Tipo.ASSUNCAO, data=t + datetime.timedelta(hours=2))
    MensagemAtendimentoFactory(ra=ra, data=t + datetime.timedelta(hours=3), texto="Olá")
    MensagemAtendimentoFactory(
        ra=ra, data=t + datetime.timedelta(hours=4), visibilidade="interna", texto="Nota"
    )
    AnexoFactory(ra=ra, data=t + datetime.timedelta(hours=5))
    OrdemServico.objects.create(
        ra=ra,
        tipo_servico=TipoServico.objects.create(descricao="Conserto de vazamento"),
        unidade_atual=ra.unidade_atual,
        usuario_geracao=atendente,
        data_geracao=t + datetime.timedelta(hours=6),
        data_limite=t + datetime.timedelta(hours=30),
    )
    ReiteracaoFactory(ra=ra, data=agora, solicitante_telefone="+5581999991234")
    EventoRAFactory(
        ra=ra,
        tipo=EventoRA.Tipo.ALTERACAO,
        data=agora + datetime.timedelta(seconds=1),
        dados={"campos": {"prioridade": ["Normal", "Alta"]}},
    )

    itens = selectors.linha_do_tempo(ra, usuario=atendente)
    assert [i.tipo for i in itens] == [
        "abertura",
        "tramite",  # trâmite #1 written at opening
        "tramite",
        "assuncao",
        "mensagem",
        "mensagem_interna",
        "anexo",
        "os",
        "reiteracao",
        "alteracao",
    ]
    assert itens[-1].detalhes == ["prioridade: Normal → Alta"]
    assert "Telefone: (81) 99999-1234" in itens[-2].detalhes


def test_linha_do_tempo_mascara_telefone_sem_permissao(usuario_sem_dados_pessoais):
    reiteracao = ReiteracaoFactory(solicitante_telefone="+5581999991234")
    itens = selectors.linha_do_tempo(reiteracao.ra, usuario=usuario_sem_dados_pessoais)
    detalhes = [d for i in itens for d in i.detalhes]
    assert "Telefone: (81) *****-1234" in detalhes
    assert not any("99999-1234" in d for d in detalhes)


def test_linha_do_tempo_mostra_encerramento(atendente):
    ra = RegistroAtendimentoFactory(encerrado=True)
    tipos = [i.tipo for i in selectors.linha_do_tempo(ra, usuario=atendente)]
    assert tipos == ["abertura", "tramite", "encerramento"]


def test_acoes_de_um_ra_pendente_vencido_na_unidade_do_usuario(atendente, unidade):
    ra = RegistroAtendimentoFactory(unidade_atual=unidade, status="vencido")
    nomes = [a.nome for a in selectors.acoes_disponiveis(usuario=atendente, ra=ra)]
    assert {"tramitar", "encerrar", "reiterar", "assumir", "encaminhar", "mensagem"} <= set(nomes)
    assert "reativar" not in nomes and "desbloquear" not in nomes


def test_acoes_sem_reiterar_antes_do_prazo_e_sem_assumir_o_que_ja_e_seu(atendente, unidade):
    ra = RegistroAtendimentoFactory(unidade_atual=unidade, status="no_prazo", responsavel=atendente)
    nomes = [a.nome for a in selectors.acoes_disponiveis(usuario=atendente, ra=ra)]
    assert "reiterar" not in nomes and "assumir" not in nomes


def test_acoes_bloqueado_e_encerrado(atendente, unidade):
    bloqueado = RegistroAtendimentoFactory(unidade_atual=unidade, situacao="bloqueado")
    assert "desbloquear" in [
        a.nome for a in selectors.acoes_disponiveis(usuario=atendente, ra=bloqueado)
    ]
    encerrado = RegistroAtendimentoFactory(unidade_atual=unidade, encerrado=True)
    nomes = [a.nome for a in selectors.acoes_disponiveis(usuario=atendente, ra=encerrado)]
    assert nomes == ["reativar"]
    duplicado = RegistroAtendimentoFactory(
        unidade_atual=unidade,
        encerrado=True,
        motivo_encerramento=MotivoFactory(nome="Duplicidade", tipo="duplicidade"),
    )
    assert selectors.acoes_disponiveis(usuario=atendente, ra=duplicado) == []


def test_acoes_de_quem_pode_atuar(db):
    gerencia = UnidadeFactory(tipo="gerencia")
    campo = UnidadeFactory(superior=gerencia)
    ra = RegistroAtendimentoFactory(unidade_atual=campo)
    de_cima = UsuarioFactory(unidade=gerencia, papeis=[ATENDENTE])
    de_fora = UsuarioFactory(unidade=UnidadeFactory(), papeis=[ATENDENTE])
    de_central = UsuarioFactory(
        unidade=UnidadeFactory(central_atendimento=True), papeis=[ATENDENTE]
    )
    sem_papel = UsuarioFactory(unidade=campo)  # reads only: no change permission
    assert selectors.acoes_disponiveis(usuario=de_cima, ra=ra)
    assert selectors.acoes_disponiveis(usuario=de_central, ra=ra)
    assert selectors.acoes_disponiveis(usuario=de_fora, ra=ra) == []
    assert selectors.acoes_disponiveis(usuario=sem_papel, ra=ra) == []
