"""Alerts to supervisors: a modem paused, a message waiting too long, no modem at all.

Each episode is one open ``Alerta`` row (unique per tipo + chave while open): the
e-mail goes when it opens, never again while it stays open, and the row is
resolved when the condition clears (the modem resumed, the queue drained). The
sweep evaluates every minute (``alertas_avaliar_task``) and a pause evaluates at
once. Alert e-mails ignore quiet hours (``silencio.EVENTOS_SEMPRE_IMEDIATOS``)
and are themselves left out of the "waiting too long" count.
"""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce, Greatest
from django.template.defaultfilters import pluralize
from django.utils import timezone

from core.papeis import SUPERVISOR

from ..models import Alerta, Mensagem, Modem, Parametros

log = logging.getLogger(__name__)
Status = Mensagem.Status
Tipo = Alerta.Tipo


def _mensagens(n: int) -> str:
    return f"{n} mensage{pluralize(n, 'm,ns')}"


def _quando(valor) -> str:
    return timezone.localtime(valor).strftime("%d/%m/%Y %H:%M")


def _em_espera():
    """Pending messages a person waits for (not the alert e-mails themselves)."""
    return Mensagem.objects.filter(status=Status.PENDENTE).exclude(evento=Mensagem.Evento.ALERTA)


def _situacao_modem(modem: Modem) -> str:
    if modem.pausado:
        return f"{modem.nome} (pausado: {modem.motivo_pausa or 'sem motivo informado'})"
    if modem.drenando:
        return f"{modem.nome} (drenando)"
    if modem.sem_worker:
        return f"{modem.nome} (sem worker)"
    return modem.nome


def _condicoes(agora, parametros: Parametros) -> tuple[dict, dict]:
    """What holds now: ``(abrir, manter)``, each ``{(tipo, chave): (titulo, texto)}``.

    ``manter`` may be wider than ``abrir`` (hysteresis): an old-queue alert stays
    open until the oldest wait falls under half the limit, so a queue hovering
    around the limit does not send an e-mail every minute.
    """
    from .mensagens import _modem_escolher

    abrir: dict = {}
    espera = _em_espera()
    contagem = espera.aggregate(
        sms=Count("pk", filter=Q(canal=Mensagem.Canal.SMS)),
        email=Count("pk", filter=Q(canal=Mensagem.Canal.EMAIL)),
    )
    sms_total = contagem["sms"]
    ativos = list(Modem.objects.filter(ativo=True).order_by("nome"))
    por_modem = dict(
        espera.filter(canal=Mensagem.Canal.SMS, modem__isnull=False)
        .order_by()
        .values_list("modem")
        .annotate(n=Count("pk"))
    )
    livres = [m.nome for m in ativos if m.disponivel and not m.sem_worker and not m.drenando]

    for modem in ativos:
        if not modem.pausado:
            continue
        n = por_modem.get(modem.pk, 0)
        outros = [nome for nome in livres if nome != modem.nome]
        if n and outros:
            espera_nele = f"Em espera nele: {_mensagens(n)}; passam para {', '.join(outros)}."
        elif n:
            espera_nele = (
                f"Em espera nele: {_mensagens(n)}; nenhum outro modem está disponível: "
                "esperam, nenhuma se perde."
            )
        else:
            disponiveis = (
                f"disponíve{pluralize(len(outros), 'l,is')}: {', '.join(outros)}"
                if outros
                else "nenhum outro modem está disponível"
            )
            espera_nele = f"Nenhuma mensagem espera nele; {disponiveis}."
        abrir[(Tipo.MODEM_PAUSADO, str(modem.pk))] = (
            f"Modem {modem.nome} pausado",
            f"O modem {modem.nome} está pausado desde {_quando(modem.pausado_em)}. "
            f"Motivo: {modem.motivo_pausa or 'não informado'}. {espera_nele} "
            f"Total de SMS em espera: {sms_total}.",
        )

    if sms_total and _modem_escolher() is None:
        situacao = "; ".join(_situacao_modem(m) for m in ativos) or "nenhum modem ativo"
        abrir[(Tipo.SEM_MODEM, "")] = (
            "Nenhum modem disponível",
            f"Nenhum modem disponível para enviar SMS ({situacao}). "
            f"{sms_total} SMS esperam; nenhum se perde: saem quando um modem voltar.",
        )

    manter = dict(abrir)
    limite = timedelta(minutes=parametros.alerta_espera_minutos)
    desde = (
        espera.filter(Q(proxima_tentativa_em__isnull=True) | Q(proxima_tentativa_em__lte=agora))
        .annotate(
            devida=Greatest(F("criada_em"), Coalesce(F("proxima_tentativa_em"), F("criada_em")))
        )
        .aggregate(mais_antiga=Min("devida"))["mais_antiga"]
    )
    if desde is not None:
        aguarda = agora - desde
        minutos = int(aguarda.total_seconds() // 60)
        partes = [f"{contagem['sms']} SMS"]
        if contagem["email"]:
            partes.append(f"{contagem['email']} e-mail{pluralize(contagem['email'])}")
        texto = (
            f"A mensagem mais antiga em espera aguarda há {minutos} min "
            f"(limite: {parametros.alerta_espera_minutos} min). Em espera: {' e '.join(partes)}."
        )
        chave = (Tipo.FILA_ANTIGA, "")
        if aguarda > limite:
            abrir[chave] = ("Mensagem esperando demais", texto)
        if aguarda > limite / 2:
            manter[chave] = ("Mensagem esperando demais", texto)
    return abrir, manter


def supervisores_com_email():
    """Active users of the Supervisor role with an e-mail address."""
    return (
        get_user_model()
        .objects.filter(groups__name=SUPERVISOR, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _avisar(novos: list[Alerta], parametros: Parametros) -> int:
    """One e-mail per supervisor listing the episodes that just opened. Returns how many."""
    from .email import mensagem_email_criar

    if len(novos) == 1:
        assunto = f"[{parametros.nome_empresa}] Alerta: {novos[0].titulo}"
    else:
        assunto = f"[{parametros.nome_empresa}] {len(novos)} alertas: " + "; ".join(
            a.titulo for a in novos
        )
    linhas = [f"- {a.titulo}: {a.texto}" for a in novos]
    texto = (
        "Alerta da mensageria (SMS e e-mail) do atendimento:\n\n"
        + "\n".join(linhas)
        + "\n\nVeja a tela Modems SMS. Este aviso não se repete enquanto o problema durar; "
        "um novo aviso vem se ele voltar depois de resolvido."
    )
    enviados = 0
    for usuario in supervisores_com_email():
        mensagem_email_criar(
            destino=usuario.email,
            assunto=assunto,
            texto=texto,
            evento=Mensagem.Evento.ALERTA,
            origem_tipo="alerta",
            origem_id=novos[0].pk,
            recusar_invalida=False,
        )
        enviados += 1
    if not enviados:
        log.warning("Alerta sem destinatário (nenhum supervisor ativo com e-mail): %s", assunto)
    return enviados


def alertas_avaliar() -> dict:
    """Open the alerts whose condition holds (one e-mail per supervisor for the new
    ones) and resolve the open ones whose condition cleared.

    Safe to run concurrently (the sweep and a pause): the open-alert unique
    constraint lets one run open an episode; the other skips it and sends nothing.
    """
    agora = timezone.now()
    parametros = Parametros.atuais()
    abrir, manter = _condicoes(agora, parametros)
    resumo = {"abertos": 0, "resolvidos": 0, "emails": 0}
    abertos = {(a.tipo, a.chave): a for a in Alerta.objects.filter(resolvido_em__isnull=True)}
    for chave, alerta in abertos.items():
        if chave in manter:
            continue
        if Alerta.objects.filter(pk=alerta.pk, resolvido_em__isnull=True).update(
            resolvido_em=agora
        ):
            resumo["resolvidos"] += 1
            if alerta.tipo == Tipo.MODEM_PAUSADO and alerta.chave.isdigit():
                Modem.objects.filter(pk=int(alerta.chave)).update(alerta_pausa_em=None)
    novos = []
    with transaction.atomic():
        for (tipo, chave), (titulo, texto) in abrir.items():
            if (tipo, chave) in abertos:
                continue
            try:
                with transaction.atomic():
                    alerta = Alerta.objects.create(tipo=tipo, chave=chave, texto=texto[:500])
            except IntegrityError:
                continue  # opened meanwhile by another run: it sends the e-mail
            alerta.titulo = titulo
            novos.append(alerta)
            if tipo == Tipo.MODEM_PAUSADO:
                Modem.objects.filter(pk=int(chave)).update(alerta_pausa_em=agora)
        if novos:
            resumo["emails"] = _avisar(novos, parametros)
    resumo["abertos"] = len(novos)
    if resumo["abertos"] or resumo["resolvidos"]:
        log.info("Alertas: %s", resumo)
    return resumo


def alertas_avaliar_seguro() -> None:
    """For the pause and resume paths: an alert failure must never undo or block them."""
    try:
        with transaction.atomic():
            alertas_avaliar()
    except Exception:
        log.exception("Falha ao avaliar os alertas da mensageria")
