"""Reads of the messaging app."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from .grafico import grafico_sinal
from .models import Alerta, LeituraSaude, Mensagem, Modem
from .telefones import NumeroInvalido, celular_normalizar

Status = Mensagem.Status


def pode_ver_numero(usuario) -> bool:
    return usuario.has_perm("cadastro.ver_dados_pessoais")


def mensagem_list(*, usuario, filtros: dict | None = None) -> QuerySet[Mensagem]:
    """Messages for the consultation screen, newest first, filtered."""
    filtros = filtros or {}
    qs = Mensagem.objects.select_related("modem", "registro_atendimento").order_by(
        "-criada_em", "-id"
    )
    if inicio := filtros.get("inicio"):
        qs = qs.filter(criada_em__gte=_inicio_do_dia(inicio))
    if fim := filtros.get("fim"):
        qs = qs.filter(criada_em__lt=_inicio_do_dia(fim + datetime.timedelta(days=1)))
    if status := filtros.get("status"):
        qs = qs.filter(status=status)
    if evento := filtros.get("evento"):
        qs = qs.filter(evento=evento)
    if canal := filtros.get("canal"):
        qs = qs.filter(canal=canal)
    if protocolo := (filtros.get("protocolo") or "").strip():
        filtro = Q(registro_atendimento__protocolo=protocolo)
        if protocolo.isdigit() and len(protocolo) < 10:
            filtro |= Q(registro_atendimento_id=int(protocolo))
        qs = qs.filter(filtro)
    if telefone := filtros.get("telefone"):
        qs = qs.filter(destino=telefone)
    return qs


def _inicio_do_dia(data: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(data, datetime.time.min))


def mensagens_com_erro(*, usuario) -> QuerySet[Mensagem]:
    """What needs a supervisor: failed, and uncertain (maybe sent, maybe not)."""
    return (
        Mensagem.objects.select_related("modem", "registro_atendimento__cliente")
        .prefetch_related("registro_atendimento__cliente__telefones")
        .filter(status__in=[Status.FALHOU, Status.INCERTA])
        .order_by("-atualizada_em", "-id")
    )


def mensagens_do_ra(ra) -> list[Mensagem]:
    """The SMS and e-mails of one RA, for its timeline
    (``atendimento.selectors.linha_do_tempo``)."""
    return list(
        Mensagem.objects.filter(registro_atendimento=ra)
        .select_related("modem")
        .order_by("criada_em", "id")
    )


def modem_status_list() -> list[Modem]:
    """Modems with their queue depth (pending + sending) and failures of the last 24 h."""
    desde = timezone.now() - datetime.timedelta(hours=24)
    return list(
        Modem.objects.annotate(
            pendentes=Count("mensagens", filter=Q(mensagens__status=Status.PENDENTE)),
            enviando=Count("mensagens", filter=Q(mensagens__status=Status.ENVIANDO)),
            falhas_24h=Count(
                "mensagens",
                filter=Q(
                    mensagens__status__in=[Status.FALHOU, Status.INCERTA],
                    mensagens__atualizada_em__gte=desde,
                ),
            ),
            ultimo_envio_em=Subquery(
                Mensagem.objects.filter(modem=OuterRef("pk"), enviada_em__isnull=False)
                .order_by("-enviada_em")
                .values("enviada_em")[:1]
            ),
        ).order_by("nome")
    )


HISTORICO_TABELA = 60  # the latest readings listed under the chart


def modem_saude_historico(modem: Modem, *, horas: int = 24) -> dict:
    """The modem page: its signal chart over the last ``horas`` and its latest readings."""
    fim = timezone.now()
    inicio = fim - datetime.timedelta(hours=horas)
    leituras = list(
        LeituraSaude.objects.filter(modem=modem, quando__gte=inicio).order_by("-quando", "-id")
    )
    espaco = datetime.timedelta(minutes=settings.SMS_SAUDE_HISTORICO_MINUTOS)
    lacuna = max(3 * espaco, datetime.timedelta(minutes=15))
    return {
        "grafico": grafico_sinal(leituras, inicio=inicio, fim=fim, lacuna=lacuna),
        "leituras": leituras[:HISTORICO_TABELA],
        "total": len(leituras),
        "horas": horas,
    }


def alertas_abertos(*, modem: Modem | None = None) -> list[Alerta]:
    """Open alert episodes, newest first (a modem's own, with ``modem``)."""
    qs = Alerta.objects.filter(resolvido_em__isnull=True).order_by("-aberto_em", "-id")
    if modem is not None:
        qs = qs.filter(tipo=Alerta.Tipo.MODEM_PAUSADO, chave=str(modem.pk))
    return list(qs)


def sms_esperando() -> int:
    """SMS waiting to be sent (pending, due or not)."""
    return Mensagem.objects.filter(canal=Mensagem.Canal.SMS, status=Status.PENDENTE).count()


def saude_sistema(*, detalhes: bool = False) -> dict:
    """For /healthz: database, broker, modems and queue, each ``{"ok": bool}``.

    Not ok when no modem is available, an active modem's health reading (taken by
    its own worker) is older than ``SMS_SAUDE_VALIDADE_SEGUNDOS`` (its worker is
    gone or stuck), or a due message has waited longer than
    ``SMS_ESPERA_MAXIMA_SEGUNDOS``. ``detalhes`` adds names, queues and pause
    reasons: only for staff or a token holder (they name people and devices).
    """
    agora = timezone.now()
    banco, broker = _verificar_banco(), _verificar_broker()
    resultado = {"database": {"ok": banco["ok"]}, "broker": {"ok": broker["ok"]}}
    modems_ok, fila_ok, lista = False, False, []
    try:
        modems = modem_status_list()
        disponiveis = [m for m in modems if m.disponivel]
        parados = [m for m in disponiveis if m.sem_worker]
        modems_ok = bool(disponiveis) and not parados
        espera = agora - datetime.timedelta(seconds=settings.SMS_ESPERA_MAXIMA_SEGUNDOS)
        atrasadas = (
            Mensagem.objects.filter(status=Status.PENDENTE, criada_em__lt=espera)
            .filter(Q(proxima_tentativa_em__isnull=True) | Q(proxima_tentativa_em__lt=espera))
            .count()
        )
        fila_ok = atrasadas == 0
        lista = [_modem_detalhes(m, parado=m in parados) for m in modems]
    except Exception as exc:  # the database check already says why
        lista, atrasadas = [{"erro": exc.__class__.__name__}], None
    resultado["modems"] = {"ok": modems_ok}
    resultado["fila"] = {"ok": fila_ok}
    resultado["ok"] = all(parte["ok"] for parte in resultado.values())
    if detalhes:
        resultado["database"].update(banco)
        resultado["broker"].update(broker)
        resultado["modems"]["detalhes"] = lista
        resultado["fila"]["atrasadas"] = atrasadas
    return resultado


def _modem_detalhes(modem: Modem, *, parado: bool) -> dict:
    def quando(valor):
        return valor.isoformat() if valor else None

    return {
        "nome": modem.nome,
        "fila_celery": modem.fila,
        "ativo": modem.ativo,
        "pausado": modem.pausado,
        "motivo_pausa": modem.motivo_pausa,
        "saude_antiga": parado,
        "fila": modem.pendentes,
        "ultimo_envio": quando(modem.ultimo_envio_em),
        "sinal": modem.saude.get("sinal"),
        "registro": modem.saude.get("registro"),
        "saude_lida_em": quando(modem.saude_lida_em),
    }


def _verificar_banco() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "erro": exc.__class__.__name__}


def _verificar_broker() -> dict:
    from gsan.celery import conexao_publicar

    try:
        with conexao_publicar() as conexao:
            conexao.ensure_connection(max_retries=0)
            conexao.default_channel  # noqa: B018 - a round trip: a silent broker fails here
        transporte = settings.CELERY_BROKER_URL.split(":", 1)[0]
        return {"ok": True, "transporte": transporte}
    except Exception as exc:
        return {"ok": False, "erro": exc.__class__.__name__}


# --- will an RA's SMS go? ----------------------------------------------------------


@dataclass(frozen=True)
class PrevisaoSms:
    """Whether an RA event's SMS goes, and why not: what the screens show and what
    :func:`mensageria.services.registro_atendimento_notificar` does."""

    envia: bool
    destino: str = ""  # the number it goes (or would go) to; "" when there is none
    motivo: str = ""  # why it does not go, written for the attendant (no phone digits)
    fixo: bool = False  # the number is a landline


def sms_ra_destino(*, cliente=None, telefone: str = "") -> PrevisaoSms:
    """The mobile an RA's requester receives SMS on: the client's SMS celular when the
    client accepts SMS, else the phone typed for the requester."""
    if cliente is not None:
        if not cliente.recebe_sms:
            return PrevisaoSms(False, motivo="o cliente não aceita receber SMS (cadastro).")
        fone = cliente.telefone_sms
        if fone is None:
            return PrevisaoSms(False, motivo="o cliente não tem celular marcado para SMS.")
        numero = fone.e164
    else:
        numero = (telefone or "").strip()
        if not numero:
            return PrevisaoSms(False, motivo="não há telefone do solicitante.")
    try:
        return PrevisaoSms(True, destino=celular_normalizar(numero))
    except NumeroInvalido as exc:
        motivo = (
            "o telefone informado é fixo; o SMS só vai para celular."
            if exc.fixo
            else "o telefone informado não é um celular brasileiro válido."
        )
        return PrevisaoSms(False, destino=numero, motivo=motivo, fixo=exc.fixo)


# Which especificação flag decides each RA event, per channel; ra_mensagem (a public
# message written by an attendant) depends on the requester's consent only.
EVENTOS_ABERTURA = ("ra_aberto", "ra_existente")
EVENTOS_ENCERRAMENTO = ("ra_atendido", "ra_nao_executado", "ra_duplicidade")
EVENTOS_PROTOCOLO = EVENTOS_ABERTURA  # the SMS that gave someone a protocol of this RA


def evento_do_encerramento(motivo) -> str:
    """The notice a closing with this motivo sends: "atendido" only when executed."""
    return {
        motivo.Tipo.EXECUTADO: "ra_atendido",
        motivo.Tipo.NAO_EXECUTADO: "ra_nao_executado",
        motivo.Tipo.DUPLICIDADE: "ra_duplicidade",
    }[motivo.tipo]


def _especificacao_recusa(especificacao, evento: str, canal: str) -> str:
    """Why the especificação sends nothing on ``canal`` for ``evento``, or ""."""
    if especificacao is None or evento not in EVENTOS_ABERTURA + EVENTOS_ENCERRAMENTO:
        return ""
    encerramento = evento in EVENTOS_ENCERRAMENTO
    sem_execucao = encerramento and evento != "ra_atendido"
    if sem_execucao and not especificacao.avisa_encerramento_sem_execucao:
        return "esta especificação não avisa o encerramento sem execução ou por duplicidade."
    nome = "SMS" if canal == "sms" else "e-mail"
    envia = getattr(
        especificacao, f"envia_{canal}_{'encerramento' if encerramento else 'abertura'}"
    )
    if not envia:
        quando = "no encerramento" if encerramento else "na abertura"
        return f"esta especificação não envia {nome} {quando}."
    return ""


def sms_ra_previsao(
    *, especificacao, cliente=None, telefone: str = "", evento: str = "ra_aberto"
) -> PrevisaoSms:
    """Will the SMS of this RA event (by default the protocol, on opening) go to the
    requester, and if not, why. The one decision behind the Inserir RA preview (before
    saving), the RA page (after) and the code that creates the message."""
    if motivo := _especificacao_recusa(especificacao, evento, "sms"):
        return PrevisaoSms(False, motivo=motivo)
    return sms_ra_destino(cliente=cliente, telefone=telefone)


def sms_ra_previsao_do_ra(ra, *, evento: str = "ra_aberto") -> PrevisaoSms:
    return sms_ra_previsao(
        especificacao=ra.especificacao,
        cliente=ra.cliente if ra.cliente_id else None,
        telefone=ra.solicitante_telefone,
        evento=evento,
    )


def sms_ra_destinos(ra, *, evento: str) -> list[str]:
    """Every number an RA event's SMS goes to, each once, the requester's first.

    For a closing notice: the requester (as :func:`sms_ra_previsao_do_ra` decides) and
    every distinct destination of a protocol SMS of this RA that went or is going
    (the original requester, each reiteração or contact, later citizen reports linked
    to the RA), except the numbers of a client who no longer accepts SMS. Other events
    go to the requester only. A requester's number that is not a mobile is kept (the
    message is stored as failed with the reason, for a supervisor to correct).
    """
    if _especificacao_recusa(ra.especificacao, evento, "sms"):
        return []
    destinos = []
    previsao = sms_ra_previsao_do_ra(ra, evento=evento)
    if previsao.destino:
        destinos.append(previsao.destino)
    if evento in EVENTOS_ENCERRAMENTO:
        cliente = ra.cliente if ra.cliente_id else None
        recusados = set()
        if cliente is not None and not cliente.recebe_sms:
            recusados = {_e164(f.e164) for f in cliente.telefones.all()}
        protocolos = (
            Mensagem.objects.filter(
                registro_atendimento=ra,
                canal=Mensagem.Canal.SMS,
                evento__in=EVENTOS_PROTOCOLO,
                status__in=[Status.PENDENTE, Status.ENVIANDO, Status.ENVIADA],
            )
            .order_by("criada_em", "id")
            .values_list("destino", flat=True)
        )
        for destino in protocolos:
            if destino not in destinos and destino not in recusados:
                destinos.append(destino)
    return destinos


@dataclass(frozen=True)
class PrevisaoEmail:
    """Whether an RA event's e-mail goes to the requester, and why not."""

    envia: bool
    destino: str = ""
    motivo: str = ""


def email_ra_destino(*, cliente=None, email: str = "") -> PrevisaoEmail:
    """The address an RA's requester receives e-mail at: the client's, when the client
    accepts e-mail (cadastro); for a requester without a client record, the address
    typed on the RA (given for that purpose)."""
    if cliente is not None:
        if not cliente.recebe_email:
            return PrevisaoEmail(False, motivo="o cliente não aceita receber e-mail (cadastro).")
        email = cliente.email
        if not (email or "").strip():
            return PrevisaoEmail(False, motivo="o cliente não tem e-mail no cadastro.")
    email = (email or "").strip()
    if not email:
        return PrevisaoEmail(False, motivo="não há e-mail do solicitante.")
    return PrevisaoEmail(True, destino=email)


def email_ra_previsao_do_ra(ra, *, evento: str = "ra_aberto") -> PrevisaoEmail:
    """Will the e-mail of this RA event go to the requester, and if not, why (the
    especificação's ``envia_email_*`` flags, then the consent and address)."""
    if motivo := _especificacao_recusa(ra.especificacao, evento, "email"):
        return PrevisaoEmail(False, motivo=motivo)
    return email_ra_destino(
        cliente=ra.cliente if ra.cliente_id else None, email=ra.solicitante_email
    )


@dataclass(frozen=True)
class PrevisaoAviso:
    """For the RA page: what one kind of notice will send, on each channel."""

    rotulo: str
    numeros: list  # the mobiles its SMS goes to
    sms_motivo: str  # why the requester gets no SMS ("" when it does)
    email: str  # the address its e-mail goes to, or ""
    email_motivo: str


AVISOS_PREVISTOS = (
    ("Mensagem pública", "ra_mensagem"),
    ("Encerramento executado", "ra_atendido"),
    # Not executed and duplicate follow the same flags.
    ("Encerramento sem execução ou por duplicidade", "ra_nao_executado"),
)


def avisos_ra_previsao(ra) -> list[PrevisaoAviso]:
    """What a public message and each kind of closing would send now, from the very
    decisions the services follow (:func:`sms_ra_destinos`, :func:`email_ra_previsao_do_ra`)."""
    avisos = []
    for rotulo, evento in AVISOS_PREVISTOS:
        requerente = sms_ra_previsao_do_ra(ra, evento=evento)
        numeros = [
            d
            for d in sms_ra_destinos(ra, evento=evento)
            if requerente.envia or d != requerente.destino  # a landline: it would fail
        ]
        email = email_ra_previsao_do_ra(ra, evento=evento)
        avisos.append(
            PrevisaoAviso(
                rotulo=rotulo,
                numeros=numeros,
                sms_motivo="" if requerente.envia else requerente.motivo,
                email=email.destino,
                email_motivo=email.motivo,
            )
        )
    return avisos


def _e164(numero: str) -> str:
    try:
        return celular_normalizar(numero)
    except NumeroInvalido:
        return numero


def sms_protocolo_do_ra(ra) -> dict:
    """For the RA page: the protocol SMS if one was created, and the decision (why none
    was, or why the one created failed)."""
    mensagem = (
        Mensagem.objects.filter(registro_atendimento=ra, evento=Mensagem.Evento.RA_ABERTO)
        .order_by("criada_em", "id")
        .first()
    )
    return {"mensagem": mensagem, "previsao": sms_ra_previsao_do_ra(ra)}


# --- inbound SMS -----------------------------------------------------------------


def sms_recebido_list(*, situacao: str = "", limitados: bool = False) -> QuerySet:
    """Inbound SMS for the "SMS recebidos" screen, newest first; ``situacao`` "" is all."""
    from .models import SmsRecebido

    qs = SmsRecebido.objects.select_related(
        "modem", "registro_atendimento", "resposta", "tratado_por"
    ).order_by("-lido_em", "-id")
    if situacao:
        qs = qs.filter(situacao=situacao)
    if limitados:
        qs = qs.filter(limite_atingido=True)
    return qs


def sms_protocolo_da_reiteracao(reiteracao) -> dict:
    """For the contact's confirmation page: the SMS that took the RA's protocol to whoever
    called again (see ``services.reiteracao_notificar``), and the decision behind it."""
    mensagem = (
        Mensagem.objects.filter(origem_tipo="reiteracao", origem_id=reiteracao.pk)
        .order_by("criada_em", "id")
        .first()
    )
    previsao = sms_ra_previsao(
        especificacao=reiteracao.ra.especificacao,
        telefone=reiteracao.solicitante_telefone,
        evento="ra_existente",
    )
    return {"mensagem": mensagem, "previsao": previsao}


def canais_da_mensagem_publica(mensagem) -> list[str]:
    """The channels ("SMS", "e-mail") a public RA message is going out on (not failed)."""
    canais = set(
        Mensagem.objects.filter(
            origem_tipo="ra_mensagem",
            origem_id=mensagem.pk,
            status__in=[Status.PENDENTE, Status.ENVIANDO, Status.ENVIADA],
        ).values_list("canal", flat=True)
    )
    return [rotulo for canal, rotulo in (("sms", "SMS"), ("email", "e-mail")) if canal in canais]
