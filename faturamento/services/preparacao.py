"""Preparation steps of the batch: one ``Envio`` per bill (or collection document)
and channel, rendered and dated, ready for the transmission step.

``preparar_faturamento`` takes the bills of the run's referência em aberto and the
billing message in force; ``preparar_cobranca`` takes the open collection documents
still valid whose action sends messages. Each streams its selection (a server-side
cursor on PostgreSQL, keyset pages elsewhere) ordered by id and works in chunks of
:data:`LOTE`: a chunk's Envios (written with ``COPY`` on PostgreSQL) and its counts
are committed together, and the last id done is recorded with them, so a resumed run
(its worker killed) goes on after it without counting anything twice. Bills and
documents that already have an Envio for a channel are skipped and counted as
``já preparada``: re-running a step never duplicates (the unique constraints
``envio_um_por_conta_canal`` / ``envio_um_por_documento_canal`` are the safety net).

Counts in ``Processo.contadores``: ``selecionadas`` (bills or documents looked at),
``geradas`` (Envios per channel, ``{"sms": n, "email": n}``) and ``ignoradas`` (per
reason, the ``IGNORADA_*`` labels below; a reason about the bill counts once per bill,
a reason about a channel once per channel).
"""

import datetime
import functools
import math
import queue
import threading
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from cadastro.models import Cliente, ClienteImovel, Imovel, Telefone
from cadastro.validators import telefone_e164
from core.exceptions import RegraViolada
from mensageria.texto import limpar

from .. import textos
from ..febraban import Gerador, anexar_linha
from ..models import (
    AcaoCobranca,
    Conta,
    DocumentoCobranca,
    Envio,
    MensagemFaturamento,
    Processo,
    referencia_formatada,
)
from .processos import Cancelado, Execucao, etapa

LOTE = 5_000
# Threads that write and commit chunks on PostgreSQL (outside a transaction).
ESCRITORES = 2

# Reasons a bill, document or channel is skipped: short pt-BR labels, also the keys of
# ``contadores["ignoradas"]`` (stable: the Processos screen shows them as they are).
IGNORADA_VALOR_MINIMO = "valor abaixo do mínimo"
IGNORADA_CATEGORIA = "categoria não habilitada"
IGNORADA_VENCIDA = "prazo já passou"
IGNORADA_SEM_USUARIO = "sem cliente usuário"
IGNORADA_SEM_CONSENTIMENTO_SMS = "sem consentimento para SMS"
IGNORADA_SEM_CONSENTIMENTO_EMAIL = "sem consentimento para e-mail"
IGNORADA_SEM_CELULAR = "sem celular para SMS"
IGNORADA_SEM_EMAIL = "sem e-mail"
IGNORADA_JA_PREPARADA = "já preparada"
MOTIVOS = (
    IGNORADA_VALOR_MINIMO,
    IGNORADA_CATEGORIA,
    IGNORADA_VENCIDA,
    IGNORADA_SEM_USUARIO,
    IGNORADA_SEM_CONSENTIMENTO_SMS,
    IGNORADA_SEM_CONSENTIMENTO_EMAIL,
    IGNORADA_SEM_CELULAR,
    IGNORADA_SEM_EMAIL,
    IGNORADA_JA_PREPARADA,
)
# Where a resumed run goes on from: the last bill or document id of the last committed
# chunk, kept in ``Processo.parametros`` (it is not a count, so not in ``contadores``).
RETOMAR_APOS = "retomar_apos_id"

SMS, EMAIL = Envio.Canal.SMS.value, Envio.Canal.EMAIL.value
_COLUNAS_ENVIO = (
    "processo_id",
    "conta_id",
    "documento_id",
    "canal",
    "destino",
    "assunto",
    "texto",
    "enviar_em",
    "limite",
    "max_tentativas",
    "situacao",
    "criado_em",
)
_PREPARADA = Envio.Situacao.PREPARADA.value


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class _Fonte:
    """A selection: the rows of one table (alias ``x``) joined to the imóvel's cliente
    usuário, its SMS phone and the Envios already there (``es``, ``ee``)."""

    tabela: str
    colunas: str  # the step's own columns, before the common ones
    juncoes: str
    filtro: str
    params: list
    sms_ativo: str  # SQL: does this row's template send an SMS / an e-mail
    email_ativo: str
    fk_envio: str  # conta_id or documento_id

    def _de(self, *, clientes: bool = True) -> tuple[str, list]:
        """FROM … WHERE and its parameters; without ``clientes`` only what counting
        needs (the cliente joins are left joins on unique keys: they add no rows)."""
        envio = _t(Envio)
        sql, params = f"FROM {self.tabela} x {self.juncoes} ", []
        if clientes:
            sql += (
                f"JOIN {_t(Imovel)} i ON i.id = x.imovel_id "
                f"LEFT JOIN {_t(ClienteImovel)} v ON v.imovel_id = x.imovel_id "
                f"AND v.relacao = %s AND v.data_fim IS NULL "
                f"LEFT JOIN {_t(Cliente)} cl ON cl.id = v.cliente_id "
                f"LEFT JOIN {_t(Telefone)} t ON t.cliente_id = cl.id AND t.sms = %s "
            )
            params += [ClienteImovel.Relacao.USUARIO.value, True]
        sql += (
            f"LEFT JOIN {envio} es ON es.{self.fk_envio} = x.id AND es.canal = %s "
            f"LEFT JOIN {envio} ee ON ee.{self.fk_envio} = x.id AND ee.canal = %s "
            f"WHERE {self.filtro}"
        )
        return sql, [*params, SMS, EMAIL, *self.params]

    @property
    def _completa(self) -> str:
        # Every channel this row sends on already has its Envio.
        return (
            f"((NOT ({self.sms_ativo})) OR es.id IS NOT NULL) "
            f"AND ((NOT ({self.email_ativo})) OR ee.id IS NOT NULL)"
        )

    def contar(self) -> tuple[int, int, int]:
        """(rows selected, rows fully prepared already, their channels)."""
        de, params = self._de(clientes=False)
        sql = (
            f"SELECT COUNT(*), "
            f"COALESCE(SUM(CASE WHEN {self._completa} THEN 1 ELSE 0 END), 0), "
            f"COALESCE(SUM(CASE WHEN {self._completa} THEN "
            f"(CASE WHEN {self.sms_ativo} THEN 1 ELSE 0 END) + "
            f"(CASE WHEN {self.email_ativo} THEN 1 ELSE 0 END) ELSE 0 END), 0) {de}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            total, completas, canais = cursor.fetchone()
        return int(total), int(completas), int(canais)

    def linhas(self, apos: int):
        """Chunks (lists) of the rows still to prepare, by id, after id ``apos``."""
        de, params = self._de()
        sql = (
            f"SELECT x.id, {self.colunas}, cl.id, cl.nome, cl.recebe_sms, cl.recebe_email, "
            f"cl.email, t.ddd, t.numero, es.id, ee.id "
            f"{de} AND x.id > %s AND NOT ({self._completa}) ORDER BY x.id"
        )
        if _postgresql() and not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
            # One server-side cursor (WITH HOLD outside a transaction, so it outlives
            # each chunk's commit); rows come LOTE at a time.
            with connection.chunked_cursor() as cursor:
                cursor.execute(sql, [*params, apos])
                while lote := cursor.fetchmany(LOTE):
                    yield lote
            return
        while True:
            with connection.cursor() as cursor:
                cursor.execute(f"{sql} LIMIT {LOTE}", [*params, apos])
                lote = cursor.fetchall()
            if not lote:
                return
            yield lote
            apos = lote[-1][0]


def _data(valor) -> datetime.date:
    return valor if isinstance(valor, datetime.date) else datetime.date.fromisoformat(valor)


_CENTAVO = Decimal("0.01")


def _decimal(valor) -> Decimal:
    if isinstance(valor, Decimal):
        return valor
    return Decimal(str(valor)).quantize(_CENTAVO)


class _Contagem:
    def __init__(self):
        self.selecionadas = 0
        self.geradas = {SMS: 0, EMAIL: 0}
        self.ignoradas: dict[str, int] = {}

    def ignorar(self, motivo: str, n: int = 1) -> None:
        self.ignoradas[motivo] = self.ignoradas.get(motivo, 0) + n

    def contadores(self) -> dict:
        return {
            "selecionadas": self.selecionadas,
            "geradas": self.geradas,
            "ignoradas": self.ignoradas,
        }


def _pendentes(linha, n: int, canais: tuple[bool, bool], contagem: _Contagem):
    """Which channels of one row still need their Envio: the template sends on it and
    none was prepared (those are counted). ``n`` is the index of the cliente's columns
    in ``linha``; ``canais`` says which channels the template sends on."""
    envio_sms, envio_email = linha[n + 7], linha[n + 8]
    if canais[0] and envio_sms is not None:
        contagem.ignorar(IGNORADA_JA_PREPARADA)
    if canais[1] and envio_email is not None:
        contagem.ignorar(IGNORADA_JA_PREPARADA)
    return canais[0] and envio_sms is None, canais[1] and envio_email is None


def _destinos(linha, n: int, pendentes: tuple[bool, bool], contagem: _Contagem):
    """The SMS and e-mail destinations of one row (None where not sent) and the
    cliente's name, counting the channels skipped and why."""
    cliente, nome, recebe_sms, recebe_email, email, ddd, numero = linha[n : n + 7]
    if cliente is None:
        contagem.ignorar(IGNORADA_SEM_USUARIO)
        return None, None, nome
    sms = destino_email = None
    if pendentes[0]:
        if not recebe_sms:
            contagem.ignorar(IGNORADA_SEM_CONSENTIMENTO_SMS)
        elif ddd is None:
            contagem.ignorar(IGNORADA_SEM_CELULAR)
        else:
            sms = telefone_e164(ddd, numero)
    if pendentes[1]:
        email = (email or "").strip()
        if not recebe_email:
            contagem.ignorar(IGNORADA_SEM_CONSENTIMENTO_EMAIL)
        elif not email:
            contagem.ignorar(IGNORADA_SEM_EMAIL)
        else:
            destino_email = email
    return sms, destino_email, nome


def _assunto(modelo: str) -> str:
    """A subject template on one line; filled with clean values it stays clean."""
    return " ".join(limpar(modelo).split())


def _texto_email(corpo: str, linha: str) -> str:
    return f"{corpo.rstrip()}\n\nLinha digitável: {linha}\n"


_NULO = "\\N"  # NULL in COPY's text format


def _copia(texto: str) -> str:
    """A text field in COPY's text format."""
    return (
        texto.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )


class _Escritor:
    """Collects one chunk's Envios: on PostgreSQL as lines in ``COPY``'s text format
    (formatted here: much cheaper than adapting each value), elsewhere as tuples for
    bulk_create."""

    def __init__(self, processo_id: int, *, copia: bool):
        self.processo_id = processo_id
        self.copia = copia
        self.linhas: list = []
        self._datas: dict[datetime.date, str] = {}

    def novo_lote(self) -> None:
        self.linhas = []
        self.agora = timezone.now()
        self._fim = f"\t{_PREPARADA}\t{self.agora.isoformat()}\n"

    def _data(self, data: datetime.date) -> str:
        texto = self._datas.get(data)
        if texto is None:
            texto = self._datas[data] = data.isoformat()
        return texto

    def adicionar(self, conta, documento, canal, destino, assunto, texto, enviar_em, limite, tent):
        if not self.copia:
            self.linhas.append(
                (
                    self.processo_id,
                    conta,
                    documento,
                    canal,
                    destino,
                    assunto,
                    texto,
                    enviar_em,
                    limite,
                    tent,
                    _PREPARADA,
                    self.agora,
                )
            )
            return
        self.linhas.append(
            f"{self.processo_id}\t{conta or _NULO}\t{documento or _NULO}\t{canal}\t"
            f"{_copia(destino)}\t{_copia(assunto)}\t{_copia(texto)}\t"
            f"{self._data(enviar_em)}\t{self._data(limite)}\t{tent or _NULO}{self._fim}"
        )

    def tirar(self):
        """The chunk's rows, ready for :func:`_gravar_lote`."""
        linhas, self.linhas = self.linhas, []
        return "".join(linhas) if self.copia else linhas


def _adicionar(escritor, contagem, origem, destinos, modelos, valores, digitavel, prazos):
    """One Envio per channel with a destination: the SMS is the rendered text and the
    linha digitável; the e-mail gets the linha after its body. ``origem`` is (conta,
    documento), ``destinos`` (sms, email), ``modelos`` (SMS text, subject, e-mail
    text), ``prazos`` (enviar_em, limite, e-mail attempts)."""
    conta, documento = origem
    sms, email = destinos
    texto_sms, assunto_email, texto_email = modelos
    enviar_em, limite, tentativas = prazos
    if sms is not None:
        texto = anexar_linha(textos.renderizar(texto_sms, valores), digitavel)
        escritor.adicionar(conta, documento, SMS, sms, "", texto, enviar_em, limite, None)
        contagem.geradas[SMS] += 1
    if email is not None:
        escritor.adicionar(
            conta,
            documento,
            EMAIL,
            email,
            textos.renderizar(assunto_email, valores)[:200],
            _texto_email(textos.renderizar(texto_email, valores), digitavel),
            enviar_em,
            limite,
            tentativas,
        )
        contagem.geradas[EMAIL] += 1


def _marcar_posicao(execucao: Execucao, ultimo: int) -> None:
    """Record (in the chunk's transaction) the last id the run has done."""
    processo = execucao.processo
    processo.parametros = {**processo.parametros, RETOMAR_APOS: ultimo}
    Processo.objects.filter(pk=processo.pk).update(parametros=processo.parametros)


def _gravar_lote(
    execucao: Execucao, linhas, ultimo: int, processados: int, contadores, *, antes_do_commit=None
) -> bool:
    """Commit one chunk: its Envios (``linhas``: COPY text or tuples), its counts and
    the resume position, in one transaction. ``antes_do_commit`` (the writers' turn)
    is called once the rows are in. True when a cancel was asked."""
    with transaction.atomic():
        if isinstance(linhas, str):
            with connection.cursor() as cursor:
                if antes_do_commit is not None:
                    # Foreign keys checked at the end of the COPY, in this writer, not
                    # at the commit, which waits for its turn.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                if linhas:
                    colunas = ", ".join(_COLUNAS_ENVIO)
                    copiar = f"COPY {_t(Envio)} ({colunas}) FROM STDIN"
                    with cursor.cursor.copy(copiar) as copia:
                        copia.write(linhas)
        elif linhas:
            Envio.objects.bulk_create(
                [Envio(**dict(zip(_COLUNAS_ENVIO, linha, strict=True))) for linha in linhas],
                batch_size=500,
            )
        if antes_do_commit is not None:
            antes_do_commit()
        _marcar_posicao(execucao, ultimo)
        return _avancar(execucao, processados, **contadores)


class _Gravacao:
    """Commits chunks in this thread, as they come."""

    def __init__(self, execucao: Execucao):
        self.execucao = execucao

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def enviar(self, linhas, ultimo: int, processados: int, contadores) -> None:
        if _gravar_lote(self.execucao, linhas, ultimo, processados, contadores):
            raise Cancelado


class _Abandonado(Exception):
    """A chunk whose turn came after a failed or cancelled one: rolled back."""


class _GravacaoParalela(_Gravacao):
    """Commits chunks in :data:`ESCRITORES` threads of their own (each with its own
    connection) while this one renders the next: the database's work (COPY, indexes,
    foreign-key checks) overlaps Python's and spreads over the cores. Chunks commit in
    order, each after the one before (the resume position is the last id of the last
    commit); after a failure or a cancel no later chunk commits, and the step stops."""

    def __init__(self, execucao: Execucao):
        super().__init__(execucao)
        self.fila: queue.Queue = queue.Queue(maxsize=ESCRITORES)
        self.erro: BaseException | None = None
        self.cancelado = False
        # The first chunk that failed or was cancelled: none after it commits.
        self.parar_em = math.inf
        self.enviados = 0
        self.vez = 0  # the number of the next chunk to commit
        self.turno = threading.Condition()
        self.threads = [
            threading.Thread(target=self._correr, name=f"preparacao-gravacao-{n}")
            for n in range(ESCRITORES)
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def _esperar_vez(self, numero: int) -> None:
        with self.turno:
            self.turno.wait_for(lambda: self.vez == numero)
        if numero > self.parar_em:
            raise _Abandonado

    def _parar(self, numero: int) -> None:
        with self.turno:
            self.parar_em = min(self.parar_em, numero)

    def _passar_vez(self, numero: int) -> None:
        with self.turno:
            self.turno.wait_for(lambda: self.vez == numero)
            self.vez += 1
            self.turno.notify_all()

    def _correr(self) -> None:
        try:
            while (item := self.fila.get()) is not None:
                numero, *dados = item
                try:
                    if numero < self.parar_em:
                        espera = functools.partial(self._esperar_vez, numero)
                        if _gravar_lote(self.execucao, *dados, antes_do_commit=espera):
                            self._parar(numero)
                            self.cancelado = True
                except _Abandonado:
                    pass
                except BaseException as exc:  # re-raised in the step's thread
                    self._parar(numero)
                    if self.erro is None:
                        self.erro = exc
                finally:
                    self._passar_vez(numero)
        finally:
            connection.close()

    def _verificar(self) -> None:
        if self.erro is not None:
            raise self.erro
        if self.cancelado:
            raise Cancelado

    def enviar(self, linhas, ultimo: int, processados: int, contadores) -> None:
        self._verificar()
        self.fila.put((self.enviados, linhas, ultimo, processados, contadores))
        self.enviados += 1

    def __exit__(self, tipo, *exc):
        for _ in self.threads:
            self.fila.put(None)
        for thread in self.threads:
            thread.join()
        if tipo is None:
            self._verificar()
        return False


def _executar(execucao: Execucao, fonte: _Fonte, preparar_linha) -> None:
    """Drive a step: totals, then chunks of ``preparar_linha(linha, escritor, contagem)``
    each committed with its counts and resume position."""
    processo = execucao.processo
    apos = processo.parametros.get(RETOMAR_APOS)
    total, completas, canais_completos = fonte.contar()
    execucao.definir_total(total)
    if apos is None:
        # First attempt: what earlier runs prepared entirely is not streamed at all.
        with transaction.atomic():
            _marcar_posicao(execucao, 0)
            cancelado = _avancar(
                execucao,
                completas,
                selecionadas=completas,
                geradas={SMS: 0, EMAIL: 0},
                ignoradas={IGNORADA_JA_PREPARADA: canais_completos} if canais_completos else {},
            )
        if cancelado:
            raise Cancelado
        apos = 0
    escritor = _Escritor(processo.pk, copia=_postgresql())
    # A writer thread needs its own connection to see the rows: not inside a
    # transaction (a test's), nor on SQLite (one writer at a time anyway).
    paralela = _postgresql() and not connection.in_atomic_block
    with (
        closing(fonte.linhas(apos)) as lotes,
        (_GravacaoParalela if paralela else _Gravacao)(execucao) as gravacao,
    ):
        for lote in lotes:
            contagem = _Contagem()
            escritor.novo_lote()
            for linha in lote:
                contagem.selecionadas += 1
                preparar_linha(linha, escritor, contagem)
            gravacao.enviar(escritor.tirar(), lote[-1][0], len(lote), contagem.contadores())


def _avancar(execucao: Execucao, processados: int, **contadores) -> bool:
    """``execucao.avancar`` inside the chunk's transaction: a cancel asked is returned,
    not raised, so the chunk still commits."""
    try:
        execucao.avancar(processados, **contadores)
    except Cancelado:
        return True
    return False


def mensagem_faturamento_vigente(referencia: int) -> MensagemFaturamento | None:
    """The billing message in force for ``referencia`` (AAAAMM), if any."""
    return MensagemFaturamento.objects.filter(
        vigente=True, referencia_inicial__lte=referencia
    ).first()


@etapa(Processo.Tipo.PREPARAR_FATURAMENTO)
def preparar_faturamento(execucao: Execucao) -> None:
    """Bill messages of the run's referência: one Envio per open bill and channel."""
    referencia = execucao.referencia
    if not referencia:
        raise RegraViolada("Informe a referência (AAAAMM) das contas a preparar.")
    modelo = mensagem_faturamento_vigente(referencia)
    if modelo is None:
        raise RegraViolada(
            "Não há mensagem de faturamento vigente para a referência "
            f"{referencia_formatada(referencia)}."
        )
    texto_sms, texto_email = limpar(modelo.texto_sms), modelo.texto_email.strip()
    if not texto_sms and not texto_email:
        raise RegraViolada("A mensagem de faturamento vigente não tem texto de SMS nem de e-mail.")
    assunto_email = _assunto(modelo.assunto_email)
    canais = (bool(texto_sms), bool(texto_email))
    gerador = Gerador()
    hoje = timezone.localdate()
    dias_antes = datetime.timedelta(days=modelo.dias_antes)
    minimo = modelo.valor_minimo
    categorias = frozenset(modelo.categorias or ())
    tentativas = modelo.max_tentativas_email
    postgresql = _postgresql()
    valores_conta, linha_conta = textos.valores_conta, gerador.linha_conta

    def preparar_linha(linha, escritor: _Escritor, contagem: _Contagem) -> None:
        conta, matricula, vencimento, valor, categoria = linha[:5]
        pendentes = _pendentes(linha, 5, canais, contagem)
        if not postgresql:
            vencimento, valor = _data(vencimento), _decimal(valor)
        if valor < minimo:
            contagem.ignorar(IGNORADA_VALOR_MINIMO)
            return
        if categoria not in categorias:
            contagem.ignorar(IGNORADA_CATEGORIA)
            return
        if vencimento < hoje:
            contagem.ignorar(IGNORADA_VENCIDA)
            return
        sms, email, nome = _destinos(linha, 5, pendentes, contagem)
        if sms is None and email is None:
            return
        valores = valores_conta(
            matricula=matricula, nome=limpar(nome), vencimento=vencimento, valor=valor
        )
        _adicionar(
            escritor,
            contagem,
            (conta, None),
            (sms, email),
            (texto_sms, assunto_email, texto_email),
            valores,
            linha_conta(matricula, referencia, valor),
            (vencimento - dias_antes, vencimento, tentativas),
        )

    fonte = _Fonte(
        tabela=_t(Conta),
        colunas="i.matricula, x.vencimento, x.valor, x.categoria",
        juncoes="",
        filtro="x.referencia = %s AND x.situacao = %s",
        params=[referencia, Conta.Situacao.EM_ABERTO.value],
        sms_ativo="1 = 1" if canais[0] else "1 = 0",
        email_ativo="1 = 1" if canais[1] else "1 = 0",
        fk_envio="conta_id",
    )
    _executar(execucao, fonte, preparar_linha)


@etapa(Processo.Tipo.PREPARAR_COBRANCA)
def preparar_cobranca(execucao: Execucao) -> None:
    """Collection messages: one Envio per open, still valid document and channel of
    an active action that sends by SMS or e-mail."""
    hoje = timezone.localdate()
    acoes = {
        a.pk: a
        for a in AcaoCobranca.objects.filter(ativa=True).exclude(por_sms=False, por_email=False)
    }
    modelos = {
        pk: (
            limpar(a.texto_sms) if a.por_sms else "",
            a.texto_email.strip() if a.por_email else "",
            _assunto(a.assunto_email),
            a.max_tentativas_email,
        )
        for pk, a in acoes.items()
    }
    gerador = Gerador()
    postgresql = _postgresql()
    valores_documento, linha_documento = textos.valores_documento, gerador.linha_documento

    def preparar_linha(linha, escritor: _Escritor, contagem: _Contagem) -> None:
        documento, acao, numero, emissao, validade, valor = linha[:6]
        if not postgresql:
            emissao, validade, valor = _data(emissao), _data(validade), _decimal(valor)
        if acao not in modelos:  # the action began sending after the step started
            return
        texto_sms, texto_email, assunto_email, tentativas = modelos[acao]
        canais = (bool(texto_sms), bool(texto_email))
        pendentes = _pendentes(linha, 6, canais, contagem)
        sms, email, _nome = _destinos(linha, 6, pendentes, contagem)
        if sms is None and email is None:
            return
        valores = valores_documento(validade=validade, valor=valor)
        _adicionar(
            escritor,
            contagem,
            (None, documento),
            (sms, email),
            (texto_sms, assunto_email, texto_email),
            valores,
            linha_documento(numero, valor),
            (max(hoje, emissao), validade, tentativas),
        )

    # Only actions with a text for a channel send on it.
    com_sms = "(a.por_sms AND a.texto_sms <> '')"
    com_email = "(a.por_email AND a.texto_email <> '')"
    fonte = _Fonte(
        tabela=_t(DocumentoCobranca),
        colunas="x.acao_id, x.numero, x.emissao, x.validade, x.valor",
        juncoes=f"JOIN {_t(AcaoCobranca)} a ON a.id = x.acao_id",
        filtro=(f"x.situacao = %s AND x.validade >= %s AND a.ativa AND ({com_sms} OR {com_email})"),
        params=[DocumentoCobranca.Situacao.EM_ABERTO.value, hoje],
        sms_ativo=com_sms,
        email_ativo=com_email,
        fk_envio="documento_id",
    )
    _executar(execucao, fonte, preparar_linha)
