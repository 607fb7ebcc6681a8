import io

from django.core.management import call_command
from django.utils import timezone

from ordens_servico.models import Equipe, EventoOS, OrdemServico, TipoServico

S = OrdemServico.Situacao


def _carregar():
    from atendimento import demo as atendimento_demo
    from cadastro import demo as cadastro_demo
    from ordens_servico import demo

    saida = io.StringIO()
    for modulo in (cadastro_demo, atendimento_demo, demo):
        modulo.carregar(saida)
    return saida.getvalue()


def test_demo_tem_os_em_todas_as_situacoes_e_e_idempotente(db):
    saida = _carregar()
    assert "ordens_servico:" in saida
    for situacao in S.values:
        assert OrdemServico.objects.filter(situacao=situacao).exists(), situacao
    assert OrdemServico.objects.filter(
        situacao__in=OrdemServico.ABERTAS, data_limite__lt=timezone.now()
    ).exists()
    assert Equipe.objects.filter(unidade__sigla="GME").count() == 2
    encerrou_ra = OrdemServico.objects.get(parecer="Cavalete substituído.")
    assert encerrou_ra.ra.situacao == "encerrado"
    contagem = (
        OrdemServico.objects.count(),
        EventoOS.objects.count(),
        TipoServico.objects.count(),
        Equipe.objects.count(),
    )
    _carregar()
    assert contagem == (
        OrdemServico.objects.count(),
        EventoOS.objects.count(),
        TipoServico.objects.count(),
        Equipe.objects.count(),
    )


def test_demo_sem_atendimento_nao_cria_os(db):
    from cadastro import demo as cadastro_demo
    from ordens_servico import demo

    saida = io.StringIO()
    cadastro_demo.carregar(saida)
    demo.carregar(saida)
    assert "carregue antes" in saida.getvalue()
    assert not OrdemServico.objects.exists()
    assert Equipe.objects.exists()


def test_generate_volume_os(db):
    saida = io.StringIO()
    call_command("generate_volume", os=300, stdout=saida)
    assert OrdemServico.objects.count() == 300
    assert "300 os em" in saida.getvalue()
    for situacao in S.values:
        assert OrdemServico.objects.filter(situacao=situacao).exists(), situacao
    # Every generated row obeys the database rules and looks like real history.
    assert not OrdemServico.objects.filter(
        situacao__in=OrdemServico.ENCERRADAS, data_encerramento=None
    ).exists()
    assert not OrdemServico.objects.filter(situacao=S.PROGRAMADA, equipe=None).exists()
    executadas = OrdemServico.objects.filter(situacao=S.ENCERRADA_EXECUTADA)
    assert all(os.data_execucao >= os.data_geracao for os in executadas)
