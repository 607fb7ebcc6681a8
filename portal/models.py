"""Accounts of the customer portal: outside people who follow their own client's RAs.

A ``ContaExterna`` is not a staff user (``cadastro.Usuario``): it never becomes
``request.user``, has its own session (``portal.sessao``) and reaches only the
portal's pages. It belongs to one ``Cliente`` and sees only that client's RAs.
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models.functions import Lower


class ContaExterna(AbstractBaseUser):
    email = models.EmailField("e-mail", unique=True, help_text="Usado para entrar no portal.")
    nome = models.CharField("nome", max_length=150)
    cliente = models.ForeignKey(
        "cadastro.Cliente",
        verbose_name="cliente",
        on_delete=models.PROTECT,
        related_name="contas_externas",
    )
    is_active = models.BooleanField(
        "ativa", default=True, help_text="Desmarque para impedir a entrada sem apagar a conta."
    )
    email_confirmado_em = models.DateTimeField("e-mail confirmado em", null=True, blank=True)
    criada_em = models.DateTimeField("criada em", auto_now_add=True)
    criada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="criada por",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Vazio: a própria pessoa se cadastrou.",
    )
    # Login throttling per account (the per-IP limit lives in the cache).
    falhas_login = models.PositiveSmallIntegerField("tentativas erradas seguidas", default=0)
    bloqueada_ate = models.DateTimeField("bloqueada até", null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["nome"]

    class Meta:
        verbose_name = "conta do portal"
        verbose_name_plural = "contas do portal"
        ordering = ["nome"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="conta_externa_email_unico"),
        ]

    def __str__(self):
        return f"{self.nome} <{self.email}>"

    @property
    def email_confirmado(self) -> bool:
        return self.email_confirmado_em is not None


class ParametrosPortal(models.Model):
    """Parameters of the portal: a single row (pk=1)."""

    unidade_abertura = models.ForeignKey(
        "cadastro.UnidadeOrganizacional",
        verbose_name="unidade que abre os contatos",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Vazio: a primeira central de atendimento ativa que abre RAs.",
    )
    meio = models.ForeignKey(
        "atendimento.MeioSolicitacao",
        verbose_name="meio de solicitação",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Vazio: o meio “Internet”.",
    )
    texto_inicio = models.TextField(
        "texto da página inicial",
        blank=True,
        default="Abra um contato, acompanhe as respostas da companhia e complemente "
        "seus pedidos sem sair de casa.",
    )

    class Meta:
        verbose_name = "parâmetros do portal"
        verbose_name_plural = "parâmetros do portal"

    def __str__(self):
        return "Parâmetros do portal"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def atual(cls) -> "ParametrosPortal":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
