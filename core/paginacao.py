"""The one paginator of every list: offset pages that never count, with a capped page number.

COUNT(*) over a million rows on every page is what made GSAN cap its searches; a
page number straight from the query string (``?pagina=9223372036854775807``) used to
reach the database as an OFFSET past bigint. Lists show "Página N" with Anterior and
Próxima, and offer a total separately where one is wanted (:func:`contar_ate`).
"""

from dataclasses import dataclass

# Far past any list a person pages through (100,000 pages of 25 = 2.5 million rows),
# and small enough that OFFSET (PAGINA_MAX - 1) * 100 stays well inside bigint.
PAGINA_MAX = 100_000
TAMANHOS = (25, 50, 100)


def numero_da_pagina(valor, *, maximo: int = PAGINA_MAX) -> int:
    """The page asked for as 1..``maximo``: text, empty, zero or negative is page 1."""
    try:
        numero = int(valor)
    except (TypeError, ValueError, OverflowError):
        # int("9" * 5000) raises ValueError (digit limit); also caught as too large.
        texto = str(valor or "").strip()
        return maximo if texto.isdigit() else 1
    return max(1, min(numero, maximo))


@dataclass
class Pagina:
    itens: list
    numero: int
    tamanho: int
    tem_anterior: bool
    tem_proxima: bool

    def __iter__(self):
        return iter(self.itens)

    @property
    def inicio(self):
        return (self.numero - 1) * self.tamanho + 1 if self.itens else 0

    @property
    def fim(self):
        return (self.numero - 1) * self.tamanho + len(self.itens)


def paginar(queryset, *, pagina=1, tamanho=TAMANHOS[0], tamanhos=TAMANHOS, por_ids=True) -> Pagina:
    """One page of ``queryset``; it fetches one row more to know if a next exists.

    ``tamanho`` must be one of ``tamanhos`` (anything else is the first). With
    ``por_ids`` the rows are sorted and skipped as narrow ids, then loaded by id
    with the queryset's related objects: sorting a million wide joined rows is
    what hurts. Without it the page is one plain query (for narrow rows).
    """
    numero = numero_da_pagina(pagina)
    try:
        tamanho = int(tamanho)
    except (TypeError, ValueError):
        tamanho = tamanhos[0]
    if tamanho not in tamanhos:
        tamanho = tamanhos[0]
    inicio = (numero - 1) * tamanho
    if por_ids:
        ids = list(queryset.values_list("pk", flat=True)[inicio : inicio + tamanho + 1])
        por_id = {x.pk: x for x in queryset.order_by().filter(pk__in=ids)} if ids else {}
        linhas = [por_id[pk] for pk in ids if pk in por_id]
    else:
        linhas = list(queryset[inicio : inicio + tamanho + 1])
    return Pagina(
        itens=linhas[:tamanho],
        numero=numero,
        tamanho=tamanho,
        tem_anterior=numero > 1,
        tem_proxima=len(linhas) > tamanho,
    )


def contar_ate(queryset, limite=10_000) -> tuple[int, bool]:
    """(count, exact): counting stops at ``limite`` so it stays cheap on huge results."""
    n = queryset.order_by().values("pk")[: limite + 1].count()
    return min(n, limite), n <= limite
