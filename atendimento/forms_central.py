"""Forms of the operator console's pane. They only parse input; the rules live in the services.

No field takes ``autofocus``: the pane holds several forms, and the console's
keyboard (static/atendimento/central.js) moves the focus where each key says.
"""

from django import forms
from django.db.models import Q

from atendimento.models import MensagemAtendimento, MotivoEncerramento
from atendimento.models.registro import MENSAGEM_MAX, PARECER_MAX
from cadastro.models import Usuario

Visibilidade = MensagemAtendimento.Visibilidade


class _CentralForm(forms.Form):
    """Every pane form carries the RA version it was loaded with (optimistic lock) and
    the queue's query string, so the console comes back with the same filters."""

    versao = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    volta = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, prefixo="", **kwargs):
        kwargs.setdefault("auto_id", f"id_{prefixo}_%s" if prefixo else "id_%s")
        super().__init__(*args, **kwargs)


class AtenderForm(_CentralForm):
    pass


class DesistirForm(_CentralForm):
    pass


class RespostaForm(_CentralForm):
    visibilidade = forms.ChoiceField(
        label="Tipo",
        choices=[
            (Visibilidade.PUBLICA, "Mensagem ao cliente (pública)"),
            (Visibilidade.INTERNA, "Nota interna (o cliente não vê)"),
        ],
        widget=forms.RadioSelect,
        initial=Visibilidade.PUBLICA,
    )
    texto = forms.CharField(
        label="Resposta",
        max_length=MENSAGEM_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ctrl+Enter envia.",
    )


class PendenteForm(_CentralForm):
    observacao = forms.CharField(
        label="Observação (opcional)",
        max_length=PARECER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="O chamado fica com você, em “pendentes do operador”. Ctrl+Enter confirma.",
    )


class ExcluirForm(_CentralForm):
    justificativa = forms.CharField(
        label="Justificativa da exclusão",
        max_length=PARECER_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Só um contato que ninguém iniciou pode ser excluído. Ctrl+Enter confirma.",
    )


class EncerrarForm(_CentralForm):
    motivo = forms.ModelChoiceField(
        label="Motivo do encerramento",
        queryset=MotivoEncerramento.objects.filter(ativo=True).order_by("nome"),
    )
    parecer = forms.CharField(
        label="Parecer",
        max_length=PARECER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ctrl+Enter encerra.",
    )


class EncaminharForm(_CentralForm):
    destinatario = forms.ModelChoiceField(label="Encaminhar para", queryset=Usuario.objects.none())
    parecer = forms.CharField(
        label="Observação",
        required=False,
        max_length=PARECER_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, ra, **kwargs):
        super().__init__(*args, **kwargs)
        # Who may act on it (atendimento.permissoes): users of the RA's unit, of the
        # units above it and of a central de atendimento.
        unidades = [ra.unidade_atual_id, *(u.pk for u in ra.unidade_atual.superiores())]
        self.fields["destinatario"].queryset = (
            Usuario.objects.filter(is_active=True, unidade__ativa=True)
            .filter(Q(unidade_id__in=unidades) | Q(unidade__central_atendimento=True))
            .exclude(pk=ra.responsavel_id)
            .order_by("first_name", "last_name", "username")
        )
