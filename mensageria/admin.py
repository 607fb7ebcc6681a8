from django import forms
from django.contrib import admin
from django.utils.html import format_html_join

from core.admin_leitura import SomenteLeituraAdmin
from core.admin_parametros import LinhaUnicaAdmin

from .models import (
    Alerta,
    Mensagem,
    MensagemHistorico,
    ModeloMensagem,
    Modem,
    Parametros,
    RelatorioEntrega,
)
from .silencio import EVENTOS_SEMPRE_IMEDIATOS

# AT+CPIN? answers, as an administrator reads them.
ESTADOS_SIM = {
    "READY": "pronto",
    "SIM PIN": "pede PIN",
    "SIM PUK": "pede PUK",
    "PH-SIM PIN": "pede PIN do telefone",
    "SIM PIN2": "pede PIN2",
    "SIM PUK2": "pede PUK2",
}


def saude_linhas(saude: dict) -> list[str]:
    """The modem's last health reading (``Modem.saude``) as labelled pt-BR lines."""
    if not saude:
        return ["Ainda não lida."]
    if saude.get("erro"):
        return [f"Erro: {saude['erro']}"]
    linhas = []
    sinal = saude.get("sinal")
    if sinal is not None:
        linhas.append("Sinal: desconhecido" if sinal < 0 or sinal == 99 else f"Sinal: {sinal}/31")
    if saude.get("registro"):
        linhas.append(f"Rede: {saude['registro']}")
    if saude.get("operadora"):
        linhas.append(f"Operadora: {saude['operadora']}")
    if saude.get("sim"):
        linhas.append(f"SIM: {ESTADOS_SIM.get(saude['sim'], saude['sim'])}")
    return linhas or ["Sem dados."]


@admin.register(Modem)
class ModemAdmin(admin.ModelAdmin):
    list_display = (
        "nome",
        "dispositivo",
        "fila",
        "intervalo_segundos",
        "max_tentativas",
        "ativo",
        "pausado_em",
        "motivo_pausa",
    )
    readonly_fields = (
        "fila",
        "pausado_em",
        "motivo_pausa",
        "pausa_automatica",
        "ultimo_inicio_envio",
        "saude_legivel",
        "saude_lida_em",
    )
    fields = (
        "nome",
        "dispositivo",
        "baud",
        "pin",
        "modo",
        "intervalo_segundos",
        "timeout_segundos",
        "max_tentativas",
        "ativo",
        *readonly_fields,
    )

    @admin.display(description="saúde")
    def saude_legivel(self, obj):
        return format_html_join(
            "", "<div>{}</div>", ((linha,) for linha in saude_linhas(obj.saude))
        )


@admin.register(ModeloMensagem)
class ModeloMensagemAdmin(admin.ModelAdmin):
    """Every text is checked for tags; the SMS one also against the SMS length."""

    list_display = ("evento", "texto", "ativo", "atualizado_em")
    fieldsets = (
        (None, {"fields": ("evento", "ativo")}),
        ("SMS", {"fields": ("texto",)}),
        (
            "E-mail",
            {
                "fields": ("assunto_email", "texto_email", "html_email"),
                "description": "Vazios: assunto “{empresa}: protocolo {protocolo}” e o texto "
                "do SMS (sem corte). No HTML, os valores das tags são escapados.",
            },
        ),
    )


class ParametrosForm(forms.ModelForm):
    """The quiet-hours events as checkboxes (the model keeps them as a JSON list)."""

    silencio_eventos = forms.MultipleChoiceField(
        label="eventos que esperam o fim do silêncio",
        choices=[
            (valor, rotulo)
            for valor, rotulo in Mensagem.Evento.choices
            if valor not in EVENTOS_SEMPRE_IMEDIATOS
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="SMS e e-mails dos eventos marcados, quando criados (ou numa nova tentativa) "
        "no horário de silêncio, esperam o fim dele. Os não marcados saem na hora: o SMS de "
        "protocolo responde a quem acabou de pedir e só espera se for marcado aqui. "
        "Alertas aos supervisores nunca esperam.",
    )

    class Meta:
        model = Parametros
        fields = [
            "tamanho_maximo",
            "transliterar",
            "permitir_multiparte",
            "nome_empresa",
            "silencio_inicio",
            "silencio_fim",
            "silencio_fuso",
            "silencio_eventos",
            "email_max_tentativas",
            "respostas_por_hora",
            "alerta_espera_minutos",
        ]
        help_texts = {
            "silencio_fuso": "Nome da base de fusos horários (ex.: America/Recife, "
            "America/Manaus); o horário de silêncio é lido nesse fuso.",
        }


@admin.register(Parametros)
class ParametrosAdmin(LinhaUnicaAdmin):
    form = ParametrosForm
    list_display = ("__str__", "tamanho_maximo", "transliterar", "permitir_multiparte")
    fieldsets = (
        (
            None,
            {"fields": ("tamanho_maximo", "transliterar", "permitir_multiparte", "nome_empresa")},
        ),
        (
            "Horário de silêncio",
            {"fields": ("silencio_inicio", "silencio_fim", "silencio_fuso", "silencio_eventos")},
        ),
        (
            "E-mail, respostas e alertas",
            {"fields": ("email_max_tentativas", "respostas_por_hora", "alerta_espera_minutos")},
        ),
    )


class HistoricoInline(admin.TabularInline):
    model = MensagemHistorico
    extra = 0
    can_delete = False
    readonly_fields = ("de", "para", "usuario", "quando", "observacao")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mensagem)
class MensagemAdmin(SomenteLeituraAdmin):
    """Read-only: status changes go through the services (screens and CLI)."""

    list_display = ("id", "criada_em", "evento", "destino", "status", "tentativas", "modem")
    list_filter = ("status", "evento", "modem")
    search_fields = ("destino", "registro_atendimento__protocolo")
    list_select_related = ("modem",)
    raw_id_fields = ("registro_atendimento",)
    inlines = [HistoricoInline]


@admin.register(RelatorioEntrega)
class RelatorioEntregaAdmin(SomenteLeituraAdmin):
    """Read-only: what the modems reported, matched to a message or not."""

    list_display = (
        "recebido_em",
        "modem",
        "referencia",
        "destino",
        "status_legivel",
        "entregue_em",
        "mensagem",
    )
    list_filter = ("entregue", "modem")
    search_fields = ("destino", "mensagem__id")
    list_select_related = ("modem", "mensagem")
    raw_id_fields = ("mensagem",)

    @admin.display(description="status (TP-ST)")
    def status_legivel(self, obj):
        from .services.entrada import entrega_status_texto

        return entrega_status_texto(obj.status)


@admin.register(Alerta)
class AlertaAdmin(SomenteLeituraAdmin):
    """The supervisors' alert episodes, read-only: opened and resolved by the sweep."""

    list_display = ("aberto_em", "tipo", "texto", "resolvido_em")
    list_filter = ("tipo", ("resolvido_em", admin.EmptyFieldListFilter))
    search_fields = ("texto",)
    date_hierarchy = "aberto_em"
