"""The benchmark's SQL generator builds RAs the screens can read (so it cannot rot)."""

import sys
from pathlib import Path

import pytest
from django.db.models import Q

from atendimento import selectors
from atendimento.models import EventoRA, RegistroAtendimento, Tramite
from tests.factories import ClienteImovelFactory

pytestmark = pytest.mark.django_db

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def test_gerador_sql_de_ras_consistente(supervisor):
    import _volume_ra

    for _ in range(5):
        ClienteImovelFactory()
    _volume_ra.gerar_ras(300)
    ras = RegistroAtendimento.objects.all()
    assert ras.count() == 300
    assert ras.filter(situacao="encerrado").count() > 150
    assert ras.filter(~Q(situacao="encerrado")).exists()
    # Every RA has its opening event and trâmite #1; closed ones their closing event.
    assert EventoRA.objects.filter(tipo="abertura").count() == 300
    assert Tramite.objects.values("ra").distinct().count() == 300
    assert (
        EventoRA.objects.filter(tipo="encerramento").count()
        == ras.filter(situacao="encerrado").count()
    )
    # The solicitante of an RA with an imóvel is that imóvel's client.
    for ra in ras.filter(imovel__isnull=False)[:20]:
        assert ra.imovel.vinculos.filter(cliente=ra.cliente).exists()
        assert (ra.latitude, ra.longitude) == (ra.imovel.latitude, ra.imovel.longitude)
    assert not ras.filter(imovel__isnull=True, latitude__isnull=False).exists()
    contagem = selectors.contagem_por_status_prazo(usuario=supervisor)
    assert contagem["total"] == ras.filter(~Q(situacao="encerrado")).count()
    assert selectors.paginar(selectors.registro_atendimento_list(usuario=supervisor)).itens
