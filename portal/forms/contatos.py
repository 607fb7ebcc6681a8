"""Forms of the portal's contacts. They only parse input; the rules live in the services
(``portal.services.contatos`` and the RA services it calls)."""

from django import forms
from django.template.defaultfilters import filesizeformat

from atendimento.forms import MultiplosArquivosField
from atendimento.models import ParametrosAtendimento
from atendimento.models.registro import MENSAGEM_MAX
from atendimento.services.abertura import TITULO_MAX, telefone_normalizar
from atendimento.services.anexos import AnexoGuardado, anexo_temporario_ler
from atendimento.uploads import LimiteDeAnexoUploadHandler
from cadastro.models import Imovel
from core.exceptions import RegraViolada
from portal import selectors
from portal.services.contatos import dono_dos_temporarios

ARQUIVOS_MAX = LimiteDeAnexoUploadHandler.ARQUIVOS_POR_PEDIDO
# The live counter of static/core/app.js, in the seed's words ("caracteres restantes").
CONTADOR = {"data-contador": "restantes"}


def _regras_dos_anexos() -> str:
    params = ParametrosAtendimento.atual()
    tipos = ", ".join(t.strip() for t in params.anexo_tipos_permitidos.split(",") if t.strip())
    return (
        f"Até {ARQUIVOS_MAX} arquivos de cada vez, de até "
        f"{filesizeformat(params.anexo_tamanho_max_kb * 1024)} cada. Tipos aceitos: {tipos}."
    )


class _ArquivosMixin:
    def _anexos_explicar(self) -> None:
        self.fields["anexos"].help_text = _regras_dos_anexos()

    def clean_anexos(self):
        arquivos = self.cleaned_data.get("anexos") or []
        if len(arquivos) > ARQUIVOS_MAX:
            raise forms.ValidationError(
                f"Envie no máximo {ARQUIVOS_MAX} arquivos de cada vez (foram {len(arquivos)})."
            )
        return arquivos

    def arquivos_enviados(self) -> list:
        return self.files.getlist("anexos") if self.files else []


class _AssuntoSelect(forms.Select):
    """Marks the subjects that require the imóvel (``data-exige-imovel``), so
    static/portal/contato.js can say so as soon as one is chosen."""

    exigem_imovel: frozenset = frozenset()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        opcao = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.exigem_imovel:
            opcao["attrs"]["data-exige-imovel"] = "1"
        return opcao


class EspecificacaoAgrupadaField(forms.ChoiceField):
    """Classificação (tipo) › subclassificação (especificação): one select with an
    optgroup per tipo, so it works without JavaScript."""

    widget = _AssuntoSelect

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._por_pk = {}

    def carregar(self, especificacoes) -> None:
        grupos: dict[str, list] = {}
        for esp in especificacoes:
            self._por_pk[str(esp.pk)] = esp
            grupos.setdefault(esp.tipo.nome, []).append((str(esp.pk), esp.nome))
        self.choices = [("", "Escolha o assunto"), *grupos.items()]
        self.widget.exigem_imovel = frozenset(
            pk for pk, esp in self._por_pk.items() if esp.exige_imovel
        )

    def clean(self, value):
        value = super().clean(value)
        return self._por_pk.get(value) if value else None


class ImovelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.matricula_formatada} — {obj.endereco}"


class NovoContatoForm(_ArquivosMixin, forms.Form):
    titulo = forms.CharField(label="Título", max_length=TITULO_MAX)
    especificacao = EspecificacaoAgrupadaField(
        label="Classificação e subclassificação",
        help_text="Escolha o grupo (classificação) e o assunto dentro dele (subclassificação).",
        error_messages={"invalid_choice": "Escolha um assunto da lista."},
    )
    imovel = ImovelChoiceField(
        label="Imóvel",
        queryset=Imovel.objects.none(),
        required=False,
        empty_label="Nenhum imóvel em particular",
        help_text="Alguns assuntos exigem o imóvel.",
        error_messages={"invalid_choice": "Escolha um dos seus imóveis."},
    )
    pessoa_contato = forms.CharField(label="Pessoa para contato", max_length=150)
    telefone = forms.CharField(
        label="Telefone para contato",
        max_length=20,
        help_text="DDD + número, ex.: (81) 99999-0000.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    mensagem = forms.CharField(
        label="Mensagem",
        max_length=MENSAGEM_MAX,
        widget=forms.Textarea(attrs={"rows": 6, **CONTADOR}),
        help_text=f"Até {MENSAGEM_MAX:,} caracteres.".replace(",", "."),
    )
    anexos = MultiplosArquivosField(label="Anexos", required=False)
    # Files kept from a submission that came back with errors (signed tokens).
    anexos_guardados = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    # The RA services name some fields differently (see atendimento.views._comum.erro_no_form).
    campos_servico = {
        "solicitante_nome": "pessoa_contato",
        "solicitante_telefone": "telefone",
        "solicitante_email": "email",
        "descricao": "mensagem",
        "local_ocorrencia": "imovel",
    }

    def __init__(self, *args, conta, **kwargs):
        super().__init__(*args, **kwargs)
        self.conta = conta
        self.anexos_guardados_lista: list[AnexoGuardado] = []
        self.duplicado_proprio = None  # the account's own open contact on the same subject
        self.fields["especificacao"].carregar(selectors.especificacoes_do_portal())
        imoveis = list(selectors.imoveis_da_conta(conta))
        self.fields["imovel"].queryset = selectors.imoveis_da_conta(conta)
        if imoveis:  # a client with imóveis names one (the service says so, see contato_abrir)
            self.fields["imovel"].empty_label = None if len(imoveis) == 1 else "Escolha o imóvel"
            self.fields["imovel"].help_text = ""
        if len(imoveis) == 1:
            self.fields["imovel"].initial = imoveis[0].pk
        self.fields["pessoa_contato"].initial = conta.nome
        self.fields["email"].initial = conta.email
        self._anexos_explicar()
        self.fields["titulo"].widget.attrs.update(autofocus=True, **CONTADOR)
        # A name or an address needs no counter (static/core/app.js adds one to any long
        # input): the server still holds them to their limits.
        for nome in ("pessoa_contato", "email"):
            self.fields[nome].widget.attrs.pop("maxlength", None)

    def clean_telefone(self):
        try:
            return telefone_normalizar(self.cleaned_data["telefone"])
        except RegraViolada as exc:
            raise forms.ValidationError(
                "Telefone inválido: informe o DDD e o número (10 ou 11 dígitos), "
                "ex.: (81) 99999-0000."
            ) from exc

    def clean_anexos_guardados(self):
        valor = self.cleaned_data.get("anexos_guardados") or []
        tokens = [t for t in ([valor] if isinstance(valor, str) else valor) if t]
        dono = dono_dos_temporarios(self.conta)
        guardados, erros = [], []
        for token in tokens[:ARQUIVOS_MAX]:
            try:
                guardados.append(anexo_temporario_ler(token=token[:2000], usuario=dono))
            except RegraViolada as exc:
                erros.append(str(exc))
        self.anexos_guardados_lista = guardados
        if erros:
            self.add_error("anexos", erros[0])
        return guardados

    def dados_servico(self) -> dict:
        d = self.cleaned_data
        return {
            "especificacao": d["especificacao"],
            "imovel": d.get("imovel"),
            "titulo": d["titulo"],
            "pessoa_contato": d["pessoa_contato"],
            "telefone": d["telefone"],
            "email": d["email"],
            "mensagem": d["mensagem"],
            "anexos": [
                *(d.get("anexos") or []),
                *(g.como_arquivo() for g in d.get("anexos_guardados") or []),
            ],
        }


class ComplementarForm(_ArquivosMixin, forms.Form):
    texto = forms.CharField(
        label="Mensagem complementar",
        max_length=MENSAGEM_MAX,
        widget=forms.Textarea(attrs={"rows": 4, **CONTADOR}),
    )
    anexos = MultiplosArquivosField(label="Anexos (opcional)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._anexos_explicar()

    def dados_servico(self) -> dict:
        return {
            "texto": self.cleaned_data["texto"],
            "anexos": self.cleaned_data.get("anexos") or [],
        }
