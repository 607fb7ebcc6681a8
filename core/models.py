from django.core.exceptions import ValidationError
from django.db import models


class Imutavel(models.Model):
    """A history row: written once, never changed nor deleted (audit, DOMAIN.md §4.3).

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
