from datetime import timedelta

import factory
from django.utils import timezone

from atendimento import models as at
from ordens_servico import models
from tests.factories import UnidadeFactory, UsuarioFactory


class TipoServicoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TipoServico

    descricao = factory.Sequence(lambda n: f"Serviço {n}")
    valor = 50
    prazo_execucao_horas = 48


class EquipeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Equipe

    nome = factory.Sequence(lambda n: f"Equipe {n}")
    unidade = factory.SubFactory(UnidadeFactory)
    veiculo = "ABC1D23"
    telefone = "+5581999990000"
    carga_diaria = 4


class GrupoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = at.GrupoSolicitacao
        django_get_or_create = ("nome",)

    nome = "Água"


class TipoSolicitacaoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = at.TipoSolicitacao

    grupo = factory.SubFactory(GrupoFactory)
    nome = factory.Sequence(lambda n: f"Vazamento {n}")


class EspecificacaoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = at.Especificacao

    tipo = factory.SubFactory(TipoSolicitacaoFactory)
    nome = factory.Sequence(lambda n: f"Vazamento no cavalete {n}")
    prazo_dias = 3
    envia_sms_abertura = False
    exige_parecer_encerramento = False


class MeioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = at.MeioSolicitacao
        django_get_or_create = ("nome",)

    nome = "Balcão"


class MotivoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = at.MotivoEncerramento
        django_get_or_create = ("nome",)

    nome = "Serviço executado"
    tipo = at.MotivoEncerramento.Tipo.EXECUTADO


class RegistroAtendimentoFactory(factory.django.DjangoModelFactory):
    """An RA row written directly (the RA services are tested in tests/atendimento)."""

    class Meta:
        model = at.RegistroAtendimento

    protocolo = factory.Sequence(lambda n: f"2026{n:010d}")
    especificacao = factory.SubFactory(EspecificacaoFactory)
    meio = factory.SubFactory(MeioFactory)
    descricao = "Vazamento na calçada."
    tipo_solicitante = at.RegistroAtendimento.TipoSolicitante.LIVRE
    solicitante_nome = "Maria da Silva"
    solicitante_telefone = "+5581999998888"
    unidade_abertura = factory.SubFactory(UnidadeFactory)
    usuario_abertura = factory.SubFactory(UsuarioFactory)
    unidade_atual = factory.SelfAttribute("unidade_abertura")
    data_abertura = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    data_prevista_original = factory.LazyAttribute(lambda o: o.data_abertura + timedelta(days=3))
    data_prevista_atual = factory.SelfAttribute("data_prevista_original")
    data_atencao = factory.LazyAttribute(lambda o: o.data_abertura + timedelta(days=2))


class OrdemServicoFactory(factory.django.DjangoModelFactory):
    """An OS row written directly, pendente, generated an hour ago."""

    class Meta:
        model = models.OrdemServico

    tipo_servico = factory.SubFactory(TipoServicoFactory)
    unidade_atual = factory.SubFactory(UnidadeFactory)
    usuario_geracao = factory.SubFactory(UsuarioFactory)
    data_geracao = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    data_limite = factory.LazyAttribute(
        lambda o: o.data_geracao + timedelta(hours=o.tipo_servico.prazo_execucao_horas)
    )
