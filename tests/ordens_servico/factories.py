from datetime import timedelta

import factory
from django.utils import timezone

from atendimento import models as at
from ordens_servico import models
from tests.atendimento import factories as catalogo
from tests.atendimento.factories import (  # noqa: F401  (re-exported for the OS tests)
    GrupoFactory,
    MeioFactory,
    MotivoFactory,
    TipoServicoFactory,
    TipoSolicitacaoFactory,
)
from tests.factories import UnidadeFactory, UsuarioFactory


class EquipeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Equipe

    nome = factory.Sequence(lambda n: f"Equipe {n}")
    unidade = factory.SubFactory(UnidadeFactory)
    veiculo = "ABC1D23"
    telefone = "+5581999990000"
    carga_diaria = 4


class EspecificacaoFactory(catalogo.EspecificacaoFactory):
    """Quiet by default: no opening SMS, closing note optional."""

    prazo_dias = 3
    envia_sms_abertura = False
    exige_parecer_encerramento = False


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
