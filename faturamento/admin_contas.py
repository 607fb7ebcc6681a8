"""Admin of bills and collection documents, and the CSV import screen.

Bills come from the billing system by CSV import; here they are listed and
read, never edited. The changelist has an "Importar contas (CSV)" button
(permission ``faturamento.importar_contas``): the upload is checked at once
(empty, not CSV, too big, encoding, header), saved under
``MEDIA_ROOT/importacoes/`` and imported by a run (``Processo`` of type
importação) in a worker; its report (counts and rejected rows) is on the run's page
(``faturamento:processo``), where the upload redirects.
"""

import re
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from atendimento.uploads import LimiteDeAnexoUploadHandler
from cadastro.validators import matriculas_candidatas
from core.admin_leitura import SomenteLeituraAdmin
from core.exceptions import RegraViolada

from .models import Conta, DocumentoCobranca, Processo
from .services import importacao
from .services.processos import processo_criar
from .tasks import processo_enfileirar

PERMISSAO_IMPORTAR = "faturamento.importar_contas"
EXTENSOES = (".csv", ".txt")


def tamanho_maximo() -> int:
    """Bytes an uploaded import file may have (``IMPORTACAO_CONTAS_MAX_MB``, 50 MB)."""
    return int(getattr(settings, "IMPORTACAO_CONTAS_MAX_MB", 50)) * 1024 * 1024


def pasta_importacoes() -> Path:
    return Path(settings.MEDIA_ROOT) / "importacoes"


class _LimiteDeImportacaoHandler(LimiteDeAnexoUploadHandler):
    """The attachment handler's behaviour with the import's own size limit."""

    def new_file(self, *args, **kwargs):
        self.limite = tamanho_maximo()
        super().new_file(*args, **kwargs)


class ImportacaoForm(forms.Form):
    arquivo = forms.FileField(
        label="Arquivo CSV",
        help_text=(
            "Separado por “;”, com cabeçalho "
            f"{';'.join(importacao.COLUNAS_CONTAS)}; em UTF-8 ou Latin-1."
        ),
        error_messages={
            "required": "Escolha o arquivo CSV a importar.",
            "empty": "O arquivo está vazio.",
        },
    )

    def clean_arquivo(self):
        arquivo = self.cleaned_data["arquivo"]
        limite = tamanho_maximo()
        if arquivo.size > limite:
            raise ValidationError(
                f"O arquivo tem {arquivo.size / 1024 / 1024:.1f} MB; o limite aqui é "
                f"{limite // 1024 // 1024} MB. Divida o arquivo ou use o comando "
                "“manage.py importar_contas ARQUIVO”."
            )
        if not arquivo.size:
            raise ValidationError("O arquivo está vazio.")
        inicio = arquivo.read(8)
        arquivo.seek(0)
        if inicio.startswith(b"PK") or inicio.startswith(b"\xd0\xcf\x11\xe0"):
            raise ValidationError(
                "O arquivo é uma planilha (Excel), não um CSV. No Excel, use "
                "“Salvar como” → “CSV (separado por ponto e vírgula)”."
            )
        if not arquivo.name.lower().endswith(EXTENSOES):
            raise ValidationError("O arquivo não é um CSV: envie um arquivo .csv.")
        return arquivo


def _salvar(arquivo) -> Path:
    pasta = pasta_importacoes()
    pasta.mkdir(parents=True, exist_ok=True)
    nome = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(arquivo.name).stem)[:60] or "contas"
    destino = pasta / f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}-{nome}.csv"
    with open(destino, "wb") as saida:
        for pedaco in arquivo.chunks():
            saida.write(pedaco)
    return destino


def _matriculas(termo: str) -> list[int]:
    """The matrículas a search term may name (none when it cannot be one)."""
    try:
        return [m for m in matriculas_candidatas(termo) if m < 2**31]
    except ValidationError:
        return []


@admin.register(Conta)
class ContaAdmin(SomenteLeituraAdmin):
    change_list_template = "admin/faturamento/conta/change_list.html"
    list_display = (
        "matricula",
        "referencia_mm_aaaa",
        "vencimento",
        "valor",
        "situacao",
        "categoria",
        "pago_em",
    )
    list_filter = ("situacao", "categoria", "referencia")
    list_select_related = ("imovel",)
    search_fields = ("imovel__matricula",)
    search_help_text = "Matrícula, com ou sem o dígito verificador."
    ordering = ("-referencia", "imovel__matricula")
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description="matrícula", ordering="imovel__matricula")
    def matricula(self, obj):
        return obj.imovel.matricula_formatada

    @admin.display(description="referência", ordering="referencia")
    def referencia_mm_aaaa(self, obj):
        return obj.referencia_formatada

    def get_search_results(self, request, queryset, search_term):
        termo = search_term.strip()
        if not termo:
            return queryset, False
        return queryset.filter(imovel__matricula__in=_matriculas(termo)), False

    # --- import ---------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "importar/",
                self.admin_site.admin_view(csrf_exempt(self.importar_view)),
                name="faturamento_conta_importar",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "pode_importar": request.user.has_perm(PERMISSAO_IMPORTAR),
        }
        return super().changelist_view(request, extra_context)

    def _exigir_permissao(self, request):
        if not request.user.has_perm(PERMISSAO_IMPORTAR):
            raise PermissionDenied

    def importar_view(self, request):
        """Upload form. CSRF is checked after the upload handlers are set (they must
        be chosen before the body is read)."""
        self._exigir_permissao(request)
        request.upload_handlers = [
            _LimiteDeImportacaoHandler(request),
            TemporaryFileUploadHandler(request),
        ]
        return csrf_protect(self._importar)(request)

    def _importar(self, request):
        enviado = request.method == "POST"
        form = ImportacaoForm(request.POST, request.FILES) if enviado else ImportacaoForm()
        if enviado and form.is_valid():
            caminho = _salvar(form.cleaned_data["arquivo"])
            try:
                importacao.conferir_arquivo(caminho)
                processo = processo_criar(
                    Processo.Tipo.IMPORTACAO,
                    parametros={
                        "arquivo": str(caminho),
                        "nome": form.cleaned_data["arquivo"].name,
                    },
                    usuario=request.user,
                )
            except RegraViolada as exc:
                caminho.unlink(missing_ok=True)
                form.add_error("arquivo", str(exc))
            else:
                processo_enfileirar(processo)
                messages.success(
                    request,
                    f"Arquivo recebido; a importação nº {processo.pk} começou. "
                    "Acompanhe o progresso nesta página.",
                )
                return redirect("faturamento:processo", processo.pk)
        contexto = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Importar contas (CSV)",
            "form": form,
            "colunas": importacao.COLUNAS_CONTAS,
            "colunas_documentos": importacao.COLUNAS_DOCUMENTOS,
            "limite_mb": tamanho_maximo() // 1024 // 1024,
            "recentes": Processo.objects.filter(tipo=Processo.Tipo.IMPORTACAO)[:10],
        }
        return TemplateResponse(request, "admin/faturamento/conta/importar.html", contexto)


@admin.register(DocumentoCobranca)
class DocumentoCobrancaAdmin(SomenteLeituraAdmin):
    list_display = (
        "numero",
        "matricula",
        "acao",
        "emissao",
        "validade",
        "valor",
        "situacao",
        "pago_em",
    )
    list_filter = ("situacao", "acao")
    list_select_related = ("imovel", "acao")
    search_fields = ("numero", "imovel__matricula")
    search_help_text = "Número do documento ou matrícula (com ou sem o dígito)."
    show_full_result_count = False

    @admin.display(description="matrícula", ordering="imovel__matricula")
    def matricula(self, obj):
        return obj.imovel.matricula_formatada

    def get_search_results(self, request, queryset, search_term):
        termo = search_term.strip()
        if not termo:
            return queryset, False
        filtro = Q()
        if candidatas := _matriculas(termo):
            filtro |= Q(imovel__matricula__in=candidatas)
        if termo.isdigit() and len(termo) <= 18:
            filtro |= Q(numero=int(termo))
        if not filtro:
            return queryset.none(), False
        return queryset.filter(filtro), False
