"""Factories of the service-desk catalogue and of consistent RA rows.

``RegistroAtendimentoFactory(status="vencido")`` builds an RA (without the services)
whose deadline status is the one asked for; ``encerrado=True`` closes it. Like the
real opening, it writes an ``abertura`` event and trâmite #1.
"""

import datetime

import factory
from django.utils import timezone

from atendimento import models
from ordens_servico.models import TipoServico
from tests.factories import ClienteFactory, ImovelFactory, UnidadeFactory, UsuarioFactory


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
    valor = 50
    prazo_execucao_horas = 48


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


class StatusComplementarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StatusComplementar
        django_get_or_create = ("nome",)

    nome = "Aguardando material"


def _protocolo(n: int) -> str:
    return f"{timezone.now().year}1{n:09d}"


# Deadline placement per wanted status: (days opened ago, prazo in days).
# Atenção starts at 80% of the deadline (the default "last 20%").
_PRAZOS = {
    "no_prazo": (1, 10),
    "atencao": (9, 10),
    "vencido": (12, 10),
}


class RegistroAtendimentoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RegistroAtendimento
        skip_postgeneration_save = True

    class Params:
        status = "no_prazo"
        encerrado = False
        agora = factory.LazyFunction(timezone.now)

    protocolo = factory.Sequence(_protocolo)
    especificacao = factory.SubFactory(EspecificacaoFactory)
    meio = factory.SubFactory(MeioFactory)
    descricao = factory.Faker("sentence", nb_words=10, locale="pt_BR")
    imovel = factory.SubFactory(ImovelFactory)
    tipo_solicitante = models.RegistroAtendimento.TipoSolicitante.CLIENTE
    cliente = factory.SubFactory(ClienteFactory)
    unidade_abertura = factory.SubFactory(UnidadeFactory)
    usuario_abertura = factory.SubFactory(
        UsuarioFactory, unidade=factory.SelfAttribute("..unidade_abertura")
    )
    unidade_atual = factory.SelfAttribute("unidade_abertura")

    data_abertura = factory.LazyAttribute(
        lambda o: o.agora - datetime.timedelta(days=_PRAZOS[o.status][0], hours=1)
    )
    data_prevista_original = factory.LazyAttribute(
        lambda o: o.data_abertura + datetime.timedelta(days=_PRAZOS[o.status][1])
    )
    data_prevista_atual = factory.SelfAttribute("data_prevista_original")
    data_atencao = factory.LazyAttribute(
        lambda o: o.data_abertura + (o.data_prevista_atual - o.data_abertura) * 0.8
    )
    situacao = factory.LazyAttribute(
        lambda o: (
            models.RegistroAtendimento.Situacao.ENCERRADO
            if o.encerrado
            else models.RegistroAtendimento.Situacao.PENDENTE
        )
    )
    data_encerramento = factory.LazyAttribute(
        lambda o: o.data_abertura + datetime.timedelta(hours=2) if o.encerrado else None
    )
    motivo_encerramento = factory.Maybe(
        "encerrado", yes_declaration=factory.SubFactory(MotivoFactory)
    )
    parecer_encerramento = factory.Maybe("encerrado", yes_declaration="Serviço concluído.")

    @factory.post_generation
    def historico(self, create, extracted, **kwargs):
        """Opening event and trâmite #1 (pass ``historico=False`` to skip)."""
        if not create or extracted is False:
            return
        models.EventoRA.objects.create(
            ra=self,
            tipo=models.EventoRA.Tipo.ABERTURA,
            situacao_nova=models.RegistroAtendimento.Situacao.PENDENTE,
            usuario=self.usuario_abertura,
            data=self.data_abertura,
            descricao=f"RA aberto — protocolo {self.protocolo}.",
        )
        models.Tramite.objects.create(
            ra=self,
            unidade_origem=self.unidade_abertura,
            unidade_destino=self.unidade_atual,
            usuario=self.usuario_abertura,
            data=self.data_abertura,
            parecer="Trâmite inicial.",
        )
        if self.situacao == models.RegistroAtendimento.Situacao.ENCERRADO:
            models.EventoRA.objects.create(
                ra=self,
                tipo=models.EventoRA.Tipo.ENCERRAMENTO,
                situacao_anterior=models.RegistroAtendimento.Situacao.PENDENTE,
                situacao_nova=models.RegistroAtendimento.Situacao.ENCERRADO,
                usuario=self.usuario_abertura,
                data=self.data_encerramento,
                descricao=self.parecer_encerramento,
            )


class TramiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tramite

    ra = factory.SubFactory(RegistroAtendimentoFactory)
    unidade_origem = factory.SelfAttribute("ra.unidade_atual")
    unidade_destino = factory.SubFactory(UnidadeFactory)
    usuario = factory.SelfAttribute("ra.usuario_abertura")
    data = factory.LazyFunction(timezone.now)
    parecer = "Encaminhado para execução."


class ReiteracaoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Reiteracao

    ra = factory.SubFactory(RegistroAtendimentoFactory, status="vencido")
    protocolo = factory.Sequence(lambda n: _protocolo(500_000_000 + n))
    solicitante_nome = factory.Faker("name", locale="pt_BR")
    usuario = factory.SelfAttribute("ra.usuario_abertura")
    data = factory.LazyFunction(timezone.now)


class MensagemAtendimentoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MensagemAtendimento

    ra = factory.SubFactory(RegistroAtendimentoFactory)
    visibilidade = models.MensagemAtendimento.Visibilidade.PUBLICA
    texto = factory.Faker("sentence", nb_words=8, locale="pt_BR")
    autor = factory.SelfAttribute("ra.usuario_abertura")
    data = factory.LazyFunction(timezone.now)


class AnexoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Anexo

    ra = factory.SubFactory(RegistroAtendimentoFactory)
    arquivo = factory.django.FileField(filename="foto.png", data=b"\x89PNG\r\n\x1a\nconteudo")
    nome_original = "foto.png"
    tipo_mime = "image/png"
    tamanho = 18
    usuario = factory.SelfAttribute("ra.usuario_abertura")


class DevolucaoValorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DevolucaoValor

    ra = factory.SubFactory(RegistroAtendimentoFactory)
    motivo = models.DevolucaoValor.Motivo.DUPLICIDADE
    documento = factory.Sequence(lambda n: f"CONTA-{n:06d}")
    referencia = "202601"
    valor = "57.30"


class EventoRAFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EventoRA

    ra = factory.SubFactory(RegistroAtendimentoFactory)
    tipo = models.EventoRA.Tipo.ASSUNCAO
    usuario = factory.SelfAttribute("ra.usuario_abertura")
    data = factory.LazyFunction(timezone.now)
    descricao = "Atendimento assumido."
