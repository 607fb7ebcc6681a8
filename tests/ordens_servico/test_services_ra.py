"""The OS ↔ RA interplay, through the real RA services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from atendimento.models import EventoRA, RegistroAtendimento
from atendimento.services import (
    registro_atendimento_abrir,
    registro_atendimento_encerrar,
    registro_atendimento_encerrar_pela_os,
    registro_atendimento_tramitar,
)
from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida
from mensageria.models import Mensagem
from ordens_servico.models import EventoOS, OrdemServico
from ordens_servico.services import (
    ordem_servico_desprogramar,
    ordem_servico_gerar_para_ra,
    ordem_servico_programar,
)
from tests.factories import ClienteFactory, ImovelFactory, TelefoneFactory
from tests.ordens_servico.factories import EspecificacaoFactory, MeioFactory, TipoServicoFactory

S = OrdemServico.Situacao


@pytest.fixture
def especificacao(campo, tipo):
    return EspecificacaoFactory(
        nome="Vazamento no cavalete", unidade_destino=campo, tipo_servico=tipo
    )


@pytest.fixture
def abrir(atendente, especificacao):
    def _abrir(**kwargs):
        cliente = ClienteFactory()
        TelefoneFactory(cliente=cliente)
        dados = {
            "usuario": atendente,
            "especificacao": especificacao,
            "meio": MeioFactory(),
            "descricao": "Água jorrando no cavalete.",
            "tipo_solicitante": "cliente",
            "cliente": cliente,
            "imovel": ImovelFactory(),
        }
        dados.update(kwargs)
        return registro_atendimento_abrir(**dados)

    return _abrir


def test_abrir_ra_gera_os_na_unidade_de_destino(abrir, campo, tipo):
    ra = abrir()
    os = OrdemServico.objects.get(ra=ra)
    assert (os.situacao, os.unidade_atual, os.tipo_servico, os.imovel) == (
        S.PENDENTE,
        campo,
        tipo,
        ra.imovel,
    )
    assert os.data_limite == os.data_geracao + timedelta(hours=tipo.prazo_execucao_horas)
    assert EventoOS.objects.get(os=os).tipo == EventoOS.Tipo.GERACAO


def test_tramitar_ra_leva_a_os_pendente(abrir, tecnico, outra_unidade):
    ra = abrir()
    os = OrdemServico.objects.get(ra=ra)
    registro_atendimento_tramitar(
        ra=ra, unidade_destino=outra_unidade, usuario=tecnico, parecer="Área da OPS."
    )
    os.refresh_from_db()
    assert (os.unidade_atual, os.situacao) == (outra_unidade, S.PENDENTE)
    evento = EventoOS.objects.filter(os=os).last()
    assert evento.tipo == EventoOS.Tipo.TRAMITE and "OPS" in evento.descricao


def test_os_programada_impede_tramitar_o_ra(abrir, tecnico, equipe, outra_unidade, campo):
    """GSAN refuses: routing would silently take the OS off its team's day."""
    ra = abrir()
    os = OrdemServico.objects.get(ra=ra)
    dia = timezone.localdate() + timedelta(days=1)
    ordem_servico_programar(os=os, usuario=tecnico, equipe=equipe, data=dia)
    tramites = ra.tramites.count()
    with pytest.raises(RegraViolada, match=r"programada para a Equipe Alfa") as erro:
        registro_atendimento_tramitar(
            ra=ra, unidade_destino=outra_unidade, usuario=tecnico, parecer="Área da OPS."
        )
    assert f"{dia:%d/%m/%Y}" in str(erro.value) and "retire-a da programação" in str(erro.value)
    os.refresh_from_db()
    ra.refresh_from_db()
    assert (os.unidade_atual, os.situacao, os.equipe, os.data_programada) == (
        campo,
        S.PROGRAMADA,
        equipe,
        dia,
    )
    assert ra.unidade_atual == campo and ra.tramites.count() == tramites
    # Once the OS is off the schedule, the RA (and the OS) can go.
    ordem_servico_desprogramar(os=os, usuario=tecnico)
    registro_atendimento_tramitar(
        ra=ra, unidade_destino=outra_unidade, usuario=tecnico, parecer="Área da OPS."
    )
    os.refresh_from_db()
    assert (os.unidade_atual, os.situacao) == (outra_unidade, S.PENDENTE)


def _motivo(tipo):
    from tests.ordens_servico.factories import MotivoFactory

    nomes = {"executado": "Serviço executado", "nao_executado": "Não executado"}
    return MotivoFactory(nome=nomes[tipo], tipo=tipo)


def test_encerrar_ra_nao_executado_encerra_a_os(abrir, tecnico, nao_executado):
    ra = abrir()
    registro_atendimento_encerrar(
        ra=ra, motivo=nao_executado, parecer="Cliente desistiu.", usuario=tecnico
    )
    os = OrdemServico.objects.get(ra=ra)
    assert os.situacao == S.ENCERRADA_NAO_EXECUTADA
    assert os.motivo_encerramento.startswith("RA encerrado")
    assert EventoOS.objects.filter(os=os).last().tipo == EventoOS.Tipo.CANCELAMENTO


def test_encerrar_os_que_encerra_o_ra_fecha_o_ra_com_o_mesmo_motivo(
    abrir, tecnico, tipo, executado
):
    tipo.encerra_ra = True
    tipo.save()
    ra = abrir()
    os = OrdemServico.objects.get(ra=ra)
    resultado = registro_atendimento_encerrar_pela_os(
        os=os, usuario=tecnico, motivo=executado, parecer="Cavalete trocado."
    )
    ra.refresh_from_db()
    assert resultado.ra_encerrado
    assert ra.situacao == RegistroAtendimento.Situacao.ENCERRADO
    assert ra.motivo_encerramento == executado
    assert ra.parecer_encerramento == "Cavalete trocado."
    assert ra.data_encerramento == resultado.os.data_encerramento
    assert EventoRA.objects.filter(ra=ra, tipo=EventoRA.Tipo.ENCERRAMENTO).exists()
    # The citizen hears about it: the RA service queued the "atendida" SMS.
    sms = Mensagem.objects.get(registro_atendimento=ra, evento="ra_atendido")
    assert sms.destino == ra.celular_sms()


def test_ra_que_exige_parecer_nao_e_encerrado_pela_os_sem_parecer(
    abrir, tecnico, tipo, executado, especificacao
):
    """Closing the RA through its last OS follows the rules of closing it directly."""
    tipo.encerra_ra = True
    tipo.save()
    especificacao.exige_parecer_encerramento = True
    especificacao.save()
    ra = abrir()
    os = OrdemServico.objects.get(ra=ra)
    with pytest.raises(RegraViolada, match="exige o parecer de encerramento") as erro:
        registro_atendimento_encerrar_pela_os(
            os=os, usuario=tecnico, motivo=executado, parecer="  "
        )
    assert erro.value.campo == "parecer" and ra.protocolo in str(erro.value)
    os.refresh_from_db()
    ra.refresh_from_db()
    assert os.situacao == S.PENDENTE and ra.situacao == RegistroAtendimento.Situacao.PENDENTE
    registro_atendimento_encerrar_pela_os(
        os=os, usuario=tecnico, motivo=executado, parecer="Cavalete trocado."
    )
    ra.refresh_from_db()
    assert ra.situacao == RegistroAtendimento.Situacao.ENCERRADO
    assert ra.parecer_encerramento == "Cavalete trocado."


def test_encerrar_os_com_outra_os_aberta_nao_fecha_o_ra(abrir, tecnico, tipo, executado):
    tipo.encerra_ra = True
    tipo.save()
    ra = abrir()
    ra.especificacao.permite_os_opcional = True
    ra.especificacao.save()
    outra = ordem_servico_gerar_para_ra(
        ra=ra, tipo_servico=TipoServicoFactory(descricao="Repavimentação"), usuario=tecnico
    )
    os = OrdemServico.objects.get(ra=ra, tipo_servico=tipo)
    resultado = registro_atendimento_encerrar_pela_os(os=os, usuario=tecnico, motivo=executado)
    ra.refresh_from_db()
    assert not resultado.ra_encerrado and not resultado.oferecer_encerrar_ra
    assert ra.situacao == RegistroAtendimento.Situacao.PENDENTE
    resultado = registro_atendimento_encerrar_pela_os(os=outra, usuario=tecnico, motivo=executado)
    assert resultado.oferecer_encerrar_ra  # Repavimentação does not close the RA itself


def test_ultima_os_oferece_encerrar_o_ra(abrir, tecnico, executado):
    ra = abrir()
    os = OrdemServico.objects.get(ra=ra)
    resultado = registro_atendimento_encerrar_pela_os(os=os, usuario=tecnico, motivo=executado)
    ra.refresh_from_db()
    assert resultado.oferecer_encerrar_ra and not resultado.ra_encerrado
    assert ra.situacao == RegistroAtendimento.Situacao.PENDENTE


def test_falha_ao_encerrar_o_ra_desfaz_o_encerramento_da_os(abrir, tecnico, tipo, executado):
    """If the RA refuses to close, nothing is written: the OS stays open."""
    tipo.encerra_ra = True
    tipo.save()
    ra = abrir()
    os = OrdemServico.objects.get(ra=ra)
    # A closing time valid for the OS but before the RA's opening: the RA refuses.
    RegistroAtendimento.objects.filter(pk=ra.pk).update(
        data_abertura=timezone.now() - timedelta(minutes=1)
    )
    OrdemServico.objects.filter(pk=os.pk).update(data_geracao=timezone.now() - timedelta(hours=2))
    antes = timezone.now() - timedelta(minutes=30)
    with pytest.raises(RegraViolada, match="anterior à abertura do RA"):
        registro_atendimento_encerrar_pela_os(os=os, usuario=tecnico, motivo=executado, data=antes)
    os.refresh_from_db()
    assert os.situacao == S.PENDENTE
    assert not EventoOS.objects.filter(os=os, tipo=EventoOS.Tipo.ENCERRAMENTO).exists()


# --- manual OS from the RA page ------------------------------------------------


def test_gerar_os_manual(abrir, tecnico, especificacao):
    especificacao.permite_os_opcional = True
    especificacao.save()
    ra = abrir()
    nova = TipoServicoFactory(descricao="Vistoria")
    os = ordem_servico_gerar_para_ra(ra=ra, tipo_servico=nova, usuario=tecnico)
    assert (os.ra, os.tipo_servico, os.situacao) == (ra, nova, S.PENDENTE)
    assert EventoRA.objects.filter(ra=ra, tipo=EventoRA.Tipo.ORDEM_SERVICO).exists()


def test_gerar_os_manual_recusas(abrir, tecnico, estranho, especificacao, tipo, nao_executado):
    ra = abrir()
    nova = TipoServicoFactory(descricao="Vistoria")
    with pytest.raises(RegraViolada, match="não permite gerar OS"):
        ordem_servico_gerar_para_ra(ra=ra, tipo_servico=nova, usuario=tecnico)
    especificacao.permite_os_opcional = True
    especificacao.save()
    with pytest.raises(RegraViolada, match="já tem a OS"):
        ordem_servico_gerar_para_ra(ra=ra, tipo_servico=tipo, usuario=tecnico)
    with pytest.raises(PermissaoNegada):
        ordem_servico_gerar_para_ra(ra=ra, tipo_servico=nova, usuario=estranho)
    nova.ativo = False
    nova.save()
    with pytest.raises(RegraViolada, match="inativo"):
        ordem_servico_gerar_para_ra(ra=ra, tipo_servico=nova, usuario=tecnico)
    assert OrdemServico.objects.filter(ra=ra).count() == 1
    registro_atendimento_encerrar(ra=ra, motivo=nao_executado, parecer="Desistiu.", usuario=tecnico)
    nova.ativo = True
    nova.save()
    with pytest.raises(TransicaoInvalida, match="só se gera OS para RA pendente"):
        ordem_servico_gerar_para_ra(ra=ra, tipo_servico=nova, usuario=tecnico)
    assert OrdemServico.objects.filter(ra=ra).count() == 1
