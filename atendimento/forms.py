"""Forms of the RA writes. They only parse input; the rules live in the services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from atendimento.models import (
    DevolucaoValor,
    Especificacao,
    MeioSolicitacao,
    MensagemAtendimento,
    MotivoEncerramento,
    ParametrosAtendimento,
    RegistroAtendimento,
)
from atendimento.models.registro import MENSAGEM_MAX, PARECER_MAX
from atendimento.roteamento import unidades_destino
from atendimento.services.alteracao import DESCRICAO_MAX
from atendimento.services.anexos import AnexoGuardado, anexo_temporario_ler
from cadastro.models import Cliente, ClienteImovel, UnidadeOrganizacional, Usuario
from cadastro.selectors import imovel_da_matricula
from cadastro.validators import MATRICULA_EXEMPLO
from core.exceptions import RegraViolada
from core.forms import DataField, DataHoraField

RA = RegistroAtendimento


class DataHoraInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DataInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersaoForm(forms.Form):
    """Every transition form carries the RA version it was loaded with (optimistic lock)."""

    versao = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Keyboard first: the cursor starts in the first field to fill.
        for campo in self.fields.values():
            if not campo.widget.is_hidden:
                campo.widget.attrs.setdefault("autofocus", True)
                break


def _unidades_destino():
    return UnidadeOrganizacional.objects.filter(ativa=True, recebe_tramite=True).order_by("sigla")


class MatriculaField(forms.CharField):
    """An imóvel typed as its matrícula, with or without the check digit (as the search)."""

    def clean(self, value):
        texto = super().clean(value)
        if not texto:
            return None
        imovel = imovel_da_matricula(texto)
        if imovel is None:
            raise ValidationError(f"Não há imóvel com a matrícula {texto}.")
        return imovel


class MultiplosArquivosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplosArquivosField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplosArquivosInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplosArquivosField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class EspecificacaoChoiceField(forms.ModelChoiceField):
    _dias_uteis = None  # the system parameter, read once per form (fields are per form)

    def label_from_instance(self, obj):
        if self._dias_uteis is None:
            self._dias_uteis = ParametrosAtendimento.atual().prazo_em_dias_uteis
        prazo = obj.prazo_texto(dias_uteis=self._dias_uteis)
        return f"{obj.tipo.grupo.nome} › {obj.tipo.nome} › {obj.nome} ({prazo})"


class RegistroAtendimentoForm(forms.Form):
    """Inserir RA (full)."""

    matricula = MatriculaField(
        label="Matrícula do imóvel",
        required=False,
        help_text=(
            f"Com ou sem o dígito, ex.: {MATRICULA_EXEMPLO}. "
            "Deixe vazio se o local não é um imóvel cadastrado."
        ),
    )
    local_ocorrencia = forms.CharField(
        label="Local da ocorrência (texto livre)", max_length=250, required=False
    )
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    especificacao = EspecificacaoChoiceField(
        label="Tipo / especificação",
        queryset=Especificacao.objects.filter(ativa=True, tipo__ativo=True)
        .select_related("tipo__grupo")
        .order_by("tipo__grupo__nome", "tipo__nome", "nome"),
    )
    meio = forms.ModelChoiceField(
        label="Meio de solicitação", queryset=MeioSolicitacao.objects.filter(ativo=True)
    )
    descricao = forms.CharField(
        label="Descrição", max_length=DESCRICAO_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    tipo_solicitante = forms.ChoiceField(
        label="Quem solicita",
        choices=RA.TipoSolicitante.choices,
        widget=forms.RadioSelect,
        initial=RA.TipoSolicitante.CLIENTE,
    )
    cliente = forms.ModelChoiceField(
        label="Cliente", queryset=Cliente.objects.none(), required=False
    )
    solicitante_unidade = forms.ModelChoiceField(
        label="Unidade solicitante",
        queryset=UnidadeOrganizacional.objects.filter(ativa=True).order_by("sigla"),
        required=False,
    )
    solicitante_funcionario = forms.ModelChoiceField(
        label="Funcionário",
        queryset=Usuario.objects.filter(is_active=True).order_by("first_name"),
        required=False,
    )
    solicitante_nome = forms.CharField(label="Nome", max_length=150, required=False)
    solicitante_telefone = forms.CharField(
        label="Telefone", max_length=20, required=False, help_text="DDD + número."
    )
    solicitante_email = forms.EmailField(label="E-mail", required=False)
    solicitante_cpf_cnpj = forms.CharField(label="CPF/CNPJ", max_length=18, required=False)
    prioridade = forms.TypedChoiceField(
        label="Prioridade", choices=RA.Prioridade.choices, coerce=int, initial=2
    )
    data_reservada = DataField(label="Data reservada", required=False, widget=DataInput())
    melhor_horario = forms.ChoiceField(
        label="Melhor horário",
        choices=[("", "—"), *RA.MelhorHorario.choices],
        required=False,
    )
    unidade_destino = forms.ModelChoiceField(
        label="Unidade de destino",
        queryset=_unidades_destino(),
        required=False,
        help_text="Vazio: a unidade da especificação (ou a sua).",
    )
    numero_manual = forms.CharField(
        label="Número manual", max_length=11, required=False, help_text="Formulário em papel."
    )
    data_abertura = DataHoraField(
        label="Data/hora do atendimento",
        required=False,
        widget=DataHoraInput(),
        help_text="Só para formulários em papel; vazio = agora.",
    )
    # Devolução de valores (shown when the especificação is of that kind)
    devolucao_motivo = forms.ChoiceField(
        label="Motivo da devolução",
        choices=[("", "—"), *DevolucaoValor.Motivo.choices],
        required=False,
    )
    devolucao_documento = forms.CharField(label="Documento", max_length=60, required=False)
    devolucao_referencia = forms.CharField(
        label="Referência (AAAAMM)", max_length=6, required=False
    )
    devolucao_valor = forms.DecimalField(
        label="Valor a devolver (R$)", max_digits=12, decimal_places=2, required=False
    )
    anexos = MultiplosArquivosField(label="Anexos", required=False)
    # Files kept from an earlier submission that came back with errors (signed tokens).
    anexos_guardados = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, imovel=None, cliente=None, usuario=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.usuario = usuario
        if usuario is not None:
            # Exactly where the opening service sends the RA (atendimento/roteamento.py).
            self.fields["unidade_destino"].queryset = unidades_destino(
                origem=usuario.unidade, excluir_origem=False
            )
        # What the screen lists as already attached (set by the view after a refusal).
        self.anexos_guardados_lista: list[AnexoGuardado] = []
        self.fields["especificacao"].widget.attrs.update(autofocus=True, **{"data-atalho": "e"})
        self.fields["descricao"].widget.attrs["data-atalho"] = "d"
        self.fields["matricula"].widget.attrs["data-atalho"] = "m"
        ids = set()
        if cliente is not None:
            ids.add(cliente.pk)
        imovel_bound = imovel
        if self.is_bound and self.data.get("matricula"):
            try:
                imovel_bound = imovel_da_matricula(self.data["matricula"])
            except ValidationError:
                imovel_bound = None
        if imovel_bound is not None:
            ids.update(
                ClienteImovel.objects.filter(
                    imovel=imovel_bound, data_fim__isnull=True
                ).values_list("cliente_id", flat=True)
            )
        if self.is_bound and self.data.get("cliente", "").isdigit():
            ids.add(int(self.data["cliente"]))
        self.fields["cliente"].queryset = Cliente.objects.filter(pk__in=ids).order_by("nome")

    def clean_anexos_guardados(self):
        valor = self.cleaned_data.get("anexos_guardados") or []
        tokens = [t for t in ([valor] if isinstance(valor, str) else valor) if t]
        if tokens and self.usuario is None:
            self.add_error("anexos", "Escolha os arquivos de novo.")
            return []
        guardados, erros = [], []
        for token in tokens:
            try:
                guardados.append(anexo_temporario_ler(token=token, usuario=self.usuario))
            except RegraViolada as exc:
                erros.append(str(exc))
        self.anexos_guardados_lista = guardados
        if erros:  # shown on the file input, where the attendant chooses it again
            self.add_error("anexos", erros[0])
        return guardados

    def devolucoes(self):
        d = self.cleaned_data
        if not (d.get("devolucao_documento") or d.get("devolucao_valor")):
            return []
        return [
            {
                "motivo": d.get("devolucao_motivo") or "",
                "documento": d.get("devolucao_documento") or "",
                "referencia": d.get("devolucao_referencia") or "",
                "valor": d.get("devolucao_valor"),
            }
        ]

    # The service names some fields differently (see views._comum.erro_no_form).
    campos_servico = {
        "imovel": "matricula",
        "cpf": "solicitante_cpf_cnpj",
        "devolucoes": "devolucao_documento",
    }

    def dados_servico(self) -> dict:
        """What the service needs; a field the form could not read comes as None/empty."""
        d = self.cleaned_data
        tipo = d.get("tipo_solicitante", "")
        # Only the requester fields of the chosen kind reach the service.
        return {
            "especificacao": d.get("especificacao"),
            "meio": d.get("meio"),
            "descricao": d.get("descricao", ""),
            "tipo_solicitante": tipo,
            "cliente": d.get("cliente") if tipo == RA.TipoSolicitante.CLIENTE else None,
            "solicitante_unidade": d.get("solicitante_unidade")
            if tipo == RA.TipoSolicitante.UNIDADE
            else None,
            "solicitante_funcionario": d.get("solicitante_funcionario")
            if tipo == RA.TipoSolicitante.UNIDADE
            else None,
            "solicitante_nome": d.get("solicitante_nome", "")
            if tipo == RA.TipoSolicitante.LIVRE
            else "",
            "solicitante_telefone": d.get("solicitante_telefone", "")
            if tipo == RA.TipoSolicitante.LIVRE
            else "",
            "solicitante_email": d.get("solicitante_email", ""),
            "solicitante_cpf_cnpj": d.get("solicitante_cpf_cnpj", ""),
            "imovel": d.get("matricula"),
            "local_ocorrencia": d.get("local_ocorrencia", ""),
            "latitude": d.get("latitude"),
            "longitude": d.get("longitude"),
            "data_abertura": d.get("data_abertura"),
            "numero_manual": d.get("numero_manual", ""),
            "prioridade": d.get("prioridade") or 2,
            "data_reservada": d.get("data_reservada"),
            "melhor_horario": d.get("melhor_horario", ""),
            "unidade_destino": d.get("unidade_destino"),
            "devolucoes": self.devolucoes(),
            "anexos": [
                *(d.get("anexos") or []),
                *(g.como_arquivo() for g in d.get("anexos_guardados") or []),
            ],
        }


class RegistroAtendimentoSimplificadoForm(forms.Form):
    """Inserir RA simplificado: the counter's quick path (free-name requester)."""

    matricula = MatriculaField(
        label="Matrícula do imóvel",
        required=False,
        help_text=f"Com ou sem o dígito, ex.: {MATRICULA_EXEMPLO}.",
    )
    local_ocorrencia = forms.CharField(label="Local da ocorrência", max_length=250, required=False)
    especificacao = RegistroAtendimentoForm.base_fields["especificacao"]
    meio = RegistroAtendimentoForm.base_fields["meio"]
    solicitante_nome = forms.CharField(label="Nome do solicitante", max_length=150)
    solicitante_telefone = forms.CharField(label="Telefone", max_length=20)
    descricao = forms.CharField(
        label="Descrição", max_length=DESCRICAO_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["especificacao"].widget.attrs.update(autofocus=True, **{"data-atalho": "e"})

    campos_servico = {"imovel": "matricula"}

    def dados_servico(self) -> dict:
        """What the service needs; a field the form could not read comes as None/empty."""
        d = self.cleaned_data
        return {
            "especificacao": d.get("especificacao"),
            "meio": d.get("meio"),
            "descricao": d.get("descricao", ""),
            "tipo_solicitante": RA.TipoSolicitante.LIVRE,
            "solicitante_nome": d.get("solicitante_nome", ""),
            "solicitante_telefone": d.get("solicitante_telefone", ""),
            "imovel": d.get("matricula"),
            "local_ocorrencia": d.get("local_ocorrencia", ""),
        }


class TramitarForm(VersaoForm):
    unidade_destino = forms.ModelChoiceField(label="Unidade de destino", queryset=None)
    parecer = forms.CharField(
        label="Parecer", max_length=PARECER_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, ra, **kwargs):
        super().__init__(*args, **kwargs)
        # Exactly where the service lets this RA go (see atendimento/roteamento.py).
        self.fields["unidade_destino"].queryset = unidades_destino(
            origem=ra.unidade_atual, excluir_origem=True
        )


class RaReferenciaField(forms.CharField):
    """The reference RA of a duplicate, typed by protocol or RA number."""

    def clean(self, value):
        texto = (super().clean(value) or "").strip()
        if not texto:
            return None
        ra = RA.objects.filter(protocolo=texto).first()
        if ra is None and texto.isdigit() and len(texto) <= 12:
            ra = RA.objects.filter(pk=int(texto)).first()
        if ra is None:
            raise ValidationError(f"Não há RA com o protocolo ou número {texto}.")
        return ra


class EncerrarForm(VersaoForm):
    motivo = forms.ModelChoiceField(
        label="Motivo do encerramento", queryset=MotivoEncerramento.objects.filter(ativo=True)
    )
    parecer = forms.CharField(
        label="Parecer",
        max_length=PARECER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    data = DataHoraField(
        label="Data/hora do encerramento",
        required=False,
        widget=DataHoraInput(),
        help_text="Vazio = agora.",
    )
    ra_referencia = RaReferenciaField(
        label="RA de referência (duplicidade)",
        required=False,
        help_text="Protocolo ou número do RA do qual este é duplicado.",
    )


class ReiterarForm(VersaoForm):
    solicitante_nome = forms.CharField(label="Quem está reiterando", max_length=150)
    solicitante_telefone = forms.CharField(label="Telefone", max_length=16, required=False)
    observacao = forms.CharField(
        label="Observação",
        max_length=PARECER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContatoForm(forms.Form):
    """A repeat call on an open RA (from the duplicate warning of Inserir RA, or the RA page)."""

    solicitante_nome = forms.CharField(label="Quem está ligando", max_length=150)
    solicitante_telefone = forms.CharField(
        label="Telefone", max_length=20, required=False, help_text="DDD + número."
    )
    observacao = forms.CharField(
        label="O que a pessoa disse",
        max_length=PARECER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReativarForm(VersaoForm):
    descricao = forms.CharField(
        label="Descrição do novo RA",
        required=False,
        max_length=DESCRICAO_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Vazio: repete a descrição do RA encerrado.",
    )


class AssumirForm(VersaoForm):
    pass


class RetomarForm(VersaoForm):
    pass


class EncaminharForm(VersaoForm):
    destinatario = forms.ModelChoiceField(label="Encaminhar para", queryset=Usuario.objects.none())
    parecer = forms.CharField(
        label="Observação", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, ra=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Usuario.objects.filter(is_active=True).select_related("unidade")
        if ra is not None:
            # Users of the RA's unit and of the units above it.
            unidades = [ra.unidade_atual_id, *(u.pk for u in ra.unidade_atual.superiores())]
            qs = qs.filter(unidade_id__in=unidades)
        self.fields["destinatario"].queryset = qs.order_by("first_name", "username")


class DesbloquearForm(VersaoForm):
    matricula = MatriculaField(label="Matrícula do imóvel", required=False)
    local_ocorrencia = forms.CharField(label="Endereço confirmado", max_length=250, required=False)


class MensagemForm(VersaoForm):
    visibilidade = forms.ChoiceField(
        label="Tipo",
        choices=MensagemAtendimento.Visibilidade.choices,
        widget=forms.RadioSelect,
        initial=MensagemAtendimento.Visibilidade.INTERNA,
    )
    texto = forms.CharField(
        label="Mensagem", max_length=MENSAGEM_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class ProrrogarForm(VersaoForm):
    nova_data = DataHoraField(label="Nova data prevista", widget=DataHoraInput())
    motivo = forms.CharField(
        label="Motivo da prorrogação", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_nova_data(self):
        valor = self.cleaned_data["nova_data"]
        return timezone.make_aware(valor) if timezone.is_naive(valor) else valor


class PausarForm(VersaoForm):
    motivo = forms.CharField(
        label="Motivo da pausa",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ex.: aguardando documento do solicitante.",
    )


class AnexarForm(VersaoForm):
    arquivo = forms.FileField(label="Arquivo")
    publico = forms.BooleanField(
        label="Visível ao cliente no portal",
        required=False,
        help_text="Sem marcar, só a equipe vê o arquivo.",
    )


class NumeracaoManualForm(forms.Form):
    quantidade = forms.IntegerField(
        label="Quantidade de números",
        min_value=1,
        max_value=90,
        widget=forms.NumberInput(attrs={"autofocus": True}),
    )
