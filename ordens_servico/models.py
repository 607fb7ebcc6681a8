from django.conf import settings
from django.db import models
from django.db.models import Q


class TipoServico(models.Model):
    descricao = models.CharField("descrição", max_length=120, unique=True)
    valor = models.DecimalField("valor (R$)", max_digits=10, decimal_places=2, default=0)
    prazo_execucao_horas = models.PositiveIntegerField(
        "prazo de execução (horas)", default=48, help_text="Janela de execução pela prioridade."
    )
    encerra_ra = models.BooleanField("encerra o RA quando a OS é encerrada", default=False)
    pesquisa_satisfacao = models.BooleanField("pesquisa de satisfação", default=False)
    ativo = models.BooleanField("ativo", default=True)

    class Meta:
        verbose_name = "tipo de serviço"
        verbose_name_plural = "tipos de serviço"
        ordering = ["descricao"]

    def __str__(self):
        return self.descricao


class Equipe(models.Model):
    nome = models.CharField("nome", max_length=80)
    unidade = models.ForeignKey(
        "cadastro.UnidadeOrganizacional",
        verbose_name="unidade",
        on_delete=models.PROTECT,
        related_name="equipes",
    )
    veiculo = models.CharField("veículo (placa)", max_length=20, blank=True)
    telefone = models.CharField("telefone", max_length=20, blank=True)
    carga_diaria = models.PositiveSmallIntegerField("carga diária (OS por dia)", default=8)
    ativa = models.BooleanField("ativa", default=True)

    class Meta:
        verbose_name = "equipe"
        verbose_name_plural = "equipes"
        ordering = ["nome"]
        constraints = [
            models.UniqueConstraint(fields=["unidade", "nome"], name="equipe_nome_unico_na_unidade")
        ]

    def __str__(self):
        return self.nome


class OrdemServico(models.Model):
    class Situacao(models.TextChoices):
        PENDENTE = "pendente", "Pendente"
        PROGRAMADA = "programada", "Programada"
        EM_EXECUCAO = "em_execucao", "Em execução"
        ENCERRADA_EXECUTADA = "executada", "Encerrada — executada"
        ENCERRADA_NAO_EXECUTADA = "nao_executada", "Encerrada — não executada"

    ABERTAS = (Situacao.PENDENTE, Situacao.PROGRAMADA, Situacao.EM_EXECUCAO)

    ra = models.ForeignKey(
        "atendimento.RegistroAtendimento",
        verbose_name="RA",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ordens_servico",
    )
    imovel = models.ForeignKey(
        "cadastro.Imovel",
        verbose_name="imóvel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ordens_servico",
    )
    tipo_servico = models.ForeignKey(
        TipoServico, verbose_name="tipo de serviço", on_delete=models.PROTECT
    )
    situacao = models.CharField(
        "situação", max_length=15, choices=Situacao.choices, default=Situacao.PENDENTE
    )
    unidade_atual = models.ForeignKey(
        "cadastro.UnidadeOrganizacional",
        verbose_name="unidade atual",
        on_delete=models.PROTECT,
        related_name="ordens_servico",
    )
    equipe = models.ForeignKey(
        Equipe, verbose_name="equipe", null=True, blank=True, on_delete=models.PROTECT
    )
    usuario_geracao = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gerada por",
        on_delete=models.PROTECT,
        related_name="+",
    )
    data_geracao = models.DateTimeField("gerada em")
    data_programada = models.DateField("programada para", null=True, blank=True)
    data_inicio = models.DateTimeField("iniciada em", null=True, blank=True)
    data_execucao = models.DateTimeField("executada em", null=True, blank=True)
    data_encerramento = models.DateTimeField("encerrada em", null=True, blank=True)
    parecer = models.TextField("parecer", max_length=2000, blank=True)
    motivo_encerramento = models.CharField("motivo do encerramento", max_length=120, blank=True)

    class Meta:
        verbose_name = "ordem de serviço"
        verbose_name_plural = "ordens de serviço"
        ordering = ["-data_geracao"]
        indexes = [
            models.Index(fields=["unidade_atual", "situacao"], name="os_unidade_situacao"),
            models.Index(fields=["situacao", "data_geracao"], name="os_situacao_geracao"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_encerramento__isnull=True)
                | Q(data_encerramento__gte=models.F("data_geracao")),
                name="os_encerramento_apos_geracao",
                violation_error_message="A OS não pode ser encerrada antes de ser gerada.",
            )
        ]

    def __str__(self):
        return f"OS {self.pk} — {self.tipo_servico}"

    @property
    def aberta(self):
        return self.situacao in self.ABERTAS
