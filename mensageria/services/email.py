"""The e-mail channel: create an e-mail message, send it through Django's EMAIL_BACKEND.

Same pipeline as SMS: the ``Mensagem`` row (canal e-mail, no modem) is the truth,
the Celery queue ``email`` (:data:`FILA_EMAIL`) only carries "look at message N",
the send claims the row with a conditional UPDATE (a duplicate task never sends
twice) and every status change goes through ``_transitar``/``_transitar_se``.

SMTP outcomes: a 4xx reply, a refused/reset/timed-out connection or a server that
hangs up before the text was handed over are retried with back-off up to
``Parametros.email_max_tentativas``; a 5xx reply fails the message at once with the
server's words; a connection lost *after* the text was handed over (no final reply)
leaves it ``incerta``: the citizen may have it, so it is never resent blindly.
"""

import logging
import smtplib
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, models
from django.utils import timezone

from ..backends import ErroEnvio
from ..enderecos import EmailInvalido, email_normalizar
from ..models import Mensagem
from ..silencio import silencio_ate
from .mensagens import (
    FILA_EMAIL,
    Preparada,
    _adiar_no_silencio,
    _expirar_se,
    _parametros,
    _registrar_falha,
    _transitar_se,
    mensagem_preparada_gravar,
    mensagens_expirar,
)

log = logging.getLogger(__name__)
Status = Mensagem.Status
Classe = Mensagem.ClasseErro

__all__ = ["FILA_EMAIL", "email_enviar", "mensagem_email_criar"]


# --- creation --------------------------------------------------------------------


def mensagem_email_criar(
    *,
    destino: str,
    assunto: str,
    texto: str,
    texto_html: str = "",
    evento: str,
    usuario=None,
    registro_atendimento=None,
    origem_tipo: str = "",
    origem_id: int | None = None,
    recusar_invalida: bool = True,
) -> Mensagem:
    """Create an e-mail message and enqueue it (queue ``email``) on commit.

    With ``recusar_invalida`` (screens) a bad address or an empty text raises
    :class:`RegraViolada`; otherwise (automatic notifications) the message is
    stored as ``falhou`` with the reason, so it shows on the failed-messages screen.
    """
    preparada = email_preparar(destino=destino, assunto=assunto, texto=texto, texto_html=texto_html)
    return mensagem_preparada_gravar(
        preparada,
        recusar_invalida=recusar_invalida,
        evento=evento,
        registro_atendimento=registro_atendimento,
        origem_tipo=origem_tipo,
        origem_id=origem_id,
        usuario=usuario,
        modem=None,
    )


def email_preparar(*, destino: str, assunto: str, texto: str, texto_html: str = "") -> Preparada:
    """The rules of a new e-mail: the address normalized, the subject on one line, a
    text required."""
    problema, classe, campo = "", "", "destino"
    try:
        destino = email_normalizar(destino)
    except EmailInvalido as exc:
        problema, classe = str(exc), Classe.EMAIL
        destino = (destino or "").strip()[:254]
    # A header is one line: line breaks in a subject would be refused by the backend.
    assunto = " ".join((assunto or "").split())[:200]
    texto = texto or ""
    if not problema and not texto.strip():
        problema, classe, campo = "O e-mail não tem texto.", Classe.TEXTO, "texto"
    campos = {
        "canal": Mensagem.Canal.EMAIL,
        "destino": destino,
        "assunto": assunto,
        "texto": texto,
        "texto_html": texto_html or "",
    }
    return Preparada(campos, problema, classe, campo if problema else "")


# --- sending -----------------------------------------------------------------------


class _Sessao:
    """One connection of ``EMAIL_BACKEND``, opened on the first send and reused for
    the e-mails drained after it (one SMTP login per batch, not per message).

    For an SMTP backend it notes when the text starts being handed over (smtplib's
    ``data``): a connection lost after that point leaves the outcome unknown.
    """

    def __init__(self):
        self.backend = None
        self.dados_iniciados = False
        # False after a transient or uncertain failure: the server is not answering
        # well, so a drain stops (each message's own task tries it later).
        self.saudavel = True

    def enviar(self, email: EmailMultiAlternatives) -> None:
        self.dados_iniciados = False
        if self.backend is None:
            backend = get_connection(fail_silently=False)
            backend.open()
            self.backend = backend
            self._vigiar(backend)
        email.connection = self.backend
        email.send(fail_silently=False)
        if not self._smtp:
            self.fechar()  # file backend: one file per e-mail, easier to read

    @property
    def _smtp(self) -> bool:
        return isinstance(getattr(self.backend, "connection", None), smtplib.SMTP)

    def _vigiar(self, backend) -> None:
        conexao = getattr(backend, "connection", None)
        if not isinstance(conexao, smtplib.SMTP):
            return
        original = conexao.data

        def data(msg):
            self.dados_iniciados = True
            return original(msg)

        conexao.data = data

    def fechar(self) -> None:
        """Close quietly: after an error the connection's state is unknown."""
        backend, self.backend = self.backend, None
        if backend is None:
            return
        try:
            backend.close()
        except Exception:  # a broken connection cannot even say goodbye
            log.debug("Conexão de e-mail fechada com erro", exc_info=True)
        if getattr(backend, "connection", None) is not None:
            backend.connection = None


def _resposta(codigo: int, texto) -> str:
    if isinstance(texto, bytes):
        texto = texto.decode("utf-8", errors="replace")
    return f"{codigo} {' '.join(str(texto).split())}".strip()


def email_classificar(exc: BaseException, *, dados_iniciados: bool) -> ErroEnvio:
    """What a failed send means: a ``Mensagem.ClasseErro`` value and the reason shown.

    SMTP reply codes decide when the server answered (4xx: try again later, 5xx:
    refused for good); without an answer, a failure before the text was handed over
    is transient and one after it is uncertain (the server may have accepted it).
    """
    codigo, texto = None, ""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        codigo, texto = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        codigo, texto = exc.smtp_code, exc.smtp_error
    if isinstance(codigo, int) and 400 <= codigo < 600:
        resposta = _resposta(codigo, texto)
        if codigo >= 500:
            return ErroEnvio(
                f"O servidor de e-mail recusou: {resposta}"[:300], classe=Classe.SMTP, codigo=codigo
            )
        return ErroEnvio(
            f"O servidor de e-mail pediu para tentar mais tarde: {resposta}"[:300],
            classe=Classe.TEMPORARIO,
            codigo=codigo,
        )
    detalhe = " ".join(str(exc).split()) or exc.__class__.__name__
    if dados_iniciados:
        return ErroEnvio(
            "A conexão com o servidor de e-mail caiu durante a entrega do texto, sem "
            f"confirmação ({detalhe}); o e-mail pode ter sido entregue."[:300],
            classe=Classe.INCERTO,
        )
    if isinstance(exc, OSError):  # refused, reset, timed out, name not found, TLS…
        return ErroEnvio(
            f"Sem conexão com o servidor de e-mail ({detalhe})."[:300], classe=Classe.TEMPORARIO
        )
    # An unforeseen failure: we cannot know whether the text left, so never resend blindly.
    return ErroEnvio(f"Falha inesperada no envio do e-mail: {exc!r}"[:300], classe=Classe.INCERTO)


def _email(mensagem: Mensagem) -> EmailMultiAlternatives:
    remetente = settings.DEFAULT_FROM_EMAIL
    dominio = remetente.rpartition("@")[2].strip("> ") or "localhost"
    email = EmailMultiAlternatives(
        subject=mensagem.assunto,
        body=mensagem.texto,
        from_email=remetente,
        to=[mensagem.destino],
        # The same Message-ID on every attempt: a reader's mail client shows a
        # message that did arrive twice (after a supervisor's resend) only once.
        headers={"Message-ID": f"<mensagem.{mensagem.pk}@{dominio}>"},
    )
    if mensagem.texto_html:
        email.attach_alternative(mensagem.texto_html, "text/html")
    return email


def _enviar_um(mensagem: Mensagem, sessao: _Sessao) -> str | None:
    """Claim and send one e-mail; the status it ended in, or None (nothing to do)."""
    agora = timezone.now()
    if (
        mensagem.canal != Mensagem.Canal.EMAIL
        or mensagem.status != Status.PENDENTE
        or (mensagem.proxima_tentativa_em and mensagem.proxima_tentativa_em > agora)
    ):
        return None
    if _expirar_se(mensagem, agora):
        return Status.DESCARTADA
    if _adiar_no_silencio(mensagem, agora):
        return None
    reclamada = (
        Mensagem.objects.filter(pk=mensagem.pk, status=Status.PENDENTE)
        .filter(models.Q(valida_ate__isnull=True) | models.Q(valida_ate__gte=agora))
        .update(
            status=Status.ENVIANDO,
            enviando_desde=agora,
            tentativas=models.F("tentativas") + 1,
            atualizada_em=agora,
        )
    )
    if not reclamada:
        return None  # another run got it first
    return _entregar(mensagem, sessao)


def _entregar(mensagem: Mensagem, sessao: _Sessao) -> str:
    """Send a message this run has claimed (``enviando``) and record the outcome."""
    try:
        sessao.enviar(_email(mensagem))
    except Exception as exc:
        erro = email_classificar(exc, dados_iniciados=sessao.dados_iniciados)
        sessao.saudavel = erro.classe not in (Classe.TEMPORARIO, Classe.INCERTO)
        if erro.classe == Classe.INCERTO and not isinstance(exc, OSError):
            log.exception("Falha inesperada ao enviar o e-mail %s", mensagem.pk)
        sessao.fechar()
        return _registrar_falha(mensagem.pk, None, erro)
    concluida = _transitar_se(
        mensagem.pk,
        Status.ENVIANDO,
        Status.ENVIADA,
        enviada_em=timezone.now(),
        erro_codigo=None,
        erro_texto="",
        erro_classe="",
    )
    if not concluida:  # the sweep declared it incerta meanwhile
        return Mensagem.objects.values_list("status", flat=True).get(pk=mensagem.pk)
    return Status.ENVIADA


def _reclamar_proxima() -> Mensagem | None:
    """Claim the oldest due pending e-mail in one statement and return it (``enviando``).

    On PostgreSQL the candidate is taken ``FOR UPDATE SKIP LOCKED``: workers draining
    at the same time each get a different message instead of racing for the same one.
    Events held by quiet hours now are left to their own task (which postpones them);
    messages past their ``valida_ate`` are never claimed (the drain discards them first).
    """
    agora = timezone.now()
    parametros = _parametros()
    retidos = [e for e in Mensagem.Evento.values if silencio_ate(e, agora, parametros=parametros)]
    ops = connection.ops
    tabela = ops.quote_name(Mensagem._meta.db_table)
    instante = ops.adapt_datetimefield_value(agora)
    fora = f"AND evento NOT IN ({', '.join(['%s'] * len(retidos))})" if retidos else ""
    pular = connection.features.has_select_for_update_skip_locked
    trava = "FOR UPDATE SKIP LOCKED" if pular else ""
    sql = f"""
        UPDATE {tabela}
           SET status = %s, enviando_desde = %s, atualizada_em = %s, tentativas = tentativas + 1
         WHERE status = %s AND id = (
               SELECT id FROM {tabela}
                WHERE canal = %s AND status = %s
                  AND (proxima_tentativa_em IS NULL OR proxima_tentativa_em <= %s)
                  AND (valida_ate IS NULL OR valida_ate >= %s) {fora}
                ORDER BY criada_em, id LIMIT 1 {trava})
        RETURNING *
    """  # only the table name and placeholders are formatted into the SQL
    valores = [Status.ENVIANDO, instante, instante, Status.PENDENTE]
    valores += [Mensagem.Canal.EMAIL, Status.PENDENTE, instante, instante, *retidos]
    return next(iter(Mensagem.objects.raw(sql, valores)), None)


def email_enviar(*, mensagem: Mensagem, drenar_ate: float | None = None) -> str | None:
    """Send one pending e-mail. Safe to run twice: the claim is atomic.

    With ``drenar_ate`` (a ``time.monotonic()`` deadline) it then sends the other
    due e-mails, oldest first, through the same connection, until none is due, the
    deadline passes or the server stops answering (their own tasks then find them
    sent and do nothing). Returns the status this message ended in, or None.
    """
    sessao = _Sessao()
    try:
        resultado = _enviar_um(mensagem, sessao)
        if drenar_ate is not None:
            mensagens_expirar(
                Mensagem.objects.filter(canal=Mensagem.Canal.EMAIL, status=Status.PENDENTE)
            )
        while drenar_ate is not None and sessao.saudavel and time.monotonic() < drenar_ate:
            outra = _reclamar_proxima()
            if outra is None:
                break
            _entregar(outra, sessao)
        return resultado
    finally:
        sessao.fechar()
