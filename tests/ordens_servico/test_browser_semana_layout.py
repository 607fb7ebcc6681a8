"""The week calendar's cards hold their badges, however long the situation's label."""

import pytest
from django.utils import timezone

from ordens_servico.models import OrdemServico
from tests.ordens_servico.factories import OrdemServicoFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DENTRO = """cartao => [...cartao.querySelectorAll('.badge')].every(badge => {
  const b = badge.getBoundingClientRect(), c = cartao.getBoundingClientRect();
  return b.left >= c.left - 0.5 && b.right <= c.right + 0.5;
})"""


def test_badges_de_situacao_ficam_dentro_dos_cartoes(entrar, tecnico, campo, equipe, tipo):
    hoje = timezone.localdate()
    ordens = [
        OrdemServicoFactory(
            unidade_atual=campo,
            tipo_servico=tipo,
            equipe=equipe,
            data_programada=hoje,
            posicao=posicao,
            situacao=situacao,
            data_encerramento=timezone.now() if situacao in OrdemServico.ENCERRADAS else None,
        )
        for posicao, situacao in enumerate(
            [OrdemServico.Situacao.EM_EXECUCAO, OrdemServico.Situacao.ENCERRADA_NAO_EXECUTADA],
            start=1,
        )
    ]
    pagina = entrar(tecnico)
    pagina.set_viewport_size({"width": 1280, "height": 800})
    pagina.goto(f"/ordens-servico/programacao/?unidade={campo.pk}&inicio={hoje.isoformat()}")
    for os in ordens:
        cartao = pagina.locator(f'.os-cartao[data-os="{os.pk}"]')
        assert cartao.locator(".badge").inner_text() == os.get_situacao_display()
        assert cartao.evaluate(DENTRO), os.get_situacao_display()
