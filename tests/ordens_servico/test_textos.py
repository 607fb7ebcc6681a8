"""A team named "Equipe Alfa" is never "a equipe Equipe Alfa"."""

import pytest
from django.utils import timezone

from core.exceptions import RegraViolada
from ordens_servico.services import ordem_servico_programar
from tests.ordens_servico.factories import EquipeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("nome", "em_frase"),
    [("Equipe Alfa", "Equipe Alfa"), ("equipe norte", "equipe norte"), ("Norte", "equipe Norte")],
)
def test_nome_da_equipe_em_frase(campo, nome, em_frase):
    assert EquipeFactory(nome=nome, unidade=campo).em_frase == em_frase


def test_mensagem_nao_repete_equipe(os_pendente, tecnico, equipe):
    equipe.ativa = False
    equipe.save()
    with pytest.raises(RegraViolada) as erro:
        ordem_servico_programar(
            os=os_pendente, usuario=tecnico, equipe=equipe, data=timezone.localdate()
        )
    assert "Equipe Alfa está inativa" in str(erro.value)
    assert "equipe Equipe" not in str(erro.value)


def test_encerrar_vencidas_no_singular(campo, tipo):
    from datetime import timedelta

    from ordens_servico.models import EventoOS
    from ordens_servico.services import ordens_servico_encerrar_vencidas
    from tests.ordens_servico.factories import OrdemServicoFactory

    antiga = timezone.now() - timedelta(days=3)
    os = OrdemServicoFactory(
        unidade_atual=campo, tipo_servico=tipo, data_geracao=antiga, data_limite=antiga
    )
    assert ordens_servico_encerrar_vencidas(tipo_servico=tipo, dias=1) == 1
    evento = EventoOS.objects.filter(os=os).latest("id")
    assert "há mais de 1 dia)" in evento.descricao


def test_mensagem_de_encerradas_no_singular(client, gerente, campo, tipo):
    from datetime import timedelta

    from django.urls import reverse

    from tests.ordens_servico.factories import OrdemServicoFactory

    antiga = timezone.now() - timedelta(days=3)
    OrdemServicoFactory(
        unidade_atual=campo, tipo_servico=tipo, data_geracao=antiga, data_limite=antiga
    )
    client.force_login(gerente)
    resposta = client.post(
        reverse("ordens_servico:encerrar_vencidas"),
        {"tipo_servico": tipo.pk, "dias": 1, "unidade": campo.pk, "acao": "encerrar"},
        follow=True,
    )
    html = resposta.content.decode()
    assert "1 OS de “Conserto de vazamento” encerrada por decurso de prazo." in html
