"""Runs of the batch (and of imports): start, progress, cancel, resume.

A step is a function ``etapa(execucao)`` registered in :data:`ETAPAS` under a
``Processo.Tipo``. It works in chunks, each committed on its own, and calls
``execucao.avancar(...)`` after each chunk: that records progress and counts,
beats the heartbeat and raises :class:`Cancelado` when someone asked to cancel.
A step must be idempotent: a run whose worker died (its heartbeat stopped) is
resumed by running the same step again on the same ``Processo``, which must
skip what the first attempt already committed.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.exceptions import RegraViolada

from ..models import Processo, validar_referencia

log = logging.getLogger(__name__)
Situacao = Processo.Situacao

ETAPAS: dict[str, Callable[["Execucao"], None]] = {}

# A run whose heartbeat is older than this is taken for dead and may be resumed.
BATIMENTO_MAXIMO = timedelta(minutes=2)
# A waiting run younger than this is left alone by the resume job: it was just
# created and is about to be taken (by its task, or by the command that created it).
ESPERA_MINIMA = timedelta(seconds=30)


def etapa(tipo: str):
    """Decorator: register ``funcao`` as the step of ``tipo``."""

    def registrar(funcao):
        ETAPAS[tipo] = funcao
        return funcao

    return registrar


class Cancelado(Exception):
    """Someone asked to cancel the run; raised by ``Execucao.avancar``."""


class Execucao:
    """What a step sees of its run.

    ``ao_avancar(processo)``, when given, is called after every recorded change of
    progress (the command line prints it).
    """

    def __init__(self, processo: Processo, ao_avancar: Callable[[Processo], None] | None = None):
        self.processo = processo
        self.ao_avancar = ao_avancar

    def _avisar(self) -> None:
        if self.ao_avancar is not None:
            self.ao_avancar(self.processo)

    @property
    def referencia(self) -> int | None:
        return self.processo.referencia

    @property
    def parametros(self) -> dict:
        return self.processo.parametros

    def definir_total(self, total: int) -> None:
        self.processo.total = total
        Processo.objects.filter(pk=self.processo.pk).update(
            total=total, batimento_em=timezone.now()
        )
        self._avisar()

    def avancar(self, processados: int = 0, **contadores: int | dict[str, int]) -> None:
        """Add ``processados`` and the counts of one committed chunk (a dict value is
        a count per reason, e.g. ``ignoradas={"sem consentimento": 3}``); raise
        :class:`Cancelado` if a cancel was asked."""
        with transaction.atomic():
            # NO KEY: a writer of the batch holds KEY SHARE on the row (the foreign key
            # of its Envio rows) while the chunk before it commits its counts.
            p = Processo.objects.select_for_update(no_key=True).get(pk=self.processo.pk)
            soma = dict(p.contadores)
            for nome, valor in contadores.items():
                if isinstance(valor, dict):
                    atual = dict(soma.get(nome) or {})
                    for motivo, n in valor.items():
                        atual[motivo] = atual.get(motivo, 0) + n
                    soma[nome] = atual
                else:
                    soma[nome] = soma.get(nome, 0) + valor
            Processo.objects.filter(pk=p.pk).update(
                processados=F("processados") + processados,
                contadores=soma,
                batimento_em=timezone.now(),
            )
            p.refresh_from_db()
        self.processo = p
        self._avisar()
        if p.cancelamento_pedido_em:
            raise Cancelado

    def definir(self, **contadores) -> None:
        """Set counts to absolute values (for counts a step recomputes, not adds)."""
        with transaction.atomic():
            # NO KEY: a writer of the batch holds KEY SHARE on the row (the foreign key
            # of its Envio rows) while the chunk before it commits its counts.
            p = Processo.objects.select_for_update(no_key=True).get(pk=self.processo.pk)
            p.contadores = {**p.contadores, **contadores}
            p.batimento_em = timezone.now()
            p.save(update_fields=["contadores", "batimento_em"])
        self.processo = p
        self._avisar()


def processo_criar(
    tipo: str, *, referencia: int | None = None, usuario=None, parametros: dict | None = None
) -> Processo:
    """A new run, waiting. Refused while another run of the same type is active."""
    if tipo not in ETAPAS:
        raise RegraViolada(f"Tipo de processo desconhecido: {tipo}.")
    if referencia is not None:
        try:
            validar_referencia(referencia)
        except (ValidationError, TypeError, ValueError) as exc:
            raise RegraViolada(
                f"Referência inválida: {referencia}. Use AAAAMM, como 202612."
            ) from exc
    ativo = Processo.objects.filter(tipo=tipo, situacao__in=Processo.ATIVAS).first()
    if ativo:
        raise RegraViolada(
            f"Já há um processo “{ativo.get_tipo_display()}” em andamento (nº {ativo.pk}). "
            "Espere que termine ou cancele-o."
        )
    try:
        with transaction.atomic():
            return Processo.objects.create(
                tipo=tipo, referencia=referencia, usuario=usuario, parametros=parametros or {}
            )
    except IntegrityError as exc:  # another one was created between the check and here
        raise RegraViolada(
            "Já há um processo deste tipo em andamento. Espere que termine ou cancele-o."
        ) from exc


def _tomar(processo_id: int) -> Processo | None:
    """Take a run to execute: a waiting one, or a running one whose heartbeat stopped."""
    agora = timezone.now()
    tomou = Processo.objects.filter(pk=processo_id, situacao=Situacao.AGUARDANDO).update(
        situacao=Situacao.EXECUTANDO, iniciado_em=agora, batimento_em=agora
    ) or Processo.objects.filter(
        pk=processo_id, situacao=Situacao.EXECUTANDO, batimento_em__lt=agora - BATIMENTO_MAXIMO
    ).update(batimento_em=agora)
    return Processo.objects.get(pk=processo_id) if tomou else None


def processo_executar(
    processo_id: int, *, ao_avancar: Callable[[Processo], None] | None = None
) -> Processo:
    """Run (or resume) the step of a run to its end, then record how it ended.

    Safe to call twice: a run that is finished, cancelled or alive in another worker
    is returned untouched."""
    processo = _tomar(processo_id)
    if processo is None:  # finished, cancelled, or alive in another worker
        return Processo.objects.get(pk=processo_id)
    execucao = Execucao(processo, ao_avancar)
    fim = {"situacao": Situacao.CONCLUIDO}
    try:
        if processo.cancelamento_pedido_em:
            raise Cancelado
        passo = ETAPAS.get(processo.tipo)
        if passo is None:
            raise RegraViolada(f"Nenhuma etapa registrada para o tipo “{processo.tipo}”.")
        passo(execucao)
    except Cancelado:
        fim = {"situacao": Situacao.CANCELADO}
    except KeyboardInterrupt:  # Ctrl-C on the command line: say so, then stop
        Processo.objects.filter(pk=processo_id, situacao=Situacao.EXECUTANDO).update(
            situacao=Situacao.CANCELADO, erro="Interrompido (Ctrl-C).", concluido_em=timezone.now()
        )
        raise
    except RegraViolada as exc:  # a domain refusal: its message is for people
        log.warning("Processo %s recusado: %s", processo_id, exc)
        fim = {"situacao": Situacao.FALHOU, "erro": str(exc)[:500]}
    except Exception as exc:
        log.exception("Processo %s falhou", processo_id)
        fim = {"situacao": Situacao.FALHOU, "erro": f"{type(exc).__name__}: {exc}"[:500]}
    Processo.objects.filter(pk=processo_id, situacao=Situacao.EXECUTANDO).update(
        concluido_em=timezone.now(), batimento_em=timezone.now(), **fim
    )
    return Processo.objects.get(pk=processo_id)


def processo_cancelar(processo: Processo, *, usuario=None) -> Processo:
    """Ask a run to stop at its next chunk. A waiting run, or a running one whose
    worker is gone (heartbeat stopped), is cancelled at once. A finished run is
    refused with its state."""
    agora = timezone.now()
    pedidos = Processo.objects.filter(pk=processo.pk, situacao__in=Processo.ATIVAS).update(
        cancelamento_pedido_em=agora, cancelamento_pedido_por=usuario
    )
    Processo.objects.filter(
        Q(situacao=Situacao.AGUARDANDO)
        | Q(situacao=Situacao.EXECUTANDO, batimento_em__lt=agora - BATIMENTO_MAXIMO),
        pk=processo.pk,
    ).update(situacao=Situacao.CANCELADO, concluido_em=agora)
    processo.refresh_from_db()
    if not pedidos:
        raise RegraViolada(
            f"O processo nº {processo.pk} já terminou ({processo.get_situacao_display()})."
        )
    return processo


def processos_para_retomar(*, agora=None) -> QuerySet[Processo]:
    """Runs no worker is doing: waiting (their task was never published or was lost)
    or running with a stopped heartbeat (their worker was killed)."""
    agora = agora or timezone.now()
    return Processo.objects.filter(
        Q(situacao=Situacao.AGUARDANDO, criado_em__lt=agora - ESPERA_MINIMA)
        | Q(situacao=Situacao.EXECUTANDO, batimento_em__lt=agora - BATIMENTO_MAXIMO)
        | Q(situacao=Situacao.EXECUTANDO, batimento_em__isnull=True)
    ).order_by("criado_em", "id")


# --- referências and the preparation of a day --------------------------------


def referencia_atual(hoje=None) -> int:
    """AAAAMM of today (local time)."""
    hoje = hoje or timezone.localdate()
    return hoje.year * 100 + hoje.month


def referencia_seguinte(referencia: int) -> int:
    ano, mes = divmod(referencia, 100)
    return (ano + 1) * 100 + 1 if mes == 12 else referencia + 1


def referencia_ler(texto) -> int:
    """``AAAAMM`` or ``MM/AAAA`` to AAAAMM; :class:`RegraViolada` with the reason otherwise."""
    bruto = str(texto or "").strip()
    if "/" in bruto:
        mes, _, ano = bruto.partition("/")
        bruto = f"{ano.strip()}{mes.strip().zfill(2)}"
    erro = RegraViolada(f"Referência inválida: “{texto}”. Use AAAAMM, como 202612, ou MM/AAAA.")
    if not (len(bruto) == 6 and bruto.isascii() and bruto.isdigit()):
        raise erro
    try:
        validar_referencia(int(bruto))
    except ValidationError:
        raise erro from None
    return int(bruto)


def mensagens_preparar(
    *,
    referencias: Iterable[int],
    usuario=None,
    ao_avancar: Callable[[Processo], None] | None = None,
    ao_recusar: Callable[[str, RegraViolada], None] | None = None,
) -> list[Processo]:
    """Prepare bill messages for each referência, then collection messages, one run
    after the other in this process. A type already active elsewhere is skipped
    (``ao_recusar(tipo, erro)``) instead of stopping the rest, and so is a run that
    failed (no billing message in force must not keep collection messages from
    going out); a run that was cancelled stops the sequence: someone asked to stop."""
    pedidos = [(Processo.Tipo.PREPARAR_FATURAMENTO, r) for r in referencias]
    pedidos.append((Processo.Tipo.PREPARAR_COBRANCA, None))
    feitos = []
    for tipo, referencia in pedidos:
        try:
            processo = processo_criar(tipo, referencia=referencia, usuario=usuario)
        except RegraViolada as erro:
            if ao_recusar is None:
                raise
            ao_recusar(tipo, erro)
            continue
        processo = processo_executar(processo.pk, ao_avancar=ao_avancar)
        feitos.append(processo)
        if processo.situacao == Situacao.CANCELADO:
            break
    return feitos


# --- counts as people read them (the Processos screen, the command line) -------

ROTULOS = {
    "selecionadas": "Selecionadas",
    "ignoradas": "Ignoradas",
    "geradas": "Geradas",
    "aguardando": "Aguardando transmissão",
    "transmitidas": "Transmitidas",
    "enviadas": "Enviadas",
    "entregues": "Entregues",
    "falhas": "Falhas",
    "falharam": "Falharam",
    "expiradas": "Expiradas",
    "dispensadas": "Dispensadas (pagas ou canceladas)",
    "lidas": "Linhas lidas",
    "importadas": "Importadas",
    "inseridas": "Inseridas",
    "atualizadas": "Atualizadas",
    "inalteradas": "Inalteradas",
    "pagas": "Marcadas como pagas",
    "rejeitadas": "Rejeitadas",
    "envios_dispensados": "Envios dispensados (contas pagas)",
    "mensagens_descartadas": "Mensagens descartadas",
    "mensagens_expiradas": "Mensagens expiradas",
}
CANAIS = {"sms": "SMS", "email": "E-mail"}
_ORDEM = list(ROTULOS)


def contagens_rotuladas(contadores: dict) -> list[dict]:
    """Counts as rows: ``chave``, ``rotulo``, ``total`` and, for a count per reason or
    channel, its ``partes`` [(name, n)]. Known keys first, in a fixed order; values
    that are not counts (lists of rejected rows, flags) are left out."""
    linhas = []
    for chave in sorted(contadores, key=lambda k: (_ORDEM.index(k) if k in _ORDEM else 99, k)):
        valor = contadores[chave]
        rotulo = ROTULOS.get(chave, chave.replace("_", " ").capitalize())
        if isinstance(valor, bool) or chave.endswith("_id"):  # flags, resume bookmarks
            continue
        if isinstance(valor, int):
            linhas.append({"chave": chave, "rotulo": rotulo, "total": valor, "partes": []})
        elif isinstance(valor, dict):
            partes = [(CANAIS.get(k, k), v) for k, v in sorted(valor.items()) if isinstance(v, int)]
            total = sum(v for _, v in partes)
            linhas.append({"chave": chave, "rotulo": rotulo, "total": total, "partes": partes})
    return linhas


def contagens_texto(contadores: dict) -> str:
    """One line: ``Selecionadas 5; Ignoradas 2 (sem consentimento 2); Geradas 3 (SMS 2…)``."""
    partes = []
    for linha in contagens_rotuladas(contadores):
        texto = f"{linha['rotulo']} {linha['total']}"
        if linha["partes"]:
            texto += " (" + ", ".join(f"{nome} {n}" for nome, n in linha["partes"]) + ")"
        partes.append(texto)
    return "; ".join(partes) or "nada contado"
