"""Reads of the registry (cadastro), including the attendant search."""

import re
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet

from cadastro import validators
from cadastro.models import Cliente, ClienteImovel, Imovel, Telefone
from core.paginacao import numero_da_pagina, paginar
from core.texto import normalizar

BUSCA_MAX_CARACTERES = 120
BUSCA_POR_PAGINA = 20
# pg_trgm cannot use its index for fragments shorter than a trigram.
PALAVRA_MIN = 3
_SO_NUMERO = re.compile(r"[\d.\-/\s]+")
# localidade.setor.quadra.lote[.sublote], as printed on the bill
_INSCRICAO = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,4})\.(\d{1,4})(?:\.(\d{1,3}))?")


def pode_ver_dados_pessoais(usuario) -> bool:
    return usuario.has_perm("cadastro.ver_dados_pessoais")


def pode_exportar_dados_pessoais(usuario) -> bool:
    """A CSV is a bulk copy: full CPF/CNPJ and phones need a permission of their own."""
    return pode_ver_dados_pessoais(usuario) and usuario.has_perm("cadastro.exportar_dados_pessoais")


def _vinculos_ativos():
    return Prefetch(
        "vinculos",
        queryset=ClienteImovel.objects.filter(data_fim__isnull=True).select_related("cliente"),
        to_attr="vinculos_ativos",
    )


def _imoveis_ativos():
    return Prefetch(
        "vinculos",
        queryset=ClienteImovel.objects.filter(data_fim__isnull=True).select_related("imovel"),
        to_attr="vinculos_ativos",
    )


def imovel_get(*, pk: int, usuario) -> Imovel:
    """The imóvel with every link (active first) and the linked clients' phones."""
    vinculos = ClienteImovel.objects.select_related("cliente").prefetch_related(
        Prefetch("cliente__telefones", queryset=Telefone.objects.all())
    )
    return Imovel.objects.prefetch_related(
        Prefetch("vinculos", queryset=vinculos.order_by("data_fim", "relacao"))
    ).get(pk=pk)


def cliente_get(*, pk: int, usuario) -> Cliente:
    vinculos = ClienteImovel.objects.select_related("imovel").order_by("data_fim", "relacao")
    return Cliente.objects.prefetch_related("telefones", Prefetch("vinculos", vinculos)).get(pk=pk)


@dataclass
class ResultadoBusca:
    """What the attendant search found; ``mensagem`` explains an empty or refused search."""

    termo: str
    criterio: str = ""
    imoveis: list = field(default_factory=list)
    clientes: list = field(default_factory=list)
    mensagem: str = ""
    pagina: int = 1
    tem_mais: bool = False

    @property
    def vazio(self):
        return not self.imoveis and not self.clientes


def _matriculas_candidatas(texto: str) -> list[int]:
    """Matrícula numbers the attendant may have typed: with or without the check digit."""
    try:
        return validators.matriculas_candidatas(texto)
    except ValidationError:
        return []


def imovel_da_matricula(texto: str) -> Imovel | None:
    """The imóvel a typed matrícula names, in the forms the search accepts; None if none.

    Raises ValidationError for a malformed matrícula, a wrong check digit, or
    digits that name two imóveis (with and without the check digit).
    """
    candidatas = validators.matriculas_candidatas(texto)
    imoveis = list(Imovel.objects.filter(matricula__in=candidatas).order_by("matricula")[:2])
    if len(imoveis) > 1:
        opcoes = " ou ".join(i.matricula_formatada for i in imoveis)
        raise ValidationError(
            f"{texto.strip()} pode ser a matrícula {opcoes}: digite com o traço antes do dígito.",
            code="matricula_ambigua",
        )
    return imoveis[0] if imoveis else None


def _pagina(qs: QuerySet, pagina: int) -> tuple[list, bool]:
    p = paginar(
        qs, pagina=pagina, tamanho=BUSCA_POR_PAGINA, tamanhos=(BUSCA_POR_PAGINA,), por_ids=False
    )
    return p.itens, p.tem_proxima


def _imoveis_qs() -> QuerySet:
    return Imovel.objects.prefetch_related(_vinculos_ativos())


def _clientes_qs() -> QuerySet:
    return Cliente.objects.prefetch_related(_imoveis_ativos())


@contextmanager
def _pelo_indice_de_trigramas():
    """Make PostgreSQL answer word searches from the trigram index.

    With ``ORDER BY matricula LIMIT 21`` the planner may walk the matrícula
    (or pk) b-tree and filter every row, betting that matches are common; when
    they are not (a full name, a precise address) that walk reads much of the
    table (tens of ms on 500k rows). Without plain index scans it takes the
    trigram bitmap and sorts only the matches: cost follows the number of
    matches, which several words together keep small.
    """
    if connection.vendor != "postgresql":
        yield
        return
    # SET LOCAL inside a transaction: safe behind a transaction-pooling proxy
    # (pgbouncer), and undone by the rollback if the search fails.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        yield
        cursor.execute("RESET enable_indexscan")


_PROTOCOLO = re.compile(r"\d{10,20}")


def pode_ser_protocolo(termo: str) -> bool:
    """Whether the search box holds an RA protocol (14 digits in GSAN's format, 20 in
    ANS's); a 14-digit one is also a CNPJ, so both are looked up."""
    return bool(_PROTOCOLO.fullmatch(re.sub(r"[\s.\-/]", "", termo or "")))


def busca_atendimento(termo: str, usuario, *, pagina: int = 1) -> ResultadoBusca:
    """The attendant's single search box.

    Digits (with ``.-/``) are a matrícula (with or without check digit), an
    inscrição (``001.002.0003.0004.000``) or a CPF/CNPJ: exact, indexed lookups.
    Anything else is a name or an address: every word of 3+ letters must
    occur, accent- and case-insensitive, in the normalised ``busca`` column
    (trigram GIN index on PostgreSQL). Results are limited to one page;
    ``tem_mais`` says whether another page exists.
    """
    termo = (termo or "").strip()
    resultado = ResultadoBusca(termo=termo[:BUSCA_MAX_CARACTERES], pagina=numero_da_pagina(pagina))
    if not termo:
        resultado.mensagem = (
            "Digite uma matrícula, um CPF/CNPJ, o nome do cliente ou parte do endereço."
        )
        return resultado
    if len(termo) > BUSCA_MAX_CARACTERES:
        resultado.mensagem = (
            f"A busca aceita até {BUSCA_MAX_CARACTERES} caracteres. "
            "Digite só a matrícula, o CPF/CNPJ, o nome ou parte do endereço."
        )
        return resultado

    if _SO_NUMERO.fullmatch(termo):
        return _busca_numerica(termo, resultado)

    palavras = [p for p in normalizar(termo).split() if len(p) >= PALAVRA_MIN]
    # Drop anything that is not a letter or digit (quotes, SQL or HTML syntax).
    palavras = [re.sub(r"[\W_]", "", p) for p in palavras]
    palavras = [p for p in palavras if len(p) >= PALAVRA_MIN][:6]
    if not palavras:
        resultado.mensagem = (
            "Digite pelo menos uma palavra com 3 letras ou mais (nome, rua ou bairro)."
        )
        return resultado
    resultado.criterio = "nome ou endereço"
    filtro = Q()
    for palavra in palavras:
        filtro &= Q(busca__contains=palavra)
    # One word may be common ("silva", "rua"): let the planner walk the
    # matrícula/pk index and stop after one page. Several words together are
    # rare: read only the trigram matches (see _pelo_indice_de_trigramas).
    restrito = _pelo_indice_de_trigramas() if len(palavras) > 1 else nullcontext()
    with restrito:
        resultado.imoveis, mais_imoveis = _pagina(
            _imoveis_qs().filter(filtro).order_by("matricula"), resultado.pagina
        )
        clientes, mais_clientes = _pagina(
            _clientes_qs().filter(filtro).order_by("pk"), resultado.pagina
        )
    resultado.clientes = sorted(clientes, key=lambda c: (c.busca, c.pk))
    resultado.tem_mais = mais_imoveis or mais_clientes
    if resultado.vazio:
        resultado.mensagem = (
            "Nenhum imóvel ou cliente encontrado. Confira a grafia ou use menos palavras."
        )
    return resultado


def _busca_numerica(termo: str, resultado: ResultadoBusca) -> ResultadoBusca:
    inscricao = _INSCRICAO.fullmatch(termo.replace(" ", ""))
    if inscricao:
        localidade, setor, quadra, lote, sublote = (int(p or 0) for p in inscricao.groups())
        resultado.criterio = "inscrição"
        resultado.imoveis = list(
            _imoveis_qs().filter(
                localidade=localidade, setor=setor, quadra=quadra, lote=lote, sublote=sublote
            )
        )
        if resultado.vazio:
            resultado.mensagem = "Nenhum imóvel com esta inscrição."
        return resultado
    digitos = validators.somente_digitos(termo)
    if len(digitos) in (11, 14):
        resultado.criterio = "CPF" if len(digitos) == 11 else "CNPJ"
        resultado.clientes = list(_clientes_qs().filter(cpf_cnpj=digitos))
        resultado.imoveis = list(
            _imoveis_qs()
            .filter(
                vinculos__cliente__cpf_cnpj=digitos,
                vinculos__data_fim__isnull=True,
            )
            .distinct()
            .order_by("matricula")[:BUSCA_POR_PAGINA]
        )
        if resultado.vazio:
            valido = (
                validators.cpf_valido(digitos)
                if len(digitos) == 11
                else validators.cnpj_valido(digitos)
            )
            resultado.mensagem = (
                f"Nenhum cliente com este {resultado.criterio}."
                if valido
                else f"{resultado.criterio} inválido: confira os dígitos."
            )
        return resultado

    resultado.criterio = "matrícula"
    candidatas = _matriculas_candidatas(termo)
    if validators.MATRICULA_COM_DV.fullmatch(termo.replace(" ", "")) and not candidatas:
        resultado.mensagem = "Dígito verificador da matrícula não confere. Confira o número."
        return resultado
    if candidatas:
        resultado.imoveis = list(
            _imoveis_qs().filter(matricula__in=candidatas).order_by("matricula")
        )
    if resultado.vazio:
        resultado.mensagem = (
            "Nenhum imóvel com esta matrícula. Para CPF digite 11 dígitos; para CNPJ, 14."
        )
    return resultado
