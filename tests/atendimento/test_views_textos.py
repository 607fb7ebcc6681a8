"""pt-BR slips on the RA screens: plurals, durations, doubled words."""

import datetime

import pytest
from django.urls import reverse

from tests.atendimento.factories import EspecificacaoFactory, RegistroAtendimentoFactory

pytestmark = pytest.mark.django_db


def _detalhe(client, ra):
    return client.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()


@pytest.mark.parametrize(
    ("dias", "esperado", "proibido"),
    [(1, "1 dia útil", "1 dia úteis"), (2, "2 dias úteis", "2 dia úteis")],
)
def test_prazo_em_dias_uteis_no_singular_e_no_plural(client_atendente, dias, esperado, proibido):
    especificacao = EspecificacaoFactory(prazo_dias=dias)
    html = client_atendente.get(
        reverse("atendimento:especificacao_info"), {"especificacao": especificacao.pk}
    ).content.decode()
    assert esperado in html and proibido not in html


def test_tempo_pausado_em_horas_e_minutos(client_atendente):
    ra = RegistroAtendimentoFactory(tempo_pausado=datetime.timedelta(hours=2, minutes=5, seconds=3))
    html = _detalhe(client_atendente, ra)
    assert "2 h 05 min" in html and "2:05:03" not in html


def test_ra_encerrado_nao_repete_a_situacao(client_atendente):
    ra = RegistroAtendimentoFactory(encerrado=True)
    html = _detalhe(client_atendente, ra)
    cabecalho = html[html.index("<header") : html.index("</header>")]
    assert cabecalho.count("Encerrado") == 1


def test_siglas_ficam_em_maiusculas(client_atendente, atendente):
    ra = RegistroAtendimentoFactory(
        unidade_abertura=atendente.unidade, usuario_abertura=atendente, origem="api"
    )
    html = _detalhe(client_atendente, ra)
    assert "(Manter RA)" in html and "(manter ra)" not in html
    assert "API (Open311)" in html and "api (open311)" not in html


@pytest.mark.parametrize(("uteis", "esperado"), [(True, "3 dias úteis"), (False, "3 dias")])
def test_prazo_da_especificacao_segue_o_parametro_de_dias_uteis(client_atendente, uteis, esperado):
    """The RA page and Inserir RA's especificação list say "úteis" exactly when it applies."""
    from atendimento.models import ParametrosAtendimento

    ParametrosAtendimento.objects.update_or_create(pk=1, defaults={"prazo_em_dias_uteis": uteis})
    ra = RegistroAtendimentoFactory(especificacao=EspecificacaoFactory(prazo_dias=3))
    html = _detalhe(client_atendente, ra)
    assert esperado in html
    assert ("3 dias úteis" in html) == uteis
    campo = client_atendente.get(reverse("atendimento:inserir")).context["form"]["especificacao"]
    assert (f"({esperado})" in str(campo)) and (("úteis" in str(campo)) == uteis)
