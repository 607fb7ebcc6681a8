"""Shared wording: durations read as an attendant would say them."""

import datetime

import pytest
from django.template import Context, Template

from core.texto import formatar_duracao

D = datetime.timedelta


@pytest.mark.parametrize(
    ("duracao", "texto"),
    [
        (D(seconds=2.765763), "menos de 1 min"),
        (D(minutes=1), "1 min"),
        (D(minutes=59, seconds=59), "59 min"),
        (D(hours=1), "1 h"),
        (D(hours=2, minutes=5), "2 h 05 min"),
        (D(days=1), "1 dia"),
        (D(days=1, hours=1, minutes=30), "1 dia 1 h"),
        (D(days=3, hours=4), "3 dias 4 h"),
        (D(days=3, minutes=10), "3 dias"),
        (D(0), "0 min"),
        (D(seconds=-5), "0 min"),
    ],
)
def test_formatar_duracao(duracao, texto):
    assert formatar_duracao(duracao) == texto


def test_filtro_duracao_nos_templates():
    html = Template("{% load core_tags %}{{ d|duracao }}|{{ vazio|duracao }}").render(
        Context({"d": D(hours=2, minutes=5), "vazio": None})
    )
    assert html == "2 h 05 min|"
