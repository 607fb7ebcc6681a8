from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cadastro import validators
from core.texto import normalizar


class UnidadeOrganizacional(models.Model):
    class Tipo(models.TextChoices):
        CENTRAL_ATENDIMENTO = "central", "Central de atendimento"
        GERENCIA = "gerencia", "Gerência"
        LOCALIDADE = "localidade", "Localidade"
        OPERACIONAL = "operacional", "Unidade operacional"
        TERCEIRIZADA = "terceirizada", "Terceirizada"

    nome = models.CharField("nome", max_length=120)
    sigla = models.CharField("sigla", max_length=20, unique=True)
    tipo = models.CharField("tipo", max_length=20, choices=Tipo.choices)
    superior = models.ForeignKey(
        "self",
        verbose_name="unidade superior",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinadas",
    )
    centralizadora = models.ForeignKey(
        "self",
        verbose_name="unidade centralizadora",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="centralizadas",
        help_text="Recebe os RAs tramitados para esta unidade.",
    )
    abre_ra = models.BooleanField("abre RA", default=False)
    recebe_tramite = models.BooleanField("recebe trâmite", default=True)
    central_atendimento = models.BooleanField("central de atendimento", default=False)
    ativa = models.BooleanField("ativa", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "unidade organizacional"
        verbose_name_plural = "unidades organizacionais"
        ordering = ["nome"]

    def __str__(self):
        return f"{self.sigla} — {self.nome}"

    def superiores(self):
        """Units above this one, nearest first (cycles are cut)."""
        vistos = {self.pk}
        unidade = self.superior
        while unidade is not None and unidade.pk not in vistos:
            yield unidade
            vistos.add(unidade.pk)
            unidade = unidade.superior


class Usuario(AbstractUser):
    unidade = models.ForeignKey(
        UnidadeOrganizacional,
        verbose_name="unidade organizacional",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="usuarios",
    )

    class Meta:
        verbose_name = "usuário"
        verbose_name_plural = "usuários"
        permissions = [
            ("atuar_qualquer_unidade", "Pode atuar em RAs de qualquer unidade"),
            ("ver_dados_pessoais", "Pode ver CPF/CNPJ e telefones completos"),
            (
                "exportar_dados_pessoais",
                "Pode exportar CSV com CPF/CNPJ e telefones completos",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username


class Cliente(models.Model):
    nome = models.CharField("nome", max_length=150)
    cpf_cnpj = models.CharField("CPF/CNPJ", max_length=14, blank=True, help_text="Somente dígitos.")
    email = models.EmailField("e-mail", blank=True)
    recebe_sms = models.BooleanField("aceita receber SMS", default=False)
    recebe_email = models.BooleanField("aceita receber e-mail", default=False)
    busca = models.CharField(max_length=200, editable=False, default="")
    criado_em = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["busca"])

    class Meta:
        verbose_name = "cliente"
        verbose_name_plural = "clientes"
        ordering = ["nome"]
        constraints = [
            models.UniqueConstraint(
                fields=["cpf_cnpj"],
                condition=~Q(cpf_cnpj=""),
                name="cliente_cpf_cnpj_unico",
                violation_error_message="Já existe um cliente com este CPF/CNPJ.",
            )
        ]

    def __str__(self):
        return self.nome

    def save(self, *args, **kwargs):
        self.cpf_cnpj = validators.somente_digitos(self.cpf_cnpj)
        self.busca = normalizar(self.nome)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "busca", "cpf_cnpj"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.cpf_cnpj:
            validators.validar_cpf_cnpj(self.cpf_cnpj)

    @property
    def cpf_cnpj_formatado(self):
        return validators.formatar_cpf_cnpj(self.cpf_cnpj)

    @property
    def cpf_cnpj_mascarado(self):
        """For lists and screens of people who do not need the full number (LGPD)."""
        d = self.cpf_cnpj
        if len(d) == 11:
            return f"***.{d[3:6]}.{d[6:9]}-**"
        if len(d) == 14:
            return f"**.{d[2:5]}.{d[5:8]}/****-**"
        return ""

    @property
    def telefone_sms(self):
        return next((f for f in self.telefones.all() if f.sms), None)


class Telefone(models.Model):
    class Tipo(models.TextChoices):
        RESIDENCIAL = "residencial", "Residencial"
        COMERCIAL = "comercial", "Comercial"
        CELULAR = "celular", "Celular"
        FAX = "fax", "Fax"

    cliente = models.ForeignKey(
        Cliente, on_delete=models.CASCADE, related_name="telefones", verbose_name="cliente"
    )
    tipo = models.CharField("tipo", max_length=12, choices=Tipo.choices, default=Tipo.CELULAR)
    ddd = models.CharField("DDD", max_length=2)
    numero = models.CharField("número", max_length=9)
    ramal = models.CharField("ramal", max_length=6, blank=True)
    principal = models.BooleanField("principal", default=False)
    sms = models.BooleanField("recebe SMS", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "telefone"
        verbose_name_plural = "telefones"
        ordering = ["-principal", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cliente"],
                condition=Q(sms=True),
                name="telefone_um_sms_por_cliente",
                violation_error_message="Só um telefone do cliente pode receber SMS.",
            ),
            models.CheckConstraint(
                condition=Q(sms=False) | Q(tipo="celular"),
                name="telefone_sms_somente_celular",
                violation_error_message="Só um celular pode ser marcado para SMS.",
            ),
        ]

    def __str__(self):
        return self.formatado

    def clean(self):
        from django.core.exceptions import ValidationError

        validators.validar_telefone(self.ddd, self.numero, celular=self.tipo == self.Tipo.CELULAR)
        if self.sms and self.tipo != self.Tipo.CELULAR:
            raise ValidationError({"sms": "Só um celular pode ser marcado para SMS."})

    @property
    def e164(self):
        return validators.telefone_e164(self.ddd, self.numero)

    @property
    def formatado(self):
        n = self.numero
        corpo = f"{n[:-4]}-{n[-4:]}" if len(n) > 4 else n
        return f"({self.ddd}) {corpo}" + (f" r. {self.ramal}" if self.ramal else "")

    @property
    def mascarado(self):
        return f"({self.ddd}) *****-{self.numero[-4:]}"


class Imovel(models.Model):
    class SituacaoAgua(models.TextChoices):
        POTENCIAL = "potencial", "Potencial"
        FACTIVEL = "factivel", "Factível"
        LIGADO = "ligado", "Ligado"
        EM_FISCALIZACAO = "em_fiscalizacao", "Em fiscalização"
        CORTADO = "cortado", "Cortado"
        SUPRIMIDO = "suprimido", "Suprimido"

    class SituacaoEsgoto(models.TextChoices):
        POTENCIAL = "potencial", "Potencial"
        FACTIVEL = "factivel", "Factível"
        LIGADO = "ligado", "Ligado"
        EM_FISCALIZACAO = "em_fiscalizacao", "Em fiscalização"
        FORA_DE_USO = "fora_de_uso", "Fora de uso"
        TAMPONADO = "tamponado", "Tamponado"

    matricula = models.PositiveIntegerField(
        "matrícula", unique=True, help_text="Número sem o dígito verificador."
    )
    localidade = models.PositiveIntegerField("localidade")
    setor = models.PositiveIntegerField("setor comercial")
    quadra = models.PositiveIntegerField("quadra")
    lote = models.PositiveIntegerField("lote")
    sublote = models.PositiveIntegerField("sublote", default=0)
    municipio = models.CharField("município", max_length=80)
    uf = models.CharField("UF", max_length=2, default="PE")
    bairro = models.CharField("bairro", max_length=80)
    logradouro = models.CharField("logradouro", max_length=150)
    numero = models.CharField("número", max_length=10, blank=True)
    complemento = models.CharField("complemento", max_length=60, blank=True)
    cep = models.CharField("CEP", max_length=9, validators=[validators.validar_cep])
    latitude = models.DecimalField(
        "latitude", max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        "longitude", max_digits=9, decimal_places=6, null=True, blank=True
    )
    situacao_agua = models.CharField(
        "situação da ligação de água",
        max_length=20,
        choices=SituacaoAgua.choices,
        default=SituacaoAgua.LIGADO,
    )
    situacao_esgoto = models.CharField(
        "situação da ligação de esgoto",
        max_length=20,
        choices=SituacaoEsgoto.choices,
        default=SituacaoEsgoto.POTENCIAL,
    )
    busca = models.CharField(max_length=300, editable=False, default="")
    clientes = models.ManyToManyField(Cliente, through="ClienteImovel", related_name="imoveis")
    history = HistoricalRecords(excluded_fields=["busca"])

    class Meta:
        verbose_name = "imóvel"
        verbose_name_plural = "imóveis"
        ordering = ["matricula"]
        constraints = [
            models.UniqueConstraint(
                fields=["localidade", "setor", "quadra", "lote", "sublote"],
                name="imovel_inscricao_unica",
                violation_error_message="Já existe um imóvel com esta inscrição.",
            )
        ]

    def __str__(self):
        return f"{self.matricula_formatada} — {self.endereco}"

    def save(self, *args, **kwargs):
        self.cep = validators.formatar_cep(self.cep)
        self.busca = self.texto_busca()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "busca", "cep"}
        super().save(*args, **kwargs)

    def texto_busca(self):
        return normalizar(
            f"{self.logradouro} {self.numero} {self.complemento} {self.bairro} {self.municipio}"
        )

    @property
    def matricula_formatada(self):
        return validators.formatar_matricula(self.matricula)

    @property
    def inscricao(self):
        return (
            f"{self.localidade:03d}.{self.setor:03d}.{self.quadra:04d}."
            f"{self.lote:04d}.{self.sublote:03d}"
        )

    @property
    def endereco(self):
        partes = [self.logradouro]
        if self.numero:
            partes[0] += f", {self.numero}"
        if self.complemento:
            partes.append(self.complemento)
        partes.append(f"{self.bairro}, {self.municipio}/{self.uf}")
        return " — ".join(partes)


class ClienteImovel(models.Model):
    class Relacao(models.TextChoices):
        PROPRIETARIO = "proprietario", "Proprietário"
        USUARIO = "usuario", "Usuário"
        RESPONSAVEL = "responsavel", "Responsável"

    cliente = models.ForeignKey(Cliente, on_delete=models.PROTECT, related_name="vinculos")
    imovel = models.ForeignKey(Imovel, on_delete=models.CASCADE, related_name="vinculos")
    relacao = models.CharField("relação", max_length=12, choices=Relacao.choices)
    data_inicio = models.DateField("início")
    data_fim = models.DateField("fim", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "vínculo cliente–imóvel"
        verbose_name_plural = "vínculos cliente–imóvel"
        ordering = ["relacao", "-data_inicio"]
        constraints = [
            models.UniqueConstraint(
                fields=["imovel", "relacao"],
                condition=Q(data_fim__isnull=True),
                name="vinculo_um_ativo_por_relacao",
                violation_error_message="O imóvel já tem um vínculo ativo desta relação.",
            ),
            models.CheckConstraint(
                condition=Q(data_fim__isnull=True) | Q(data_fim__gte=models.F("data_inicio")),
                name="vinculo_fim_apos_inicio",
                violation_error_message="A data de fim deve ser posterior à de início.",
            ),
        ]

    def __str__(self):
        return f"{self.cliente} ({self.get_relacao_display()}) — {self.imovel.matricula_formatada}"

    @property
    def ativo(self):
        return self.data_fim is None


class Feriado(models.Model):
    class Abrangencia(models.TextChoices):
        NACIONAL = "nacional", "Nacional"
        MUNICIPAL = "municipal", "Municipal"

    data = models.DateField("data")
    descricao = models.CharField("descrição", max_length=100)
    abrangencia = models.CharField(
        "abrangência", max_length=10, choices=Abrangencia.choices, default=Abrangencia.NACIONAL
    )
    municipio = models.CharField(
        "município", max_length=80, blank=True, help_text="Somente para feriados municipais."
    )

    class Meta:
        verbose_name = "feriado"
        verbose_name_plural = "feriados"
        ordering = ["data"]
        constraints = [
            models.UniqueConstraint(fields=["data", "municipio"], name="feriado_unico_por_local"),
            models.CheckConstraint(
                condition=(Q(abrangencia="nacional", municipio=""))
                | (Q(abrangencia="municipal") & ~Q(municipio="")),
                name="feriado_municipio_coerente",
                violation_error_message="Feriado municipal exige o município; nacional não tem.",
            ),
        ]

    def __str__(self):
        return f"{self.data:%d/%m/%Y} — {self.descricao}"


class Sequencia(models.Model):
    """Named gap-free counters (matrícula, protocolo…), incremented under a row lock."""

    nome = models.CharField(max_length=60, unique=True)
    valor = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "sequência"
        verbose_name_plural = "sequências"

    def __str__(self):
        return f"{self.nome} = {self.valor}"
