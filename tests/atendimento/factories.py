"""Factories of the service-desk catalogue and a helper to open RAs through the service."""

import factory

from atendimento import models
from ordens_servico.models import TipoServico


class GrupoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.GrupoSolicitacao
        django_get_or_create = ("nome",)

    nome = "Água"


class TipoSolicitacaoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TipoSolicitacao

    grupo = factory.SubFactory(GrupoFactory)
    nome = factory.Sequence(lambda n: f"Tipo {n}")


class TipoServicoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TipoServico

    descricao = factory.Sequence(lambda n: f"Serviço {n}")


class EspecificacaoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Especificacao

    tipo = factory.SubFactory(TipoSolicitacaoFactory)
    nome = factory.Sequence(lambda n: f"Especificação {n}")
    prazo_dias = 2
    exige_parecer_encerramento = True


class MeioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MeioSolicitacao
        django_get_or_create = ("nome",)

    nome = "Balcão"


class MotivoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MotivoEncerramento
        django_get_or_create = ("nome",)

    nome = "Serviço executado"
    tipo = models.MotivoEncerramento.Tipo.EXECUTADO
