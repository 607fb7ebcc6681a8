"""The RA's timeline: every event from every table, oldest first."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from atendimento.models import EventoRA, MensagemAtendimento
from atendimento.selectors.visibilidade import (
    formatar_telefone,
    mascarar_telefone,
    ve_dados_pessoais,
)
from core.dados_pessoais import email_mascarar


@dataclass
class ItemLinhaTempo:
    data: datetime.datetime
    tipo: str
    titulo: str
    icone: str = "bi-dot"
    descricao: str = ""
    usuario: object = None
    autor: str = ""  # who wrote it when no staff user did (a portal account's name)
    detalhes: list = field(default_factory=list)
    anexo: object = None
    link: tuple | None = None  # (URL name, pk) of the row's own page
    classe: str = ""
    ordem: int = 0
    # A public message's deliveries: {"texto", "classe"} per SMS / e-mail sent for it.
    entregas: list = field(default_factory=list)


# Events whose detail lives in its own table: the timeline shows the richer row.
_EVENTOS_COM_TABELA = {
    EventoRA.Tipo.TRAMITE,
    EventoRA.Tipo.REITERACAO,
    EventoRA.Tipo.CONTATO,
    EventoRA.Tipo.RELATO,
    EventoRA.Tipo.MENSAGEM,
    EventoRA.Tipo.ANEXO,
    EventoRA.Tipo.ORDEM_SERVICO,
}

_ICONES = {
    EventoRA.Tipo.ABERTURA: "bi-flag",
    EventoRA.Tipo.ENCERRAMENTO: "bi-check2-circle",
    EventoRA.Tipo.REATIVACAO: "bi-arrow-counterclockwise",
    EventoRA.Tipo.ASSUNCAO: "bi-person-check",
    EventoRA.Tipo.ENCAMINHAMENTO: "bi-person-up",
    EventoRA.Tipo.DESBLOQUEIO: "bi-unlock",
    EventoRA.Tipo.PRORROGACAO: "bi-calendar-plus",
    EventoRA.Tipo.PAUSA: "bi-pause-circle",
    EventoRA.Tipo.RETOMADA: "bi-play-circle",
    EventoRA.Tipo.ALTERACAO: "bi-pencil-square",
}


def _itens_eventos(ra):
    eventos = ra.eventos.exclude(tipo__in=_EVENTOS_COM_TABELA).select_related("usuario")
    for e in eventos:
        detalhes = []
        if e.tipo == EventoRA.Tipo.ALTERACAO and isinstance(e.dados, dict):
            for campo, valores in (e.dados.get("campos") or e.dados).items():
                if isinstance(valores, list | tuple) and len(valores) == 2:
                    detalhes.append(f"{campo}: {valores[0] or '—'} → {valores[1] or '—'}")
        yield ItemLinhaTempo(
            data=e.data,
            tipo=e.tipo,
            titulo=e.get_tipo_display(),
            icone=_ICONES.get(e.tipo, "bi-dot"),
            descricao=e.descricao,
            usuario=e.usuario,
            detalhes=detalhes,
            ordem=0 if e.tipo == EventoRA.Tipo.ABERTURA else 2,
        )


def _itens_tramites(ra):
    for t in ra.tramites.select_related("unidade_origem", "unidade_destino", "usuario"):
        yield ItemLinhaTempo(
            data=t.data,
            tipo="tramite",
            titulo=f"Trâmite {t.unidade_origem.sigla} → {t.unidade_destino.sigla}",
            icone="bi-arrow-left-right",
            descricao=t.parecer,
            usuario=t.usuario,
            ordem=1,
        )


def _itens_reiteracoes(ra, dados_pessoais):
    for r in ra.reiteracoes.select_related("usuario"):
        telefone = r.solicitante_telefone
        telefone = formatar_telefone(telefone) if dados_pessoais else mascarar_telefone(telefone)
        if r.tipo == r.Tipo.RELATO:
            # A citizen's report linked in the triage: what they wrote, who triaged it.
            yield ItemLinhaTempo(
                data=r.data,
                tipo=r.tipo,
                titulo=f"Relato de cidadão vinculado — protocolo {r.protocolo}",
                icone="bi-geo-alt",
                descricao=r.observacao,
                usuario=r.usuario,
                detalhes=[f"Cidadão: {r.solicitante_nome}"]
                + ([f"Celular: {telefone}"] if telefone else []),
            )
            continue
        contato = r.tipo == r.Tipo.CONTATO
        yield ItemLinhaTempo(
            data=r.data,
            tipo=r.tipo,
            titulo=f"{r.get_tipo_display()} — protocolo {r.protocolo}",
            icone="bi-telephone-inbound" if contato else "bi-megaphone",
            descricao=r.observacao,
            usuario=r.usuario,
            detalhes=[f"{'Quem ligou' if contato else 'Quem reiterou'}: {r.solicitante_nome}"]
            + ([f"Telefone: {telefone}"] if telefone else []),
            classe="" if contato else "text-danger",
        )


def _itens_mensagens(ra, entregas):
    for m in ra.mensagens.select_related("autor"):
        interna = m.visibilidade == MensagemAtendimento.Visibilidade.INTERNA
        # The requester's own words come with no staff author only from the portal (an
        # inbound SMS is attached by an attendant, who is its ``autor``).
        pelo_portal = m.do_solicitante and m.autor_id is None
        if pelo_portal:
            titulo = "Mensagem do solicitante pelo portal"
        elif m.do_solicitante:
            titulo = "Mensagem do solicitante"
        elif interna:
            titulo = "Nota interna"
        else:
            titulo = "Mensagem ao solicitante"
        yield ItemLinhaTempo(
            data=m.data,
            tipo="mensagem_interna" if interna else "mensagem",
            titulo=titulo,
            icone="bi-lock" if interna else "bi-chat-left-text",
            descricao=m.texto,
            usuario=m.autor,
            autor=m.autor_nome if pelo_portal else "",
            detalhes=["Só a equipe vê: o cliente não vê esta nota."] if interna else [],
            entregas=entregas.get(m.pk, []),
        )


def _itens_anexos(ra):
    for a in ra.anexos.select_related("usuario"):
        # Only the portal sends the requester's files (with the contact or later); its
        # system user opened the contact and is no one to show.
        quem = "Enviado pelo solicitante pelo portal" if a.do_solicitante else "Enviado pela equipe"
        ve = "O cliente vê no portal" if a.publico else "Só a equipe vê"
        yield ItemLinhaTempo(
            data=a.data,
            tipo="anexo",
            titulo="Anexo",
            icone="bi-paperclip",
            descricao=a.nome_original,
            usuario=None if a.do_solicitante else a.usuario,
            detalhes=[f"{quem} · {ve}"],
            anexo=a,
        )


def _itens_ordens_servico(ra):
    from ordens_servico.models import EventoOS, OrdemServico

    ordens = list(
        OrdemServico.objects.filter(ra=ra).select_related(
            "tipo_servico", "usuario_geracao", "equipe"
        )
    )
    if not ordens:
        return
    eventos = defaultdict(list)
    for evento in EventoOS.objects.filter(os__ra=ra).select_related("usuario"):
        eventos[evento.os_id].append(evento)
    for os_ in ordens:
        link = ("ordens_servico:detalhe", os_.pk)
        if eventos[os_.pk]:
            for e in eventos[os_.pk]:
                yield ItemLinhaTempo(
                    data=e.data,
                    tipo="os",
                    titulo=f"OS {os_.pk} — {e.get_tipo_display().lower()}",
                    icone="bi-tools",
                    descricao=e.descricao,
                    usuario=e.usuario,
                    detalhes=[str(os_.tipo_servico)],
                    link=link,
                    ordem=1,
                )
            continue
        # An OS without its own history (older rows): what its dates tell.
        yield ItemLinhaTempo(
            data=os_.data_geracao,
            tipo="os",
            titulo=f"OS {os_.pk} gerada — {os_.tipo_servico}",
            icone="bi-tools",
            usuario=os_.usuario_geracao,
            detalhes=[f"Situação atual: {os_.get_situacao_display()}"]
            + ([f"Equipe: {os_.equipe}"] if os_.equipe_id else []),
            link=link,
            ordem=1,
        )
        if os_.data_encerramento:
            yield ItemLinhaTempo(
                data=os_.data_encerramento,
                tipo="os",
                titulo=f"OS {os_.pk} encerrada — {os_.get_situacao_display()}",
                icone="bi-tools",
                descricao=os_.parecer,
                link=link,
            )


def _itens_sms(ra, mensagens, dados_pessoais):
    """The RA's other messages (protocol, closing notice…), each with the same delivery
    line as a public message's: channel, destination, status, delivery report."""
    for msg in mensagens:
        yield ItemLinhaTempo(
            data=msg.enviada_em or msg.criada_em,
            tipo="sms",
            titulo=f"{msg.get_evento_display()} ({msg.get_canal_display()})",
            icone="bi-envelope" if msg.canal == "email" else "bi-phone",
            descricao=f"{msg.assunto}: {msg.texto}" if msg.assunto else msg.texto,
            detalhes=[f"{msg.partes} partes"] if msg.partes > 1 else [],
            entregas=[_entrega(msg, dados_pessoais)],
        )


def _entrega(msg, dados_pessoais) -> dict:
    """One delivery of a public message, as a line under it: "Enviada por SMS para
    (81) *****-1234 · entregue 01/12 14:03"."""
    from django.utils import timezone

    email = msg.canal == "email"
    canal = "e-mail" if email else "SMS"
    if email:
        destino = msg.destino if dados_pessoais else email_mascarar(msg.destino)
    else:
        destino = (
            formatar_telefone(msg.destino) if dados_pessoais else mascarar_telefone(msg.destino)
        )
    para = f"por {canal} para {destino}"
    classe = "text-body-secondary"
    if msg.status == "enviada":
        texto = f"Enviada {para}"
        if msg.entrega == "entregue":
            quando = msg.entrega_em and timezone.localtime(msg.entrega_em).strftime("%d/%m %H:%M")
            texto += " · entregue" + (f" {quando}" if quando else "")
            classe = "text-success"
        elif msg.entrega == "nao_entregue":
            texto += " · não entregue" + (f": {msg.entrega_texto}" if msg.entrega_texto else "")
            classe = "text-danger"
    elif msg.status in ("pendente", "enviando"):
        texto = f"A enviar {para}"
        espera = msg.proxima_tentativa_em
        if espera and espera > timezone.now():
            texto += f" (a partir de {timezone.localtime(espera):%d/%m %H:%M})"
    elif msg.status == "falhou":
        texto = f"Não enviada {para}" + (f": {msg.erro_texto}" if msg.erro_texto else "")
        classe = "text-danger"
    elif msg.status == "incerta":
        texto = f"Envio incerto {para} (o modem não confirmou)"
        classe = "text-warning-emphasis"
    else:
        texto = f"Descartada ({canal} para {destino})"
    return {"texto": texto, "classe": classe, "status": msg.status}


def linha_do_tempo(ra, *, usuario=None) -> list[ItemLinhaTempo]:
    """Every event of the RA, oldest first: history, routings, reiterações, messages
    (each public one with its deliveries), attachments, service orders and SMS."""
    from mensageria.selectors import mensagens_do_ra

    dados_pessoais = ve_dados_pessoais(usuario) if usuario is not None else False
    avulsas, entregas = [], defaultdict(list)
    for msg in mensagens_do_ra(ra):
        if msg.origem_tipo == "ra_mensagem" and msg.origem_id:
            entregas[msg.origem_id].append(_entrega(msg, dados_pessoais))
        else:
            avulsas.append(msg)
    itens = [
        *_itens_eventos(ra),
        *_itens_tramites(ra),
        *_itens_reiteracoes(ra, dados_pessoais),
        *_itens_mensagens(ra, entregas),
        *_itens_anexos(ra),
        *_itens_ordens_servico(ra),
        *_itens_sms(ra, avulsas, dados_pessoais),
    ]
    itens.sort(key=lambda i: (i.data, i.ordem))
    return itens
