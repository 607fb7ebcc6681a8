"""Admin of what the batch sends: the company's FEBRABAN parameters, the billing
message (versioned: a save is a new version) and the collection actions."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html

from core.admin_parametros import LinhaUnicaAdmin

from .models import (
    AcaoCobranca,
    Categoria,
    MensagemFaturamento,
    ParametrosFaturamento,
    referencia_formatada,
)
from .services.modelos import (
    CAMPOS_MENSAGEM,
    mensagem_faturamento_envios,
    mensagem_faturamento_salvar,
)
from .textos import TAGS_CONTA, TAGS_DOCUMENTO

CONTADOR_URL = reverse_lazy("faturamento:contador_sms")


def _ajuda_tags(tags: dict[str, str], *, sms: bool) -> str:
    ajuda = "Tags: " + ", ".join(f"{{{t}}} ({d})" for t, d in tags.items()) + "."
    if sms:
        ajuda += (
            " A linha digitável é acrescentada ao fim do SMS; o tamanho é conferido com o "
            "valor mais longo de cada tag e a linha, na codificação real (GSM-7 ou UCS-2)."
        )
    return ajuda


def _campo_sms(tipo: str) -> forms.Textarea:
    return forms.Textarea(
        attrs={
            "rows": 4,
            "maxlength": 300,
            "data-contador-sms": tipo,
            "data-contador-url": CONTADOR_URL,
        }
    )


class ContadorSmsMedia:
    js = ("faturamento/contador_sms.js",)


# --- Parâmetros --------------------------------------------------------------


@admin.register(ParametrosFaturamento)
class ParametrosFaturamentoAdmin(LinhaUnicaAdmin):
    list_display = ("__str__", "segmento", "codigo_empresa", "identificador_valor")
    fields = ("segmento", "codigo_empresa", "identificador_valor")

    def get_fieldsets(self, request, obj=None):
        link = reverse("admin:mensageria_parametros_changelist")
        descricao = format_html(
            "Identificação da empresa no código de barras das contas e dos documentos "
            "de cobrança (FEBRABAN, arrecadação). O tamanho máximo do SMS fica nos "
            '<a href="{}">parâmetros da mensageria</a>.',
            link,
        )
        return ((None, {"fields": self.fields, "description": descricao}),)


# --- Mensagem de faturamento ---------------------------------------------------


class MensagemFaturamentoForm(forms.ModelForm):
    categorias = forms.MultipleChoiceField(
        label="Categorias",
        choices=Categoria.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Categorias de imóvel cujas contas recebem a mensagem.",
    )

    class Meta:
        model = MensagemFaturamento
        fields = CAMPOS_MENSAGEM
        widgets = {"texto_sms": _campo_sms("conta")}
        help_texts = {
            "texto_sms": "Vazio: sem SMS. " + _ajuda_tags(TAGS_CONTA, sms=True),
            "assunto_email": _ajuda_tags(TAGS_CONTA, sms=False),
            "texto_email": "A linha digitável da conta é acrescentada ao fim. Vazio: sem "
            "e-mail. " + _ajuda_tags(TAGS_CONTA, sms=False),
            "referencia_inicial": "AAAAMM, como 202612: contas desta referência em diante.",
        }


@admin.register(MensagemFaturamento)
class MensagemFaturamentoAdmin(admin.ModelAdmin):
    """Every version is listed (the history). Saving never changes a version: the form
    of the version in force, prefilled from it, saves a new version and withdraws it;
    withdrawn versions are read-only."""

    form = MensagemFaturamentoForm
    Media = ContadorSmsMedia
    list_display = (
        "id",
        "referencia",
        "vigente",
        "dias_antes",
        "canais",
        "criada_por",
        "criada_em",
        "retirada_em",
    )
    list_filter = ("vigente",)
    list_select_related = ("criada_por",)
    readonly_fields = ("vigente", "criada_por", "criada_em", "retirada_em")
    actions = None  # no bulk delete: a version with messages is kept

    @admin.display(description="a partir da referência", ordering="referencia_inicial")
    def referencia(self, obj):
        return referencia_formatada(obj.referencia_inicial)

    @admin.display(description="canais")
    def canais(self, obj):
        return " e ".join(c for c, t in (("SMS", obj.texto_sms), ("e-mail", obj.texto_email)) if t)

    def get_fieldsets(self, request, obj=None):
        vigente = MensagemFaturamento.objects.filter(vigente=True).first()
        if obj is None:
            aviso = "Salvar cria a versão vigente da mensagem de faturamento."
            if vigente:
                aviso += (
                    f" A versão vigente hoje (nº {vigente.pk}, desde "
                    f"{referencia_formatada(vigente.referencia_inicial)}) é retirada e fica "
                    "no histórico."
                )
        elif obj.vigente:
            aviso = (
                "Salvar não altera esta versão: cria uma nova versão vigente com os dados "
                "do formulário, e esta é retirada (fica no histórico, sem mudança)."
            )
        else:
            aviso = format_html(
                "Versão retirada em {}: só consulta. "
                '<a href="{}?a_partir_de={}">Criar uma nova versão a partir desta</a>.',
                f"{obj.retirada_em:%d/%m/%Y %H:%M}" if obj.retirada_em else "—",
                reverse("admin:faturamento_mensagemfaturamento_add"),
                obj.pk,
            )
        fieldsets = [
            (None, {"fields": ("referencia_inicial", "dias_antes"), "description": aviso}),
            ("Filtros", {"fields": ("valor_minimo", "categorias")}),
            ("SMS", {"fields": ("texto_sms",)}),
            ("E-mail", {"fields": ("assunto_email", "texto_email", "max_tentativas_email")}),
        ]
        if obj is not None:
            fieldsets.append(("Versão", {"fields": self.readonly_fields}))
        return fieldsets

    def get_changeform_initial_data(self, request):
        """``?a_partir_de=<id>``: a new version prefilled from an old one."""
        origem = request.GET.get("a_partir_de", "")
        if origem.isdigit():
            versao = MensagemFaturamento.objects.filter(pk=int(origem)).first()
            if versao:
                return {campo: getattr(versao, campo) for campo in CAMPOS_MENSAGEM}
        return super().get_changeform_initial_data(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.vigente:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and mensagem_faturamento_envios(obj).exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        nova = mensagem_faturamento_salvar(
            {campo: form.cleaned_data[campo] for campo in CAMPOS_MENSAGEM},
            usuario=request.user,
        )
        # The admin goes on (history log, redirect) with the object it saved: the new one.
        for campo in MensagemFaturamento._meta.concrete_fields:
            setattr(obj, campo.attname, getattr(nova, campo.attname))
        obj._state.adding = False

    def _resposta(self, request, obj):
        self.message_user(
            request,
            f"Versão nº {obj.pk} salva: vigente a partir de "
            f"{referencia_formatada(obj.referencia_inicial)}. A versão anterior, se havia, "
            "foi retirada e fica no histórico.",
            messages.SUCCESS,
        )
        if "_continue" in request.POST:
            destino = reverse("admin:faturamento_mensagemfaturamento_change", args=[obj.pk])
        else:
            destino = reverse("admin:faturamento_mensagemfaturamento_changelist")
        return HttpResponseRedirect(destino)

    def response_add(self, request, obj, post_url_continue=None):
        return self._resposta(request, obj)

    def response_change(self, request, obj):
        return self._resposta(request, obj)


# --- Ações de cobrança ---------------------------------------------------------


class AcaoCobrancaForm(forms.ModelForm):
    class Meta:
        model = AcaoCobranca
        fields = (
            "descricao",
            "ativa",
            "por_sms",
            "texto_sms",
            "por_email",
            "max_tentativas_email",
            "assunto_email",
            "texto_email",
            "gera_os",
            "cronograma",
            "predecessora",
        )
        widgets = {
            "texto_sms": _campo_sms("documento"),
            "max_tentativas_email": forms.NumberInput(attrs={"min": 1, "max": 99}),
        }
        help_texts = {
            "texto_sms": "Obrigatório com “por SMS”. " + _ajuda_tags(TAGS_DOCUMENTO, sms=True),
            "assunto_email": "Obrigatório com “por e-mail”. "
            + _ajuda_tags(TAGS_DOCUMENTO, sms=False),
            "texto_email": "Obrigatório com “por e-mail”; a linha digitável do documento é "
            "acrescentada ao fim. " + _ajuda_tags(TAGS_DOCUMENTO, sms=False),
            "max_tentativas_email": "De 1 a 99; obrigatório com “por e-mail”.",
            "gera_os": "Não com “por SMS” ou “por e-mail”.",
            "cronograma": "Não com “por SMS” ou “por e-mail”.",
            "predecessora": "Uma ação que envia mensagens não tem predecessora nem sucessoras.",
        }


@admin.register(AcaoCobranca)
class AcaoCobrancaAdmin(admin.ModelAdmin):
    form = AcaoCobrancaForm
    Media = ContadorSmsMedia
    list_display = ("descricao", "por_sms", "por_email", "gera_os", "cronograma", "ativa")
    list_filter = ("ativa", "por_sms", "por_email")
    search_fields = ("descricao",)
    fieldsets = (
        (None, {"fields": ("descricao", "ativa")}),
        ("SMS", {"fields": ("por_sms", "texto_sms")}),
        (
            "E-mail",
            {"fields": ("por_email", "max_tentativas_email", "assunto_email", "texto_email")},
        ),
        (
            "Ordem de serviço e cronograma",
            {
                "fields": ("gera_os", "cronograma", "predecessora"),
                "description": "Uma ação que envia SMS ou e-mail não gera OS, não faz parte "
                "do cronograma e não tem predecessora nem sucessoras.",
            },
        ),
    )
