"""Steps every RA service shares: lock, optimistic lock, permission, transition, history."""

from datetime import timedelta

from django.utils import timezone

from atendimento.models import EventoRA, ParametrosAtendimento, RegistroAtendimento
from atendimento.permissoes import pode_atuar
from core.exceptions import PermissaoNegada, TransicaoInvalida, VersaoDesatualizada

Situacao = RegistroAtendimento.Situacao


def ra_travar(ra, *, versao=None) -> RegistroAtendimento:
    """Re-read the RA under a row lock and refuse a stale form (optimistic lock)."""
    atual = (
        RegistroAtendimento.objects.select_for_update(of=("self",))
        .select_related("unidade_atual", "especificacao", "especificacao__tipo")
        .get(pk=ra.pk)
    )
    if versao not in (None, "") and int(versao) != atual.versao:
        raise VersaoDesatualizada(
            f"O RA {atual.protocolo} foi alterado por outra pessoa depois que você abriu a "
            "tela. Recarregue a página, confira as mudanças e repita a operação."
        )
    return atual


def exigir_permissao(usuario, ra) -> None:
    if not pode_atuar(usuario, ra):
        unidade = ra.unidade_atual.sigla
        raise PermissaoNegada(
            f"Você não pode alterar este RA: ele está com a unidade {unidade}. Só usuários "
            "dessa unidade, de uma unidade superior ou da central de atendimento podem atuar."
        )


def exigir_situacao(ra, *situacoes, acao: str) -> None:
    if ra.situacao not in situacoes:
        permitidas = " ou ".join(f"{str(Situacao(s).label).lower()}s" for s in situacoes)
        raise TransicaoInvalida(
            f"Não é possível {acao}: o RA está {ra.get_situacao_display().lower()} "
            f"(só RAs {permitidas} permitem)."
        )


def exigir_transicao(ra, nova: str, *, acao: str) -> None:
    if nova not in RegistroAtendimento.TRANSICOES.get(ra.situacao, set()):
        raise TransicaoInvalida(
            f"Não é possível {acao}: o RA está {ra.get_situacao_display().lower()}."
        )


def ra_fechar(ra, *, data, parecer) -> list[str]:
    """What every closing sets (encerrar, excluir): the situation and its date, the note,
    no urgency, nobody's turn, and a paused clock stopped at ``data``. Returns the
    fields changed, for :func:`ra_salvar`."""
    ra.situacao = Situacao.ENCERRADO
    ra.data_encerramento = data
    ra.parecer_encerramento = parecer
    ra.urgente = False
    ra.interacao_pendente = RegistroAtendimento.InteracaoPendente.NENHUMA
    campos = [
        "situacao",
        "data_encerramento",
        "parecer_encerramento",
        "urgente",
        "interacao_pendente",
    ]
    if ra.pausado_desde is not None:
        ra.tempo_pausado += max(data - ra.pausado_desde, timedelta(0))
        ra.pausado_desde = None
        campos += ["tempo_pausado", "pausado_desde"]
    return campos


def ra_salvar(ra, *, usuario, campos) -> None:
    """Save only the changed fields, bump the version, audit who did it."""
    ra.versao += 1
    ra._history_user = usuario  # simple-history records the author of the change
    ra.save(update_fields=[*campos, "versao"])


def evento_registrar(
    ra, *, tipo, usuario, anterior="", nova="", descricao="", dados=None, data=None
) -> EventoRA:
    return EventoRA.objects.create(
        ra=ra,
        tipo=tipo,
        usuario=usuario,
        situacao_anterior=anterior,
        situacao_nova=nova,
        descricao=descricao,
        dados=dados or {},
        data=data or timezone.now(),
    )


def parametros() -> ParametrosAtendimento:
    return ParametrosAtendimento.atual()


def texto_obrigatorio(valor: str, *, campo: str, rotulo: str, maximo: int) -> str:
    from core.exceptions import RegraViolada

    valor = (valor or "").strip()
    if not valor:
        raise RegraViolada(f"Informe {rotulo}.", campo=campo)
    if len(valor) > maximo:
        raise RegraViolada(
            f"{rotulo[0].upper()}{rotulo[1:]} tem {len(valor)} caracteres; o máximo é {maximo}.",
            campo=campo,
        )
    return valor
