"""Inbound SMS: store each one once, answer a protocol query, or leave it for a person.

Order of work for one SMS (``sms_recebido_registrar``): the row commits first (the
modem reader deletes the SIM copy only after that), then, in its own transaction,
the automatic reply. A failure while answering leaves the SMS stored as "novo", and
reading it again (or calling :func:`sms_recebido_processar`) tries once more: the
row lock and its situation make a second reply impossible.
"""

import contextlib
import hashlib
import logging
import re
import zlib
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.exceptions import RegraViolada

from ..links import link_consulta, molde_sem_link
from ..models import (
    LARGURA_PROTOCOLO,
    MODELOS_PADRAO,
    Mensagem,
    ModeloMensagem,
    Modem,
    Parametros,
    SmsRecebido,
    especificacao_no_sms,
)
from ..telefones import NumeroInvalido, celular_mascarar, celular_normalizar
from .mensagens import mensagem_sms_criar

log = logging.getLogger(__name__)
Situacao = SmsRecebido.Situacao

# To a stranger, a protocol that exists and one that does not get this same answer.
RESPOSTA_NEUTRA = (
    "{empresa}: recebemos sua mensagem. Para consultar um protocolo, envie o numero dele "
    "do celular cadastrado no atendimento ou ligue para a nossa central."
)
# Candidates looked up per SMS (a text full of digits must not become many queries).
CANDIDATOS_MAX = 5
_LARGURAS = sorted(set(LARGURA_PROTOCOLO.values()), reverse=True)
# Digit groups joined by at most two separators: "2026.1.000001234", "2026 1 000001234".
_CORRIDA = re.compile(r"[0-9]+(?:[\s.\-/]{1,2}[0-9]+)*")


def sms_recebido_chave(
    *, modem_id: int, remetente: str, texto: str, recebido_em: datetime | None
) -> str:
    """The dedupe key: the same SMS read twice (the worker died before AT+CMGD) maps to it.

    The SMSC timestamp is part of it, so the same text sent twice by a person is kept twice.
    """
    instante = recebido_em.isoformat() if recebido_em else ""
    bruto = "\x1f".join([str(modem_id), remetente or "", instante, texto or ""])
    return hashlib.sha256(bruto.encode("utf-8")).hexdigest()


def sms_recebido_registrar(
    *, modem: Modem, remetente: str, texto: str, recebido_em: datetime | None, partes: int = 1
) -> SmsRecebido:
    """Store one complete inbound SMS (idempotent), answer it if it asks for a protocol.

    Contract for the modem reader: call it once per complete SMS (parts already
    joined), outside any transaction of its own; when it returns, the row is
    committed and the SIM copy may be deleted. Reading the same SMS again returns
    the existing row and sends nothing more.
    """
    chave = sms_recebido_chave(
        modem_id=modem.pk, remetente=remetente, texto=texto, recebido_em=recebido_em
    )
    sms = SmsRecebido.objects.filter(chave=chave).first()
    if sms is None:
        try:
            with transaction.atomic():
                sms = SmsRecebido.objects.create(
                    modem=modem,
                    remetente=(remetente or "").strip()[:30],
                    texto=texto or "",
                    partes=max(partes or 1, 1),
                    recebido_em=recebido_em,
                    chave=chave,
                )
        except IntegrityError:
            # Another reader stored the same SMS between our lookup and insert.
            sms = SmsRecebido.objects.get(chave=chave)
    try:
        return sms_recebido_processar(sms_id=sms.pk)
    except Exception:
        # The SMS is stored; the answer is retried when it is read again.
        log.exception("SMS recebido %s guardado, mas a resposta automática falhou", sms.pk)
        return sms


# --- automatic reply -------------------------------------------------------------------


def protocolos_no_texto(texto: str) -> list[str]:
    """Protocol-shaped numbers in a text, as digits: 14 (GSAN) or 20 (ANS) digits,
    typed with or without dots, spaces, dashes or slashes. Widest first within a run."""
    candidatos: list[str] = []
    for corrida in _CORRIDA.finditer(texto or ""):
        grupos = re.findall(r"[0-9]+", corrida.group())
        achados = []
        for inicio in range(len(grupos)):
            juntos = ""
            for grupo in grupos[inicio:]:
                juntos += grupo
                if len(juntos) > _LARGURAS[0]:
                    break
                if len(juntos) in _LARGURAS:
                    achados.append((inicio, juntos))
        achados.sort(key=lambda item: (-len(item[1]), item[0]))
        for _, numero in achados:
            if numero not in candidatos:
                candidatos.append(numero)
    return candidatos[:CANDIDATOS_MAX]


def _ra_do_protocolo(candidatos: list[str]):
    """(RA, protocol as given) for the first candidate that names one, else (None, "")."""
    from atendimento.filters import protocolo_q
    from atendimento.models import RegistroAtendimento

    for numero in candidatos:
        ra = (
            RegistroAtendimento.objects.select_related("especificacao", "motivo_encerramento")
            .filter(protocolo_q(numero))
            .first()
        )
        if ra is not None:
            return ra, numero
    return None, ""


def _numeros_do_ra(ra) -> set[str]:
    """Every E.164 number entitled to hear about this RA: those its SMS went to (protocol,
    reiterações, later reports), and its requester's. Automatic replies do not count:
    a stranger's neutral answer must never make the stranger entitled."""
    numeros = set(
        Mensagem.objects.filter(registro_atendimento=ra, canal=Mensagem.Canal.SMS)
        .exclude(evento=Mensagem.Evento.RESPOSTA_SMS)
        .values_list("destino", flat=True)
    )
    for bruto in (ra.solicitante_telefone, ra.celular_sms()):
        with contextlib.suppress(NumeroInvalido):
            numeros.add(celular_normalizar(bruto))
    return numeros


def situacao_no_sms(ra) -> str:
    """The RA's situation in words for the citizen (at most 25 characters, see
    models._problema_preenchido); unaccented like the default templates (GSM-7)."""
    if ra.situacao == ra.Situacao.ENCERRADO:
        tipo = getattr(ra.motivo_encerramento, "tipo", "")
        return {
            "executado": "Encerrado (executado)",
            "nao_executado": "Encerrado (nao executado)",
            "duplicidade": "Encerrado (duplicidade)",
        }.get(tipo, "Encerrado")
    if ra.pausado_desde is not None:
        return "Aguardando informacoes"
    if ra.situacao == ra.Situacao.BLOQUEADO:
        return "Em analise"
    return "Em andamento"


def _texto_resposta(ra, protocolo: str, parametros: Parametros) -> str:
    modelo = ModeloMensagem.objects.filter(evento=Mensagem.Evento.RESPOSTA_SMS, ativo=True).first()
    molde = modelo.texto if modelo else MODELOS_PADRAO["resposta_sms"]
    valores = {
        "protocolo": protocolo,
        "especificacao": especificacao_no_sms(ra.especificacao.nome),
        "data_prevista": timezone.localtime(ra.data_prevista_atual).strftime("%d/%m/%Y"),
        "empresa": parametros.nome_empresa,
        "situacao": situacao_no_sms(ra),
        "mensagem": "",
        "link": link_consulta(protocolo),
    }
    if not valores["link"]:
        molde = molde_sem_link(molde)
    try:
        return molde.format(**valores)
    except (KeyError, IndexError, ValueError, AttributeError):
        log.warning("Modelo de resposta a SMS inválido; usado o padrão")
        return MODELOS_PADRAO["resposta_sms"].format(**valores)


def _travar_numero(numero: str) -> None:
    """Serialise the replies to one number (two modems may read its SMS at once), so the
    hourly count and the new reply are one decision. Released at commit. SQLite (the
    database of ``make run``) has no advisory locks, but serialises writers anyway."""
    if connection.vendor != "postgresql":
        return
    chave = zlib.crc32(numero.encode()) - 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [10_014, chave])


def _modem_da_resposta(modem: Modem) -> Modem | None:
    """The modem that received the SMS answers it when it can; else the pool chooses."""
    modem.refresh_from_db(fields=["ativo", "pausado_em", "drenando"])
    return modem if modem.disponivel and not modem.drenando else None


def sms_recebido_processar(*, sms_id: int) -> SmsRecebido:
    """Answer a stored SMS that quotes a protocol (idempotent: only a "novo" SMS not yet
    answered nor held by the limit is looked at, under its row lock).

    The real answer (situation and expected date, nothing personal) goes only to a
    number entitled to it (:func:`_numeros_do_ra`); anyone else, and any protocol that
    does not exist, gets :data:`RESPOSTA_NEUTRA`. At most
    ``Parametros.respostas_por_hora`` automatic replies per number per hour; beyond
    that the SMS stays "novo" with ``limite_atingido`` and nothing is sent. A text
    without a protocol (or empty, or from a number that is not a mobile) is left for
    the "SMS recebidos" screen.
    """
    with transaction.atomic():
        sms = SmsRecebido.objects.select_for_update(of=("self",)).get(pk=sms_id)
        if sms.situacao != Situacao.NOVO or sms.resposta_id or sms.limite_atingido:
            return sms
        candidatos = protocolos_no_texto(sms.texto)
        if not candidatos:
            return sms
        try:
            numero = celular_normalizar(sms.remetente)
        except NumeroInvalido:
            return sms  # a short code or a foreign sender: nobody to answer
        _travar_numero(numero)
        parametros = Parametros.atuais()
        desde = timezone.now() - timedelta(hours=1)
        respondidas = Mensagem.objects.filter(
            evento=Mensagem.Evento.RESPOSTA_SMS, destino=numero, criada_em__gte=desde
        ).count()
        if respondidas >= parametros.respostas_por_hora:
            sms.limite_atingido = True
            sms.save(update_fields=["limite_atingido"])
            log.warning(
                "SMS recebido %s de %s não respondido: limite de %s respostas por hora",
                sms.pk,
                celular_mascarar(numero),
                parametros.respostas_por_hora,
            )
            return sms
        ra, protocolo = _ra_do_protocolo(candidatos)
        if ra is not None and numero in _numeros_do_ra(ra):
            texto = _texto_resposta(ra, protocolo, parametros)
        else:
            ra, texto = None, RESPOSTA_NEUTRA.format(empresa=parametros.nome_empresa)
        sms.resposta = mensagem_sms_criar(
            destino=numero,
            texto=texto,
            evento=Mensagem.Evento.RESPOSTA_SMS,
            registro_atendimento=ra,
            modem=_modem_da_resposta(sms.modem),
            recusar_invalida=False,
        )
        sms.situacao = Situacao.RESPONDIDO
        sms.registro_atendimento = ra
        sms.tratado_em = timezone.now()
        sms.save(update_fields=["resposta", "situacao", "registro_atendimento", "tratado_em"])
    return sms


# --- what an attendant does on the "SMS recebidos" screen --------------------------------


def _travar_novo(sms: SmsRecebido) -> SmsRecebido:
    """The SMS under its row lock, refused if someone (or the auto-reply) treated it."""
    atual = (
        SmsRecebido.objects.select_for_update(of=("self",))
        .select_related("tratado_por")
        .get(pk=sms.pk)
    )
    if atual.situacao != Situacao.NOVO:
        raise RegraViolada(sms_recebido_ja_tratado(atual))
    return atual


def sms_recebido_ja_tratado(sms: SmsRecebido) -> str:
    quando = timezone.localtime(sms.tratado_em).strftime("%d/%m/%Y %H:%M") if sms.tratado_em else ""
    if sms.situacao == Situacao.RESPONDIDO:
        return f"Este SMS já foi respondido automaticamente em {quando}."
    quem = sms.tratado_por.get_full_name() or sms.tratado_por.username if sms.tratado_por else "—"
    feito = "anexado a um RA" if sms.situacao == Situacao.ANEXADO else "descartado"
    return f"Este SMS já foi tratado por {quem} em {quando} ({feito})."


def sms_recebido_anexar(*, sms: SmsRecebido, usuario, protocolo: str):
    """Attach an inbound SMS to an open RA as the requester's public message (the RA's
    interação pendente becomes interna). Returns the ``MensagemAtendimento``."""
    from atendimento.filters import protocolo_q
    from atendimento.models import MensagemAtendimento, RegistroAtendimento
    from atendimento.services.mensagens import registro_atendimento_mensagem_adicionar

    digitos = re.sub(r"[\s.\-/]", "", protocolo or "")
    if not digitos:
        raise RegraViolada("Informe o protocolo do RA.", campo="protocolo")
    if not digitos.isdigit() or len(digitos) > max(_LARGURAS):
        raise RegraViolada(
            f"“{protocolo.strip()}” não é um protocolo: são só números (até 20 dígitos).",
            campo="protocolo",
        )
    with transaction.atomic():
        sms = _travar_novo(sms)
        if not sms.texto.strip():
            raise RegraViolada(
                "Este SMS está vazio: não há o que anexar. Descarte-o com um motivo."
            )
        ra = RegistroAtendimento.objects.filter(protocolo_q(digitos)).first()
        if ra is None:
            raise RegraViolada(f"Não há RA com o protocolo {digitos}.", campo="protocolo")
        if ra.situacao == ra.Situacao.ENCERRADO:
            raise RegraViolada(
                f"O RA do protocolo {digitos} está encerrado: só RAs pendentes ou bloqueados "
                "recebem mensagens. Se o cidadão relata o problema de novo, abra um novo RA.",
                campo="protocolo",
            )
        mensagem = registro_atendimento_mensagem_adicionar(
            ra=ra,
            usuario=usuario,
            texto=sms.texto.strip(),
            visibilidade=MensagemAtendimento.Visibilidade.PUBLICA,
            do_solicitante=True,
        )
        sms.situacao = Situacao.ANEXADO
        sms.registro_atendimento = ra
        sms.tratado_por = usuario
        sms.tratado_em = timezone.now()
        sms.save(update_fields=["situacao", "registro_atendimento", "tratado_por", "tratado_em"])
    return mensagem


def sms_recebido_descartar(*, sms: SmsRecebido, usuario, motivo: str) -> SmsRecebido:
    motivo = (motivo or "").strip()
    if not motivo:
        raise RegraViolada("Informe o motivo do descarte.", campo="motivo")
    if len(motivo) > 300:
        raise RegraViolada(
            f"O motivo tem {len(motivo)} caracteres; o máximo é 300.", campo="motivo"
        )
    with transaction.atomic():
        sms = _travar_novo(sms)
        sms.situacao = Situacao.DESCARTADO
        sms.motivo_descarte = motivo
        sms.tratado_por = usuario
        sms.tratado_em = timezone.now()
        sms.save(update_fields=["situacao", "motivo_descarte", "tratado_por", "tratado_em"])
    return sms
