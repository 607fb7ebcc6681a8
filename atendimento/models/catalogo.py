"""What can be asked (grupo → tipo → especificação) and the rules each carries."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import ngettext


class GrupoSolicitacao(models.Model):
    nome = models.CharField("nome", max_length=60, unique=True)

    class Meta:
        verbose_name = "grupo de solicitação"
        verbose_name_plural = "grupos de solicitação"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class TipoSolicitacao(models.Model):
    grupo = models.ForeignKey(
        GrupoSolicitacao, verbose_name="grupo", on_delete=models.PROTECT, related_name="tipos"
    )
    nome = models.CharField("nome", max_length=100)
    ativo = models.BooleanField("ativo", default=True)

    class Meta:
        verbose_name = "tipo de solicitação"
        verbose_name_plural = "tipos de solicitação"
        ordering = ["nome"]
        constraints = [
            models.UniqueConstraint(fields=["grupo", "nome"], name="tipo_solicitacao_unico")
        ]

    def __str__(self):
        return self.nome


class Especificacao(models.Model):
    class Natureza(models.TextChoices):
        COMUM = "comum", "Comum"
        DEVOLUCAO = "devolucao", "Devolução de valores"

    tipo = models.ForeignKey(
        TipoSolicitacao,
        verbose_name="tipo de solicitação",
        on_delete=models.PROTECT,
        related_name="especificacoes",
    )
    nome = models.CharField("nome", max_length=120)
    natureza = models.CharField(
        "natureza", max_length=10, choices=Natureza.choices, default=Natureza.COMUM
    )
    prazo_dias = models.PositiveSmallIntegerField("prazo (dias)", null=True, blank=True)
    prazo_horas = models.PositiveSmallIntegerField(
        "prazo (horas)", null=True, blank=True, help_text="Para casos urgentes, em vez de dias."
    )
    unidade_destino = models.ForeignKey(
        "cadastro.UnidadeOrganizacional",
        verbose_name="unidade de destino padrão",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tipo_servico = models.ForeignKey(
        "ordens_servico.TipoServico",
        verbose_name="tipo de serviço (gera OS na abertura)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="especificacoes",
    )
    permite_os_opcional = models.BooleanField("permite gerar OS opcional", default=False)
    exige_imovel = models.BooleanField("exige imóvel", default=False)
    exige_cliente = models.BooleanField("exige cliente como solicitante", default=False)
    exige_cpf_cnpj = models.BooleanField("exige CPF/CNPJ do solicitante", default=False)
    exige_parecer_encerramento = models.BooleanField("exige parecer no encerramento", default=True)
    bloqueia_com_debito = models.BooleanField("bloqueia abertura com débito", default=False)
    envia_sms_abertura = models.BooleanField("envia SMS na abertura", default=True)
    envia_sms_encerramento = models.BooleanField("envia SMS no encerramento", default=True)
    envia_email_abertura = models.BooleanField("envia e-mail na abertura", default=False)
    envia_email_encerramento = models.BooleanField("envia e-mail no encerramento", default=False)
    avisa_encerramento_sem_execucao = models.BooleanField(
        "avisa também o encerramento sem execução ou por duplicidade",
        default=False,
        help_text="Com isso, um RA encerrado como não executado ou como duplicidade recebe "
        "o seu próprio aviso (modelos de mensagem desses eventos).",
    )
    texto_abertura = models.CharField(
        "texto da mensagem de abertura",
        max_length=300,
        blank=True,
        help_text="Vazio: usa o modelo padrão. Tags: {protocolo}, {especificacao}, "
        "{data_prevista}.",
    )
    texto_encerramento = models.CharField(
        "texto da mensagem de encerramento", max_length=300, blank=True
    )
    raio_duplicidade_m = models.PositiveSmallIntegerField(
        "raio de duplicidade (m)",
        default=250,
        validators=[MaxValueValidator(1000)],
        help_text="Para relatos de cidadãos: 0 desliga; máximo 1000 m.",
    )
    publica = models.BooleanField(
        "aberta a relatos de cidadãos",
        default=False,
        help_text="Aparece no formulário público e na API Open311 (ex.: vazamento na via pública).",
    )
    codigo_servico = models.SlugField(
        "código do serviço (Open311)",
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text="service_code da API Open311; obrigatório quando aberta a relatos.",
    )
    descricao_publica = models.CharField("descrição para o cidadão", max_length=300, blank=True)
    portal = models.BooleanField(
        "aberta ao portal (Fale conosco)",
        default=False,
        help_text="Clientes e parceiros com conta no portal podem abrir contatos com ela.",
    )
    ativa = models.BooleanField("ativa", default=True)

    class Meta:
        verbose_name = "especificação"
        verbose_name_plural = "especificações"
        ordering = ["tipo__nome", "nome"]
        constraints = [
            models.UniqueConstraint(fields=["tipo", "nome"], name="especificacao_unica"),
            models.CheckConstraint(
                condition=Q(prazo_dias__isnull=False, prazo_horas__isnull=True)
                | Q(prazo_dias__isnull=True, prazo_horas__isnull=False),
                name="especificacao_prazo_em_dias_ou_horas",
                violation_error_message="Informe o prazo em dias ou em horas (um dos dois).",
            ),
            models.CheckConstraint(
                condition=Q(publica=False) | Q(codigo_servico__isnull=False),
                name="especificacao_publica_tem_codigo",
                violation_error_message="Uma especificação aberta a relatos precisa do código "
                "do serviço (Open311).",
            ),
            models.CheckConstraint(
                condition=Q(raio_duplicidade_m__lte=1000),
                name="especificacao_raio_maximo",
                violation_error_message="O raio de duplicidade vai de 0 a 1000 metros.",
            ),
        ]

    def __str__(self):
        return f"{self.tipo.nome} — {self.nome}"

    def clean(self):
        if (self.prazo_dias is None) == (self.prazo_horas is None):
            raise ValidationError("Informe o prazo em dias ou em horas (um dos dois).")

    @property
    def prazo_descricao(self):
        return self.prazo_texto()

    def prazo_texto(self, *, dias_uteis: bool = False) -> str:
        """The deadline in words: "24 h", "1 dia", "1 dia útil", "3 dias úteis"."""
        if self.prazo_horas is not None:
            return f"{self.prazo_horas} h"
        n = self.prazo_dias
        if dias_uteis:
            return ngettext("%(n)d dia útil", "%(n)d dias úteis", n) % {"n": n}
        return ngettext("%(n)d dia", "%(n)d dias", n) % {"n": n}


class MeioSolicitacao(models.Model):
    nome = models.CharField("nome", max_length=60, unique=True)
    ativo = models.BooleanField("ativo", default=True)

    class Meta:
        verbose_name = "meio de solicitação"
        verbose_name_plural = "meios de solicitação"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class MotivoEncerramento(models.Model):
    class Tipo(models.TextChoices):
        EXECUTADO = "executado", "Executado"
        NAO_EXECUTADO = "nao_executado", "Não executado"
        DUPLICIDADE = "duplicidade", "Duplicidade"

    nome = models.CharField("nome", max_length=80, unique=True)
    tipo = models.CharField("tipo", max_length=15, choices=Tipo.choices)
    ativo = models.BooleanField("ativo", default=True)

    class Meta:
        verbose_name = "motivo de encerramento"
        verbose_name_plural = "motivos de encerramento"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class StatusComplementar(models.Model):
    nome = models.CharField("nome", max_length=60, unique=True)
    ativo = models.BooleanField("ativo", default=True)

    class Meta:
        verbose_name = "status complementar"
        verbose_name_plural = "status complementares"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class ParametrosAtendimento(models.Model):
    """System parameters of the service desk: a single row (pk=1)."""

    class FormatoProtocolo(models.TextChoices):
        GSAN = "gsan", "GSAN: ano (4) + origem (1) + sequencial (9) = 14 dígitos"
        ANS = "ans", "ANS: registro (6) + AAAAMMDD + sequencial diário (6) = 20 dígitos"

    prazo_em_dias_uteis = models.BooleanField(
        "prazo em dias úteis", default=True, help_text="Pula fins de semana e feriados."
    )
    atencao_percentual = models.PositiveSmallIntegerField(
        "atenção: último percentual do prazo", default=20, validators=[MaxValueValidator(100)]
    )
    atencao_horas = models.PositiveSmallIntegerField(
        "atenção: últimas horas do prazo",
        null=True,
        blank=True,
        help_text="Se informado, prevalece sobre o percentual.",
    )
    anexo_tamanho_max_kb = models.PositiveIntegerField("tamanho máximo do anexo (KB)", default=5120)
    anexo_tipos_permitidos = models.CharField(
        "tipos de anexo permitidos",
        max_length=200,
        default="pdf,jpg,jpeg,png",
        help_text="Extensões separadas por vírgula.",
    )
    anexo_imagem_max_px = models.PositiveSmallIntegerField(
        "redimensionar imagens para (px, maior lado)", default=1600
    )
    formato_protocolo = models.CharField(
        "formato do protocolo",
        max_length=5,
        choices=FormatoProtocolo.choices,
        default=FormatoProtocolo.GSAN,
    )
    protocolo_digito_origem = models.PositiveSmallIntegerField(
        "dígito de origem do protocolo", default=1, validators=[MaxValueValidator(9)]
    )
    registro_ans = models.CharField("registro ANS (6 dígitos)", max_length=6, blank=True)

    class Meta:
        verbose_name = "parâmetros do atendimento"
        verbose_name_plural = "parâmetros do atendimento"

    def __str__(self):
        return "Parâmetros do atendimento"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def atual(cls):
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
