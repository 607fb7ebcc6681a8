"""Protocol numbers of RAs and reiterações (docs/domain.md §4.2).

Numbers come from the named counters of ``cadastro.Sequencia`` (row-locked, as
``sequencia_proximo``) rather than a PostgreSQL sequence: the regulator audits
protocols and a gap-free series shows that no request was dropped (a sequence
skips numbers on every rollback), and the counter resets
per year (GSAN format) or per day (ANS format) by name, which a sequence does
not do. The lock is taken inside the caller's transaction (the protocol is
generated at save, never when the screen opens), so a number is only consumed
if the RA commits; the cost is that concurrent openings queue on that row
from the moment the number is taken until commit, which is why the services
take it last, after every validation (see benchmarks/bench_ra_abertura.py).
"""

from django.db import connection
from django.utils import timezone

from cadastro.models import Sequencia
from cadastro.services import sequencia_proximo
from core.exceptions import RegraViolada

LIMITE_GSAN = 999_999_999
LIMITE_ANS = 999_999


def _reservar(nome: str, quantidade: int) -> int:
    """Same contract as ``sequencia_proximo`` (row lock held until commit, gap-free),
    in one round trip: UPDATE … RETURNING takes the lock and the value together.
    Falls back to ``sequencia_proximo`` the first time a counter is used."""
    tabela = connection.ops.quote_name(Sequencia._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {tabela} SET valor = valor + %s WHERE nome = %s RETURNING valor",
            [quantidade, nome],
        )
        linha = cursor.fetchone()
    if linha is None:
        return sequencia_proximo(nome=nome, quantidade=quantidade)
    return linha[0] - quantidade + 1


def protocolo_gerar(*, parametros, quantidade: int = 1, agora=None) -> list[str]:
    """Reserve ``quantidade`` protocols in the configured format (call inside a transaction)."""
    local = timezone.localtime(agora or timezone.now())
    if parametros.formato_protocolo == parametros.FormatoProtocolo.ANS:
        registro = (parametros.registro_ans or "").strip()
        if len(registro) != 6 or not registro.isdigit():
            raise RegraViolada(
                "O formato de protocolo ANS exige o registro ANS com 6 dígitos nos parâmetros "
                "do atendimento."
            )
        dia = local.strftime("%Y%m%d")
        primeiro = _reservar(f"protocolo:ans:{dia}", quantidade)
        if primeiro + quantidade - 1 > LIMITE_ANS:
            raise RegraViolada("A sequência diária de protocolos ANS se esgotou para hoje.")
        return [f"{registro}{dia}{n:06d}" for n in range(primeiro, primeiro + quantidade)]
    ano = local.year
    origem = parametros.protocolo_digito_origem
    primeiro = _reservar(f"protocolo:gsan:{ano}", quantidade)
    if primeiro + quantidade - 1 > LIMITE_GSAN:
        raise RegraViolada("A sequência anual de protocolos se esgotou.")
    return [f"{ano:04d}{origem}{n:09d}" for n in range(primeiro, primeiro + quantidade)]
