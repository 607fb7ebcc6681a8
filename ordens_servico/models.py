from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import Imutavel


class TipoServico(models.Model):
    descricao = models.CharField("descrição", max_length=120, unique=True)
    valor = models.DecimalField("valor (R$)", max_digits=10, decimal_places=2, default=0)
    prazo_execucao_horas = models.PositiveIntegerField(
        "prazo de execução (horas)", default=48, help_text="Janela de execução pela prioridade."
    )
    encerra_ra = models.BooleanField("encerra o RA quando a OS é encerrada", default=False)
    pesquisa_satisfacao = models.BooleanField("pesquisa de satisfação", default=False)
    exige_programacao = models.BooleanField(
        "exige programação",
        default=False,
        help_text="A OS só pode ser iniciada ou encerrada como executada depois de programada "
        "para uma equipe.",
    )
    dias_vencimento = models.PositiveSmallIntegerField(
        "encerrar pendentes após (dias)",
        null=True,
        blank=True,
        help_text="Se informado, a tarefa diária encerra as OS pendentes deste tipo mais antigas "
        "que isso, por decurso de prazo. Vazio: nunca.",
    )
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

    @property
    def em_frase(self) -> str:
        """The team inside a sentence: "equipe Norte", or just "Equipe Alfa" when its
        name already says it (never "a equipe Equipe Alfa")."""
        if self.nome.lower().startswith("equipe"):
            return self.nome
        return f"equipe {self.nome}"


class ParametrosUnidadeOS(models.Model):
    """Per-unit rules for service orders (absent row = defaults)."""

    unidade = models.OneToOneField(
        "cadastro.UnidadeOrganizacional",
        verbose_name="unidade",
        on_delete=models.CASCADE,
        related_name="parametros_os",
    )
    exige_programacao = models.BooleanField(
        "exige programação",
        default=False,
        help_text="As OS desta unidade só podem ser iniciadas depois de programadas.",
    )

    class Meta:
        verbose_name = "parâmetros de OS da unidade"
        verbose_name_plural = "parâmetros de OS das unidades"

    def __str__(self):
        return f"Parâmetros de OS — {self.unidade.sigla}"


class OrdemServico(models.Model):
    """A work order. Indexes are few on purpose: every closing rewrites them all
    (situação is in several), and bulk closing must stay fast on millions of rows.
    """

    class Situacao(models.TextChoices):
        PENDENTE = "pendente", "Pendente"
        PROGRAMADA = "programada", "Programada"
        EM_EXECUCAO = "em_execucao", "Em execução"
        ENCERRADA_EXECUTADA = "executada", "Encerrada — executada"
        ENCERRADA_NAO_EXECUTADA = "nao_executada", "Encerrada — não executada"

    ABERTAS = (Situacao.PENDENTE, Situacao.PROGRAMADA, Situacao.EM_EXECUCAO)
    ENCERRADAS = (Situacao.ENCERRADA_EXECUTADA, Situacao.ENCERRADA_NAO_EXECUTADA)

    # The only situation changes a service may make (programada → programada is
    # a reprogramação; programada → pendente takes the OS off the schedule).
    TRANSICOES = {
        Situacao.PENDENTE: {
            Situacao.PROGRAMADA,
            Situacao.EM_EXECUCAO,
            Situacao.ENCERRADA_EXECUTADA,
            Situacao.ENCERRADA_NAO_EXECUTADA,
        },
        Situacao.PROGRAMADA: {
            Situacao.PROGRAMADA,
            Situacao.PENDENTE,
            Situacao.EM_EXECUCAO,
            Situacao.ENCERRADA_EXECUTADA,
            Situacao.ENCERRADA_NAO_EXECUTADA,
        },
        Situacao.EM_EXECUCAO: {
            Situacao.ENCERRADA_EXECUTADA,
            Situacao.ENCERRADA_NAO_EXECUTADA,
        },
        Situacao.ENCERRADA_EXECUTADA: set(),
        Situacao.ENCERRADA_NAO_EXECUTADA: set(),
    }

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
        TipoServico,
        verbose_name="tipo de serviço",
        on_delete=models.PROTECT,
        db_index=False,
    )
    situacao = models.CharField(
        "situação", max_length=15, choices=Situacao.choices, default=Situacao.PENDENTE
    )
    unidade_atual = models.ForeignKey(
        "cadastro.UnidadeOrganizacional",
        verbose_name="unidade atual",
        on_delete=models.PROTECT,
        related_name="ordens_servico",
        db_index=False,
    )
    equipe = models.ForeignKey(
        Equipe,
        verbose_name="equipe",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    usuario_geracao = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gerada por",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    data_geracao = models.DateTimeField("gerada em")
    data_limite = models.DateTimeField(
        "executar até",
        help_text="Geração + janela de execução do tipo de serviço (vencida depois disso).",
    )
    data_programada = models.DateField("programada para", null=True, blank=True)
    posicao = models.PositiveSmallIntegerField("ordem no dia", null=True, blank=True)
    data_programacao = models.DateTimeField("programada em", null=True, blank=True)
    data_inicio = models.DateTimeField("iniciada em", null=True, blank=True)
    data_execucao = models.DateTimeField("executada em", null=True, blank=True)
    data_encerramento = models.DateTimeField("encerrada em", null=True, blank=True)
    parecer = models.TextField("parecer", max_length=2000, blank=True)
    motivo_encerramento = models.CharField("motivo do encerramento", max_length=120, blank=True)
    motivo = models.ForeignKey(
        "atendimento.MotivoEncerramento",
        verbose_name="motivo (cadastro)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    usuario_encerramento = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="encerrada por",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Optimistic lock: every service bumps it; a stale form (another tab) is refused.
    versao = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "ordem de serviço"
        verbose_name_plural = "ordens de serviço"
        ordering = ["-data_geracao", "-id"]
        permissions = [
            ("encerrar_vencidas", "Pode encerrar OS vencidas em lote"),
            ("ver_boletim", "Pode emitir o boletim de OS concluídas"),
        ]
        indexes = [
            models.Index(fields=["situacao", "data_geracao"], name="os_situacao_geracao"),
            models.Index(
                fields=["unidade_atual", "situacao", "-data_geracao"], name="os_fila_unidade"
            ),
            models.Index(fields=["-data_geracao", "-id"], name="os_recentes"),
            # The list's default view (open OS of a unit), newest first; small:
            # open OS are a fraction of the history.
            models.Index(
                fields=["unidade_atual", "-data_geracao"],
                condition=Q(situacao__in=["pendente", "programada", "em_execucao"]),
                name="os_abertas_unidade",
            ),
            models.Index(fields=["tipo_servico", "situacao", "data_geracao"], name="os_tipo"),
            # Partial: an unscheduled or not-executed OS costs these indexes nothing
            # (bulk closing of overdue OS rewrites only the others).
            models.Index(
                fields=["equipe", "data_programada", "posicao"],
                condition=Q(equipe__isnull=False),
                name="os_agenda",
            ),
            models.Index(
                fields=["data_execucao"], condition=Q(situacao="executada"), name="os_boletim"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_encerramento__isnull=True)
                | Q(data_encerramento__gte=models.F("data_geracao")),
                name="os_encerramento_apos_geracao",
                violation_error_message="A OS não pode ser encerrada antes de ser gerada.",
            ),
            models.CheckConstraint(
                condition=Q(situacao__in=["pendente", "programada", "em_execucao"])
                | Q(data_encerramento__isnull=False),
                name="os_encerrada_tem_data",
            ),
        ]

    def __str__(self):
        return f"OS {self.numero} — {self.tipo_servico}"

    @property
    def numero(self):
        return self.pk

    @property
    def aberta(self):
        return self.situacao in self.ABERTAS

    @property
    def encerrada(self):
        return self.situacao in self.ENCERRADAS

    def vencida(self, agora=None):
        return self.aberta and (agora or timezone.now()) > self.data_limite

    @property
    def endereco(self):
        if self.imovel_id:
            return self.imovel.endereco
        if self.ra_id:
            return self.ra.local_ocorrencia
        return ""


class EventoOS(Imutavel):
    """The OS's timeline: one immutable row per state change."""

    historico_de = "da OS"

    class Tipo(models.TextChoices):
        GERACAO = "geracao", "Geração"
        PROGRAMACAO = "programacao", "Programação"
        REPROGRAMACAO = "reprogramacao", "Reprogramação"
        DESPROGRAMACAO = "desprogramacao", "Retirada da programação"
        INICIO = "inicio", "Início da execução"
        ENCERRAMENTO = "encerramento", "Encerramento"
        CANCELAMENTO = "cancelamento", "Cancelamento"
        TRAMITE = "tramite", "Mudança de unidade"

    # Indexed by evento_os_data (os, data); no separate FK index to maintain.
    # PROTECT: history is never deleted (see atendimento.models.Tramite).
    os = models.ForeignKey(
        OrdemServico, on_delete=models.PROTECT, related_name="eventos", db_index=False
    )
    tipo = models.CharField("tipo", max_length=15, choices=Tipo.choices)
    situacao_anterior = models.CharField(max_length=15, blank=True)
    situacao_nova = models.CharField(max_length=15, blank=True)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    data = models.DateTimeField("data", default=timezone.now)
    descricao = models.TextField("descrição", blank=True)
    dados = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "evento da OS"
        verbose_name_plural = "eventos da OS"
        ordering = ["data", "id"]
        indexes = [models.Index(fields=["os", "data"], name="evento_os_data")]

    def __str__(self):
        return f"{self.get_tipo_display()} — OS {self.os_id}"

    @property
    def situacao_anterior_display(self):
        return OrdemServico.Situacao(self.situacao_anterior).label if self.situacao_anterior else ""

    @property
    def situacao_nova_display(self):
        return OrdemServico.Situacao(self.situacao_nova).label if self.situacao_nova else ""
