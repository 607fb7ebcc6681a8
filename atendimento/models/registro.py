"""The Registro de Atendimento and everything that happens to it."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import Imutavel

# Kept in one constant so that screen and database agree (GSAN accepted 600 on
# screen and stored 400).
PARECER_MAX = 2000
# The RA's description and every message of its conversation (seed 004: "até 4.000").
MENSAGEM_MAX = 4000


@dataclass(frozen=True)
class ProtocoloDoRA:
    """One protocol given for an RA: ``origem`` says to whom and why (shown next to it)."""

    numero: str
    origem: str
    data: datetime


class RegistroAtendimento(models.Model):
    class Situacao(models.TextChoices):
        PENDENTE = "pendente", "Pendente"
        BLOQUEADO = "bloqueado", "Bloqueado"
        ENCERRADO = "encerrado", "Encerrado"

    # The only situation changes a service may make (reativar creates a new RA).
    TRANSICOES = {
        Situacao.BLOQUEADO: {Situacao.PENDENTE},
        Situacao.PENDENTE: {Situacao.ENCERRADO},
        Situacao.ENCERRADO: set(),
    }

    class StatusPrazo(models.TextChoices):
        NO_PRAZO = "no_prazo", "No prazo"
        ATENCAO = "atencao", "Atenção"
        VENCIDO = "vencido", "Vencido"
        # The clock is stopped while waiting on the requester (DOMAIN §4.4): a
        # paused RA is never overdue nor "atenção"; resuming moves its dates.
        PAUSADO = "pausado", "Pausado"

    class Prioridade(models.IntegerChoices):
        BAIXA = 1, "Baixa"
        NORMAL = 2, "Normal"
        ALTA = 3, "Alta"
        URGENTE = 4, "Urgente"

    class MelhorHorario(models.TextChoices):
        MANHA = "manha", "Manhã"
        TARDE = "tarde", "Tarde"
        NOITE = "noite", "Noite"
        QUALQUER = "qualquer", "Qualquer horário"

    class Origem(models.TextChoices):
        INTERNA = "interna", "Interna"
        PORTAL = "portal", "Portal"
        API = "api", "API (Open311)"

    class InteracaoPendente(models.TextChoices):
        NENHUMA = "nenhuma", "Nenhuma"
        INTERNA = "interna", "Interna"
        EXTERNA = "externa", "Externa"
        AMBAS = "ambas", "Ambas"

    class TipoSolicitante(models.TextChoices):
        CLIENTE = "cliente", "Cliente"
        UNIDADE = "unidade", "Unidade / funcionário"
        LIVRE = "livre", "Nome e telefone"

    protocolo = models.CharField("protocolo", max_length=20, unique=True)
    numero_manual = models.CharField(
        "número manual", max_length=11, blank=True, help_text="Formulário em papel (999999999-9)."
    )
    especificacao = models.ForeignKey(
        "atendimento.Especificacao", verbose_name="especificação", on_delete=models.PROTECT
    )
    meio = models.ForeignKey(
        "atendimento.MeioSolicitacao", verbose_name="meio de solicitação", on_delete=models.PROTECT
    )
    situacao = models.CharField(
        "situação", max_length=10, choices=Situacao.choices, default=Situacao.PENDENTE
    )
    status_complementar = models.ForeignKey(
        "atendimento.StatusComplementar",
        verbose_name="status complementar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    titulo = models.CharField("título", max_length=120, blank=True)
    descricao = models.TextField("descrição", max_length=MENSAGEM_MAX)

    # Where
    imovel = models.ForeignKey(
        "cadastro.Imovel",
        verbose_name="imóvel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registros_atendimento",
    )
    local_ocorrencia = models.CharField(
        "local da ocorrência", max_length=250, blank=True, help_text="Endereço em texto livre."
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    # Who asked: exactly one of cliente, unidade + funcionário, or a free name.
    tipo_solicitante = models.CharField(
        "tipo de solicitante", max_length=8, choices=TipoSolicitante.choices
    )
    cliente = models.ForeignKey(
        "cadastro.Cliente",
        verbose_name="cliente",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registros_atendimento",
    )
    solicitante_unidade = models.ForeignKey(
        "cadastro.UnidadeOrganizacional",
        verbose_name="unidade solicitante",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    solicitante_funcionario = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="funcionário solicitante",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    solicitante_nome = models.CharField("nome do solicitante", max_length=150, blank=True)
    solicitante_telefone = models.CharField(
        "telefone do solicitante", max_length=16, blank=True, help_text="E.164 (+55DDDNÚMERO)."
    )
    solicitante_email = models.EmailField("e-mail do solicitante", blank=True)
    solicitante_cpf_cnpj = models.CharField("CPF/CNPJ do solicitante", max_length=14, blank=True)

    # Who has it
    unidade_abertura = models.ForeignKey(
        "cadastro.UnidadeOrganizacional",
        verbose_name="unidade de abertura",
        on_delete=models.PROTECT,
        related_name="+",
    )
    usuario_abertura = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="aberto por",
        on_delete=models.PROTECT,
        related_name="+",
    )
    unidade_atual = models.ForeignKey(
        "cadastro.UnidadeOrganizacional",
        verbose_name="unidade atual",
        on_delete=models.PROTECT,
        related_name="registros_atendimento",
    )
    responsavel = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="responsável",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registros_responsavel",
    )

    # When
    data_abertura = models.DateTimeField("aberto em")
    data_prevista_original = models.DateTimeField("data prevista original")
    data_prevista_atual = models.DateTimeField("data prevista atual")
    data_atencao = models.DateTimeField(
        "entra em atenção em", help_text="Derivada do prazo e dos parâmetros."
    )
    data_encerramento = models.DateTimeField("encerrado em", null=True, blank=True)
    pausado_desde = models.DateTimeField("prazo pausado desde", null=True, blank=True)
    tempo_pausado = models.DurationField("tempo total pausado", default=timezone.timedelta)

    # Closing
    motivo_encerramento = models.ForeignKey(
        "atendimento.MotivoEncerramento",
        verbose_name="motivo de encerramento",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    parecer_encerramento = models.TextField("parecer", max_length=PARECER_MAX, blank=True)
    ra_referencia = models.ForeignKey(
        "self",
        verbose_name="RA de referência (duplicidade)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicados",
    )
    ra_origem = models.OneToOneField(
        "self",
        verbose_name="reativação do RA",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reativado_em",
    )

    # Seeds 002/004
    prioridade = models.PositiveSmallIntegerField(
        "prioridade", choices=Prioridade.choices, default=Prioridade.NORMAL
    )
    urgente = models.BooleanField("urgente", default=False)
    quantidade_reiteracoes = models.PositiveSmallIntegerField("reiterações", default=0)
    data_reservada = models.DateField("data reservada para visita", null=True, blank=True)
    melhor_horario = models.CharField(
        "melhor horário", max_length=8, choices=MelhorHorario.choices, blank=True
    )
    origem = models.CharField(
        "origem", max_length=8, choices=Origem.choices, default=Origem.INTERNA
    )
    interacao_pendente = models.CharField(
        "interação pendente",
        max_length=8,
        choices=InteracaoPendente.choices,
        default=InteracaoPendente.NENHUMA,
    )
    # A portal contact nobody had started, removed by an operator: the row stays
    # (closed, audited, its protocol never reused) but leaves the lists and the portal.
    excluido = models.BooleanField("excluído", default=False)

    # Optimistic lock: every service bumps it; a stale form is refused.
    versao = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["versao"])

    class Meta:
        verbose_name = "registro de atendimento"
        verbose_name_plural = "registros de atendimento"
        ordering = ["-data_abertura"]
        permissions = [
            ("usar_central", "Pode usar a central de atendimento ao cliente"),
            ("excluir_contato", "Pode excluir um contato que ninguém iniciou"),
        ]
        indexes = [
            models.Index(
                fields=["unidade_atual", "situacao", "data_prevista_atual"],
                name="ra_fila_unidade",
            ),
            models.Index(fields=["imovel", "situacao"], name="ra_imovel_situacao"),
            models.Index(fields=["data_abertura"], name="ra_data_abertura"),
            models.Index(fields=["situacao", "data_prevista_atual"], name="ra_situacao_prazo"),
            # The portal's "Em aberto" / "Encerrados" of one client, newest first.
            models.Index(
                fields=["cliente", "situacao", "data_abertura"], name="ra_cliente_situacao"
            ),
            # The operator console (Central de atendimento): its default box is the
            # open portal contacts, newest first; any one filter on top of it walks
            # this small index. The origem index serves the other boxes by channel.
            models.Index(
                fields=["data_abertura"],
                name="ra_portal_aberto",
                condition=Q(origem="portal") & ~Q(situacao="encerrado"),
            ),
            # The same box sorted by protocol (a sort of every open contact otherwise).
            models.Index(
                fields=["protocolo"],
                name="ra_portal_aberto_protocolo",
                condition=Q(origem="portal") & ~Q(situacao="encerrado"),
            ),
            models.Index(fields=["origem", "data_abertura"], name="ra_origem_abertura"),
            models.Index(fields=["data_abertura"], name="ra_excluido", condition=Q(excluido=True)),
            # Open RAs near a citizen's report: an indexed bounding box, then the exact
            # distance (no PostGIS; the same query runs on SQLite for `make run`).
            models.Index(
                fields=["especificacao", "latitude", "longitude"],
                name="ra_aberto_local",
                condition=Q(situacao__in=["pendente", "bloqueado"], latitude__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_encerramento__isnull=True)
                | Q(data_encerramento__gte=models.F("data_abertura")),
                name="ra_encerramento_apos_abertura",
                violation_error_message="O encerramento não pode ser anterior à abertura.",
            ),
            models.CheckConstraint(
                condition=~Q(situacao="encerrado") | Q(data_encerramento__isnull=False),
                name="ra_encerrado_tem_data",
            ),
            models.CheckConstraint(
                condition=Q(ra_referencia__isnull=True) | ~Q(ra_referencia=models.F("id")),
                name="ra_referencia_nao_e_ele_mesmo",
                violation_error_message="Um RA não pode ser duplicado dele mesmo.",
            ),
        ]

    def __str__(self):
        return f"RA nº {self.pk} — protocolo {self.protocolo}"

    @property
    def protocolos(self) -> list[ProtocoloDoRA]:
        """Every protocol given for this RA, its own first, then the later ones in order.

        The one place that knows where protocols come from: screens and the
        searches list them from here, so a new source of protocols (another
        requester) is added once, below. Lists prefetch ``reiteracoes``
        (see ``registros_visiveis``).
        """
        protocolos = [ProtocoloDoRA(self.protocolo, "abertura", self.data_abertura)]
        protocolos += [
            ProtocoloDoRA(
                r.protocolo,
                f"{_ORIGEM_DO_PROTOCOLO[r.tipo]} de {r.solicitante_nome}",
                r.data,
            )
            for r in self.reiteracoes.all()
        ]
        return protocolos

    def status_prazo(self, agora=None):
        if self.situacao == self.Situacao.ENCERRADO:
            return None
        if self.pausado_desde is not None:
            return self.StatusPrazo.PAUSADO
        agora = agora or timezone.now()
        if agora >= self.data_prevista_atual:
            return self.StatusPrazo.VENCIDO
        if agora >= self.data_atencao:
            return self.StatusPrazo.ATENCAO
        return self.StatusPrazo.NO_PRAZO

    @property
    def pendente(self):
        return self.situacao == self.Situacao.PENDENTE

    @property
    def nome_solicitante(self):
        if self.cliente_id:
            return self.cliente.nome
        if self.solicitante_funcionario_id:
            return str(self.solicitante_funcionario)
        return self.solicitante_nome

    def celular_sms(self) -> str:
        """The number this RA's SMS go to, or "" (mensageria decides, in one place)."""
        from mensageria.selectors import sms_ra_destino

        cliente = self.cliente if self.cliente_id else None
        return sms_ra_destino(cliente=cliente, telefone=self.solicitante_telefone).destino


class Tramite(Imutavel):
    """One routing of an RA between units. Immutable."""

    historico_de = "de trâmites"

    # PROTECT: history is never deleted (the database refuses it too), so an RA with
    # history cannot be deleted; Django says so before reaching the trigger.
    ra = models.ForeignKey(RegistroAtendimento, on_delete=models.PROTECT, related_name="tramites")
    unidade_origem = models.ForeignKey(
        "cadastro.UnidadeOrganizacional", on_delete=models.PROTECT, related_name="+"
    )
    unidade_destino = models.ForeignKey(
        "cadastro.UnidadeOrganizacional", on_delete=models.PROTECT, related_name="+"
    )
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data = models.DateTimeField("data")
    parecer = models.TextField("parecer", max_length=PARECER_MAX, blank=True)

    class Meta:
        verbose_name = "trâmite"
        verbose_name_plural = "trâmites"
        ordering = ["data", "id"]

    def __str__(self):
        return f"{self.unidade_origem.sigla} → {self.unidade_destino.sigla}"


class EventoRA(Imutavel):
    """The RA's timeline: one immutable row per state change or noteworthy event."""

    historico_de = "do RA"

    class Tipo(models.TextChoices):
        ABERTURA = "abertura", "Abertura"
        TRAMITE = "tramite", "Trâmite"
        ENCERRAMENTO = "encerramento", "Encerramento"
        REITERACAO = "reiteracao", "Reiteração"
        REATIVACAO = "reativacao", "Reativação"
        ASSUNCAO = "assuncao", "Atendimento assumido"
        ENCAMINHAMENTO = "encaminhamento", "Encaminhamento"
        DESBLOQUEIO = "desbloqueio", "Desbloqueio"
        MENSAGEM = "mensagem", "Mensagem"
        PRORROGACAO = "prorrogacao", "Prorrogação de prazo"
        PAUSA = "pausa", "Prazo pausado"
        RETOMADA = "retomada", "Prazo retomado"
        ANEXO = "anexo", "Anexo"
        ORDEM_SERVICO = "os", "Ordem de serviço"
        ALTERACAO = "alteracao", "Alteração de dados"
        CONTATO = "contato", "Novo contato do solicitante"
        RELATO = "relato", "Relato de cidadão vinculado"
        PENDENCIA = "pendencia", "Chamado pendente"
        DESISTENCIA = "desistencia", "Atendimento liberado"
        EXCLUSAO = "exclusao", "Contato excluído"

    ra = models.ForeignKey(RegistroAtendimento, on_delete=models.PROTECT, related_name="eventos")
    tipo = models.CharField("tipo", max_length=15, choices=Tipo.choices)
    situacao_anterior = models.CharField(max_length=10, blank=True)
    situacao_nova = models.CharField(max_length=10, blank=True)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.DateTimeField("data", default=timezone.now)
    descricao = models.TextField("descrição", blank=True)
    dados = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "evento do RA"
        verbose_name_plural = "eventos do RA"
        ordering = ["data", "id"]
        indexes = [models.Index(fields=["ra", "data"], name="evento_ra_data")]

    def __str__(self):
        return f"{self.get_tipo_display()} — RA nº {self.ra_id}"


class Reiteracao(models.Model):
    """Someone asked again about an RA and got a protocol of their own (DOMAIN §2: one
    protocol per solicitante and per reiteração). After the deadline it is a
    reiteração (counted, marks the RA urgent); before it, a new contact."""

    class Tipo(models.TextChoices):
        REITERACAO = "reiteracao", "Reiteração"
        CONTATO = "contato", "Novo contato no prazo"
        RELATO = "relato", "Relato de cidadão vinculado"

    ra = models.ForeignKey(
        RegistroAtendimento, on_delete=models.CASCADE, related_name="reiteracoes"
    )
    tipo = models.CharField("tipo", max_length=10, choices=Tipo.choices, default=Tipo.REITERACAO)
    protocolo = models.CharField("protocolo", max_length=20, unique=True)
    solicitante_nome = models.CharField("quem reiterou", max_length=150)
    solicitante_telefone = models.CharField("telefone", max_length=16, blank=True)
    observacao = models.TextField("observação", max_length=PARECER_MAX, blank=True)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data = models.DateTimeField("data")

    class Meta:
        verbose_name = "reiteração"
        verbose_name_plural = "reiterações"
        ordering = ["data"]

    def __str__(self):
        return f"{self.get_tipo_display()} {self.protocolo}"


_ORIGEM_DO_PROTOCOLO = {
    Reiteracao.Tipo.REITERACAO: "reiteração",
    Reiteracao.Tipo.CONTATO: "novo contato",
    Reiteracao.Tipo.RELATO: "relato",
}


class MensagemAtendimento(models.Model):
    """The RA's conversation: public messages (the requester sees them) and internal notes."""

    class Visibilidade(models.TextChoices):
        PUBLICA = "publica", "Pública (solicitante vê)"
        INTERNA = "interna", "Nota interna"

    ra = models.ForeignKey(RegistroAtendimento, on_delete=models.CASCADE, related_name="mensagens")
    visibilidade = models.CharField(max_length=8, choices=Visibilidade.choices)
    texto = models.TextField("mensagem", max_length=MENSAGEM_MAX)
    autor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    do_solicitante = models.BooleanField("enviada pelo solicitante", default=False)
    # Who wrote a requester's message (the portal account's name); staff are ``autor``.
    autor_nome = models.CharField("escrita por", max_length=150, blank=True)
    data = models.DateTimeField("data", default=timezone.now)

    class Meta:
        verbose_name = "mensagem do RA"
        verbose_name_plural = "mensagens do RA"
        ordering = ["data", "id"]

    def __str__(self):
        return self.texto[:60]


def _caminho_anexo(instance, filename):
    return f"anexos/ra/{instance.ra_id}/{filename}"


class Anexo(models.Model):
    ra = models.ForeignKey(RegistroAtendimento, on_delete=models.CASCADE, related_name="anexos")
    arquivo = models.FileField(upload_to=_caminho_anexo)
    nome_original = models.CharField(max_length=200)
    tipo_mime = models.CharField(max_length=100)
    tamanho = models.PositiveIntegerField("tamanho (bytes)")
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    do_solicitante = models.BooleanField("enviado pelo solicitante", default=False)
    # The requester sees their own files and the staff's marked public (portal).
    publico = models.BooleanField(
        "visível ao solicitante", default=False, help_text="Aparece no portal do cliente."
    )
    data = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "anexo"
        verbose_name_plural = "anexos"
        ordering = ["data"]

    def __str__(self):
        return self.nome_original


class DevolucaoValor(models.Model):
    """A document and value to return, for especificações of kind devolução (seed 000)."""

    class Motivo(models.TextChoices):
        DUPLICIDADE = "duplicidade", "Pagamento em duplicidade"
        A_MAIOR = "a_maior", "Pagamento a maior que o documento"
        INDEVIDO = "indevido", "Valor cobrado indevidamente em documento pago"

    ra = models.ForeignKey(RegistroAtendimento, on_delete=models.CASCADE, related_name="devolucoes")
    motivo = models.CharField("motivo", max_length=12, choices=Motivo.choices)
    documento = models.CharField("documento (conta/guia)", max_length=60)
    referencia = models.CharField("referência (AAAAMM)", max_length=6, blank=True)
    valor = models.DecimalField("valor a devolver (R$)", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "devolução de valor"
        verbose_name_plural = "devoluções de valores"
        constraints = [
            models.CheckConstraint(
                condition=Q(valor__gt=0),
                name="devolucao_valor_positivo",
                violation_error_message="O valor a devolver deve ser maior que zero.",
            )
        ]

    def __str__(self):
        return f"{self.documento}: R$ {self.valor}"


class NumeroManual(models.Model):
    """A number issued for paper forms during outages (9 digits + mod-11 check digit)."""

    numero = models.PositiveIntegerField("número", unique=True)
    unidade = models.ForeignKey(
        "cadastro.UnidadeOrganizacional", on_delete=models.PROTECT, related_name="+"
    )
    solicitado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    emitido_em = models.DateTimeField(default=timezone.now)
    ra = models.OneToOneField(
        RegistroAtendimento,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="numero_manual_emitido",
    )

    class Meta:
        verbose_name = "número manual"
        verbose_name_plural = "números manuais"
        ordering = ["numero"]

    def __str__(self):
        from cadastro.validators import digito_modulo11

        return f"{self.numero:09d}-{digito_modulo11(self.numero)}"
