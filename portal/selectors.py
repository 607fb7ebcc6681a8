"""What a portal account may read: its own client's contacts, and nothing else.

Every read starts from :func:`contatos_do_cliente`, the one place that scopes to the
account's client (and leaves out contacts an operator excluded), so a page cannot
forget the scope. The pages get plain data (dataclasses of the listed columns, read
with ``values()``), as the citizen's status page does: no model reaches a template,
so no template can print an internal note, a staff user's name or someone else's
phone.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, QuerySet

from atendimento.models import (
    Anexo,
    Especificacao,
    MensagemAtendimento,
    RegistroAtendimento,
    Tramite,
)
from atendimento.selectors.visibilidade import mascarar_telefone
from cadastro.models import Imovel
from cidadao.selectors.publico import situacao_em_palavras
from core.dados_pessoais import email_mascarar
from core.paginacao import Pagina, numero_da_pagina, paginar
from mensageria.models import Mensagem

RA = RegistroAtendimento
EM_ABERTO = (RA.Situacao.PENDENTE, RA.Situacao.BLOQUEADO)
# The company has answered and waits on the customer.
RESPONDIDO = (RA.InteracaoPendente.EXTERNA, RA.InteracaoPendente.AMBAS)
TAMANHO_PAGINA = 25
COMPANHIA = "Companhia"
VOCE = "Você"


def contatos_do_cliente(conta) -> QuerySet:
    """The RAs the account may see: its client's, of every origin, not excluded."""
    return RA.objects.filter(cliente_id=conta.cliente_id, excluido=False)


def contato_get(*, conta, pk) -> RegistroAtendimento | None:
    """One of the account's contacts (for a write), or None: another client's RA and a
    missing one read the same."""
    return contatos_do_cliente(conta).select_related("especificacao").filter(pk=pk).first()


# --- lists ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContatoResumo:
    pk: int
    protocolo: str
    titulo: str  # the RA's title, or its especificação's name
    aberto_em: datetime.datetime
    situacao: str  # in the citizen's words
    previsao: datetime.datetime
    encerrado_em: datetime.datetime | None
    respondido: bool  # answered by the company, waiting on the customer


_COLUNAS_LISTA = (
    "pk",
    "protocolo",
    "titulo",
    "especificacao__nome",
    "data_abertura",
    "situacao",
    "pausado_desde",
    "motivo_encerramento__tipo",
    "data_prevista_atual",
    "data_encerramento",
    "interacao_pendente",
)


def _por_situacao(conta, situacao) -> QuerySet:
    return (
        contatos_do_cliente(conta)
        .filter(situacao=situacao)
        .order_by("-data_abertura", "-pk")
        .values(*_COLUNAS_LISTA)
    )


def contatos_list(*, conta, encerrados: bool = False, ate: int | None = None) -> QuerySet:
    """The account's open (or closed) contacts, newest first, as narrow rows.

    Each situation is read newest first from the index ``ra_cliente_situacao`` (client,
    situation, opening). The open ones are two situations: with ``ate`` (the rows a
    page needs, counted from the first) each is cut there and the two are merged, so
    no plan can walk every RA by date looking for this client's (which the planner
    picks for a large client, and which is slow when its open contacts are old)."""
    if encerrados:
        return _por_situacao(conta, RA.Situacao.ENCERRADO)
    if ate is None or not connection.features.supports_slicing_ordering_in_compound:
        # SQLite (`make run`) cannot cut the parts of a UNION; its volumes need no cut.
        return (
            contatos_do_cliente(conta)
            .filter(situacao__in=EM_ABERTO)
            .order_by("-data_abertura", "-pk")
            .values(*_COLUNAS_LISTA)
        )
    primeira, *outras = (_por_situacao(conta, situacao)[:ate] for situacao in EM_ABERTO)
    return primeira.union(*outras, all=True).order_by("-data_abertura", "-pk")


def _resumo(linha: dict) -> ContatoResumo:
    return ContatoResumo(
        pk=linha["pk"],
        protocolo=linha["protocolo"],
        titulo=linha["titulo"] or linha["especificacao__nome"],
        aberto_em=linha["data_abertura"],
        situacao=situacao_em_palavras(
            situacao=linha["situacao"],
            pausado=linha["pausado_desde"] is not None,
            motivo=linha["motivo_encerramento__tipo"],
        ),
        previsao=linha["data_prevista_atual"],
        encerrado_em=linha["data_encerramento"],
        respondido=linha["situacao"] != RA.Situacao.ENCERRADO
        and linha["interacao_pendente"] in RESPONDIDO,
    )


def contatos_pagina(*, conta, encerrados: bool = False, pagina=1) -> Pagina:
    """One page of :func:`contatos_list` in one query (no COUNT)."""
    ate = numero_da_pagina(pagina) * TAMANHO_PAGINA + 1  # one more: is there a next page?
    resultado = paginar(
        contatos_list(conta=conta, encerrados=encerrados, ate=ate),
        pagina=pagina,
        tamanho=TAMANHO_PAGINA,
        tamanhos=(TAMANHO_PAGINA,),
        por_ids=False,
    )
    resultado.itens = [_resumo(linha) for linha in resultado.itens]
    return resultado


# --- opening --------------------------------------------------------------------------


def especificacoes_do_portal() -> QuerySet:
    """What a customer may ask for: especificações open to the portal, active, of an
    active tipo (the tipo is the seed's classificação, the especificação its
    subclassificação)."""
    return (
        Especificacao.objects.filter(portal=True, ativa=True, tipo__ativo=True)
        .select_related("tipo")
        .order_by("tipo__nome", "nome")
    )


def imoveis_da_conta(conta) -> QuerySet:
    """The client's imóveis through its active links (ended links left out)."""
    return (
        Imovel.objects.filter(
            vinculos__cliente_id=conta.cliente_id, vinculos__data_fim__isnull=True
        )
        .distinct()
        .order_by("logradouro", "numero", "matricula")
    )


@dataclass(frozen=True)
class Aviso:
    canal: str  # "SMS" / "e-mail"
    destino: str  # masked
    falhou: bool


@dataclass(frozen=True)
class Confirmacao:
    pk: int
    protocolo: str
    titulo: str
    aberto_em: datetime.datetime
    previsao: datetime.datetime
    avisos: tuple[Aviso, ...]


def contato_confirmacao(*, conta, pk) -> Confirmacao | None:
    """The confirmation of an opened contact: its protocol and where the opening notice
    (mensageria's ``ra_aberto``) went, masked."""
    ra = (
        contatos_do_cliente(conta)
        .filter(pk=pk)
        .values(
            "pk",
            "protocolo",
            "titulo",
            "especificacao__nome",
            "data_abertura",
            "data_prevista_atual",
        )
        .first()
    )
    if ra is None:
        return None
    avisos = []
    mensagens = (
        Mensagem.objects.filter(registro_atendimento_id=pk, evento="ra_aberto")
        .order_by("canal", "id")
        .values_list("canal", "destino", "status")
    )
    for canal, destino, status in mensagens:
        sms = canal == Mensagem.Canal.SMS
        avisos.append(
            Aviso(
                canal="SMS" if sms else "e-mail",
                destino=mascarar_telefone(destino) if sms else email_mascarar(destino),
                falhou=status in (Mensagem.Status.FALHOU, Mensagem.Status.DESCARTADA),
            )
        )
    return Confirmacao(
        pk=ra["pk"],
        protocolo=ra["protocolo"],
        titulo=ra["titulo"] or ra["especificacao__nome"],
        aberto_em=ra["data_abertura"],
        previsao=ra["data_prevista_atual"],
        avisos=tuple(avisos),
    )


# --- one contact ----------------------------------------------------------------------


@dataclass(frozen=True)
class AnexoPublico:
    pk: int
    nome: str
    tamanho: int


@dataclass(frozen=True)
class ItemConversa:
    data: datetime.datetime
    tipo: str  # abertura, encaminhamento, encerramento, mensagem, anexo
    titulo: str
    autor: str = ""  # "Você", the account's name, or a unit: never a staff user
    texto: str = ""
    do_cliente: bool = False
    anexo: AnexoPublico | None = None
    ordem: int = 0


@dataclass(frozen=True)
class ContatoPublico:
    pk: int
    protocolo: str
    titulo: str
    classificacao: str
    subclassificacao: str
    matricula: str
    endereco: str
    situacao: str
    aberto: bool
    aberto_em: datetime.datetime
    previsao: datetime.datetime
    encerrado_em: datetime.datetime | None
    respondido: bool
    itens: tuple[ItemConversa, ...]


_COLUNAS_CONTATO = (
    "pk",
    "protocolo",
    "titulo",
    "descricao",
    "origem",
    "situacao",
    "pausado_desde",
    "data_abertura",
    "data_prevista_atual",
    "data_encerramento",
    "interacao_pendente",
    "motivo_encerramento__tipo",
    "especificacao__nome",
    "especificacao__tipo__nome",
    "meio__nome",
    "imovel_id",
    "imovel__matricula",
    "imovel__logradouro",
    "imovel__numero",
    "imovel__complemento",
    "imovel__bairro",
    "imovel__municipio",
    "imovel__uf",
)


def _endereco(ra: dict) -> str:
    if ra["imovel_id"] is None:
        return ""
    imovel = Imovel(
        logradouro=ra["imovel__logradouro"],
        numero=ra["imovel__numero"],
        complemento=ra["imovel__complemento"],
        bairro=ra["imovel__bairro"],
        municipio=ra["imovel__municipio"],
        uf=ra["imovel__uf"],
    )
    return imovel.endereco


def _matricula(ra: dict) -> str:
    if ra["imovel_id"] is None:
        return ""
    return Imovel(matricula=ra["imovel__matricula"]).matricula_formatada


def _autor_do_cliente(autor_nome: str, conta) -> str:
    return VOCE if not autor_nome or autor_nome == conta.nome else autor_nome


def _itens(ra: dict, conta) -> list[ItemConversa]:
    pk = ra["pk"]
    portal = ra["origem"] == RA.Origem.PORTAL
    itens = [
        ItemConversa(
            data=ra["data_abertura"],
            tipo="abertura",
            titulo="Contato aberto" if portal else f"Atendimento registrado ({ra['meio__nome']})",
            autor=VOCE if portal else COMPANHIA,
            # A portal contact's description is what the customer wrote; an attendant's
            # wording of a call stays on the staff side.
            texto=ra["descricao"] if portal else "",
            do_cliente=portal,
            ordem=0,
        )
    ]
    # Routings by unit name only: the parecer of a trâmite is an internal note.
    tramites = (
        Tramite.objects.filter(ra_id=pk)
        .exclude(unidade_destino_id=F("unidade_origem_id"))
        .order_by("data", "id")
        .values_list("data", "unidade_destino__nome")
    )
    itens += [
        ItemConversa(data=data, tipo="encaminhamento", titulo=f"Encaminhado para {nome}", ordem=1)
        for data, nome in tramites
    ]
    mensagens = (
        MensagemAtendimento.objects.filter(
            ra_id=pk, visibilidade=MensagemAtendimento.Visibilidade.PUBLICA
        )
        .order_by("data", "id")
        .values_list("data", "do_solicitante", "autor_nome", "autor__unidade__nome", "texto")
    )
    for data, do_solicitante, autor_nome, unidade, texto in mensagens:
        itens.append(
            ItemConversa(
                data=data,
                tipo="mensagem",
                titulo="Mensagem",
                autor=_autor_do_cliente(autor_nome, conta)
                if do_solicitante
                else (unidade or COMPANHIA),
                texto=texto,
                do_cliente=do_solicitante,
                ordem=2,
            )
        )
    anexos = (
        Anexo.objects.filter(Q(publico=True) | Q(do_solicitante=True), ra_id=pk)
        .order_by("data", "id")
        .values_list(
            "pk", "data", "nome_original", "tamanho", "do_solicitante", "usuario__unidade__nome"
        )
    )
    for anexo_pk, data, nome, tamanho, do_solicitante, unidade in anexos:
        itens.append(
            ItemConversa(
                data=data,
                tipo="anexo",
                titulo="Anexo",
                autor=VOCE if do_solicitante else (unidade or COMPANHIA),
                do_cliente=do_solicitante,
                anexo=AnexoPublico(pk=anexo_pk, nome=nome, tamanho=tamanho),
                ordem=3,
            )
        )
    if ra["situacao"] == RA.Situacao.ENCERRADO and ra["data_encerramento"]:
        palavras = situacao_em_palavras(
            situacao=ra["situacao"], pausado=False, motivo=ra["motivo_encerramento__tipo"]
        )
        itens.append(
            ItemConversa(
                data=ra["data_encerramento"],
                tipo="encerramento",
                titulo=f"Encerrado: {palavras}",
                autor=COMPANHIA,
                ordem=4,
            )
        )
    itens.sort(key=lambda item: (item.data, item.ordem))
    return itens


def contato_publico(*, conta, pk) -> ContatoPublico | None:
    """The contact's page: its header and one public timeline (opening, routings by
    unit name, public messages, visible attachments of both sides, closing in words),
    or None when it is not the account's. Five queries."""
    ra = contatos_do_cliente(conta).filter(pk=pk).values(*_COLUNAS_CONTATO).first()
    if ra is None:
        return None
    aberto = ra["situacao"] != RA.Situacao.ENCERRADO
    return ContatoPublico(
        pk=ra["pk"],
        protocolo=ra["protocolo"],
        titulo=ra["titulo"] or ra["especificacao__nome"],
        classificacao=ra["especificacao__tipo__nome"],
        subclassificacao=ra["especificacao__nome"],
        matricula=_matricula(ra),
        endereco=_endereco(ra),
        situacao=situacao_em_palavras(
            situacao=ra["situacao"],
            pausado=ra["pausado_desde"] is not None,
            motivo=ra["motivo_encerramento__tipo"],
        ),
        aberto=aberto,
        aberto_em=ra["data_abertura"],
        previsao=ra["data_prevista_atual"],
        encerrado_em=ra["data_encerramento"] if not aberto else None,
        respondido=aberto and ra["interacao_pendente"] in RESPONDIDO,
        itens=tuple(_itens(ra, conta)),
    )


def anexo_do_contato(*, conta, pk) -> Anexo | None:
    """A file the account may download: of one of its contacts, and its own or one the
    company marked public; None otherwise (another client's reads as missing)."""
    return (
        Anexo.objects.filter(Q(publico=True) | Q(do_solicitante=True), pk=pk)
        .filter(ra__in=contatos_do_cliente(conta))
        .first()
    )
