"""Bills, collection documents, their message templates and the batch runs.

The billing system is elsewhere: bills (``Conta``) and collection documents
(``DocumentoCobranca``) come in by CSV import (``services.importacao``). From them
the batch (``services.preparacao``, ``services.transmissao``) prepares one ``Envio``
per bill or document and channel, and hands it to the mensageria as a ``Mensagem``
inside its window. Every run of the batch, and every import, is a ``Processo``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q


class Categoria(models.TextChoices):
    RESIDENCIAL = "residencial", "Residencial"
    COMERCIAL = "comercial", "Comercial"
    INDUSTRIAL = "industrial", "Industrial"
    PUBLICA = "publica", "Pública"


def categorias_todas() -> list[str]:
    return list(Categoria.values)


def validar_referencia(valor: int) -> None:
    """AAAAMM: a year from 2000 to 2099 and a month from 01 to 12."""
    ano, mes = divmod(int(valor), 100)
    if not (2000 <= ano <= 2099 and 1 <= mes <= 12):
        raise ValidationError(
            "Referência inválida: %(valor)s. Use AAAAMM, como 202612.",
            params={"valor": valor},
            code="referencia",
        )


def referencia_formatada(valor: int | None) -> str:
    if not valor:
        return ""
    ano, mes = divmod(int(valor), 100)
    return f"{mes:02d}/{ano}"


class ParametrosFaturamento(models.Model):
    """Singleton (pk=1): the company's FEBRABAN identification for the barcode.

    The maximum SMS length is the mensageria's (``mensageria.Parametros.tamanho_maximo``).
    """

    class IdentificadorValor(models.IntegerChoices):
        REAL_MOD10 = 6, "6 — valor efetivo em reais, módulo 10"
        MOEDA_MOD10 = 7, "7 — quantidade de moeda, módulo 10"
        REAL_MOD11 = 8, "8 — valor efetivo em reais, módulo 11"
        MOEDA_MOD11 = 9, "9 — quantidade de moeda, módulo 11"

    segmento = models.PositiveSmallIntegerField(
        "segmento (FEBRABAN)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text="2 = saneamento.",
    )
    codigo_empresa = models.CharField(
        "código da empresa (FEBRABAN)",
        max_length=4,
        default="0000",
        validators=[RegexValidator(r"^\d{4}$", "Informe os 4 dígitos do código da empresa.")],
        help_text="Os 4 dígitos atribuídos pela FEBRABAN à empresa.",
    )
    identificador_valor = models.PositiveSmallIntegerField(
        "identificador de valor",
        choices=IdentificadorValor.choices,
        default=IdentificadorValor.REAL_MOD10,
        help_text="Define o módulo dos dígitos verificadores: 6/7 módulo 10, 8/9 módulo 11.",
    )

    class Meta:
        verbose_name = "parâmetros do faturamento"
        verbose_name_plural = "parâmetros do faturamento"

    def __str__(self):
        return "Parâmetros do faturamento"

    @classmethod
    def atuais(cls) -> "ParametrosFaturamento":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class SituacaoDebito(models.TextChoices):
    EM_ABERTO = "em_aberto", "Em aberto"
    PAGA = "paga", "Paga"
    CANCELADA = "cancelada", "Cancelada"


class Conta(models.Model):
    Situacao = SituacaoDebito

    imovel = models.ForeignKey(
        "cadastro.Imovel", verbose_name="imóvel", on_delete=models.PROTECT, related_name="contas"
    )
    referencia = models.PositiveIntegerField("referência (AAAAMM)", validators=[validar_referencia])
    vencimento = models.DateField("vencimento")
    valor = models.DecimalField(
        "valor", max_digits=11, decimal_places=2, validators=[MinValueValidator(0)]
    )
    situacao = models.CharField(
        "situação", max_length=10, choices=Situacao.choices, default=Situacao.EM_ABERTO
    )
    categoria = models.CharField(
        "categoria", max_length=12, choices=Categoria.choices, default=Categoria.RESIDENCIAL
    )
    pago_em = models.DateField("pago em", null=True, blank=True)
    atualizada_em = models.DateTimeField("atualizada em", auto_now=True)

    class Meta:
        verbose_name = "conta"
        verbose_name_plural = "contas"
        ordering = ["-referencia", "imovel"]
        permissions = [
            ("enviar_linha_digitavel", "Pode enviar a linha digitável de uma conta ao cliente"),
            ("importar_contas", "Pode importar contas e pagamentos (CSV)"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["imovel", "referencia"],
                name="conta_uma_por_referencia",
                violation_error_message="O imóvel já tem uma conta desta referência.",
            ),
            models.CheckConstraint(condition=Q(valor__gte=0), name="conta_valor_nao_negativo"),
        ]
        indexes = [
            models.Index(fields=["referencia", "situacao"], name="conta_ref_situacao_idx"),
            models.Index(
                fields=["imovel", "vencimento"],
                condition=Q(situacao="em_aberto"),
                name="conta_em_aberto_idx",
            ),
        ]

    def __str__(self):
        return f"Conta {referencia_formatada(self.referencia)} — {self.imovel.matricula_formatada}"

    @property
    def referencia_formatada(self) -> str:
        return referencia_formatada(self.referencia)


class AcaoCobranca(models.Model):
    """A collection action. One that sends messages (por SMS / por e-mail) generates
    no OS, is in no cronograma and has no predecessor or successor (seed 003)."""

    descricao = models.CharField("descrição", max_length=80, unique=True)
    gera_os = models.BooleanField("gera ordem de serviço", default=False)
    cronograma = models.BooleanField("faz parte do cronograma", default=False)
    predecessora = models.ForeignKey(
        "self",
        verbose_name="ação predecessora",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sucessoras",
    )
    por_sms = models.BooleanField("por SMS", default=False)
    por_email = models.BooleanField("por e-mail", default=False)
    max_tentativas_email = models.PositiveSmallIntegerField(
        "número máximo de tentativas de envio por e-mail",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    texto_sms = models.CharField("texto do SMS", max_length=300, blank=True)
    assunto_email = models.CharField("assunto do e-mail", max_length=200, blank=True)
    texto_email = models.TextField("texto do e-mail", blank=True)
    ativa = models.BooleanField("ativa", default=True)

    class Meta:
        verbose_name = "ação de cobrança"
        verbose_name_plural = "ações de cobrança"
        ordering = ["descricao"]

    def __str__(self):
        return self.descricao

    @property
    def envia_mensagem(self) -> bool:
        return self.por_sms or self.por_email

    def clean(self):
        """Texts required by the flags and valid (tags of documents, the SMS length with
        the linha digitável); an action that sends messages stands alone (seed 003)."""
        from . import validacao
        from .textos import TAGS_DOCUMENTO

        erros: dict[str, list] = {}

        def erro(campo, mensagem):
            erros.setdefault(campo, []).append(mensagem)

        for campo in ("texto_sms", "assunto_email", "texto_email"):
            texto = getattr(self, campo)
            if not texto:
                continue
            try:
                if campo == "texto_sms" and self.por_sms:
                    validacao.validar_sms(texto, TAGS_DOCUMENTO)
                else:
                    validacao.validar_texto(texto, TAGS_DOCUMENTO)
            except ValidationError as exc:
                erros.setdefault(campo, []).extend(exc.messages)
        if self.por_sms and not self.texto_sms:
            erro("texto_sms", "Informe o texto do SMS: a ação envia por SMS.")
        if self.por_email:
            if not self.texto_email:
                erro("texto_email", "Informe o texto do e-mail: a ação envia por e-mail.")
            if not self.assunto_email:
                erro("assunto_email", "Informe o assunto do e-mail: a ação envia por e-mail.")
            if self.max_tentativas_email is None:
                erro(
                    "max_tentativas_email",
                    "Informe o número máximo de tentativas (1 a 99): a ação envia por e-mail.",
                )
        if self.envia_mensagem:
            if self.gera_os:
                erro("gera_os", "Uma ação que envia mensagens não gera ordem de serviço.")
            if self.cronograma:
                erro("cronograma", "Uma ação que envia mensagens não faz parte do cronograma.")
            if self.predecessora_id:
                erro("predecessora", "Uma ação que envia mensagens não tem ação predecessora.")
            if self.pk and (sucessoras := list(self.sucessoras.order_by("descricao")[:5])):
                nomes = ", ".join(f"“{a.descricao}”" for a in sucessoras)
                erro(
                    "por_sms" if self.por_sms else "por_email",
                    f"Uma ação que envia mensagens não tem sucessoras, e esta é predecessora "
                    f"de {nomes}. Retire-a dessas ações antes.",
                )
        elif self.predecessora_id and self.predecessora.envia_mensagem:
            erro(
                "predecessora",
                f"A ação “{self.predecessora.descricao}” envia mensagens e não pode ter "
                "sucessoras.",
            )
        if erros:
            raise ValidationError(erros)


class DocumentoCobranca(models.Model):
    Situacao = SituacaoDebito

    numero = models.PositiveBigIntegerField("número do documento", unique=True)
    imovel = models.ForeignKey(
        "cadastro.Imovel",
        verbose_name="imóvel",
        on_delete=models.PROTECT,
        related_name="documentos_cobranca",
    )
    acao = models.ForeignKey(
        AcaoCobranca,
        verbose_name="ação de cobrança",
        on_delete=models.PROTECT,
        related_name="documentos",
    )
    emissao = models.DateField("emissão")
    validade = models.DateField("validade")
    valor = models.DecimalField(
        "valor", max_digits=11, decimal_places=2, validators=[MinValueValidator(0)]
    )
    situacao = models.CharField(
        "situação", max_length=10, choices=Situacao.choices, default=Situacao.EM_ABERTO
    )
    pago_em = models.DateField("pago em", null=True, blank=True)
    atualizado_em = models.DateTimeField("atualizado em", auto_now=True)

    class Meta:
        verbose_name = "documento de cobrança"
        verbose_name_plural = "documentos de cobrança"
        ordering = ["-emissao", "numero"]
        constraints = [
            models.CheckConstraint(condition=Q(valor__gte=0), name="documento_valor_nao_negativo"),
            models.CheckConstraint(
                condition=Q(validade__gte=models.F("emissao")),
                name="documento_validade_apos_emissao",
                violation_error_message="A validade deve ser igual ou posterior à emissão.",
            ),
        ]
        indexes = [
            models.Index(fields=["situacao", "validade"], name="documento_situacao_idx"),
        ]

    def __str__(self):
        return f"Documento {self.numero} — {self.imovel.matricula_formatada}"


class MensagemFaturamento(models.Model):
    """One version of the billing message (SMS and e-mail). Saving a new version
    withdraws the one in force; withdrawn versions stay as history."""

    referencia_inicial = models.PositiveIntegerField(
        "a partir da referência (AAAAMM)", validators=[validar_referencia]
    )
    dias_antes = models.PositiveSmallIntegerField(
        "dias antes do vencimento",
        default=5,
        validators=[MaxValueValidator(60)],
        help_text="A mensagem sai a partir deste número de dias antes do vencimento.",
    )
    max_tentativas_email = models.PositiveSmallIntegerField(
        "número máximo de tentativas de envio por e-mail",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    valor_minimo = models.DecimalField(
        "valor mínimo da conta",
        max_digits=11,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    categorias = models.JSONField(
        "categorias", default=categorias_todas, help_text="Categorias de imóvel que recebem."
    )
    texto_sms = models.CharField(
        "texto do SMS",
        max_length=300,
        blank=True,
        help_text="A linha digitável da conta é acrescentada ao fim. Vazio: sem SMS.",
    )
    assunto_email = models.CharField("assunto do e-mail", max_length=200, blank=True)
    texto_email = models.TextField(
        "texto do e-mail",
        blank=True,
        help_text="A linha digitável da conta é acrescentada ao fim. Vazio: sem e-mail.",
    )
    vigente = models.BooleanField("vigente", default=True, editable=False)
    criada_em = models.DateTimeField("criada em", auto_now_add=True)
    criada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="criada por",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retirada_em = models.DateTimeField("retirada em", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "mensagem de faturamento"
        verbose_name_plural = "mensagens de faturamento"
        ordering = ["-criada_em", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vigente"],
                condition=Q(vigente=True),
                name="mensagem_faturamento_uma_vigente",
            ),
        ]

    def __str__(self):
        estado = "vigente" if self.vigente else "retirada"
        desde = referencia_formatada(self.referencia_inicial)
        return f"Mensagem de faturamento desde {desde} ({estado})"

    def clean(self):
        """At least one text; texts with the bill tags (the SMS also fitting with the
        widest values and the linha digitável); categories a non-empty subset."""
        from . import validacao
        from .textos import TAGS_CONTA

        erros: dict[str, list] = {}
        if not self.texto_sms and not self.texto_email:
            erros["texto_sms"] = ["Informe o texto do SMS, o do e-mail ou os dois."]
        for campo in ("texto_sms", "assunto_email", "texto_email"):
            texto = getattr(self, campo)
            if not texto:
                continue
            try:
                if campo == "texto_sms":
                    validacao.validar_sms(texto, TAGS_CONTA)
                else:
                    validacao.validar_texto(texto, TAGS_CONTA)
            except ValidationError as exc:
                erros.setdefault(campo, []).extend(exc.messages)
        if self.texto_email and not self.assunto_email:
            erros.setdefault("assunto_email", []).append(
                "Informe o assunto do e-mail (a mensagem tem texto de e-mail)."
            )
        categorias = self.categorias
        validas = ", ".join(Categoria.labels)
        if not isinstance(categorias, list) or not categorias:
            erros["categorias"] = [f"Escolha ao menos uma categoria ({validas})."]
        elif desconhecidas := sorted({str(c) for c in categorias} - set(Categoria.values)):
            erros["categorias"] = [
                f"Categorias desconhecidas: {', '.join(desconhecidas)}. Use: {validas}."
            ]
        if erros:
            raise ValidationError(erros)


class Processo(models.Model):
    """One run of a batch step or of an import: progress, counts, cancel, resume."""

    class Tipo(models.TextChoices):
        IMPORTACAO = "importacao", "Importação de contas"
        PREPARAR_FATURAMENTO = "preparar_faturamento", "Preparar mensagens de faturamento"
        PREPARAR_COBRANCA = "preparar_cobranca", "Preparar mensagens de cobrança"
        TRANSMITIR = "transmitir", "Transmitir mensagens"
        EXPIRAR = "expirar", "Expirar mensagens vencidas"

    class Situacao(models.TextChoices):
        AGUARDANDO = "aguardando", "Aguardando"
        EXECUTANDO = "executando", "Executando"
        CONCLUIDO = "concluido", "Concluído"
        CANCELADO = "cancelado", "Cancelado"
        FALHOU = "falhou", "Falhou"

    ATIVAS = (Situacao.AGUARDANDO, Situacao.EXECUTANDO)

    tipo = models.CharField("tipo", max_length=24, choices=Tipo.choices)
    referencia = models.PositiveIntegerField(
        "referência (AAAAMM)", null=True, blank=True, validators=[validar_referencia]
    )
    parametros = models.JSONField("parâmetros", default=dict, blank=True)
    situacao = models.CharField(
        "situação", max_length=12, choices=Situacao.choices, default=Situacao.AGUARDANDO
    )
    total = models.PositiveIntegerField("total", null=True, blank=True)
    processados = models.PositiveIntegerField("processados", default=0)
    contadores = models.JSONField("contadores", default=dict, blank=True)
    erro = models.CharField("erro", max_length=500, blank=True)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="iniciado por",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    criado_em = models.DateTimeField("criado em", auto_now_add=True, db_index=True)
    iniciado_em = models.DateTimeField("iniciado em", null=True, blank=True)
    batimento_em = models.DateTimeField("último sinal de vida", null=True, blank=True)
    concluido_em = models.DateTimeField("concluído em", null=True, blank=True)
    cancelamento_pedido_em = models.DateTimeField("cancelamento pedido em", null=True, blank=True)
    cancelamento_pedido_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cancelamento pedido por",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "processo"
        verbose_name_plural = "processos"
        ordering = ["-criado_em", "-id"]
        permissions = [("executar_processo", "Pode iniciar e cancelar processos de mensagens")]
        constraints = [
            models.UniqueConstraint(
                fields=["tipo"],
                condition=Q(situacao__in=["aguardando", "executando"]),
                name="processo_um_ativo_por_tipo",
                violation_error_message="Já há um processo deste tipo em andamento.",
            ),
        ]

    def __str__(self):
        ref = f" {referencia_formatada(self.referencia)}" if self.referencia else ""
        return f"{self.get_tipo_display()}{ref} (nº {self.pk})"

    @property
    def ativo(self) -> bool:
        return self.situacao in self.ATIVAS

    @property
    def percentual(self) -> int | None:
        if not self.total:
            return 100 if self.situacao == self.Situacao.CONCLUIDO else None
        return min(100, round(100 * self.processados / self.total))


class Envio(models.Model):
    """One prepared message of the batch: a bill or a collection document, one channel.

    Unique per (bill, channel) and (document, channel): re-running a preparation
    never duplicates. ``mensagem`` is the mensageria message, set on transmission.
    """

    class Canal(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "E-mail"

    class Situacao(models.TextChoices):
        PREPARADA = "preparada", "Preparada"
        TRANSMITIDA = "transmitida", "Transmitida"
        EXPIRADA = "expirada", "Expirada"
        DISPENSADA = "dispensada", "Dispensada (paga ou cancelada)"

    # No single-column index on these keys: the composite indexes below start with them
    # (envio_processo_idx, and the unique ones per bill and per document), and every
    # extra index slows the batch's COPY of a million rows.
    processo = models.ForeignKey(
        Processo,
        verbose_name="processo",
        on_delete=models.PROTECT,
        related_name="envios",
        db_index=False,
    )
    conta = models.ForeignKey(
        Conta,
        verbose_name="conta",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="envios",
        db_index=False,
    )
    documento = models.ForeignKey(
        DocumentoCobranca,
        verbose_name="documento de cobrança",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="envios",
        db_index=False,
    )
    canal = models.CharField("canal", max_length=5, choices=Canal.choices)
    destino = models.CharField("destino", max_length=254)
    assunto = models.CharField("assunto", max_length=200, blank=True)
    texto = models.TextField("texto")
    enviar_em = models.DateField("enviar a partir de")
    limite = models.DateField("limite")
    max_tentativas = models.PositiveSmallIntegerField(
        "máximo de tentativas (e-mail)", null=True, blank=True
    )
    situacao = models.CharField(
        "situação", max_length=12, choices=Situacao.choices, default=Situacao.PREPARADA
    )
    mensagem = models.OneToOneField(
        "mensageria.Mensagem",
        verbose_name="mensagem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="envio_faturamento",
    )
    criado_em = models.DateTimeField("criado em", auto_now_add=True)

    class Meta:
        verbose_name = "envio de mensagem"
        verbose_name_plural = "envios de mensagens"
        ordering = ["-criado_em", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(conta__isnull=False, documento__isnull=True)
                | Q(conta__isnull=True, documento__isnull=False),
                name="envio_conta_ou_documento",
            ),
            models.UniqueConstraint(
                fields=["conta", "canal"],
                condition=Q(conta__isnull=False),
                name="envio_um_por_conta_canal",
            ),
            models.UniqueConstraint(
                fields=["documento", "canal"],
                condition=Q(documento__isnull=False),
                name="envio_um_por_documento_canal",
            ),
        ]
        indexes = [
            models.Index(fields=["situacao", "enviar_em"], name="envio_situacao_data_idx"),
            models.Index(fields=["processo", "situacao"], name="envio_processo_idx"),
        ]

    def __str__(self):
        origem = f"conta {self.conta_id}" if self.conta_id else f"documento {self.documento_id}"
        return f"{self.get_canal_display()} — {origem}"
