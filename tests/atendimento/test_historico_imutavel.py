import pytest
from django.core.exceptions import ValidationError

from atendimento.models import EventoRA, Tramite
from ordens_servico.models import EventoOS
from tests.atendimento.factories import RegistroAtendimentoFactory
from tests.ordens_servico.factories import OrdemServicoFactory

pytestmark = pytest.mark.django_db


def _linhas_de_historico():
    ra = RegistroAtendimentoFactory()
    os = OrdemServicoFactory()
    evento_os = EventoOS.objects.create(os=os, tipo=EventoOS.Tipo.GERACAO, descricao="gerada")
    return [
        (Tramite.objects.filter(ra=ra).first(), "O histórico de trâmites"),
        (EventoRA.objects.filter(ra=ra).first(), "O histórico do RA"),
        (evento_os, "O histórico da OS"),
    ]


def test_historico_nao_pode_ser_alterado_nem_apagado():
    for linha, nome in _linhas_de_historico():
        assert linha is not None
        linha.data = linha.data.replace(year=2000)
        with pytest.raises(ValidationError, match=f"{nome} não pode ser alterado"):
            linha.save()
        with pytest.raises(ValidationError, match=f"{nome} não pode ser apagado"):
            linha.delete()
        assert type(linha).objects.get(pk=linha.pk).data.year != 2000
