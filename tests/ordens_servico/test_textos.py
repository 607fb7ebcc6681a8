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
