"""What anyone may read about an RA, by one of its protocols (the public status page),
and about a report, by its token (the report's own page).

Only public data leaves here: the protocol asked, the kind of request, the situation
in words, the dates and the public messages (text only, their author as "Companhia"
or "Você"). Never a name, phone, CPF, e-mail or address, nor a unit or user: only
the listed columns are read (``values()``), so no template can reach the rest.
"""

import datetime
from dataclasses import dataclass

from atendimento.filters import protocolo_normalizar, protocolo_q
from atendimento.models import MensagemAtendimento, MotivoEncerramento, RegistroAtendimento
from cidadao.models import Relato

RA = RegistroAtendimento
EM_ANDAMENTO = "Em andamento"
EM_ANALISE = "Em análise"
AGUARDANDO = "Aguardando informações"
ENCERRADO_POR_MOTIVO = {
    MotivoEncerramento.Tipo.EXECUTADO: "Concluído",
    MotivoEncerramento.Tipo.NAO_EXECUTADO: "Encerrado sem execução",
    MotivoEncerramento.Tipo.DUPLICIDADE: "Encerrado: já tratado em outro atendimento",
}


@dataclass(frozen=True)
class MensagemPublica:
    data: datetime.datetime
    autor: str
    texto: str


@dataclass(frozen=True)
class SituacaoPublica:
    protocolo: str
    servico: str
    situacao: str
    encerrado: bool
    data_abertura: datetime.datetime
    data_prevista: datetime.datetime
    data_encerramento: datetime.datetime | None
    mensagens: tuple[MensagemPublica, ...]


def situacao_em_palavras(*, situacao: str, pausado: bool, motivo: str | None) -> str:
    """The situation as a citizen reads it (not the internal one); ``motivo`` is the
    closing reason's kind."""
    if situacao == RA.Situacao.ENCERRADO:
        return ENCERRADO_POR_MOTIVO.get(motivo, "Encerrado sem execução")
    if pausado:  # the clock stops only while waiting on the requester
        return AGUARDANDO
    if situacao == RA.Situacao.BLOQUEADO:  # the location still needs checking
        return EM_ANALISE
    return EM_ANDAMENTO


def situacao_publica(protocolo) -> SituacaoPublica | None:
    """The public status of the RA that gave ``protocolo`` (its own or a later one:
    reiteração, new contact, linked citizen report), or None when there is none or the
    text cannot be a protocol. Three queries at most."""
    numero = protocolo_normalizar(protocolo)
    if numero is None:
        return None
    # values(): only these columns leave the database (and no model to build).
    ra = (
        RA.objects.filter(protocolo_q(numero))
        .values(
            "pk",
            "situacao",
            "pausado_desde",
            "data_abertura",
            "data_prevista_atual",
            "data_encerramento",
            "especificacao__nome",
            "motivo_encerramento__tipo",
        )
        .first()
    )
    if ra is None:
        return None
    mensagens = (
        MensagemAtendimento.objects.filter(
            ra_id=ra["pk"], visibilidade=MensagemAtendimento.Visibilidade.PUBLICA
        )
        .order_by("data", "id")
        .values_list("data", "do_solicitante", "texto")
    )
    encerrado = ra["situacao"] == RA.Situacao.ENCERRADO
    return SituacaoPublica(
        protocolo=numero,
        servico=ra["especificacao__nome"],
        situacao=situacao_em_palavras(
            situacao=ra["situacao"],
            pausado=ra["pausado_desde"] is not None,
            motivo=ra["motivo_encerramento__tipo"],
        ),
        encerrado=encerrado,
        data_abertura=ra["data_abertura"],
        data_prevista=ra["data_prevista_atual"],
        data_encerramento=ra["data_encerramento"] if encerrado else None,
        mensagens=tuple(
            MensagemPublica(data=data, autor="Você" if do_solicitante else "Companhia", texto=texto)
            for data, do_solicitante, texto in mensagens
        ),
    )


def relato_publico(token) -> dict | None:
    """What the report's page may show, or None: no name, phone, e-mail or address
    (LGPD), and a retained report (blocked phone) reads exactly as one waiting for
    triage."""
    relato = Relato.objects.select_related("especificacao", "ra").filter(token=token[:32]).first()
    if relato is None:
        return None
    estado = _ESTADO_DO_RELATO.get(relato.situacao, "aguardando")
    return {
        "estado": estado,
        "servico": relato.especificacao.nome,
        "recebido_em": relato.criado_em,
        "descricao": relato.descricao,
        "tem_foto": bool(relato.foto or relato.media_url),
        "tem_celular": bool(relato.celular),
        "protocolo": relato.ra.protocolo if relato.ra and estado != "descartado" else "",
        "motivo": relato.motivo_descarte if estado == "descartado" else "",
    }


_ESTADO_DO_RELATO = {
    Relato.Situacao.RA_ABERTO: "ra_aberto",
    Relato.Situacao.VINCULADO: "vinculado",
    Relato.Situacao.DESCARTADO: "descartado",
}
