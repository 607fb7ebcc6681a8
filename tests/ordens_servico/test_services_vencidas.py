from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.exceptions import RegraViolada
from ordens_servico.models import EventoOS, OrdemServico
from ordens_servico.services import (
    MOTIVO_DECURSO_PRAZO,
    ordem_servico_programar,
    ordens_servico_encerrar_vencidas,
)
from ordens_servico.tasks import ordens_servico_encerrar_vencidas_task
from tests.ordens_servico.factories import OrdemServicoFactory, TipoServicoFactory

S = OrdemServico.Situacao


def _os(unidade, tipo, dias):
    return OrdemServicoFactory(
        unidade_atual=unidade, tipo_servico=tipo, data_geracao=timezone.now() - timedelta(days=dias)
    )


@pytest.fixture
def cenario(campo, outra_unidade, tipo, tecnico, equipe):
    outro_tipo = TipoServicoFactory(descricao="Vistoria")
    velhas = [_os(campo, tipo, 40) for _ in range(7)]
    programada = _os(campo, tipo, 40)
    ordem_servico_programar(
        os=programada, usuario=tecnico, equipe=equipe, data=timezone.localdate()
    )
    return {
        "velhas": velhas,
        "recente": _os(campo, tipo, 10),
        "outro_tipo": _os(campo, outro_tipo, 40),
        "outra_unidade": _os(outra_unidade, tipo, 40),
        "programada": programada,
    }


def test_encerra_so_pendentes_do_tipo_mais_antigas_que_n_dias(cenario, tipo, gerente):
    progresso = []
    total = ordens_servico_encerrar_vencidas(
        tipo_servico=tipo, dias=30, usuario=gerente, lote=3, progresso=progresso.append
    )
    assert total == 8  # 7 old ones + the one in the other unit
    assert progresso == [3, 6, 8]
    for os in cenario["velhas"] + [cenario["outra_unidade"]]:
        os.refresh_from_db()
        assert os.situacao == S.ENCERRADA_NAO_EXECUTADA
        assert os.motivo_encerramento == MOTIVO_DECURSO_PRAZO
        assert os.usuario_encerramento == gerente
        evento = EventoOS.objects.get(os=os)
        assert (evento.tipo, evento.situacao_anterior) == (EventoOS.Tipo.CANCELAMENTO, S.PENDENTE)
    for chave in ("recente", "outro_tipo"):
        cenario[chave].refresh_from_db()
        assert cenario[chave].situacao == S.PENDENTE
    cenario["programada"].refresh_from_db()
    assert cenario["programada"].situacao == S.PROGRAMADA
    assert ordens_servico_encerrar_vencidas(tipo_servico=tipo, dias=30) == 0


def test_restrito_as_unidades(cenario, tipo, campo):
    total = ordens_servico_encerrar_vencidas(tipo_servico=tipo, dias=30, unidades=[campo.pk])
    assert total == 7
    cenario["outra_unidade"].refresh_from_db()
    assert cenario["outra_unidade"].situacao == S.PENDENTE


def test_dias_invalidos_recusa(cenario, tipo):
    with pytest.raises(RegraViolada, match="maior que zero"):
        ordens_servico_encerrar_vencidas(tipo_servico=tipo, dias=0)
    assert OrdemServico.objects.filter(situacao=S.ENCERRADA_NAO_EXECUTADA).count() == 0


def test_comando(cenario, tipo):
    saida = StringIO()
    call_command("encerrar_os_vencidas", tipo=tipo.pk, dias=30, stdout=saida)
    assert "8 OS encerradas por decurso de prazo" in saida.getvalue()
    with pytest.raises(CommandError, match="não existe"):
        call_command("encerrar_os_vencidas", tipo=999999, dias=30, stdout=StringIO())
    with pytest.raises(CommandError, match="Informe --dias"):
        call_command("encerrar_os_vencidas", tipo=tipo.pk, stdout=StringIO())
    with pytest.raises(CommandError, match="maior que zero"):
        call_command("encerrar_os_vencidas", tipo=tipo.pk, dias=0, stdout=StringIO())


def test_tarefa_periodica_usa_os_dias_de_cada_tipo(cenario, tipo):
    assert ordens_servico_encerrar_vencidas_task() == 0  # no type sets dias_vencimento
    tipo.dias_vencimento = 30
    tipo.save()
    assert ordens_servico_encerrar_vencidas_task() == 8
    from django.conf import settings

    agendada = settings.CELERY_BEAT_SCHEDULE["ordens-servico-encerrar-vencidas"]
    assert agendada["task"] == "ordens_servico.tasks.ordens_servico_encerrar_vencidas_task"


def test_lote_pelo_orm_usado_no_sqlite(cenario, tipo, gerente):
    """The ORM path (embedded SQLite in development) closes and records the same way."""
    from ordens_servico.services import vencidas

    elegiveis = vencidas.ordens_servico_vencidas_elegiveis(tipo_servico=tipo, dias=30)
    agora = timezone.now()
    feitas = vencidas._lote_orm(elegiveis, 5, agora=agora, usuario=gerente, descricao="lote")
    assert feitas == 5
    assert elegiveis.count() == 3
    fechadas = OrdemServico.objects.filter(motivo_encerramento=MOTIVO_DECURSO_PRAZO)
    assert fechadas.count() == 5
    assert EventoOS.objects.filter(os__in=fechadas, descricao="lote").count() == 5
