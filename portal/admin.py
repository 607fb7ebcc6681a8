"""Admin of the portal (Administrador only, as the whole admin: core/admin_site.py).

Accounts made here have no password: the person gets an invitation (a password
link) by e-mail and chooses one. An administrator also lifts a wrong-login lock.
"""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from core.admin_parametros import LinhaUnicaAdmin
from portal.models import ContaExterna, ParametrosPortal
from portal.services.contas import (
    conta_convite_enviar,
    conta_criar,
    conta_desbloquear,
    email_normalizado,
    url_base,
)


class ContaExternaForm(forms.ModelForm):
    enviar_convite = forms.BooleanField(
        label="Enviar convite",
        required=False,
        help_text="Envia por e-mail o link para a pessoa criar a senha e entrar no portal.",
    )

    class Meta:
        model = ContaExterna
        fields = ("email", "nome", "cliente", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["enviar_convite"].initial = True

    def clean_email(self):
        email = email_normalizado(self.cleaned_data["email"])
        outras = ContaExterna.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if outras.exists():
            raise forms.ValidationError("Já existe uma conta do portal com este e-mail.")
        return email


@admin.register(ContaExterna)
class ContaExternaAdmin(admin.ModelAdmin):
    form = ContaExternaForm
    list_display = (
        "nome",
        "email",
        "cliente",
        "is_active",
        "confirmado",
        "falhas_login",
        "bloqueada",
        "last_login",
    )
    list_filter = ("is_active",)
    search_fields = ("nome", "email", "cliente__nome", "cliente__cpf_cnpj")
    list_select_related = ("cliente",)
    autocomplete_fields = ("cliente",)
    readonly_fields = (
        "email_confirmado_em",
        "last_login",
        "falhas_login",
        "bloqueada_ate",
        "criada_em",
        "criada_por",
    )
    actions = ("acao_enviar_convite", "acao_desbloquear")

    def get_fieldsets(self, request, obj=None):
        conta = (None, {"fields": ("email", "nome", "cliente", "is_active", "enviar_convite")})
        if obj is None:
            return (conta,)
        return (
            conta,
            (
                "Situação",
                {
                    "fields": (
                        "email_confirmado_em",
                        "last_login",
                        ("falhas_login", "bloqueada_ate"),
                        ("criada_em", "criada_por"),
                    )
                },
            ),
        )

    @admin.display(boolean=True, description="e-mail confirmado")
    def confirmado(self, obj):
        return obj.email_confirmado

    @admin.display(boolean=True, description="bloqueada")
    def bloqueada(self, obj):
        return obj.bloqueada_ate is not None and obj.bloqueada_ate > timezone.now()

    def save_model(self, request, obj, form, change):
        if not change:
            conta_criar(conta=obj, usuario=request.user)
        else:
            if "email" in form.changed_data:
                # A new address is not proven until its owner follows a link sent to it.
                obj.email_confirmado_em = None
            super().save_model(request, obj, form, change)
        if form.cleaned_data.get("enviar_convite"):
            self._convidar(request, obj)

    def _convidar(self, request, obj):
        if conta_convite_enviar(conta=obj, base_url=url_base(request)):
            self.message_user(request, f"Convite enviado para {obj.email}.", messages.SUCCESS)
        else:
            self.message_user(
                request, "Convite não enviado: a conta está inativa.", messages.WARNING
            )

    @admin.action(description="Enviar convite (link para criar a senha)")
    def acao_enviar_convite(self, request, queryset):
        base = url_base(request)
        enviados = sum(conta_convite_enviar(conta=conta, base_url=base) for conta in queryset)
        self.message_user(request, f"Convites enviados: {enviados}.", messages.SUCCESS)
        if ignoradas := queryset.count() - enviados:
            self.message_user(
                request, f"Contas inativas, sem convite: {ignoradas}.", messages.WARNING
            )

    @admin.action(description="Desbloquear (zerar as tentativas erradas)")
    def acao_desbloquear(self, request, queryset):
        for conta in queryset:
            conta_desbloquear(conta=conta)
        self.message_user(request, f"Contas desbloqueadas: {queryset.count()}.", messages.SUCCESS)


@admin.register(ParametrosPortal)
class ParametrosPortalAdmin(LinhaUnicaAdmin):
    fieldsets = (
        ("Contatos abertos pelo portal", {"fields": ("unidade_abertura", "meio")}),
        ("Textos", {"fields": ("texto_inicio",)}),
    )
    autocomplete_fields = ("unidade_abertura",)
