"""Catalogue and parameters, configured by the Administrador role. RAs are read-only
here: every change to an RA goes through the services (and leaves history)."""

from django import forms
from django.contrib import admin

from atendimento.models import (
    Especificacao,
    GrupoSolicitacao,
    MeioSolicitacao,
    MotivoEncerramento,
    ParametrosAtendimento,
    StatusComplementar,
    TipoSolicitacao,
)
from core.admin_parametros import LinhaUnicaAdmin
from mensageria.models import (
    LARGURA_PROTOCOLO,
    TAGS_AJUDA,
    validar_modelo_sms,
    validar_textos_sms_em_uso,
)


class TipoSolicitacaoInline(admin.TabularInline):
    model = TipoSolicitacao
    extra = 0


@admin.register(GrupoSolicitacao)
class GrupoSolicitacaoAdmin(admin.ModelAdmin):
    search_fields = ("nome",)
    inlines = [TipoSolicitacaoInline]


class EspecificacaoInline(admin.TabularInline):
    model = Especificacao
    extra = 0
    fields = ("nome", "prazo_dias", "prazo_horas", "unidade_destino", "tipo_servico", "ativa")
    show_change_link = True


@admin.register(TipoSolicitacao)
class TipoSolicitacaoAdmin(admin.ModelAdmin):
    list_display = ("nome", "grupo", "ativo")
    list_filter = ("grupo", "ativo")
    search_fields = ("nome",)
    inlines = [EspecificacaoInline]


class EspecificacaoAdminForm(forms.ModelForm):
    """The especificação's own SMS texts pass the same check as the default templates."""

    class Meta:
        model = Especificacao
        fields = ("texto_abertura", "texto_encerramento")  # the admin adds its fieldsets
        help_texts = {
            "texto_abertura": f"Vazio: usa o modelo padrão. {TAGS_AJUDA}.",
            "texto_encerramento": f"Vazio: usa o modelo padrão. {TAGS_AJUDA}.",
        }

    def clean(self):
        dados = super().clean()
        if dados.get("publica") and not dados.get("codigo_servico"):
            self.add_error(
                "codigo_servico",
                "Uma especificação aberta a relatos precisa do código do serviço (Open311), "
                "por exemplo vazamento-agua-via-publica.",
            )
        return dados

    def _texto_sms(self, campo):
        texto = (self.cleaned_data.get(campo) or "").strip()
        if texto:
            validar_modelo_sms(texto)
        return texto

    def clean_texto_abertura(self):
        return self._texto_sms("texto_abertura")

    def clean_texto_encerramento(self):
        return self._texto_sms("texto_encerramento")


@admin.register(Especificacao)
class EspecificacaoAdmin(admin.ModelAdmin):
    form = EspecificacaoAdminForm
    list_display = (
        "nome",
        "tipo",
        "natureza",
        "prazo_descricao",
        "unidade_destino",
        "tipo_servico",
        "publica",
        "ativa",
    )
    list_filter = ("tipo__grupo", "natureza", "ativa", "publica")
    search_fields = ("nome", "tipo__nome", "codigo_servico")
    autocomplete_fields = ("tipo",)
    list_select_related = ("tipo", "unidade_destino", "tipo_servico")
    fieldsets = (
        (None, {"fields": ("tipo", "nome", "natureza", "ativa")}),
        ("Prazo", {"fields": ("prazo_dias", "prazo_horas")}),
        (
            "Encaminhamento e OS",
            {"fields": ("unidade_destino", "tipo_servico", "permite_os_opcional")},
        ),
        (
            "O que o formulário exige",
            {
                "fields": (
                    "exige_imovel",
                    "exige_cliente",
                    "exige_cpf_cnpj",
                    "exige_parecer_encerramento",
                    "bloqueia_com_debito",
                )
            },
        ),
        (
            "Mensagens automáticas",
            {
                "fields": (
                    "envia_sms_abertura",
                    "envia_email_abertura",
                    "texto_abertura",
                    "envia_sms_encerramento",
                    "envia_email_encerramento",
                    "texto_encerramento",
                    "avisa_encerramento_sem_execucao",
                )
            },
        ),
        (
            "Canal do cidadão",
            {
                "fields": ("publica", "codigo_servico", "descricao_publica", "raio_duplicidade_m"),
                "description": "Especificações abertas a relatos aparecem no formulário "
                "público (/relatar/) e na API Open311 com o seu código de serviço. A consulta "
                "pública do protocolo mostra o nome da especificação, nunca dados pessoais.",
            },
        ),
    )

    @admin.display(description="prazo")
    def prazo_descricao(self, obj):
        return obj.prazo_descricao


@admin.register(MeioSolicitacao)
class MeioSolicitacaoAdmin(admin.ModelAdmin):
    list_display = ("nome", "ativo")
    list_filter = ("ativo",)


@admin.register(MotivoEncerramento)
class MotivoEncerramentoAdmin(admin.ModelAdmin):
    list_display = ("nome", "tipo", "ativo")
    list_filter = ("tipo", "ativo")


@admin.register(StatusComplementar)
class StatusComplementarAdmin(admin.ModelAdmin):
    list_display = ("nome", "ativo")


class ParametrosAtendimentoAdminForm(forms.ModelForm):
    class Meta:
        model = ParametrosAtendimento
        fields = ("formato_protocolo",)  # the admin adds its fieldsets

    def clean(self):
        dados = super().clean()
        formato = dados.get("formato_protocolo")
        if formato and formato != self.instance.formato_protocolo:
            # A longer protocol must not make the SMS templates in use too long.
            validar_textos_sms_em_uso(largura_protocolo=LARGURA_PROTOCOLO[formato])
        return dados


@admin.register(ParametrosAtendimento)
class ParametrosAtendimentoAdmin(LinhaUnicaAdmin):
    form = ParametrosAtendimentoAdminForm
    fieldsets = (
        ("Prazos", {"fields": ("prazo_em_dias_uteis", "atencao_percentual", "atencao_horas")}),
        (
            "Anexos",
            {"fields": ("anexo_tamanho_max_kb", "anexo_tipos_permitidos", "anexo_imagem_max_px")},
        ),
        ("Protocolo", {"fields": ("formato_protocolo", "protocolo_digito_origem", "registro_ans")}),
    )
