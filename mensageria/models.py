import datetime
import re
import string
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from .links import link_consulta, molde_sem_link

TAGS_MODELO = {
    "protocolo": "Número do protocolo do RA",
    "especificacao": "Especificação (o que foi pedido)",
    "data_prevista": "Data prevista de atendimento (dd/mm/aaaa)",
    "empresa": "Nome da empresa (parâmetro da mensageria)",
    "mensagem": "Texto da mensagem pública do RA (cortado para caber no SMS)",
    "situacao": "Situação do RA, para a resposta a quem consulta o protocolo por SMS",
    "link": "Link curto da consulta pública do protocolo (endereço público + /p/ + protocolo); "
    "sem endereço público configurado, sai junto com as palavras que levam a ele "
    "(escreva-o no fim da frase, como “Acompanhe: {link}”)",
}


TAGS_AJUDA = "Tags: " + ", ".join(f"{{{t}}} ({d})" for t, d in TAGS_MODELO.items())

# The renderer cuts longer especificação names (especificacao_no_sms), so a template
# is checked against this width whatever names the catalogue holds or will hold.
ESPECIFICACAO_MAX_SMS = 40
# Protocol width per format (atendimento.protocolo): GSAN 4+1+9 digits, ANS 6+8+6.
LARGURA_PROTOCOLO = {"gsan": 14, "ans": 20}


def _tags(texto: str) -> list[tuple[str, str, str]]:
    try:
        return [
            (campo, especificacao, conversao)
            for _, campo, especificacao, conversao in string.Formatter().parse(texto)
            if campo is not None
        ]
    except ValueError as exc:
        raise ValidationError(
            "Chaves desbalanceadas no texto: cada { precisa de um } (para um { literal, use {{)."
        ) from exc


def validar_tags(texto: str, tags_validas: dict[str, str] | None = None) -> None:
    """Reject unknown tags, formatted tags and unbalanced braces (seed 003, item 4).

    ``tags_validas`` is the tag set the text may use (default: the RA templates';
    the faturamento app passes its own)."""
    tags_validas = TAGS_MODELO if tags_validas is None else tags_validas
    tags = _tags(texto)
    desconhecidas = sorted({c for c, _, _ in tags if c not in tags_validas})
    if "" in desconhecidas:
        raise ValidationError(
            "Há um par de chaves vazio {} no texto. Use: %(validas)s.",
            params={"validas": ", ".join(f"{{{t}}}" for t in tags_validas)},
        )
    if desconhecidas:
        raise ValidationError(
            "Tags desconhecidas: %(tags)s. Use: %(validas)s.",
            params={
                "tags": ", ".join(f"{{{t}}}" for t in desconhecidas),
                "validas": ", ".join(f"{{{t}}}" for t in tags_validas),
            },
        )
    formatadas = sorted({c for c, espec, conv in tags if espec or conv})
    if formatadas:
        # "{protocolo:>200}" would pad the SMS to 200 characters.
        raise ValidationError(
            "Use as tags sem formatação (só o nome entre chaves): %(tags)s.",
            params={"tags": ", ".join(f"{{{t}}}" for t in formatadas)},
        )


def especificacao_no_sms(nome: str) -> str:
    """The especificação's name as an SMS shows it: at most ESPECIFICACAO_MAX_SMS characters."""
    if len(nome) <= ESPECIFICACAO_MAX_SMS:
        return nome
    return nome[: ESPECIFICACAO_MAX_SMS - 3].rstrip() + "..."


def _largura_protocolo() -> int:
    from django.apps import apps

    formato = apps.get_model("atendimento", "ParametrosAtendimento").atual().formato_protocolo
    return LARGURA_PROTOCOLO.get(formato, max(LARGURA_PROTOCOLO.values()))


def _problema_preenchido(texto: str, parametros: "Parametros", largura_protocolo: int) -> str:
    """Why ``texto`` rendered with the widest value of each tag cannot be sent, or ""."""
    from . import texto as texto_sms

    usadas = {c for c, _, _ in _tags(texto)}
    # The real link (URL_PUBLICA + /p/ + the widest protocol), or none and its words go.
    link = link_consulta("9" * largura_protocolo)
    if not link:
        texto = molde_sem_link(texto)
    valores = {
        "link": link,
        "protocolo": "9" * largura_protocolo,
        "data_prevista": "31/12/2099",
        "empresa": parametros.nome_empresa,
        # Cut to what is left of the SMS when rendered: the fixed part must fit alone.
        "mensagem": "",
        "situacao": "Encerrado (não executado)",
    }
    # The widest name in GSM-7, and (unless accents are transliterated) one with an
    # accent, which turns the whole SMS into UCS-2: 70 characters per SMS instead of 160.
    nomes = ["x" * ESPECIFICACAO_MAX_SMS]
    if "especificacao" in usadas and not parametros.transliterar:
        nomes.append("ç" * ESPECIFICACAO_MAX_SMS)
    for nome in nomes:
        preparado = texto_sms.preparar(
            texto.format(**valores, especificacao=nome),
            transliterar_acentos=parametros.transliterar,
        )
        problema = texto_sms.problema_tamanho(
            preparado,
            tamanho_maximo=parametros.tamanho_maximo,
            permitir_multiparte=parametros.permitir_multiparte,
        )
        if problema:
            return problema
    return ""


def validar_modelo_sms(
    texto: str, *, parametros: "Parametros | None" = None, largura_protocolo: int | None = None
) -> None:
    """Refuse an SMS template (default or an especificação's own) that would not go.

    Tags must be known and unformatted, and the text filled with the widest value
    of each tag (protocol of the configured format, especificação as cut by the
    renderer, dd/mm/aaaa date, the company name) must fit the maximum SMS length
    counted in the real encoding (GSM-7 septets or UCS-2), in one SMS when
    multipart SMS is off.
    """
    validar_tags(texto)
    parametros = parametros or Parametros.atuais()
    largura = largura_protocolo or _largura_protocolo()
    problema = _problema_preenchido(texto, parametros, largura)
    if not problema:
        return
    usadas = {c for c, _, _ in _tags(texto)}
    descricoes = {
        "protocolo": f"{{protocolo}} com {largura} dígitos",
        "especificacao": f"{{especificacao}} com até {ESPECIFICACAO_MAX_SMS} caracteres",
        "data_prevista": "{data_prevista} como dd/mm/aaaa",
        "empresa": f"{{empresa}} “{parametros.nome_empresa}”",
        "link": f"{{link}} com {len(link_consulta('9' * largura))} caracteres",
    }
    if not link_consulta(""):
        del descricoes["link"]  # no link: its sentence is left out
    base = [d for t, d in descricoes.items() if t in usadas]
    prefixo = f"Preenchido com os valores mais longos ({', '.join(base)}): " if base else ""
    if prefixo:
        problema = problema[0].lower() + problema[1:]
    raise ValidationError(prefixo + problema)


def validar_textos_sms_em_uso(
    *, parametros: "Parametros | None" = None, largura_protocolo: int | None = None
) -> None:
    """Refuse new parameters (messaging ones, or the protocol width of atendimento's
    format) under which a template in use would no longer fit."""
    parametros = parametros or Parametros.atuais()
    largura = largura_protocolo or _largura_protocolo()
    problemas = []
    for rotulo, texto in textos_sms_em_uso():
        try:
            validar_tags(texto)
        except ValidationError:
            continue  # refused when that text is saved; not these parameters' fault
        if problema := _problema_preenchido(texto, parametros, largura):
            problemas.append(f"{rotulo} ({problema[0].lower()}{problema[1:].rstrip('.')})")
    problemas += _problemas_de_outros_apps(parametros)
    if problemas:
        raise ValidationError(
            "Com estes parâmetros, estes textos de SMS deixam de caber: %(lista)s. "
            "Encurte esses textos antes ou escolha outros parâmetros.",
            params={"lista": "; ".join(problemas)},
        )


def _problemas_de_outros_apps(parametros: "Parametros") -> list[str]:
    """Templates of other apps whose SMS are sent under these parameters (billing and
    collection), each app checking its own texts with its own tags."""
    import importlib

    from django.apps import apps

    if not apps.is_installed("faturamento"):
        return []
    return importlib.import_module("faturamento.validacao").problemas_com_parametros(parametros)


def textos_sms_em_uso() -> list[tuple[str, str]]:
    """(what it is, text) for every template an RA SMS may be rendered from today."""
    from django.apps import apps

    textos = []
    ativos = {m.evento: m for m in ModeloMensagem.objects.filter(ativo=True)}
    for evento, rotulo in ModeloMensagem._meta.get_field("evento").choices:
        modelo = ativos.get(evento)
        textos.append((f"modelo “{rotulo}”", modelo.texto if modelo else MODELOS_PADRAO[evento]))
    Especificacao = apps.get_model("atendimento", "Especificacao")
    for esp in Especificacao.objects.filter(ativa=True).exclude(
        texto_abertura="", texto_encerramento=""
    ):
        for texto, quando in (
            (esp.texto_abertura, "abertura"),
            (esp.texto_encerramento, "encerramento"),
        ):
            if texto:
                textos.append((f"especificação “{esp.nome}” ({quando})", texto))
    return textos


def eventos_silencio_padrao() -> list[str]:
    """Billing, collection and public RA messages wait for the morning; a protocol SMS,
    which answers a person who just asked, goes at once."""
    return ["faturamento", "cobranca", "ra_mensagem"]


class Parametros(models.Model):
    """Singleton (pk=1) with the messaging parameters an administrator tunes."""

    tamanho_maximo = models.PositiveSmallIntegerField(
        "tamanho máximo do SMS",
        default=164,
        validators=[MinValueValidator(10), MaxValueValidator(300)],
        help_text="Contado na codificação real (septetos GSM-7 ou caracteres UCS-2). Até 300.",
    )
    transliterar = models.BooleanField(
        "transliterar acentos",
        default=False,
        help_text="Troca ã, é, ç… por a, e, c… para caber em GSM-7 (160 caracteres por SMS) "
        "em vez de usar UCS-2 (70 por SMS).",
    )
    permitir_multiparte = models.BooleanField(
        "permitir SMS em várias partes",
        default=True,
        help_text="Sem isso, um texto que não cabe num SMS é recusado.",
    )
    silencio_inicio = models.TimeField(
        "início do horário de silêncio",
        null=True,
        blank=True,
        default=datetime.time(21, 0),
        help_text="Vazio (início ou fim): sem horário de silêncio.",
    )
    silencio_fim = models.TimeField(
        "fim do horário de silêncio", null=True, blank=True, default=datetime.time(8, 0)
    )
    silencio_fuso = models.CharField(
        "fuso do horário de silêncio", max_length=40, default="America/Recife"
    )
    silencio_eventos = models.JSONField(
        "eventos que esperam o fim do silêncio",
        default=eventos_silencio_padrao,
        blank=True,
        help_text="Mensagens destes eventos criadas no horário de silêncio saem de manhã.",
    )
    email_max_tentativas = models.PositiveSmallIntegerField(
        "máximo de tentativas de e-mail",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="Para erros temporários do servidor de e-mail (4xx, conexão), com espera "
        "crescente entre as tentativas.",
    )
    alerta_espera_minutos = models.PositiveSmallIntegerField(
        "alerta: espera máxima na fila (min)",
        default=15,
        validators=[MinValueValidator(1)],
        help_text="Os supervisores recebem um e-mail quando a mensagem mais antiga em espera "
        "passa deste tempo (ou quando um modem pausa).",
    )
    respostas_por_hora = models.PositiveSmallIntegerField(
        "respostas automáticas por número por hora",
        default=5,
        validators=[MinValueValidator(1)],
        help_text="Limite de respostas a consultas de protocolo por SMS vindas de um número.",
    )
    nome_empresa = models.CharField("nome da empresa", max_length=60, default="Saneamento")

    class Meta:
        verbose_name = "parâmetros da mensageria"
        verbose_name_plural = "parâmetros da mensageria"

    def __str__(self):
        return "Parâmetros da mensageria"

    def clean(self):
        """New limits (length, multipart, transliteration, company name) must not make
        a template in use too long: every SMS rendered from it would then fail. The
        quiet hours need a known zone, known events and a start apart from the end."""
        from .silencio import EVENTOS_SEMPRE_IMEDIATOS, validar_fuso

        erros = {}
        try:
            validar_fuso(self.silencio_fuso)
        except ValidationError as exc:
            erros["silencio_fuso"] = exc.messages
        self.silencio_fuso = (self.silencio_fuso or "").strip()
        validos = set(Mensagem.Evento.values) - EVENTOS_SEMPRE_IMEDIATOS
        eventos = self.silencio_eventos
        if not isinstance(eventos, list) or not all(isinstance(e, str) for e in eventos):
            erros["silencio_eventos"] = ["Informe uma lista de eventos."]
        elif desconhecidos := sorted(set(eventos) - validos):
            erros["silencio_eventos"] = [
                "Eventos que não podem esperar o fim do silêncio: " + ", ".join(desconhecidos)
            ]
        if self.silencio_inicio and self.silencio_inicio == self.silencio_fim:
            erros["silencio_fim"] = [
                "O fim do horário de silêncio deve ser diferente do início "
                "(deixe os dois vazios para não ter horário de silêncio)."
            ]
        if erros:
            raise ValidationError(erros)
        validar_textos_sms_em_uso(parametros=self)

    @classmethod
    def atuais(cls) -> "Parametros":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


def tentativas_padrao() -> int:
    """A new modem's attempts for transient errors (``SMS_TENTATIVAS_TRANSITORIAS``)."""
    return settings.SMS_TENTATIVAS_TRANSITORIAS


class Modem(models.Model):
    class Modo(models.TextChoices):
        PDU = "pdu", "PDU"
        TEXTO = "texto", "Texto"

    nome = models.CharField("nome", max_length=60, unique=True)
    fila = models.CharField(
        "fila", max_length=80, unique=True, editable=False, help_text="Fila Celery do modem."
    )
    dispositivo = models.CharField(
        "dispositivo",
        max_length=200,
        help_text="Porta serial: /dev/ttyUSB0, /dev/rfcomm0, /dev/modem-sms…",
    )
    baud = models.PositiveIntegerField("velocidade (baud)", default=115200)
    pin = models.CharField("PIN do SIM", max_length=8, blank=True)
    modo = models.CharField("modo", max_length=5, choices=Modo.choices, default=Modo.PDU)
    intervalo_segundos = models.FloatField(
        "intervalo entre envios (s)",
        default=7.0,
        validators=[MinValueValidator(0)],
        help_text="Um envio começa no mínimo este tempo depois do início do anterior.",
    )
    timeout_segundos = models.FloatField(
        "espera pela confirmação (s)",
        default=60.0,
        validators=[MinValueValidator(1)],
        help_text="Sem +CMGS depois disso, a mensagem fica incerta (não é reenviada às cegas).",
    )
    max_tentativas = models.PositiveSmallIntegerField(
        "máximo de tentativas",
        default=tentativas_padrao,
        validators=[MinValueValidator(1)],
        help_text="Para erros temporários da rede (congestionamento), com espera crescente "
        "entre as tentativas: 8 tentativas cobrem cerca de 45 minutos.",
    )
    ativo = models.BooleanField("ativo", default=True)
    pausado_em = models.DateTimeField("pausado em", null=True, blank=True)
    motivo_pausa = models.CharField("motivo da pausa", max_length=300, blank=True)
    pausa_automatica = models.BooleanField(
        "pausa automática",
        default=False,
        help_text="Pausa por dispositivo ausente: retoma sozinha quando ele volta.",
    )
    pausado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pausado por",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    drenando = models.BooleanField(
        "drenando",
        default=False,
        help_text="Não recebe mensagens novas; as que esperam nele passam para os outros.",
    )
    alerta_pausa_em = models.DateTimeField(
        "alerta de pausa enviado em", null=True, blank=True, editable=False
    )
    ultimo_inicio_envio = models.DateTimeField("último início de envio", null=True, blank=True)
    saude = models.JSONField("saúde", default=dict, blank=True)
    saude_lida_em = models.DateTimeField("saúde lida em", null=True, blank=True)
    criado_em = models.DateTimeField("criado em", auto_now_add=True)

    class Meta:
        verbose_name = "modem"
        verbose_name_plural = "modems"
        ordering = ["nome"]

    def __str__(self):
        return self.nome

    def save(self, *args, **kwargs):
        if not self.fila:
            self.fila = "modem." + (slugify(self.nome) or "sem-nome")
        super().save(*args, **kwargs)

    @property
    def pausado(self) -> bool:
        return self.pausado_em is not None

    @property
    def disponivel(self) -> bool:
        return self.ativo and not self.pausado

    @property
    def sem_worker(self) -> bool:
        """The health reading, which only the modem's own worker takes, is stale: no live
        worker (the same rule as ``services.mensagens.modem_sem_worker_q``)."""
        limite = timezone.now() - timedelta(seconds=settings.SMS_SAUDE_VALIDADE_SEGUNDOS)
        return (self.saude_lida_em or self.criado_em) < limite


class Mensagem(models.Model):
    class Canal(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "E-mail"

    class Status(models.TextChoices):
        PENDENTE = "pendente", "Pendente"
        ENVIANDO = "enviando", "Enviando"
        ENVIADA = "enviada", "Enviada"
        FALHOU = "falhou", "Falhou"
        INCERTA = "incerta", "Incerta"
        DESCARTADA = "descartada", "Descartada"

    class Evento(models.TextChoices):
        RA_ABERTO = "ra_aberto", "RA aberto"
        RA_EXISTENTE = "ra_existente", "RA existente"
        RA_ATENDIDO = "ra_atendido", "RA atendido"
        RA_NAO_EXECUTADO = "ra_nao_executado", "RA encerrado sem execução"
        RA_DUPLICIDADE = "ra_duplicidade", "RA encerrado por duplicidade"
        RA_MENSAGEM = "ra_mensagem", "Mensagem pública do RA"
        RESPOSTA_SMS = "resposta_sms", "Resposta a SMS recebido"
        RELATO_DESCARTADO = "relato_descartado", "Relato de cidadão descartado"
        ALERTA = "alerta", "Alerta aos supervisores"
        FATURAMENTO = "faturamento", "Faturamento"
        COBRANCA = "cobranca", "Cobrança"
        CONTA_PORTAL = "conta_portal", "Conta do portal (confirmação, senha, convite)"
        AVULSA = "avulsa", "Avulsa (teste)"

    class Entrega(models.TextChoices):
        AGUARDANDO = "aguardando", "Aguardando relatório"
        ENTREGUE = "entregue", "Entregue"
        NAO_ENTREGUE = "nao_entregue", "Não entregue"

    class ClasseErro(models.TextChoices):
        TEMPORARIO = "temporario", "Temporário (nova tentativa)"
        NUMERO = "numero", "Número inválido"
        MODEM = "modem", "Modem ou SIM"
        DISPOSITIVO = "dispositivo", "Dispositivo ausente"
        INCERTO = "incerto", "Sem confirmação do modem"
        TEXTO = "texto", "Texto inválido"
        OCUPADO = "ocupado", "Porta em uso"
        EMAIL = "email", "Endereço de e-mail inválido"
        SMTP = "smtp", "Recusado pelo servidor de e-mail"
        EXPIRADA = "expirada", "Passou do prazo"

    TRANSICOES = {
        Status.PENDENTE: {Status.ENVIANDO, Status.FALHOU, Status.DESCARTADA},
        Status.ENVIANDO: {Status.ENVIADA, Status.FALHOU, Status.INCERTA, Status.PENDENTE},
        Status.FALHOU: {Status.PENDENTE, Status.DESCARTADA},
        Status.INCERTA: {Status.PENDENTE, Status.DESCARTADA, Status.ENVIADA},
        Status.ENVIADA: set(),
        Status.DESCARTADA: set(),
    }

    canal = models.CharField("canal", max_length=5, choices=Canal.choices, default=Canal.SMS)
    evento = models.CharField(
        "evento", max_length=20, choices=Evento.choices, default=Evento.AVULSA
    )
    destino = models.CharField("destino", max_length=254)
    assunto = models.CharField("assunto (e-mail)", max_length=200, blank=True)
    texto = models.TextField("texto")
    texto_html = models.TextField("texto em HTML (e-mail)", blank=True)
    codificacao = models.CharField("codificação", max_length=5, blank=True)
    partes = models.PositiveSmallIntegerField("partes", default=1)
    status = models.CharField(
        "situação", max_length=12, choices=Status.choices, default=Status.PENDENTE, db_index=True
    )
    tentativas = models.PositiveSmallIntegerField("tentativas", default=0)
    erro_codigo = models.IntegerField("código do erro", null=True, blank=True)
    erro_texto = models.CharField("erro", max_length=300, blank=True)
    erro_classe = models.CharField(
        "tipo de erro", max_length=12, choices=ClasseErro.choices, blank=True
    )
    modem = models.ForeignKey(
        Modem,
        verbose_name="modem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mensagens",
    )
    referencia = models.PositiveIntegerField("referência no modem (+CMGS)", null=True, blank=True)
    # One +CMGS reference per part of a concatenated SMS (a delivery report names one part).
    referencias = models.JSONField("referências das partes", default=list, blank=True)
    entrega = models.CharField(
        "entrega", max_length=14, choices=Entrega.choices, blank=True, db_index=True
    )
    entrega_em = models.DateTimeField("entregue em", null=True, blank=True)
    entrega_status = models.PositiveSmallIntegerField(
        "status do relatório de entrega (TP-ST)", null=True, blank=True
    )
    entrega_texto = models.CharField("situação da entrega", max_length=200, blank=True)
    registro_atendimento = models.ForeignKey(
        "atendimento.RegistroAtendimento",
        verbose_name="RA",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mensagens_sms",
    )
    # Other origins (billing batch: a bill; collection: a document), by type and id.
    origem_tipo = models.CharField("tipo de origem", max_length=20, blank=True)
    origem_id = models.BigIntegerField("id da origem", null=True, blank=True)
    criada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="criada por",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    criada_em = models.DateTimeField("criada em", auto_now_add=True, db_index=True)
    enfileirada_em = models.DateTimeField("enfileirada em", null=True, blank=True)
    proxima_tentativa_em = models.DateTimeField("próxima tentativa em", null=True, blank=True)
    valida_ate = models.DateTimeField(
        "válida até",
        null=True,
        blank=True,
        help_text="Depois disso a mensagem não sai mais (é descartada como expirada).",
    )
    max_tentativas = models.PositiveSmallIntegerField(
        "máximo de tentativas (e-mail)",
        null=True,
        blank=True,
        help_text="Vazio: o dos parâmetros da mensageria.",
    )
    enviando_desde = models.DateTimeField("enviando desde", null=True, blank=True)
    enviada_em = models.DateTimeField("enviada em", null=True, blank=True)
    atualizada_em = models.DateTimeField("atualizada em", auto_now=True)

    class Meta:
        ordering = ["-criada_em", "-id"]
        verbose_name = "mensagem"
        verbose_name_plural = "mensagens"
        permissions = [
            ("supervisionar_mensagem", "Pode corrigir, reenviar e descartar mensagens com erro"),
        ]
        indexes = [
            models.Index(fields=["modem", "status", "criada_em"], name="msg_fila_modem_idx"),
            models.Index(fields=["destino"], name="msg_destino_idx"),
            models.Index(fields=["modem", "-enviada_em"], name="msg_modem_enviada_idx"),
            models.Index(fields=["canal", "status", "criada_em"], name="msg_canal_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_canal_display()} #{self.pk} para {self.destino}"

    @property
    def texto_para_equipe(self) -> str:
        """The text as staff screens and exports show it: the links of a portal account's
        e-mails (confirmation, password, invitation) open that account, so they are hidden."""
        if self.evento == self.Evento.CONTA_PORTAL:
            return _LINK_DE_ACESSO.sub("[link de acesso oculto]", self.texto)
        return self.texto


_LINK_DE_ACESSO = re.compile(r"https?://\S+")


class MensagemHistorico(models.Model):
    """Immutable audit of every status change: who, when, from, to, why."""

    mensagem = models.ForeignKey(
        Mensagem, verbose_name="mensagem", on_delete=models.CASCADE, related_name="historico"
    )
    de = models.CharField("de", max_length=12, blank=True)
    para = models.CharField("para", max_length=12)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="usuário",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    quando = models.DateTimeField("quando", auto_now_add=True)
    observacao = models.CharField("observação", max_length=300, blank=True)

    class Meta:
        verbose_name = "histórico da mensagem"
        verbose_name_plural = "históricos das mensagens"
        ordering = ["quando", "id"]

    def __str__(self):
        return f"{self.de or '—'} → {self.para}"


class ModeloMensagem(models.Model):
    evento = models.CharField(
        "evento",
        max_length=20,
        unique=True,
        choices=[
            (e.value, e.label)
            for e in (
                Mensagem.Evento.RA_ABERTO,
                Mensagem.Evento.RA_EXISTENTE,
                Mensagem.Evento.RA_ATENDIDO,
                Mensagem.Evento.RA_NAO_EXECUTADO,
                Mensagem.Evento.RA_DUPLICIDADE,
                Mensagem.Evento.RA_MENSAGEM,
                Mensagem.Evento.RESPOSTA_SMS,
            )
        ],
    )
    texto = models.TextField(
        "texto do SMS",
        validators=[validar_tags],
        help_text="Tags: " + ", ".join(f"{{{t}}} ({d})" for t, d in TAGS_MODELO.items()),
    )
    assunto_email = models.CharField(
        "assunto do e-mail",
        max_length=200,
        blank=True,
        validators=[validar_tags],
        help_text="Vazio: usa o assunto padrão do evento.",
    )
    texto_email = models.TextField(
        "texto do e-mail",
        blank=True,
        validators=[validar_tags],
        help_text="Texto simples. Vazio: usa o texto do SMS.",
    )
    html_email = models.TextField(
        "texto do e-mail em HTML",
        blank=True,
        validators=[validar_tags],
        help_text="Opcional: enviado junto com o texto simples.",
    )
    ativo = models.BooleanField("ativo", default=True)
    atualizado_em = models.DateTimeField("atualizado em", auto_now=True)

    class Meta:
        verbose_name = "modelo de mensagem"
        verbose_name_plural = "modelos de mensagem"

    def __str__(self):
        return self.get_evento_display()

    def clean(self):
        try:
            validar_tags(self.texto)
        except ValidationError:
            return  # the field's validator already says why
        try:
            validar_modelo_sms(self.texto)
        except ValidationError as exc:
            raise ValidationError({"texto": exc.messages}) from exc


MODELOS_PADRAO = {
    "ra_aberto": "{empresa}: sua solicitacao ({especificacao}) foi registrada. "
    "Protocolo {protocolo}. Previsao: {data_prevista}.",
    "ra_existente": "{empresa}: ja existe um atendimento para o problema informado. "
    "Acompanhe pelo protocolo {protocolo}. Previsao: {data_prevista}.",
    "ra_atendido": "{empresa}: o atendimento do protocolo {protocolo} ({especificacao}) "
    "foi concluido. Obrigado!",
    "ra_nao_executado": "{empresa}: o protocolo {protocolo} ({especificacao}) foi encerrado "
    "sem execucao. Duvidas: procure nossa central.",
    "ra_duplicidade": "{empresa}: o protocolo {protocolo} foi encerrado porque o mesmo problema "
    "ja e tratado em outro atendimento.",
    "ra_mensagem": "{empresa}: nova mensagem sobre o protocolo {protocolo}: {mensagem}",
    "resposta_sms": "{empresa}: protocolo {protocolo} ({especificacao}): {situacao}. "
    "Previsao: {data_prevista}.",
}


class LeituraSaude(models.Model):
    """One health reading of a modem (signal, registration, operator): a short history."""

    modem = models.ForeignKey(
        Modem, verbose_name="modem", on_delete=models.CASCADE, related_name="leituras"
    )
    quando = models.DateTimeField("quando", default=timezone.now)
    sinal = models.SmallIntegerField("sinal (0–31)", null=True, blank=True)
    registro = models.CharField("registro na rede", max_length=60, blank=True)
    registrado = models.BooleanField("registrado", default=False)
    operadora = models.CharField("operadora", max_length=60, blank=True)
    sim = models.CharField("SIM", max_length=30, blank=True)
    erro = models.CharField("erro", max_length=300, blank=True)

    class Meta:
        verbose_name = "leitura de saúde do modem"
        verbose_name_plural = "leituras de saúde dos modems"
        ordering = ["-quando", "-id"]
        indexes = [models.Index(fields=["modem", "-quando"], name="leitura_modem_quando_idx")]

    def __str__(self):
        return f"{self.modem} em {self.quando:%d/%m/%Y %H:%M}"


class RelatorioEntrega(models.Model):
    """A delivery report (SMS-STATUS-REPORT) as the modem gave it, matched or not."""

    modem = models.ForeignKey(
        Modem, verbose_name="modem", on_delete=models.CASCADE, related_name="relatorios"
    )
    referencia = models.PositiveSmallIntegerField("referência (TP-MR)")
    destino = models.CharField("destino", max_length=30, blank=True)
    status = models.PositiveSmallIntegerField("status (TP-ST)")
    entregue = models.BooleanField("entregue")
    enviada_em = models.DateTimeField("enviada em (SMSC)", null=True, blank=True)
    entregue_em = models.DateTimeField("entregue em (SMSC)", null=True, blank=True)
    recebido_em = models.DateTimeField("recebido em", auto_now_add=True)
    mensagem = models.ForeignKey(
        Mensagem,
        verbose_name="mensagem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relatorios",
    )

    class Meta:
        verbose_name = "relatório de entrega"
        verbose_name_plural = "relatórios de entrega"
        ordering = ["-recebido_em", "-id"]
        indexes = [
            models.Index(fields=["modem", "referencia"], name="relatorio_modem_ref_idx"),
        ]

    def __str__(self):
        return f"Relatório {self.referencia} ({self.modem})"


class SmsRecebido(models.Model):
    """An SMS a citizen sent to one of our modems."""

    class Situacao(models.TextChoices):
        NOVO = "novo", "Novo"
        RESPONDIDO = "respondido", "Respondido automaticamente"
        ANEXADO = "anexado", "Anexado a um RA"
        DESCARTADO = "descartado", "Descartado"

    modem = models.ForeignKey(
        Modem, verbose_name="modem", on_delete=models.PROTECT, related_name="recebidos"
    )
    remetente = models.CharField("remetente", max_length=30, db_index=True)
    texto = models.TextField("texto", blank=True)
    partes = models.PositiveSmallIntegerField("partes", default=1)
    recebido_em = models.DateTimeField("recebido em (SMSC)", null=True, blank=True)
    lido_em = models.DateTimeField("lido em", auto_now_add=True, db_index=True)
    # Same SMS read twice (the SIM was not yet cleared when a worker died): stored once.
    chave = models.CharField("chave", max_length=64, unique=True, editable=False)
    situacao = models.CharField(
        "situação", max_length=10, choices=Situacao.choices, default=Situacao.NOVO, db_index=True
    )
    registro_atendimento = models.ForeignKey(
        "atendimento.RegistroAtendimento",
        verbose_name="RA",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sms_recebidos",
    )
    resposta = models.ForeignKey(
        Mensagem,
        verbose_name="resposta",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tratado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tratado por",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tratado_em = models.DateTimeField("tratado em", null=True, blank=True)
    motivo_descarte = models.CharField("motivo do descarte", max_length=300, blank=True)
    # A protocol query beyond Parametros.respostas_por_hora for its sender: kept, not answered.
    limite_atingido = models.BooleanField("limite de respostas atingido", default=False)

    class Meta:
        verbose_name = "SMS recebido"
        verbose_name_plural = "SMS recebidos"
        ordering = ["-lido_em", "-id"]
        permissions = [("tratar_smsrecebido", "Pode anexar a um RA ou descartar SMS recebidos")]

    def __str__(self):
        return f"SMS de {self.remetente}"


class Alerta(models.Model):
    """An alert episode sent to supervisors (a modem paused, the queue too old): one
    e-mail when it opens, none again until it is resolved."""

    class Tipo(models.TextChoices):
        MODEM_PAUSADO = "modem_pausado", "Modem pausado"
        FILA_ANTIGA = "fila_antiga", "Mensagem esperando demais"
        SEM_MODEM = "sem_modem", "Nenhum modem disponível"

    tipo = models.CharField("tipo", max_length=20, choices=Tipo.choices)
    chave = models.CharField("chave", max_length=80, blank=True)
    texto = models.CharField("texto", max_length=500)
    aberto_em = models.DateTimeField("aberto em", auto_now_add=True)
    resolvido_em = models.DateTimeField("resolvido em", null=True, blank=True)

    class Meta:
        verbose_name = "alerta"
        verbose_name_plural = "alertas"
        ordering = ["-aberto_em", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tipo", "chave"],
                condition=models.Q(resolvido_em__isnull=True),
                name="alerta_um_aberto_por_chave",
            )
        ]

    def __str__(self):
        return self.get_tipo_display()
