"""Bills and payments in by CSV: parse, stage, merge in one transaction.

The billing system is elsewhere; it sends a ``;``-separated file with a header
row, in UTF-8 (with or without BOM) or Latin-1, detected from the bytes::

    matricula;referencia;vencimento;valor;categoria;situacao;pagamento

or, for collection documents (told apart by the header)::

    documento;matricula;acao;emissao;validade;valor;situacao;pagamento

Each bill is identified by (matrícula, referência), each document by its
number. A row that is new is inserted, one that differs from the stored one
updates it (e.g. now paid), one equal to it is left alone, so importing the
same file twice changes nothing. Bad rows are rejected with their line number
and the reason; they never block the good ones.

How: the file is read twice as bytes, never held whole. The first pass detects
the encoding and counts lines; the second parses each row (small caches for the
few distinct dates, referências and words a file has) and streams the valid ones
into a temporary staging table (PostgreSQL: ``COPY``; SQLite: ``executemany``),
showing progress per chunk. Only then, in one transaction, the bills that stop
being em aberto have their prepared sends dispensed and their unsent messages
discarded, and one ``INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE changed``
merges the staging table into ``faturamento_conta``. A crash or a cancel before
the commit leaves the database as it was (the staging table is per session).
"""

import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from operator import mul
from pathlib import Path

from django.db import connection, transaction

from cadastro.models import Imovel
from core.exceptions import RegraViolada

from ..models import Categoria, Conta, Envio, Processo
from .processos import etapa

log = logging.getLogger(__name__)

COLUNAS_CONTAS = (
    "matricula",
    "referencia",
    "vencimento",
    "valor",
    "categoria",
    "situacao",
    "pagamento",
)
COLUNAS_DOCUMENTOS = (
    "documento",
    "matricula",
    "acao",
    "emissao",
    "validade",
    "valor",
    "situacao",
    "pagamento",
)
# Rows parsed and staged per chunk (one progress step).
LOTE = 50_000
# Rejected rows kept in the report (all are counted).
MAX_REJEICOES = 10_000
# The barcode carries the value in 11 digits of centavos (999.999.999,99 at most).
DIGITOS_VALOR = 11
LEITURA = 1 << 20

Situacao = Conta.Situacao
_SITUACOES = {
    "em_aberto": Situacao.EM_ABERTO,
    "em aberto": Situacao.EM_ABERTO,
    "aberta": Situacao.EM_ABERTO,
    "aberto": Situacao.EM_ABERTO,
    "paga": Situacao.PAGA,
    "pago": Situacao.PAGA,
    "cancelada": Situacao.CANCELADA,
    "cancelado": Situacao.CANCELADA,
}
_CATEGORIAS = {c: c for c in Categoria.values}

_CONTROLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\t]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_DATA_BR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATA_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_VALOR = re.compile(r"(\d+)(?:[.,](\d{1,2}))?")
_MATRICULA_COM_DV = re.compile(r"(\d{1,9})-(\d)")


class ArquivoRecusado(RegraViolada):
    """The whole file is refused (unreadable, wrong encoding, missing columns)."""


@dataclass
class Rejeicao:
    linha: int
    motivo: str


@dataclass
class Relatorio:
    """What an import did. ``rejeicoes`` keeps the first :data:`MAX_REJEICOES`."""

    arquivo: str = ""
    codificacao: str = ""
    tipo: str = "contas"  # or "documentos"
    rotulo: str = "Contas"
    sufixo: str = "as"  # inserid-as / inserid-os
    lidas: int = 0
    inseridas: int = 0
    atualizadas: int = 0
    inalteradas: int = 0
    rejeitadas: int = 0
    envios_dispensados: int = 0
    mensagens_descartadas: int = 0
    rejeicoes: list[Rejeicao] = field(default_factory=list)

    def rejeitar(self, linha: int, motivo: str) -> None:
        self.rejeitadas += 1
        if len(self.rejeicoes) < MAX_REJEICOES:
            self.rejeicoes.append(Rejeicao(linha, motivo))

    def contadores(self, max_rejeicoes: int = 200) -> dict:
        """The counts and the first rejected rows, as stored in ``Processo.contadores``."""
        return {
            "lidas": self.lidas,
            "inseridas": self.inseridas,
            "atualizadas": self.atualizadas,
            "inalteradas": self.inalteradas,
            "rejeitadas": self.rejeitadas,
            "envios_dispensados": self.envios_dispensados,
            "mensagens_descartadas": self.mensagens_descartadas,
            "codificacao": self.codificacao,
            "tipo": self.tipo,
            "rejeicoes": [
                {"linha": r.linha, "motivo": r.motivo} for r in self.rejeicoes[:max_rejeicoes]
            ],
        }

    def linhas(self, max_rejeicoes: int = 50) -> list[str]:
        """The report in pt-BR, one line each (for the command and logs)."""
        saida = [
            f"Arquivo: {self.arquivo} ({self.codificacao})",
            f"Linhas lidas: {self.lidas}",
            f"{self.rotulo} inserid{self.sufixo}: {self.inseridas}",
            f"{self.rotulo} atualizad{self.sufixo}: {self.atualizadas}",
            f"{self.rotulo} inalterad{self.sufixo}: {self.inalteradas}",
            f"Linhas rejeitadas: {self.rejeitadas}",
        ]
        if self.envios_dispensados or self.mensagens_descartadas:
            saida.append(
                f"Envios dispensados: {self.envios_dispensados}; "
                f"mensagens descartadas: {self.mensagens_descartadas}"
            )
        for r in self.rejeicoes[:max_rejeicoes]:
            saida.append(f"  linha {r.linha}: {r.motivo}")
        if self.rejeitadas > max_rejeicoes:
            saida.append(f"  … e mais {self.rejeitadas - max_rejeicoes} linhas rejeitadas.")
        return saida


# --- the file ------------------------------------------------------------------


def _normalizar(texto: str) -> str:
    """Lowercase, no accents, single spaces: 'Pública' → 'publica'."""
    texto = unicodedata.normalize("NFKD", texto.strip().lower())
    return " ".join("".join(c for c in texto if not unicodedata.combining(c)).split())


def detectar_codificacao(caminho: Path) -> tuple[str, bool, int]:
    """(encoding, mixed, number of lines) of the file, reading it in blocks.

    UTF-8 when every byte sequence is valid UTF-8 (a BOM is skipped); Latin-1
    when it is not and no UTF-8 multi-byte sequence appears. ``mixed`` is True
    for a UTF-8 file with some non-UTF-8 lines: those lines are rejected, the
    others read as UTF-8. UTF-16/32 and binary files (NUL bytes) are refused.
    """
    import codecs

    decodificador = codecs.getincrementaldecoder("utf-8")()
    utf8_valido = True
    tem_multibyte = False
    linhas = 0
    ultimo = b"\n"
    with open(caminho, "rb") as f:
        inicio = f.read(4)
        if inicio[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in inicio:
            raise ArquivoRecusado(
                "Codificação não reconhecida (parece UTF-16 ou um arquivo binário). "
                "Salve o arquivo como CSV em UTF-8 ou Latin-1."
            )
        f.seek(0)
        anterior = b""
        while bloco := f.read(LEITURA):
            if b"\x00" in bloco:
                raise ArquivoRecusado(
                    "Codificação não reconhecida: o arquivo tem bytes nulos (binário ou "
                    "UTF-16). Salve o arquivo como CSV em UTF-8 ou Latin-1."
                )
            linhas += bloco.count(b"\n")
            ultimo = bloco[-1:]
            if not tem_multibyte and _UTF8_MULTIBYTE.search(anterior[-1:] + bloco):
                tem_multibyte = True
            anterior = bloco
            if utf8_valido:
                try:
                    decodificador.decode(bloco)
                except UnicodeDecodeError:
                    utf8_valido = False
        if utf8_valido:
            try:
                decodificador.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_valido = False
    if ultimo != b"\n" and ultimo:
        linhas += 1
    if utf8_valido:
        return "utf-8", False, linhas
    if tem_multibyte:
        return "utf-8", True, linhas
    return "latin-1", False, linhas


def _ler_linhas(caminho: Path, codificacao: str, mista: bool):
    """Yield (line number, text or None when it is not in the encoding)."""
    with open(caminho, "rb") as f:
        for numero, bruta in enumerate(f, start=1):
            if numero == 1 and bruta.startswith(b"\xef\xbb\xbf"):
                bruta = bruta[3:]
            bruta = bruta.rstrip(b"\r\n")
            try:
                yield numero, bruta.decode(codificacao)
            except UnicodeDecodeError:
                if not mista:
                    raise
                yield numero, None


def _campos(texto: str) -> list[str]:
    campos = [c.strip() for c in texto.split(";")]
    if '"' in texto:
        for i, c in enumerate(campos):
            if len(c) >= 2 and c[0] == '"' and c[-1] == '"':
                campos[i] = c[1:-1].strip()
    return campos


_PESOS_DV = (2, 3, 4, 5, 6, 7, 8, 9) * 2


def _dv(digitos: str) -> int:
    """``cadastro.validators.digito_modulo11`` of a digit string, in C-speed loops."""
    resto = 11 - sum(map(mul, map(int, reversed(digitos)), _PESOS_DV)) % 11
    return 0 if resto >= 10 else resto


# --- one row ---------------------------------------------------------------------


class _Invalido(Exception):
    pass


class _Interpretador:
    """Parses the fields of one bill row, with caches for repeated values."""

    def __init__(self, ids_por_matricula: dict[int, int]):
        self.ids = ids_por_matricula
        self._datas: dict[str, str | Exception] = {}
        self._referencias: dict[str, int | Exception] = {}
        self._valores: dict[str, str] = {}
        self._categorias: dict[str, str] = dict(_CATEGORIAS)
        self._situacoes: dict[str, str] = dict(_SITUACOES)

    def imovel_id(self, texto: str) -> int:
        if not texto:
            raise _Invalido("matrícula não informada")
        limpo = texto.replace(".", "").replace(" ", "")
        if m := _MATRICULA_COM_DV.fullmatch(limpo):
            numero, digito = int(m.group(1)), int(m.group(2))
            if _dv(m.group(1)) != digito:
                raise _Invalido(f"dígito verificador da matrícula {texto} não confere")
            if (pk := self.ids.get(numero)) is None:
                raise _Invalido(f"matrícula desconhecida: {texto}")
            return pk
        if not limpo.isdigit() or len(limpo) > 10:
            raise _Invalido(f"matrícula inválida: {texto} (use só números, com ou sem o dígito)")
        sem_dv = self.ids.get(int(limpo)) if len(limpo) <= 9 else None
        com_dv = None
        if len(limpo) > 1 and (pk := self.ids.get(int(limpo[:-1]))) is not None:
            if _dv(limpo[:-1]) == int(limpo[-1]):
                com_dv = pk
            elif sem_dv is None:
                raise _Invalido(f"dígito verificador da matrícula {texto} não confere")
        if sem_dv is not None and com_dv is not None and sem_dv != com_dv:
            raise _Invalido(
                f"matrícula ambígua: {texto} (separe o dígito verificador com hífen, "
                f"como {limpo[:-1]}-{limpo[-1]})"
            )
        pk = sem_dv if sem_dv is not None else com_dv
        if pk is None:
            raise _Invalido(f"matrícula desconhecida: {texto}")
        return pk

    def referencia(self, texto: str) -> int:
        valor = self._referencias.get(texto)
        if valor is None:
            valor = self._referencias[texto] = self._referencia(texto)
        if isinstance(valor, Exception):
            raise valor
        return valor

    @staticmethod
    def _referencia(texto: str) -> int | Exception:
        if re.fullmatch(r"\d{6}", texto):
            ano, mes = int(texto[:4]), int(texto[4:])
        elif m := re.fullmatch(r"(\d{1,2})/(\d{4})", texto):
            mes, ano = int(m.group(1)), int(m.group(2))
        elif not texto:
            return _Invalido("referência não informada")
        else:
            return _Invalido(f"referência inválida: {texto} (use AAAAMM ou MM/AAAA)")
        if not (2000 <= ano <= 2099 and 1 <= mes <= 12):
            return _Invalido(
                f"referência fora do intervalo: {texto} (ano de 2000 a 2099, mês de 01 a 12)"
            )
        return ano * 100 + mes

    def data(self, texto: str, nome: str) -> str:
        """ISO text of a date dd/mm/aaaa or aaaa-mm-dd."""
        valor = self._datas.get(texto)
        if valor is None:
            valor = self._datas[texto] = self._data(texto)
        if isinstance(valor, Exception):
            raise _Invalido(f"{nome}: {valor}")
        return valor

    @staticmethod
    def _data(texto: str) -> str | Exception:
        if m := _DATA_BR.fullmatch(texto):
            dia, mes, ano = (int(g) for g in m.groups())
        elif m := _DATA_ISO.fullmatch(texto):
            ano, mes, dia = (int(g) for g in m.groups())
        else:
            return _Invalido(f"data inválida “{texto}” (use dd/mm/aaaa)")
        try:
            if not 2000 <= ano <= 2099:
                raise ValueError
            return date(ano, mes, dia).isoformat()
        except ValueError:
            return _Invalido(f"data inexistente ou fora do intervalo “{texto}”")

    def valor(self, texto: str) -> str:
        """Decimal text with a point, checked to fit the barcode."""
        if (valor := self._valores.get(texto)) is not None:
            return valor
        valor = self._valor(texto)
        if len(self._valores) < 200_000:
            self._valores[texto] = valor
        return valor

    @staticmethod
    def _valor(texto: str) -> str:
        limpo = texto.replace(" ", "").replace("R$", "")
        if limpo.startswith("-"):
            raise _Invalido(f"valor negativo: {texto}")
        if "," in limpo and "." in limpo:  # 1.234,56 or 1,234.56: the last one is decimal
            if limpo.rfind(",") > limpo.rfind("."):
                limpo = limpo.replace(".", "")
            else:
                limpo = limpo.replace(",", "")
        m = _VALOR.fullmatch(limpo)
        if not m:
            if not texto:
                raise _Invalido("valor não informado")
            raise _Invalido(f"valor inválido: {texto} (use 123,45 ou 123.45)")
        inteiro, centavos = m.group(1).lstrip("0") or "0", (m.group(2) or "").ljust(2, "0")
        if len(inteiro) + 2 > DIGITOS_VALOR:
            raise _Invalido(
                f"valor grande demais para o código de barras: {texto} "
                "(no máximo 11 dígitos em centavos, 999.999.999,99)"
            )
        return f"{inteiro}.{centavos}"

    def categoria(self, texto: str) -> str:
        if (valor := self._categorias.get(texto)) is not None:
            return valor
        valor = _CATEGORIAS.get(_normalizar(texto))
        if valor is not None:
            self._categorias[texto] = valor
        else:
            raise _Invalido(
                f"categoria desconhecida: “{texto}” (use residencial, comercial, "
                "industrial ou pública)"
            )
        return valor

    def situacao(self, texto: str) -> str:
        if (valor := self._situacoes.get(texto)) is not None:
            return valor
        valor = _SITUACOES.get(_normalizar(texto).replace("-", " "))
        if valor is not None:
            self._situacoes[texto] = valor
        else:
            raise _Invalido(f"situação desconhecida: “{texto}” (use em_aberto, paga ou cancelada)")
        return valor


# --- staging and merge ---------------------------------------------------------------

_NULO = "\\N"
_EM_ABERTO = [Situacao.EM_ABERTO, Situacao.EM_ABERTO]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _diferente(a: str, b: str, campos) -> str:
    op = "IS DISTINCT FROM" if _postgres() else "IS NOT"
    return " OR ".join(f"{a}.{c} {op} {b}.{c}" for c in campos)


class _Formato:
    """One kind of file: its columns, staging table, row parser and merge."""

    nome = ""
    colunas: tuple[str, ...] = ()
    tabela = ""  # the real table
    staging = ""  # the temporary table
    definicao = ""  # the staging table's columns
    colunas_staging = ""
    chave = ""  # the conflict target
    atualizados: tuple[str, ...] = ()  # columns an import may change
    carimbo = ""  # the row's auto_now column
    envio_fk = ""  # Envio's foreign key to the real table
    motivos: dict[str, str] = {}
    rotulo = ""  # "Contas", feminine plural
    sufixo = "as"

    def __init__(self, interpretar: "_Interpretador"):
        self.interpretar = interpretar
        self.vistas: dict[int, int] = {}  # key → first line

    def staging_criar(self, cursor) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {self.staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {self.staging} ({self.definicao})")

    def staging_apagar(self, cursor) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {self.staging}")

    def texto_copy(self, linhas: list[tuple]) -> str:
        return "".join(
            "\t".join(_NULO if v is None else str(v) for v in linha) + "\n" for linha in linhas
        )

    def staging_gravar(self, cursor, linhas: list[tuple]) -> None:
        if not linhas:
            return
        if _postgres():
            comando = f"COPY {self.staging} ({self.colunas_staging}) FROM STDIN"
            with cursor.cursor.copy(comando) as copia:
                copia.write(self.texto_copy(linhas))
        else:
            marcas = ", ".join(["%s"] * len(linhas[0]))
            with transaction.atomic():
                cursor.executemany(
                    f"INSERT INTO {self.staging} ({self.colunas_staging}) VALUES ({marcas})",
                    linhas,
                )

    def baixas(self, cursor) -> list[tuple[int, str]]:
        """(id, new situação) of the stored rows that stop being em aberto."""
        juncao = " AND ".join(f"s.{c} = t.{c}" for c in self.chave.split(", "))
        cursor.execute(
            f"SELECT t.id, s.situacao FROM {self.tabela} t JOIN {self.staging} s ON {juncao}"
            " WHERE t.situacao = %s AND s.situacao <> %s",
            _EM_ABERTO,
        )
        return cursor.fetchall()

    def mesclar(self, cursor, relatorio: "Relatorio") -> None:
        """Insert the new rows and update the changed ones: one statement."""
        from django.utils import timezone

        colunas = [c.strip() for c in self.colunas_staging.split(",") if c.strip() != "linha"]
        lista = ", ".join(colunas)
        atribuicoes = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*self.atualizados, self.carimbo))
        insercao = (
            f"INSERT INTO {self.tabela} ({lista}, {self.carimbo})"
            f" SELECT {lista}, %s FROM {self.staging} WHERE true"
            f" ON CONFLICT ({self.chave}) DO UPDATE SET {atribuicoes}"
            f" WHERE {_diferente(self.tabela, 'EXCLUDED', self.atualizados)}"
        )
        agora = timezone.now()
        if _postgres():
            cursor.execute(
                f"WITH m AS ({insercao} RETURNING (xmax = 0) AS nova)"
                " SELECT count(*) FILTER (WHERE nova), count(*) FILTER (WHERE NOT nova) FROM m",
                [agora],
            )
            relatorio.inseridas, relatorio.atualizadas = cursor.fetchone()
        else:  # SQLite: no xmax, so count before merging
            juncao = " AND ".join(f"s.{c} = t.{c}" for c in self.chave.split(", "))
            cursor.execute(
                "SELECT count(*) - count(t.id), sum(CASE WHEN t.id IS NOT NULL AND"
                f" ({_diferente('t', 's', self.atualizados)}) THEN 1 ELSE 0 END)"
                f" FROM {self.staging} s LEFT JOIN {self.tabela} t ON {juncao}"
            )
            relatorio.inseridas, atualizadas = cursor.fetchone()
            relatorio.atualizadas = atualizadas or 0
            cursor.execute(insercao, [agora])

    def repetida(self, chave: int, numero: int, relatorio: "Relatorio", texto: str) -> bool:
        if (anterior := self.vistas.setdefault(chave, numero)) != numero:
            relatorio.rejeitar(numero, f"{texto} na linha {anterior}")
            return True
        return False

    def pagamento(self, situacao: str, texto: str, o_que: str) -> str | None:
        if situacao != Situacao.PAGA:
            return None
        if not texto:
            raise _Invalido(f"{o_que} sem a data de pagamento (coluna “pagamento”)")
        return self.interpretar.data(texto, "pagamento")


class _Contas(_Formato):
    nome = "contas"
    colunas = COLUNAS_CONTAS
    tabela = "faturamento_conta"
    staging = "importacao_conta_tmp"
    definicao = (
        "imovel_id bigint NOT NULL, referencia integer NOT NULL, vencimento date NOT NULL,"
        " valor numeric(11, 2) NOT NULL, categoria varchar(12) NOT NULL,"
        " situacao varchar(10) NOT NULL, pago_em date NULL, linha integer NOT NULL"
    )
    colunas_staging = (
        "imovel_id, referencia, vencimento, valor, categoria, situacao, pago_em, linha"
    )
    chave = "imovel_id, referencia"
    atualizados = ("vencimento", "valor", "categoria", "situacao", "pago_em")
    carimbo = "atualizada_em"
    envio_fk = "conta_id"
    motivos = {Situacao.PAGA: "conta paga", Situacao.CANCELADA: "conta cancelada"}
    rotulo = "Contas"

    def texto_copy(self, linhas):  # the hot path: one f-string per row
        return "".join(
            f"{i}\t{r}\t{v}\t{val}\t{c}\t{s}\t{p or _NULO}\t{n}\n"
            for i, r, v, val, c, s, p, n in linhas
        )

    def linha(self, campos, numero, relatorio) -> tuple | None:
        matricula, referencia, vencimento, valor, categoria, situacao, pagamento = campos
        interpretar = self.interpretar
        try:
            imovel_id = interpretar.imovel_id(matricula)
            ref = interpretar.referencia(referencia)
            venc = interpretar.data(vencimento, "vencimento")
            val = interpretar.valor(valor)
            cat = interpretar.categoria(categoria)
            sit = interpretar.situacao(situacao)
            pago = self.pagamento(sit, pagamento, "conta paga")
        except _Invalido as exc:
            relatorio.rejeitar(numero, str(exc))
            return None
        if self.repetida(
            imovel_id * 1_000_000 + ref,
            numero,
            relatorio,
            "conta repetida no arquivo: a mesma matrícula e referência já estão",
        ):
            return None
        return (imovel_id, ref, venc, val, cat, sit, pago, numero)


class _Documentos(_Formato):
    nome = "documentos"
    colunas = COLUNAS_DOCUMENTOS
    tabela = "faturamento_documentocobranca"
    staging = "importacao_documento_tmp"
    definicao = (
        "numero bigint NOT NULL, imovel_id bigint NOT NULL, acao_id bigint NOT NULL,"
        " emissao date NOT NULL, validade date NOT NULL, valor numeric(11, 2) NOT NULL,"
        " situacao varchar(10) NOT NULL, pago_em date NULL, linha integer NOT NULL"
    )
    colunas_staging = (
        "numero, imovel_id, acao_id, emissao, validade, valor, situacao, pago_em, linha"
    )
    chave = "numero"
    atualizados = ("imovel_id", "acao_id", "emissao", "validade", "valor", "situacao", "pago_em")
    carimbo = "atualizado_em"
    envio_fk = "documento_id"
    motivos = {Situacao.PAGA: "documento pago", Situacao.CANCELADA: "documento cancelado"}
    rotulo = "Documentos de cobrança"
    sufixo = "os"

    def __init__(self, interpretar):
        super().__init__(interpretar)
        from ..models import AcaoCobranca

        self.acoes: dict[str, int] = {}
        for pk, descricao in AcaoCobranca.objects.values_list("pk", "descricao"):
            self.acoes[str(pk)] = pk
            self.acoes.setdefault(_normalizar(descricao), pk)

    def linha(self, campos, numero, relatorio) -> tuple | None:
        documento, matricula, acao, emissao, validade, valor, situacao, pagamento = campos
        interpretar = self.interpretar
        try:
            if not documento.isdigit() or len(documento) > 18 or not int(documento):
                raise _Invalido(f"número do documento inválido: “{documento}” (de 1 a 18 dígitos)")
            imovel_id = interpretar.imovel_id(matricula)
            acao_id = self.acoes.get(acao) or self.acoes.get(_normalizar(acao))
            if acao_id is None:
                raise _Invalido(f"ação de cobrança desconhecida: “{acao}”")
            emitido = interpretar.data(emissao, "emissão")
            valido = interpretar.data(validade, "validade")
            if valido < emitido:
                raise _Invalido(f"validade {validade} anterior à emissão {emissao}")
            val = interpretar.valor(valor)
            sit = interpretar.situacao(situacao)
            pago = self.pagamento(sit, pagamento, "documento pago")
        except _Invalido as exc:
            relatorio.rejeitar(numero, str(exc))
            return None
        if self.repetida(
            int(documento), numero, relatorio, "documento repetido no arquivo: o mesmo número está"
        ):
            return None
        return (int(documento), imovel_id, acao_id, emitido, valido, val, sit, pago, numero)


def _baixas_dispensar(cursor, formato: _Formato, relatorio: "Relatorio", usuario) -> None:
    """Bills (documents) that stop being em aberto: their prepared sends are dispensed
    and their messages not yet sent (pendente/falhou) discarded, saying why."""
    from mensageria.models import Mensagem
    from mensageria.services.mensagens import mensagens_descartar

    baixas = formato.baixas(cursor)
    fk = formato.envio_fk
    for situacao, motivo in formato.motivos.items():
        ids = [pk for pk, nova in baixas if nova == situacao]
        for i in range(0, len(ids), 10_000):
            lote = ids[i : i + 10_000]
            relatorio.envios_dispensados += Envio.objects.filter(
                **{f"{fk}__in": lote}, situacao=Envio.Situacao.PREPARADA
            ).update(situacao=Envio.Situacao.DISPENSADA)
            mensagens = list(
                Mensagem.objects.filter(
                    **{f"envio_faturamento__{fk}__in": lote},
                    status__in=(Mensagem.Status.PENDENTE, Mensagem.Status.FALHOU),
                ).values_list("pk", flat=True)
            )
            if not mensagens:
                continue
            relatorio.mensagens_descartadas += mensagens_descartar(
                mensagens, motivo=motivo, usuario=usuario
            )
            relatorio.envios_dispensados += (
                Envio.objects.filter(
                    mensagem_id__in=mensagens, mensagem__status=Mensagem.Status.DESCARTADA
                )
                .exclude(situacao=Envio.Situacao.DISPENSADA)
                .update(situacao=Envio.Situacao.DISPENSADA)
            )


def _mesclar(cursor, formato: _Formato, relatorio: "Relatorio") -> None:
    """The merge, in the import's transaction (a seam the tests break to prove it)."""
    formato.mesclar(cursor, relatorio)


# --- the import -------------------------------------------------------------------

FORMATOS = (_Contas, _Documentos)


def _cabecalho(texto: str | None) -> tuple[type[_Formato], dict[str, int]]:
    """The kind of file its header names, and the position of each column."""
    if texto is None:
        raise ArquivoRecusado("O cabeçalho não está em UTF-8 nem em Latin-1.")
    nomes = [_normalizar(c).replace(" ", "_") for c in _campos(texto)]
    if len(nomes) < 2:
        raise ArquivoRecusado(
            "O arquivo não parece um CSV separado por “;”: o cabeçalho deve ser "
            + ";".join(COLUNAS_CONTAS)
            + "."
        )
    formato = _Documentos if "documento" in nomes else _Contas
    posicoes = {}
    for i, nome in enumerate(nomes):
        posicoes.setdefault(nome, i)
    faltam = [c for c in formato.colunas if c not in posicoes]
    if faltam:
        raise ArquivoRecusado(
            f"Faltam colunas no cabeçalho: {', '.join(faltam)}. "
            f"O cabeçalho deve ser {';'.join(formato.colunas)}."
        )
    return formato, {c: posicoes[c] for c in formato.colunas}


def conferir_arquivo(caminho) -> str:
    """Check, without importing, what refuses a whole file (encoding, header); the
    encoding found. Raises :class:`ArquivoRecusado`."""
    caminho = Path(caminho)
    try:
        codificacao, mista, _ = detectar_codificacao(caminho)
        primeira = next(_ler_linhas(caminho, codificacao, mista), None)
    except OSError as exc:
        raise ArquivoRecusado(f"Não foi possível ler o arquivo {caminho.name}: {exc}") from exc
    if primeira is None:
        raise ArquivoRecusado("O arquivo está vazio.")
    _cabecalho(primeira[1])
    return codificacao


def importar_arquivo(caminho, *, execucao=None, usuario=None) -> Relatorio:
    """Import the bills (or collection documents) of the CSV at ``caminho``; the
    report of what was done.

    The header says which: ``documento`` among its columns means collection
    documents. Raises :class:`ArquivoRecusado` (nothing written) when the file
    cannot be read, its encoding is not UTF-8/Latin-1, or its header misses
    columns. With ``execucao`` (a run), progress is recorded per chunk and a
    cancel stops the import before anything is written.
    """
    caminho = Path(caminho)
    relatorio = Relatorio(arquivo=caminho.name)
    inicio = time.perf_counter()
    try:
        codificacao, mista, total = detectar_codificacao(caminho)
        linhas = _ler_linhas(caminho, codificacao, mista)
        primeira = next(linhas, None)
    except OSError as exc:
        raise ArquivoRecusado(f"Não foi possível ler o arquivo {caminho.name}: {exc}") from exc
    relatorio.codificacao = codificacao + (" (com linhas em outra codificação)" if mista else "")
    if primeira is None:
        raise ArquivoRecusado("O arquivo está vazio.")
    classe, posicoes = _cabecalho(primeira[1])
    relatorio.tipo, relatorio.rotulo, relatorio.sufixo = classe.nome, classe.rotulo, classe.sufixo
    if execucao is not None:
        execucao.definir_total(max(total - 1, 0))
    colunas = len(_campos(primeira[1]))
    ordem = [posicoes[c] for c in classe.colunas]
    formato = classe(_Interpretador(dict(Imovel.objects.values_list("matricula", "id"))))
    with connection.cursor() as cursor:
        formato.staging_criar(cursor)
        try:
            lote: list[tuple] = []
            lidas_lote = 0
            for numero, texto in linhas:
                if texto is None:
                    relatorio.lidas += 1
                    lidas_lote += 1
                    relatorio.rejeitar(
                        numero,
                        "linha com codificação inválida (o arquivo é UTF-8, esta linha não)",
                    )
                    continue
                if not texto.strip():
                    continue
                relatorio.lidas += 1
                lidas_lote += 1
                campos = _campos_da_linha(texto, numero, colunas, ordem, classe.colunas, relatorio)
                if campos is not None and (linha := formato.linha(campos, numero, relatorio)):
                    lote.append(linha)
                if lidas_lote >= LOTE:
                    formato.staging_gravar(cursor, lote)
                    lote = []
                    if execucao is not None:
                        execucao.avancar(lidas_lote)
                    lidas_lote = 0
            formato.staging_gravar(cursor, lote)
            if execucao is not None and lidas_lote:
                execucao.avancar(lidas_lote)
            formato.vistas.clear()
            validas = relatorio.lidas - relatorio.rejeitadas
            lido = time.perf_counter()
            with transaction.atomic():
                _baixas_dispensar(cursor, formato, relatorio, usuario)
                baixado = time.perf_counter()
                _mesclar(cursor, formato, relatorio)
            log.info(
                "Importação de %s: %d linhas lidas e preparadas em %.1f s, baixas em %.1f s, "
                "gravação em %.1f s",
                caminho.name,
                relatorio.lidas,
                lido - inicio,
                baixado - lido,
                time.perf_counter() - baixado,
            )
            relatorio.inalteradas = validas - relatorio.inseridas - relatorio.atualizadas
        finally:
            if not connection.needs_rollback:
                formato.staging_apagar(cursor)
    return relatorio


def _campos_da_linha(texto, numero, colunas, ordem, nomes, relatorio) -> list[str] | None:
    """The row's fields in the format's column order, or None (rejected)."""
    campos = _campos(texto)
    if len(campos) != colunas:
        relatorio.rejeitar(numero, f"a linha tem {len(campos)} colunas; o cabeçalho tem {colunas}")
        return None
    if _CONTROLE.search(texto):
        for nome, pos in zip(nomes, ordem, strict=True):
            if m := _CONTROLE.search(campos[pos]):
                relatorio.rejeitar(
                    numero,
                    f"caractere de controle 0x{ord(m.group()):02X} na coluna “{nome}”",
                )
                return None
    return [campos[p] for p in ordem]


@etapa(Processo.Tipo.IMPORTACAO)
def importar_etapa(execucao) -> None:
    """The import as a run: ``parametros["arquivo"]`` is the file's path."""
    arquivo = execucao.parametros.get("arquivo")
    if not arquivo:
        raise ArquivoRecusado("O processo de importação não indica o arquivo.")
    # A resumed run (its worker died) imports the whole file again, harmlessly:
    # nothing of the first attempt was committed. Its progress starts over too.
    Processo.objects.filter(pk=execucao.processo.pk).update(processados=0)
    try:
        relatorio = importar_arquivo(arquivo, execucao=execucao, usuario=execucao.processo.usuario)
    except ArquivoRecusado as exc:
        execucao.definir(recusa=str(exc))
        raise
    execucao.definir(**relatorio.contadores())
