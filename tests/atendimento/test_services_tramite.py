import pytest
from django.contrib.auth.models import Permission

from atendimento.forms import TramitarForm
from atendimento.models import EventoRA, RegistroAtendimento, Tramite
from atendimento.permissoes import pode_atuar
from atendimento.services import (
    registro_atendimento_assumir,
    registro_atendimento_desbloquear,
    registro_atendimento_encaminhar,
    registro_atendimento_tramitar,
)
from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida, VersaoDesatualizada
from ordens_servico.models import OrdemServico
from tests.atendimento.factories import EspecificacaoFactory, TipoServicoFactory
from tests.factories import ImovelFactory, UnidadeFactory, UsuarioFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def destino(db):
    return UnidadeFactory(sigla="ESG", nome="Esgoto")


def test_tramitar_move_ra_e_os(abrir, especificacao, tecnico, destino, executora):
    especificacao.tipo_servico = TipoServicoFactory()
    especificacao.save()
    ra = abrir()
    ra = registro_atendimento_tramitar(
        ra=ra, unidade_destino=destino, parecer="Rede de esgoto", usuario=tecnico, versao=ra.versao
    )
    assert ra.unidade_atual == destino
    assert ra.versao == 2
    assert OrdemServico.objects.get(ra=ra).unidade_atual == destino
    ultimo = Tramite.objects.filter(ra=ra).last()
    assert (ultimo.unidade_origem, ultimo.unidade_destino, ultimo.usuario) == (
        executora,
        destino,
        tecnico,
    )
    evento = EventoRA.objects.get(ra=ra, tipo="tramite")
    assert "MAN para ESG" in evento.descricao


def test_tramitar_recusas(abrir, tecnico, destino, executora):
    ra = abrir()
    with pytest.raises(RegraViolada, match="já está com a unidade"):
        registro_atendimento_tramitar(
            ra=ra, unidade_destino=executora, parecer="x", usuario=tecnico
        )
    with pytest.raises(RegraViolada, match="parecer"):
        registro_atendimento_tramitar(ra=ra, unidade_destino=destino, parecer=" ", usuario=tecnico)
    destino.ativa = False
    destino.save()
    with pytest.raises(RegraViolada, match="inativa"):
        registro_atendimento_tramitar(ra=ra, unidade_destino=destino, parecer="x", usuario=tecnico)
    destino.ativa, destino.recebe_tramite = True, False
    destino.save()
    with pytest.raises(RegraViolada, match="não recebe"):
        registro_atendimento_tramitar(ra=ra, unidade_destino=destino, parecer="x", usuario=tecnico)
    assert Tramite.objects.filter(ra=ra).count() == 1
    ra.refresh_from_db()
    assert ra.unidade_atual == executora and ra.versao == 1


def test_tramitar_com_os_em_execucao_recusado(abrir, especificacao, tecnico, destino):
    especificacao.tipo_servico = TipoServicoFactory()
    especificacao.save()
    ra = abrir()
    OrdemServico.objects.filter(ra=ra).update(situacao=OrdemServico.Situacao.EM_EXECUCAO)
    with pytest.raises(RegraViolada, match="em execução"):
        registro_atendimento_tramitar(ra=ra, unidade_destino=destino, parecer="x", usuario=tecnico)
    assert Tramite.objects.filter(ra=ra).count() == 1


def test_tramitar_ra_bloqueado_recusado(abrir, tecnico, destino):
    ra = abrir(imovel=None, local_ocorrencia="perto da praça")
    with pytest.raises(TransicaoInvalida, match="bloqueado"):
        registro_atendimento_tramitar(ra=ra, unidade_destino=destino, parecer="x", usuario=tecnico)


def test_versao_desatualizada_recusada(abrir, tecnico, destino):
    ra = abrir()
    with pytest.raises(VersaoDesatualizada, match="alterado por outra pessoa"):
        registro_atendimento_tramitar(
            ra=ra, unidade_destino=destino, parecer="x", usuario=tecnico, versao=ra.versao - 1 + 5
        )
    registro_atendimento_assumir(ra=ra, usuario=tecnico, versao=1)
    with pytest.raises(VersaoDesatualizada):
        registro_atendimento_tramitar(
            ra=ra, unidade_destino=destino, parecer="x", usuario=tecnico, versao=1
        )
    assert Tramite.objects.filter(ra=ra).count() == 1


def test_quem_pode_atuar(abrir, tecnico, estranho, atendente, executora, destino):
    ra = abrir()
    chefe_unidade = UnidadeFactory(sigla="DIR")
    executora.superior = chefe_unidade
    executora.save()
    ra.refresh_from_db()
    chefe = UsuarioFactory(unidade=chefe_unidade)
    assert pode_atuar(tecnico, ra)  # current unit
    assert pode_atuar(chefe, ra)  # a unit above
    assert pode_atuar(atendente, ra)  # central de atendimento
    assert not pode_atuar(estranho, ra)
    with pytest.raises(PermissaoNegada, match="unidade MAN"):
        registro_atendimento_tramitar(ra=ra, unidade_destino=destino, parecer="x", usuario=estranho)
    with pytest.raises(PermissaoNegada):
        registro_atendimento_assumir(ra=ra, usuario=estranho)
    estranho.user_permissions.add(Permission.objects.get(codename="atuar_qualquer_unidade"))
    estranho = type(estranho).objects.get(pk=estranho.pk)  # drop the permission cache
    assert pode_atuar(estranho, ra)
    registro_atendimento_tramitar(ra=ra, unidade_destino=destino, parecer="x", usuario=estranho)


def test_assumir_e_encaminhar(abrir, tecnico, estranho, executora):
    ra = abrir()
    ra = registro_atendimento_assumir(ra=ra, usuario=tecnico)
    assert ra.responsavel == tecnico
    with pytest.raises(RegraViolada, match="já é o responsável"):
        registro_atendimento_assumir(ra=ra, usuario=tecnico)
    colega = UsuarioFactory(unidade=executora)
    ra = registro_atendimento_encaminhar(
        ra=ra, usuario=tecnico, destinatario=colega, parecer="Férias"
    )
    assert ra.responsavel == colega
    with pytest.raises(RegraViolada, match="não pode atuar"):
        registro_atendimento_encaminhar(ra=ra, usuario=tecnico, destinatario=estranho)
    with pytest.raises(RegraViolada, match="já é o responsável"):
        registro_atendimento_encaminhar(ra=ra, usuario=tecnico, destinatario=colega)
    tipos = list(EventoRA.objects.filter(ra=ra).values_list("tipo", flat=True))
    assert tipos == ["abertura", "assuncao", "encaminhamento"]


def test_desbloquear(abrir, tecnico, imovel, especificacao):
    ra = abrir(imovel=None, local_ocorrencia="perto da praça")
    with pytest.raises(RegraViolada, match="Informe o imóvel"):
        registro_atendimento_desbloquear(ra=ra, usuario=tecnico)
    ra = registro_atendimento_desbloquear(ra=ra, usuario=tecnico, imovel=imovel)
    assert ra.situacao == RegistroAtendimento.Situacao.PENDENTE and ra.imovel == imovel
    with pytest.raises(TransicaoInvalida):
        registro_atendimento_desbloquear(ra=ra, usuario=tecnico, imovel=imovel)
    outro = abrir(imovel=None, local_ocorrencia="mesmo lugar")
    with pytest.raises(RegraViolada, match=ra.protocolo):
        registro_atendimento_desbloquear(ra=outro, usuario=tecnico, imovel=imovel)
    outro = registro_atendimento_desbloquear(
        ra=outro, usuario=tecnico, local_ocorrencia="Rua do Sol, 10, Recife"
    )
    assert outro.situacao == "pendente"
    evento = EventoRA.objects.get(ra=outro, tipo="desbloqueio")
    assert (evento.situacao_anterior, evento.situacao_nova) == ("bloqueado", "pendente")


@pytest.fixture
def centralizadas(db):
    """CEN centralizes FIL and IRM: what comes from outside for them lands in CEN."""
    central = UnidadeFactory(sigla="CEN")
    return (
        central,
        UnidadeFactory(sigla="FIL", centralizadora=central),
        UnidadeFactory(sigla="IRM", centralizadora=central),
    )


def test_destino_com_centralizadora_no_tramite(abrir, atendente, centralizadas):
    central, filha, irma = centralizadas
    ra = abrir(especificacao=EspecificacaoFactory(unidade_destino=None), imovel=ImovelFactory())
    ra = registro_atendimento_tramitar(ra=ra, unidade_destino=filha, parecer="x", usuario=atendente)
    assert ra.unidade_atual == central
    assert "para CEN" in EventoRA.objects.filter(ra=ra, tipo="tramite").last().descricao
    # From the centralizadora, routing to its own unit works (it is not a dead end)…
    ra = registro_atendimento_tramitar(
        ra=ra, unidade_destino=filha, parecer="Para a equipe", usuario=atendente
    )
    assert ra.unidade_atual == filha
    # …and between two units it centralizes too.
    ra = registro_atendimento_tramitar(
        ra=ra, unidade_destino=irma, parecer="Área da IRM", usuario=atendente
    )
    assert ra.unidade_atual == irma
    assert [t.unidade_destino.sigla for t in ra.tramites.all()][-3:] == ["CEN", "FIL", "IRM"]


def test_lista_de_destinos_do_tramite_concorda_com_o_servico(
    abrir, atendente, centralizadas, executora
):
    central = centralizadas[0]
    inativa = UnidadeFactory(sigla="INA", ativa=False)
    fechada = UnidadeFactory(sigla="FEC", recebe_tramite=False)
    ra = abrir()  # with MAN, outside CEN's group
    siglas = {u.sigla for u in TramitarForm(ra=ra).fields["unidade_destino"].queryset}
    assert {"CEN", "CAT"} <= siglas
    # FIL and IRM would land in CEN; MAN is where the RA already is.
    assert not siglas & {"FIL", "IRM", "MAN", inativa.sigla, fechada.sigla}
    ra = registro_atendimento_tramitar(
        ra=ra, unidade_destino=central, parecer="x", usuario=atendente
    )
    siglas = {u.sigla for u in TramitarForm(ra=ra).fields["unidade_destino"].queryset}
    assert {"FIL", "IRM", "MAN"} <= siglas and "CEN" not in siglas
    # Every unit offered is accepted by the service and lands where it says.
    for unidade in TramitarForm(ra=ra).fields["unidade_destino"].queryset:
        assert (
            registro_atendimento_tramitar(
                ra=ra, unidade_destino=unidade, parecer="x", usuario=atendente
            ).unidade_atual
            == unidade
        )
        ra = registro_atendimento_tramitar(
            ra=ra, unidade_destino=central, parecer="volta", usuario=atendente
        )
