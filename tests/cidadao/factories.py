"""Factories of the citizen channel. Points are inside the default service area
(Recife): ``PONTO`` and a few metres from it."""

import secrets
from decimal import Decimal

import factory

from cidadao import models
from tests.atendimento.factories import EspecificacaoFactory

PONTO = (Decimal("-8.063000"), Decimal("-34.871000"))  # Recife Antigo


class EspecificacaoPublicaFactory(EspecificacaoFactory):
    nome = factory.Sequence(lambda n: f"Vazamento na via pública {n}")
    publica = True
    codigo_servico = factory.Sequence(lambda n: f"vazamento-{n}")
    descricao_publica = "Água ou esgoto correndo na rua."
    raio_duplicidade_m = 250


class RelatoFactory(factory.django.DjangoModelFactory):
    """A report as ``relato_registrar`` stores it (no photo unless given)."""

    class Meta:
        model = models.Relato

    token = factory.LazyFunction(lambda: secrets.token_urlsafe(12))
    canal = models.Relato.Canal.WEB
    especificacao = factory.SubFactory(EspecificacaoPublicaFactory)
    latitude = PONTO[0]
    longitude = PONTO[1]
    descricao = "Água jorrando do asfalto em frente ao número 120."
    celular = "+5581999990001"
