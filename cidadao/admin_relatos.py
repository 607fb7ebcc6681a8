"""Admin of the reports, the blocked phones and the channel parameters."""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from cidadao.models import ParametrosCidadao, Relato, TelefoneBloqueado
from core.admin_leitura import SomenteLeituraAdmin
from core.admin_parametros import LinhaUnicaAdmin
from mensageria.telefones import NumeroInvalido, celular_normalizar


@admin.register(Relato)
class RelatoAdmin(SomenteLeituraAdmin):
    """Read-only: reports change only through the triage screen's services."""

    list_display = ("criado_em", "codigo", "especificacao", "canal", "situacao", "ra")
    list_filter = ("situacao", "canal", "especificacao")
    search_fields = ("=token", "ra__protocolo")
    list_select_related = ("especificacao__tipo", "ra")
    date_hierarchy = "criado_em"
    # The photo goes through the login-protected view, never a MEDIA_URL link.
    exclude = ("foto",)
    readonly_fields = ("foto_link",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="código", ordering="token")
    def codigo(self, obj):
        return f"{obj.token[:8]}…"

    @admin.display(description="foto")
    def foto_link(self, obj):
        if not obj.foto:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">ver a foto</a>',
            reverse("cidadao:relato_foto", args=[obj.pk]),
        )


class TelefoneBloqueadoForm(forms.ModelForm):
    # As people type it ("(81) 99999-1234", "+55 81 …"), stored in E.164.
    numero = forms.CharField(
        label="celular", max_length=30, help_text="Com DDD, por exemplo (81) 99999-1234."
    )

    class Meta:
        model = TelefoneBloqueado
        fields = ("numero", "motivo")

    def clean_numero(self):
        try:
            numero = celular_normalizar(self.cleaned_data["numero"])
        except NumeroInvalido as exc:
            raise forms.ValidationError(str(exc)) from exc
        outros = TelefoneBloqueado.objects.filter(numero=numero).exclude(pk=self.instance.pk)
        if outros.exists():
            raise forms.ValidationError("Este celular já está bloqueado.")
        return numero


@admin.register(TelefoneBloqueado)
class TelefoneBloqueadoAdmin(admin.ModelAdmin):
    """Blocking goes through ``telefone_bloquear``: the phone's reports waiting for triage
    leave the queue. Deleting the row unblocks the phone (for its next reports)."""

    form = TelefoneBloqueadoForm
    list_display = ("numero", "motivo", "data", "bloqueado_por")
    search_fields = ("numero", "motivo")
    list_select_related = ("bloqueado_por",)
    readonly_fields = ("data", "bloqueado_por")

    def get_readonly_fields(self, request, obj=None):
        # The number is the block: another number is another block.
        return (*self.readonly_fields, "numero") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        from cidadao.services.triagem import telefone_bloquear

        telefone_bloquear(
            numero=form.cleaned_data["numero"],
            motivo=form.cleaned_data["motivo"],
            usuario=request.user,
        )
        # The admin goes on (history log, redirect) with the row the service saved.
        salvo = TelefoneBloqueado.objects.get(numero=form.cleaned_data["numero"])
        for campo in TelefoneBloqueado._meta.concrete_fields:
            setattr(obj, campo.attname, getattr(salvo, campo.attname))
        obj._state.adding = False


class ParametrosCidadaoForm(forms.ModelForm):
    class Meta:
        model = ParametrosCidadao
        fields = (
            "area_latitude_min",
            "area_latitude_max",
            "area_longitude_min",
            "area_longitude_max",
            "mapa_url_tiles",
            "mapa_atribuicao",
            "mapa_latitude",
            "mapa_longitude",
            "mapa_zoom",
            "meio",
            "foto_tamanho_max_kb",
            "relatos_por_ip_hora",
            "relatos_por_celular_dia",
            "consultas_por_ip_minuto",
            "aviso_privacidade",
            "texto_descarte",
        )

    def clean_mapa_url_tiles(self):
        url = self.cleaned_data["mapa_url_tiles"].strip()
        if not url:
            return url
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError("Use um endereço que comece com https://.")
        if not all(marca in url for marca in ("{z}", "{x}", "{y}")):
            raise forms.ValidationError("O endereço precisa ter {z}, {x} e {y}.")
        return url

    def clean_texto_descarte(self):
        texto = self.cleaned_data["texto_descarte"]
        try:
            texto.format(servico="", motivo="")
        except (KeyError, IndexError, ValueError) as exc:
            raise forms.ValidationError(
                "Use só as tags {servico} e {motivo}, com as chaves fechadas."
            ) from exc
        return texto


@admin.register(ParametrosCidadao)
class ParametrosCidadaoAdmin(LinhaUnicaAdmin):
    form = ParametrosCidadaoForm
    fieldsets = (
        (
            "Área atendida",
            {
                "fields": (
                    ("area_latitude_min", "area_latitude_max"),
                    ("area_longitude_min", "area_longitude_max"),
                )
            },
        ),
        (
            "Mapa",
            {
                "fields": (
                    "mapa_url_tiles",
                    "mapa_atribuicao",
                    ("mapa_latitude", "mapa_longitude"),
                    "mapa_zoom",
                )
            },
        ),
        ("RAs abertos de relatos", {"fields": ("meio",)}),
        (
            "Limites contra abuso",
            {
                "fields": (
                    "foto_tamanho_max_kb",
                    "relatos_por_ip_hora",
                    "relatos_por_celular_dia",
                    "consultas_por_ip_minuto",
                )
            },
        ),
        ("Textos ao cidadão", {"fields": ("aviso_privacidade", "texto_descarte")}),
    )
