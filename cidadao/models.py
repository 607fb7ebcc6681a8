"""The citizen channel: reports (relatos) from the public form and Open311, the keys
of the civic apps that file them, blocked phones and the channel's parameters."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

AVISO_PRIVACIDADE = (
    "Usamos o seu celular só para enviar o protocolo e o andamento deste relato, e a foto "
    "e o local só para localizar o problema (Lei 13.709/2018, LGPD). A localização gravada "
    "na foto é retirada antes de ela ser exibida. Nenhum dado seu aparece na consulta "
    "pública do protocolo."
)
TEXTO_DESCARTE = (
    "Seu relato de {servico} foi analisado e não gerou atendimento: {motivo}. "
    "Em caso de dúvida, ligue para a central."
)


class ParametrosCidadao(models.Model):
    """Parameters of the citizen channel: a single row (pk=1)."""

    area_latitude_min = models.DecimalField(
        "área atendida: latitude mínima", max_digits=9, decimal_places=6, default=Decimal("-8.20")
    )
    area_latitude_max = models.DecimalField(
        "área atendida: latitude máxima", max_digits=9, decimal_places=6, default=Decimal("-7.90")
    )
    area_longitude_min = models.DecimalField(
        "área atendida: longitude mínima",
        max_digits=9,
        decimal_places=6,
        default=Decimal("-35.10"),
    )
    area_longitude_max = models.DecimalField(
        "área atendida: longitude máxima",
        max_digits=9,
        decimal_places=6,
        default=Decimal("-34.80"),
    )
    mapa_url_tiles = models.CharField(
        "endereço dos mosaicos do mapa",
        max_length=300,
        blank=True,
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        help_text="Modelo com {z}, {x} e {y}. Vazio: o formulário pede só o endereço.",
    )
    mapa_atribuicao = models.CharField(
        "atribuição do mapa", max_length=200, blank=True, default="© OpenStreetMap"
    )
    mapa_latitude = models.DecimalField(
        "centro do mapa: latitude", max_digits=9, decimal_places=6, default=Decimal("-8.05")
    )
    mapa_longitude = models.DecimalField(
        "centro do mapa: longitude", max_digits=9, decimal_places=6, default=Decimal("-34.90")
    )
    mapa_zoom = models.PositiveSmallIntegerField(
        "zoom inicial do mapa", default=13, validators=[MinValueValidator(1), MaxValueValidator(19)]
    )
    meio = models.ForeignKey(
        "atendimento.MeioSolicitacao",
        verbose_name="meio dos RAs abertos de relatos",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Vazio: o primeiro meio ativo chamado Internet ou Aplicativo.",
    )
    foto_tamanho_max_kb = models.PositiveIntegerField(
        "tamanho máximo da foto (KB)", default=8192, validators=[MaxValueValidator(20480)]
    )
    relatos_por_ip_hora = models.PositiveSmallIntegerField(
        "relatos por endereço IP por hora", default=10
    )
    relatos_por_celular_dia = models.PositiveSmallIntegerField(
        "relatos por celular por dia", default=5
    )
    consultas_por_ip_minuto = models.PositiveSmallIntegerField(
        "consultas de protocolo por endereço IP por minuto", default=20
    )
    aviso_privacidade = models.TextField(
        "aviso de privacidade (LGPD)", max_length=2000, default=AVISO_PRIVACIDADE
    )
    texto_descarte = models.CharField(
        "SMS ao descartar um relato (quando o atendente escolhe avisar)",
        max_length=300,
        default=TEXTO_DESCARTE,
        help_text="Tags: {servico}, {motivo}.",
    )

    class Meta:
        verbose_name = "parâmetros do canal do cidadão"
        verbose_name_plural = "parâmetros do canal do cidadão"
        constraints = [
            models.CheckConstraint(
                condition=Q(area_latitude_min__lt=models.F("area_latitude_max"))
                & Q(area_longitude_min__lt=models.F("area_longitude_max")),
                name="cidadao_area_valida",
                violation_error_message="Na área atendida, o mínimo vem antes do máximo.",
            ),
        ]

    def __str__(self):
        return "Parâmetros do canal do cidadão"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def atual(cls):
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    def dentro_da_area(self, latitude, longitude) -> bool:
        return (
            self.area_latitude_min <= latitude <= self.area_latitude_max
            and self.area_longitude_min <= longitude <= self.area_longitude_max
        )


class ChaveApi(models.Model):
    """A civic app's key for the Open311 API. Only a hash is stored: the key itself
    is shown once, when the Administrador creates it."""

    nome = models.CharField("aplicativo / parceiro", max_length=100)
    prefixo = models.CharField("início da chave", max_length=8, unique=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)
    ativa = models.BooleanField("ativa", default=True)
    criada_em = models.DateTimeField("criada em", default=timezone.now, editable=False)
    criada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    ultimo_uso = models.DateTimeField("último uso", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "chave da API Open311"
        verbose_name_plural = "chaves da API Open311"
        ordering = ["nome"]

    def __str__(self):
        return f"{self.nome} ({self.prefixo}…)"


class TelefoneBloqueado(models.Model):
    """A number whose reports are kept out of the triage queue (abuse)."""

    numero = models.CharField("celular (E.164)", max_length=16, unique=True)
    motivo = models.CharField("motivo", max_length=200)
    bloqueado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    data = models.DateTimeField("bloqueado em", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "telefone bloqueado"
        verbose_name_plural = "telefones bloqueados"
        ordering = ["-data"]

    def __str__(self):
        return self.numero


def _caminho_foto(instance, filename):
    # A random name of its own: the file's path must not tell the report's token.
    return f"relatos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class Relato(models.Model):
    """A citizen's report of a problem in the street, waiting for triage (GSAN's PROGIS
    records): an attendant opens an RA from it, links it to an open RA, or discards it."""

    class Situacao(models.TextChoices):
        NOVO = "novo", "Aguardando triagem"
        RA_ABERTO = "ra_aberto", "RA aberto"
        VINCULADO = "vinculado", "Vinculado a um RA existente"
        DESCARTADO = "descartado", "Descartado"
        RETIDO = "retido", "Retido (celular bloqueado)"

    # The triage moves a report once; a retained one (blocked phone) may only be discarded.
    TRANSICOES = {
        Situacao.NOVO: {Situacao.RA_ABERTO, Situacao.VINCULADO, Situacao.DESCARTADO},
        Situacao.RETIDO: {Situacao.DESCARTADO},
    }

    class Canal(models.TextChoices):
        WEB = "web", "Formulário web"
        OPEN311 = "open311", "API Open311"

    token = models.CharField("código de acompanhamento", max_length=32, unique=True)
    canal = models.CharField("canal", max_length=8, choices=Canal.choices)
    especificacao = models.ForeignKey(
        "atendimento.Especificacao",
        verbose_name="problema",
        on_delete=models.PROTECT,
        related_name="relatos",
    )
    situacao = models.CharField(
        "situação", max_length=10, choices=Situacao.choices, default=Situacao.NOVO
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    endereco = models.CharField("endereço ou referência", max_length=300, blank=True)
    descricao = models.TextField("descrição", max_length=2000, blank=True)
    celular = models.CharField("celular (E.164)", max_length=16, blank=True)
    nome = models.CharField("nome", max_length=150, blank=True)
    email = models.EmailField("e-mail", blank=True)
    foto = models.FileField("foto", upload_to=_caminho_foto, blank=True)
    foto_latitude = models.DecimalField(
        "latitude gravada na foto", max_digits=9, decimal_places=6, null=True, blank=True
    )
    foto_longitude = models.DecimalField(
        "longitude gravada na foto", max_digits=9, decimal_places=6, null=True, blank=True
    )
    media_url = models.URLField("foto (endereço informado pelo aplicativo)", blank=True)
    ip = models.GenericIPAddressField("endereço IP", null=True, blank=True)
    chave_api = models.ForeignKey(
        ChaveApi, null=True, blank=True, on_delete=models.PROTECT, related_name="relatos"
    )
    dados_open311 = models.JSONField("outros dados (Open311)", default=dict, blank=True)
    criado_em = models.DateTimeField("recebido em", default=timezone.now)
    ra = models.ForeignKey(
        "atendimento.RegistroAtendimento",
        verbose_name="RA",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relatos",
    )
    reiteracao = models.OneToOneField(
        "atendimento.Reiteracao",
        verbose_name="protocolo do vínculo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relato",
    )
    triado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    triado_em = models.DateTimeField("triado em", null=True, blank=True)
    motivo_descarte = models.CharField("motivo do descarte", max_length=300, blank=True)
    cidadao_avisado = models.BooleanField("cidadão avisado do descarte", default=False)

    class Meta:
        verbose_name = "relato de cidadão"
        verbose_name_plural = "relatos de cidadãos"
        ordering = ["criado_em"]
        permissions = [("triar_relato", "Pode fazer a triagem dos relatos de cidadãos")]
        indexes = [
            models.Index(fields=["situacao", "criado_em"], name="relato_fila"),
            models.Index(fields=["celular", "criado_em"], name="relato_celular"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(situacao__in=["novo", "retido", "descartado"]) | Q(ra__isnull=False),
                name="relato_triado_tem_ra",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=False) & Q(longitude__isnull=False))
                | (Q(latitude__isnull=True) & Q(longitude__isnull=True) & ~Q(endereco="")),
                name="relato_tem_local",
                violation_error_message="Informe o local: um ponto no mapa ou o endereço.",
            ),
        ]

    def __str__(self):
        return f"Relato {self.token[:8]} — {self.especificacao.nome}"

    @property
    def na_fila(self) -> bool:
        return self.situacao == self.Situacao.NOVO
