import io

import pytest
from django.core.management import call_command

from atendimento.models import Especificacao, EventoRA, RegistroAtendimento, Tramite
from atendimento.services import registro_atendimento_abrir

pytestmark = pytest.mark.django_db


def test_generate_volume_ras(atendente, imovel):
    call_command("generate_volume", "--imoveis", "50", "--ras", "300", stdout=io.StringIO())
    ras = RegistroAtendimento.objects.all()
    assert ras.count() == 300
    assert ras.values("protocolo").distinct().count() == 300
    assert ras.filter(situacao="encerrado").exists() and ras.filter(situacao="pendente").exists()
    assert Tramite.objects.count() >= 300
    assert EventoRA.objects.filter(tipo="abertura").count() == 300
    assert (
        EventoRA.objects.filter(tipo="encerramento").count()
        == ras.filter(situacao="encerrado").count()
    )
    assert not ras.filter(situacao="encerrado", data_encerramento__isnull=True).exists()
    # Each RA keeps its imóvel's point, as one opened through the service does.
    for ra in ras.select_related("imovel")[:20]:
        assert (ra.latitude, ra.longitude) == (ra.imovel.latitude, ra.imovel.longitude)
    assert not ras.filter(latitude__isnull=True).exists()
    # A RA opened afterwards through the service gets a fresh protocol.
    ra = registro_atendimento_abrir(
        usuario=atendente,
        especificacao=Especificacao.objects.get(nome="Água com cor ou cheiro"),
        meio=ras.first().meio,
        descricao="Depois do volume",
        tipo_solicitante="livre",
        solicitante_nome="Ana",
        solicitante_telefone="81999990000",
        local_ocorrencia="Rua A",
    )
    assert RegistroAtendimento.objects.filter(protocolo=ra.protocolo).count() == 1
