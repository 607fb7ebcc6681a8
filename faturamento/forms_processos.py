"""The form that starts a batch run from the Processos screen."""

from django import forms

from core.exceptions import RegraViolada

from .models import Processo
from .services.processos import referencia_atual, referencia_ler

Tipo = Processo.Tipo

# The batch steps a person may start here (an import starts from its own screen).
TIPOS_DO_LOTE = (Tipo.PREPARAR_FATURAMENTO, Tipo.PREPARAR_COBRANCA, Tipo.TRANSMITIR, Tipo.EXPIRAR)


class ProcessoIniciarForm(forms.Form):
    tipo = forms.ChoiceField(
        label="Processo",
        choices=[(t.value, t.label) for t in TIPOS_DO_LOTE],
        error_messages={"invalid_choice": "Escolha um processo da lista."},
    )
    referencia = forms.CharField(
        label="Referência (AAAAMM)",
        required=False,
        max_length=7,
        help_text="Mês das contas, como 202612 (ou 12/2026).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referencia"].initial = str(referencia_atual())

    def clean(self):
        dados = super().clean()
        if dados.get("tipo") != Tipo.PREPARAR_FATURAMENTO:
            dados["referencia"] = None
            return dados
        texto = (dados.get("referencia") or "").strip()
        if not texto:
            self.add_error("referencia", "Informe a referência das contas (AAAAMM).")
            return dados
        try:
            dados["referencia"] = referencia_ler(texto)
        except RegraViolada as erro:
            self.add_error("referencia", str(erro))
        return dados
