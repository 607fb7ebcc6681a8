from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida, VersaoDesatualizada
from ordens_servico.models import EventoOS, OrdemServico, ParametrosUnidadeOS
from ordens_servico.services import (
    ordem_servico_cancelar,
    ordem_servico_desprogramar,
    ordem_servico_encerrar,
    ordem_servico_iniciar,
    ordem_servico_programar,
)
from tests.ordens_servico.factories import EquipeFactory, OrdemServicoFactory

S = OrdemServico.Situacao


def amanha():
    return timezone.localdate() + timedelta(days=1)


def _sem_escrita(os, situacao=S.PENDENTE, eventos=0):
    os.refresh_from_db()
    assert os.situacao == situacao
    assert EventoOS.objects.filter(os=os).count() == eventos


# --- programar ---------------------------------------------------------------


def test_programar_poe_no_fim_do_dia_da_equipe_e_registra(os_pendente, tecnico, equipe, tipo):
    outra = OrdemServicoFactory(unidade_atual=os_pendente.unidade_atual, tipo_servico=tipo)
    ordem_servico_programar(os=outra, usuario=tecnico, equipe=equipe, data=amanha())
    os = ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    os.refresh_from_db()
    assert (os.situacao, os.equipe, os.data_programada, os.posicao) == (
        S.PROGRAMADA,
        equipe,
        amanha(),
        2,
    )
    assert os.versao == 2
    evento = EventoOS.objects.get(os=os)
    assert evento.tipo == EventoOS.Tipo.PROGRAMACAO
    assert (evento.situacao_anterior, evento.situacao_nova) == (S.PENDENTE, S.PROGRAMADA)
    assert evento.usuario == tecnico


def test_programar_em_posicao_empurra_as_outras(os_pendente, tecnico, equipe, tipo):
    primeira = OrdemServicoFactory(unidade_atual=os_pendente.unidade_atual, tipo_servico=tipo)
    ordem_servico_programar(os=primeira, usuario=tecnico, equipe=equipe, data=amanha())
    ordem_servico_programar(
        os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha(), posicao=1
    )
    primeira.refresh_from_db()
    os_pendente.refresh_from_db()
    assert (os_pendente.posicao, primeira.posicao) == (1, 2)


def test_reprogramar_para_outra_equipe_renumera_o_dia_antigo(os_pendente, tecnico, equipe, tipo):
    campo = os_pendente.unidade_atual
    beta = EquipeFactory(nome="Equipe Beta", unidade=campo, carga_diaria=3)
    segunda = OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo)
    ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    ordem_servico_programar(os=segunda, usuario=tecnico, equipe=equipe, data=amanha())
    ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=beta, data=amanha())
    segunda.refresh_from_db()
    os_pendente.refresh_from_db()
    assert (os_pendente.equipe, os_pendente.posicao) == (beta, 1)
    assert segunda.posicao == 1
    ultimo = EventoOS.objects.filter(os=os_pendente).last()
    assert ultimo.tipo == EventoOS.Tipo.REPROGRAMACAO
    assert ultimo.dados["de"]["equipe"] == equipe.pk


def test_programar_dia_passado_recusa(os_pendente, tecnico, equipe):
    ontem = timezone.localdate() - timedelta(days=1)
    with pytest.raises(RegraViolada, match="dia que já passou"):
        ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=ontem)
    _sem_escrita(os_pendente)


def test_programar_alem_da_carga_diaria_recusa(os_pendente, tecnico, equipe, tipo):
    for _ in range(equipe.carga_diaria):
        outra = OrdemServicoFactory(unidade_atual=os_pendente.unidade_atual, tipo_servico=tipo)
        ordem_servico_programar(os=outra, usuario=tecnico, equipe=equipe, data=amanha())
    with pytest.raises(RegraViolada, match="carga diária: 2"):
        ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    _sem_escrita(os_pendente)


def test_programar_equipe_de_outra_unidade_recusa(os_pendente, tecnico, outra_unidade):
    alheia = EquipeFactory(unidade=outra_unidade)
    with pytest.raises(RegraViolada, match="é da unidade OPS"):
        ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=alheia, data=amanha())
    _sem_escrita(os_pendente)


def test_programar_equipe_inativa_recusa(os_pendente, tecnico, equipe):
    equipe.ativa = False
    equipe.save()
    with pytest.raises(RegraViolada, match="inativa"):
        ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    _sem_escrita(os_pendente)


def test_desprogramar_volta_a_pendente(os_pendente, tecnico, equipe):
    ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    ordem_servico_desprogramar(os=os_pendente, usuario=tecnico)
    os_pendente.refresh_from_db()
    assert (os_pendente.situacao, os_pendente.equipe, os_pendente.posicao) == (
        S.PENDENTE,
        None,
        None,
    )
    assert EventoOS.objects.filter(os=os_pendente).last().tipo == EventoOS.Tipo.DESPROGRAMACAO


def test_desprogramar_os_nao_programada_recusa(os_pendente, tecnico):
    with pytest.raises(RegraViolada, match="não está programada"):
        ordem_servico_desprogramar(os=os_pendente, usuario=tecnico)
    _sem_escrita(os_pendente)


# --- permissions by unit -----------------------------------------------------


def test_unidade_acima_pode_atuar(os_pendente, gerente, equipe):
    ordem_servico_programar(os=os_pendente, usuario=gerente, equipe=equipe, data=amanha())
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.PROGRAMADA


def test_usuario_de_outra_unidade_nao_atua(os_pendente, estranho, equipe, executado):
    with pytest.raises(PermissaoNegada, match="está com a unidade OPN"):
        ordem_servico_programar(os=os_pendente, usuario=estranho, equipe=equipe, data=amanha())
    with pytest.raises(PermissaoNegada):
        ordem_servico_iniciar(os=os_pendente, usuario=estranho)
    with pytest.raises(PermissaoNegada):
        ordem_servico_encerrar(os=os_pendente, usuario=estranho, motivo=executado)
    with pytest.raises(PermissaoNegada):
        ordem_servico_cancelar(os=os_pendente, usuario=estranho, motivo="Erro")
    _sem_escrita(os_pendente)


def test_usuario_de_unidade_inativa_nao_atua(os_pendente, tecnico, equipe):
    """As on RAs: a deactivated unit's users may read, not act (the OS is with their unit)."""
    tecnico.unidade.ativa = False
    tecnico.unidade.save(update_fields=["ativa"])
    with pytest.raises(PermissaoNegada, match="inativa"):
        ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    with pytest.raises(PermissaoNegada):
        ordem_servico_iniciar(os=os_pendente, usuario=tecnico)
    _sem_escrita(os_pendente)


def test_permissao_de_qualquer_unidade_atua(os_pendente, estranho, executado):
    from django.contrib.auth.models import Permission

    estranho.user_permissions.add(Permission.objects.get(codename="atuar_qualquer_unidade"))
    estranho = type(estranho).objects.get(pk=estranho.pk)
    os = ordem_servico_encerrar(os=os_pendente, usuario=estranho, motivo=executado)
    assert os.situacao == S.ENCERRADA_EXECUTADA


# --- iniciar -----------------------------------------------------------------


def test_iniciar_os_pendente_sem_exigencia(os_pendente, tecnico):
    ordem_servico_iniciar(os=os_pendente, usuario=tecnico)
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.EM_EXECUCAO
    assert os_pendente.data_inicio is not None
    assert EventoOS.objects.get(os=os_pendente).tipo == EventoOS.Tipo.INICIO


def test_iniciar_sem_programacao_quando_o_tipo_exige_recusa(os_pendente, tecnico, tipo):
    tipo.exige_programacao = True
    tipo.save()
    with pytest.raises(RegraViolada, match="precisa ser programada"):
        ordem_servico_iniciar(os=os_pendente, usuario=tecnico)
    _sem_escrita(os_pendente)


def test_iniciar_sem_programacao_quando_a_unidade_exige_recusa(os_pendente, tecnico, equipe):
    ParametrosUnidadeOS.objects.create(unidade=os_pendente.unidade_atual, exige_programacao=True)
    with pytest.raises(RegraViolada, match="precisa ser programada"):
        ordem_servico_iniciar(os=os_pendente, usuario=tecnico)
    _sem_escrita(os_pendente)
    ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    ordem_servico_iniciar(os=os_pendente, usuario=tecnico)
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.EM_EXECUCAO


def test_iniciar_os_encerrada_recusa(os_pendente, tecnico, executado):
    ordem_servico_encerrar(os=os_pendente, usuario=tecnico, motivo=executado)
    with pytest.raises(TransicaoInvalida, match="já foi encerrada"):
        ordem_servico_iniciar(os=os_pendente, usuario=tecnico)


# --- encerrar ----------------------------------------------------------------


def test_encerrar_executada(os_pendente, tecnico, executado):
    devolvida = ordem_servico_encerrar(
        os=os_pendente, usuario=tecnico, motivo=executado, parecer="Trocado o registro."
    )
    os = OrdemServico.objects.get(pk=os_pendente.pk)
    assert devolvida.pk == os.pk and devolvida.situacao == os.situacao
    assert os.situacao == S.ENCERRADA_EXECUTADA
    assert os.data_execucao == os.data_encerramento
    assert (os.motivo, os.motivo_encerramento, os.parecer) == (
        executado,
        "Serviço executado",
        "Trocado o registro.",
    )
    assert os.usuario_encerramento == tecnico
    evento = EventoOS.objects.get(os=os)
    assert (evento.tipo, evento.situacao_nova) == (
        EventoOS.Tipo.ENCERRAMENTO,
        S.ENCERRADA_EXECUTADA,
    )


def test_encerrar_nao_executada_exige_parecer(os_pendente, tecnico, nao_executado):
    with pytest.raises(RegraViolada, match="Explique no parecer"):
        ordem_servico_encerrar(os=os_pendente, usuario=tecnico, motivo=nao_executado)
    _sem_escrita(os_pendente)
    ordem_servico_encerrar(
        os=os_pendente, usuario=tecnico, motivo=nao_executado, parecer="Casa fechada."
    )
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.ENCERRADA_NAO_EXECUTADA
    assert os_pendente.data_execucao is None


def test_encerrar_com_motivo_de_duplicidade_recusa(os_pendente, tecnico, duplicidade):
    with pytest.raises(RegraViolada, match="motivo de execução ou de não execução"):
        ordem_servico_encerrar(os=os_pendente, usuario=tecnico, motivo=duplicidade)
    _sem_escrita(os_pendente)


def test_encerrar_antes_da_geracao_recusa(os_pendente, tecnico, executado):
    antes = os_pendente.data_geracao - timedelta(minutes=1)
    with pytest.raises(RegraViolada, match="anterior à geração"):
        ordem_servico_encerrar(os=os_pendente, usuario=tecnico, motivo=executado, data=antes)
    _sem_escrita(os_pendente)


def test_encerrar_no_futuro_recusa(os_pendente, tecnico, executado):
    futuro = timezone.now() + timedelta(hours=1)
    with pytest.raises(RegraViolada, match="não pode ser no futuro"):
        ordem_servico_encerrar(os=os_pendente, usuario=tecnico, motivo=executado, data=futuro)
    _sem_escrita(os_pendente)


def test_encerrar_antes_do_inicio_recusa(os_pendente, tecnico, executado):
    ordem_servico_iniciar(os=os_pendente, usuario=tecnico)
    os_pendente.refresh_from_db()
    antes = os_pendente.data_inicio - timedelta(minutes=5)
    with pytest.raises(RegraViolada, match="anterior ao início"):
        ordem_servico_encerrar(os=os_pendente, usuario=tecnico, motivo=executado, data=antes)
    _sem_escrita(os_pendente, S.EM_EXECUCAO, eventos=1)


def test_encerrar_duas_vezes_recusa_a_segunda(os_pendente, tecnico, executado):
    """Two tabs: both loaded version 1; the second submit finds the OS closed."""
    versao = os_pendente.versao
    ordem_servico_encerrar(os=os_pendente, usuario=tecnico, motivo=executado, versao=versao)
    with pytest.raises(TransicaoInvalida, match="já foi encerrada"):
        ordem_servico_encerrar(os=os_pendente, usuario=tecnico, motivo=executado, versao=versao)
    assert EventoOS.objects.filter(os=os_pendente).count() == 1


def test_encerrar_com_versao_desatualizada_recusa(os_pendente, tecnico, equipe, executado):
    versao = os_pendente.versao
    ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    with pytest.raises(VersaoDesatualizada):
        ordem_servico_encerrar(os=os_pendente, usuario=tecnico, motivo=executado, versao=versao)
    _sem_escrita(os_pendente, S.PROGRAMADA, eventos=1)


def test_encerrar_executada_sem_programacao_quando_exigida_recusa(
    os_pendente, tecnico, tipo, executado
):
    tipo.exige_programacao = True
    tipo.save()
    with pytest.raises(RegraViolada, match="antes de ser encerrada como executada"):
        ordem_servico_encerrar(os=os_pendente, usuario=tecnico, motivo=executado)
    _sem_escrita(os_pendente)


# --- cancelar ----------------------------------------------------------------


def test_cancelar(os_pendente, tecnico):
    ordem_servico_cancelar(os=os_pendente, usuario=tecnico, motivo="Gerada por engano")
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.ENCERRADA_NAO_EXECUTADA
    assert os_pendente.motivo_encerramento == "Gerada por engano"
    assert EventoOS.objects.get(os=os_pendente).tipo == EventoOS.Tipo.CANCELAMENTO


def test_cancelar_sem_motivo_ou_encerrada_recusa(os_pendente, tecnico):
    with pytest.raises(RegraViolada, match="Informe o motivo"):
        ordem_servico_cancelar(os=os_pendente, usuario=tecnico, motivo=" ")
    _sem_escrita(os_pendente)
    ordem_servico_cancelar(os=os_pendente, usuario=tecnico, motivo="Engano")
    with pytest.raises(TransicaoInvalida):
        ordem_servico_cancelar(os=os_pendente, usuario=tecnico, motivo="De novo")
