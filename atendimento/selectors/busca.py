"""The RA search over all history, its pagination, one RA and its related rows."""

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from atendimento.filters import ORDEM_PADRAO, RegistroAtendimentoFilter, protocolo_q
from atendimento.models import Anexo, DevolucaoValor, MensagemAtendimento, RegistroAtendimento
from atendimento.selectors.visibilidade import exigir_leitura, pode_ler_ra, registros_visiveis
from core.exceptions import RegraViolada
from core.paginacao import TAMANHOS, Pagina, contar_ate, paginar  # noqa: F401 (re-exported)

RA = RegistroAtendimento


class FiltrosInvalidos(RegraViolada):
    """The search form did not validate; ``form`` carries the messages per field."""

    def __init__(self, form):
        super().__init__("Corrija os filtros destacados e pesquise de novo.")
        self.form = form


@dataclass
class Busca:
    form: object
    queryset: QuerySet
    filtrado: bool


def registro_atendimento_busca(*, usuario, filtros=None, agora=None) -> Busca:
    """Validate ``filtros`` (a GET mapping) and return the form and the filtered queryset.

    Invalid input never reaches the database: the queryset is empty and the form
    holds the messages.
    """
    dados = {k: v for k, v in (filtros or {}).items() if k not in ("pagina", "tamanho")}
    filtro = RegistroAtendimentoFilter(
        filtros or {}, queryset=registros_visiveis(usuario).order_by(*ORDEM_PADRAO), agora=agora
    )
    if not filtro.is_valid():
        return Busca(filtro.form, RA.objects.none(), filtrado=True)
    filtrado = any(v not in ("", None) for k, v in dados.items() if k != "ordem")
    return Busca(filtro.form, filtro.qs, filtrado=filtrado)


def registro_atendimento_list(*, usuario, filtros=None, agora=None) -> QuerySet:
    """The RAs matching ``filtros``, related rows joined; raises FiltrosInvalidos."""
    busca = registro_atendimento_busca(usuario=usuario, filtros=filtros, agora=agora)
    if busca.form.errors:
        raise FiltrosInvalidos(busca.form)
    return busca.queryset


def registro_atendimento_por_protocolo(*, usuario, protocolo: str) -> list[RegistroAtendimento]:
    """The RAs (one, normally) that gave ``protocolo``: their own or a reiteração's.

    What a citizen on the phone has is the protocol, never the RA number; the
    global search box comes here. Digits only (spaces, dots and dashes dropped).
    """
    digitos = "".join(c for c in protocolo or "" if c.isdigit())
    if not pode_ler_ra(usuario) or not 1 <= len(digitos) <= 20:
        return []
    return list(registros_visiveis(usuario).filter(protocolo_q(digitos))[:10])


def registro_atendimento_get(*, usuario, pk) -> RegistroAtendimento:
    exigir_leitura(usuario)
    return get_object_or_404(
        registros_visiveis(usuario).select_related(
            "solicitante_unidade",
            "solicitante_funcionario",
            "motivo_encerramento",
            "ra_referencia",
            "ra_origem",
        ),
        pk=pk,
    )


_ENCERRADO_POR_ULTIMO = ExpressionWrapper(
    Q(situacao=RA.Situacao.ENCERRADO), output_field=BooleanField()
).asc()


def registro_atendimento_do_imovel(*, usuario, imovel, limite=50) -> list:
    """The imóvel's RAs, open ones first, then the most recent."""
    if not pode_ler_ra(usuario):
        return []
    return list(
        registros_visiveis(usuario)
        .filter(imovel=imovel)
        .order_by(_ENCERRADO_POR_ULTIMO, "-data_abertura", "-id")[:limite]
    )


def devolucoes_do_ra(ra) -> list[DevolucaoValor]:
    return list(ra.devolucoes.all())


def anexo_get(*, usuario, pk) -> Anexo:
    """An attachment, only for users who may read its RA."""
    exigir_leitura(usuario)
    return get_object_or_404(Anexo.objects.select_related("ra"), pk=pk)


def registro_atendimento_exportacao(queryset, *, com_mensagens=False) -> QuerySet:
    """The same rows, streamed in chunks; the message thread prefetched per chunk."""
    queryset = queryset.select_related("motivo_encerramento", "especificacao__tipo__grupo")
    if com_mensagens:
        queryset = queryset.prefetch_related(
            Prefetch(
                "mensagens",
                queryset=MensagemAtendimento.objects.select_related("autor").order_by("data", "id"),
            )
        )
    return queryset


def reativacoes_do_ra(ra) -> list[RegistroAtendimento]:
    """The RA that reactivated this one (if any), for a link on the page."""
    return list(RA.objects.filter(ra_origem=ra).only("id", "protocolo"))


def telefones_do_solicitante(ra) -> list:
    if not ra.cliente_id:
        return []
    return list(ra.cliente.telefones.all())
