"""What an RA sends, when and to whom (SMS and e-mail).

Contract with atendimento's services: each function is called inside the RA
service's transaction, so the message rows commit with the change that caused
them; sending is enqueued on commit. A message that cannot go (bad number, text
too long) is stored as ``falhou`` with the reason and never breaks the RA change.
The decisions (flags, consent, destinations) live in ``mensageria.selectors``, which
the screens show, so a screen cannot disagree with what is sent.
"""

import logging

from django.utils import timezone
from django.utils.html import escape

from .. import texto as texto_sms
from ..links import link_consulta, link_do_ra, molde_sem_link
from ..models import MODELOS_PADRAO, Mensagem, ModeloMensagem, Parametros, especificacao_no_sms
from ..selectors import (
    EVENTOS_ABERTURA,
    EVENTOS_ENCERRAMENTO,
    email_ra_previsao_do_ra,
    sms_ra_destinos,
    sms_ra_previsao,
)
from .email import mensagem_email_criar
from .mensagens import _parametros, _problema_texto, mensagem_sms_criar

log = logging.getLogger(__name__)

EVENTOS_RA = {*EVENTOS_ABERTURA, *EVENTOS_ENCERRAMENTO}
ASSUNTO_PADRAO = "{empresa}: protocolo {protocolo}"
RETICENCIAS = "..."  # GSM-7: "…" would turn the whole SMS into UCS-2
_MOTIVO_DO_EVENTO = {
    "ra_atendido": "executado",
    "ra_nao_executado": "nao_executado",
    "ra_duplicidade": "duplicidade",
}


# --- texts ---------------------------------------------------------------------------


def _modelo(evento: str) -> ModeloMensagem | None:
    return ModeloMensagem.objects.filter(evento=evento, ativo=True).first()


def _molde_sms(ra, evento: str, modelo: ModeloMensagem | None) -> str:
    proprio = {
        "ra_aberto": ra.especificacao.texto_abertura,
        "ra_atendido": ra.especificacao.texto_encerramento,
    }.get(evento, "")
    return proprio or (modelo.texto if modelo else MODELOS_PADRAO[evento])


def _valores(ra, parametros: Parametros, *, sms: bool) -> dict:
    nome = ra.especificacao.nome
    return {
        "protocolo": ra.protocolo,
        "especificacao": especificacao_no_sms(nome) if sms else nome,
        "data_prevista": timezone.localtime(ra.data_prevista_atual).strftime("%d/%m/%Y"),
        "empresa": parametros.nome_empresa,
        "mensagem": "",
        "situacao": ra.get_situacao_display(),
        "link": link_do_ra(ra),
    }


def _formatar(molde: str, valores: dict, *, padrao: str, evento: str) -> str:
    if not valores.get("link"):  # no URL_PUBLICA: no "Acompanhe:" left hanging
        molde, padrao = molde_sem_link(molde), molde_sem_link(padrao)
    try:
        return molde.format(**valores)
    except (KeyError, IndexError, ValueError, AttributeError):
        # Texts are validated on save (validar_modelo_sms); one stored before that must
        # still not block the RA: fall back to the default, and say so in the log.
        log.warning("Texto de mensagem inválido (%s): usado o padrão", evento)
        return padrao.format(**valores)


def _cabe(texto: str, parametros: Parametros) -> bool:
    preparado = texto_sms.preparar(texto, transliterar_acentos=parametros.transliterar)
    return not _problema_texto(preparado, parametros)


def _sms_com_mensagem(molde: str, valores: dict, mensagem: str, parametros, *, evento) -> str:
    """The SMS with ``{mensagem}`` as long as the maximum length allows, counted in the
    real encoding of the whole text (one accent anywhere makes it UCS-2), ending in an
    ellipsis when cut. The fixed part alone is checked when the template is saved."""
    mensagem = " ".join(texto_sms.limpar(mensagem).split())

    def montar(corpo: str) -> str:
        return _formatar(
            molde, {**valores, "mensagem": corpo}, padrao=MODELOS_PADRAO[evento], evento=evento
        )

    inteiro = montar(mensagem)
    if _cabe(inteiro, parametros):
        return inteiro
    # Longer cuts never take fewer units: the longest one that fits, by bisection.
    menor, maior = 0, len(mensagem) - 1
    while menor < maior:
        meio = (menor + maior + 1) // 2
        if _cabe(montar(mensagem[:meio].rstrip() + RETICENCIAS), parametros):
            menor = meio
        else:
            maior = meio - 1
    if menor == 0:
        return inteiro  # not even the fixed part fits: stored as failed with the reason
    return montar(mensagem[:menor].rstrip() + RETICENCIAS)


def _texto_sms(ra, evento: str, parametros: Parametros, *, mensagem: str = "") -> str:
    modelo = _modelo(evento)
    molde = _molde_sms(ra, evento, modelo)
    valores = _valores(ra, parametros, sms=True)
    texto = _texto_sms_com(molde, valores, parametros, evento=evento, mensagem=mensagem)
    curto = link_consulta(ra.protocolo)
    if valores["link"] != curto and not _cabe(texto, parametros):
        # A portal contact's link is longer than the status page's, which the template
        # was checked against when saved: rather the short link than a failed SMS.
        valores["link"] = curto
        texto = _texto_sms_com(molde, valores, parametros, evento=evento, mensagem=mensagem)
    return texto


def _texto_sms_com(molde, valores, parametros, *, evento, mensagem) -> str:
    if "{mensagem}" in molde or evento == "ra_mensagem":
        return _sms_com_mensagem(molde, valores, mensagem, parametros, evento=evento)
    return _formatar(molde, valores, padrao=MODELOS_PADRAO[evento], evento=evento)


def _textos_email(ra, evento: str, parametros: Parametros, *, mensagem: str = ""):
    """(subject, plain text, HTML) of an RA event's e-mail, from the event's template:
    empty fields fall back to "{empresa}: protocolo {protocolo}", the SMS text (whole,
    not cut) and no HTML. In the HTML every value is escaped (a citizen's text or a
    name cannot inject markup) and line breaks become <br>."""
    modelo = _modelo(evento)
    valores = {**_valores(ra, parametros, sms=False), "mensagem": (mensagem or "").strip()}
    assunto = _formatar(
        (modelo.assunto_email if modelo else "") or ASSUNTO_PADRAO,
        valores,
        padrao=ASSUNTO_PADRAO,
        evento=evento,
    )
    texto = _formatar(
        (modelo.texto_email if modelo else "") or _molde_sms(ra, evento, modelo),
        valores,
        padrao=MODELOS_PADRAO[evento],
        evento=evento,
    )
    html = ""
    if modelo and modelo.html_email:
        seguros = {c: escape(v).replace("\n", "<br>\n") for c, v in valores.items()}
        html = _formatar(modelo.html_email, seguros, padrao="", evento=evento)
    return assunto, texto, html


# --- creating the messages -------------------------------------------------------------


def _sms_criar(ra, *, evento, destinos, texto, origem_tipo="", origem_id=None) -> list[Mensagem]:
    return [
        mensagem_sms_criar(
            destino=destino,
            texto=texto,
            evento=evento,
            registro_atendimento=ra,
            origem_tipo=origem_tipo,
            origem_id=origem_id,
            recusar_invalida=False,
        )
        for destino in destinos
    ]


def _email_criar(ra, *, evento, mensagem="", origem_tipo="", origem_id=None) -> list[Mensagem]:
    previsao = email_ra_previsao_do_ra(ra, evento=evento)
    if not previsao.envia:
        return []
    assunto, texto, html = _textos_email(ra, evento, _parametros(), mensagem=mensagem)
    return [
        mensagem_email_criar(
            destino=previsao.destino,
            assunto=assunto,
            texto=texto,
            texto_html=html,
            evento=evento,
            registro_atendimento=ra,
            origem_tipo=origem_tipo,
            origem_id=origem_id,
            recusar_invalida=False,
        )
    ]


def _encerramento_confere(ra, evento: str) -> bool:
    """A closing notice only for an RA closed with the matching kind of motivo ("Concluído.
    Obrigado!" would be false for one closed as not executed, or not closed at all)."""
    motivo = ra.motivo_encerramento
    if ra.situacao != ra.Situacao.ENCERRADO or motivo is None:
        return False
    return motivo.tipo == _MOTIVO_DO_EVENTO[evento]


def registro_atendimento_avisar(*, ra, evento: str) -> list[Mensagem]:
    """Create every message an RA event sends: ``ra_aberto`` / ``ra_existente`` (the
    protocol) to the requester; a closing notice (``ra_atendido`` only when executed,
    ``ra_nao_executado`` / ``ra_duplicidade`` when the especificação asks for them) to
    the requester and every number that received a protocol SMS of this RA, once each.
    Returns the messages created (none when the especificação or consent says no)."""
    if evento not in EVENTOS_RA:
        raise ValueError(f"evento desconhecido: {evento}")
    if evento in EVENTOS_ENCERRAMENTO and not _encerramento_confere(ra, evento):
        return []
    mensagens = []
    if destinos := sms_ra_destinos(ra, evento=evento):
        texto = _texto_sms(ra, evento, _parametros())
        mensagens += _sms_criar(ra, evento=evento, destinos=destinos, texto=texto)
    return mensagens + _email_criar(ra, evento=evento)


def registro_atendimento_notificar(*, ra, evento: str) -> Mensagem | None:
    """:func:`registro_atendimento_avisar`, returning the first SMS created (the
    requester's, when it goes) or None."""
    mensagens = registro_atendimento_avisar(ra=ra, evento=evento)
    return next((m for m in mensagens if m.canal == Mensagem.Canal.SMS), None)


def reiteracao_notificar(*, reiteracao) -> Mensagem | None:
    """A reiteração or new contact recorded on an RA: its caller gets the RA's protocol
    by SMS (event ``ra_existente``), as an opening requester does, when the especificação
    sends SMS on opening and the caller left a mobile. Linked to the RA, so the closing
    notice reaches this number too."""
    ra = reiteracao.ra
    previsao = sms_ra_previsao(
        especificacao=ra.especificacao,
        telefone=reiteracao.solicitante_telefone,
        evento="ra_existente",
    )
    if not previsao.destino:
        return None
    [mensagem] = _sms_criar(
        ra,
        evento="ra_existente",
        destinos=[previsao.destino],
        texto=_texto_sms(ra, "ra_existente", _parametros()),
        origem_tipo="reiteracao",
        origem_id=reiteracao.pk,
    )
    return mensagem


def registro_atendimento_mensagem_notificar(*, mensagem) -> list[Mensagem]:
    """A public message an attendant wrote on an RA goes to the requester (event
    ``ra_mensagem``) by SMS (cut to the SMS limit) and by e-mail (whole), as consent
    allows. Each row is linked to the message (``origem_tipo="ra_mensagem"``,
    ``origem_id``) so the timeline shows its deliveries under it."""
    ra = mensagem.ra
    if mensagem.do_solicitante or mensagem.visibilidade != mensagem.Visibilidade.PUBLICA:
        return []
    origem = {"origem_tipo": "ra_mensagem", "origem_id": mensagem.pk}
    mensagens = []
    if destinos := sms_ra_destinos(ra, evento="ra_mensagem"):
        texto = _texto_sms(ra, "ra_mensagem", _parametros(), mensagem=mensagem.texto)
        mensagens += _sms_criar(ra, evento="ra_mensagem", destinos=destinos, texto=texto, **origem)
    return mensagens + _email_criar(ra, evento="ra_mensagem", mensagem=mensagem.texto, **origem)
