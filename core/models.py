from django.core.exceptions import ValidationError
from django.db import models


class Imutavel(models.Model):
    """A history row: written once, never changed nor deleted (audit, docs/domain.md §4.3).

    Subclasses name what they record in ``historico_de`` ("do RA", "da OS"…),
    which the refusal messages use.
    """

    historico_de = "do registro"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(f"O histórico {self.historico_de} não pode ser alterado.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"O histórico {self.historico_de} não pode ser apagado.")


class Exportacao(Imutavel):
    """One CSV export: who, when, which list and filter, how many rows (LGPD audit)."""

    historico_de = "de exportações"

    usuario = models.ForeignKey(
        "cadastro.Usuario", on_delete=models.PROTECT, related_name="exportacoes"
    )
    data = models.DateTimeField("data", auto_now_add=True, db_index=True)
    nome = models.CharField("exportação", max_length=100)
    filtros = models.JSONField("filtros", default=dict, blank=True)
    linhas = models.PositiveIntegerField("linhas")
    dados_pessoais = models.BooleanField(
        "com dados pessoais completos",
        default=False,
        help_text="CPF/CNPJ e telefones sem máscara.",
    )

    class Meta:
        verbose_name = "exportação"
        verbose_name_plural = "exportações"
        ordering = ["-data"]

    def __str__(self):
        return f"{self.nome} por {self.usuario} ({self.linhas} linhas)"
