"""Manual numbering for paper forms during outages (docs/domain.md §4.6)."""

import re

from django.db import transaction

from atendimento.models import NumeroManual
from cadastro.services import sequencia_proximo
from cadastro.validators import digito_modulo11
from core.exceptions import PermissaoNegada, RegraViolada

QUANTIDADE_MAXIMA = 90
NUMERO_MAXIMO = 999_999_999


def numero_manual_formatar(numero: int) -> str:
    return f"{numero:09d}-{digito_modulo11(numero)}"


def numero_manual_interpretar(texto: str) -> int:
    """``123456789-0`` → 123456789, the check digit verified."""
    m = re.fullmatch(r"(\d{9})-?(\d)", (texto or "").strip())
    if not m:
        raise RegraViolada(
            "O número manual deve ter 9 dígitos, hífen e o dígito verificador (ex.: 000000123-4).",
            campo="numero_manual",
        )
    numero, digito = int(m.group(1)), int(m.group(2))
    if digito_modulo11(numero) != digito:
        raise RegraViolada(
            "O dígito verificador do número manual não confere: confira o número no formulário.",
            campo="numero_manual",
        )
    return numero


def numero_manual_reservar(texto: str) -> NumeroManual:
    """Lock the issued, unused number for the RA being typed in (inside a transaction)."""
    numero = numero_manual_interpretar(texto)
    emitido = NumeroManual.objects.select_for_update().filter(numero=numero).first()
    if emitido is None:
        raise RegraViolada(
            f"O número manual {numero_manual_formatar(numero)} nunca foi emitido.",
            campo="numero_manual",
        )
    if emitido.ra_id is not None:
        raise RegraViolada(
            f"O número manual {numero_manual_formatar(numero)} já foi usado no RA "
            f"de protocolo {emitido.ra.protocolo}.",
            campo="numero_manual",
        )
    return emitido


def numeracao_manual_emitir(*, unidade, usuario, quantidade: int) -> list[NumeroManual]:
    """Issue up to 90 consecutive numbers to a unit that opens RAs."""
    if not isinstance(quantidade, int) or not 1 <= quantidade <= QUANTIDADE_MAXIMA:
        raise RegraViolada(
            f"Informe uma quantidade de 1 a {QUANTIDADE_MAXIMA} números.", campo="quantidade"
        )
    if unidade is None:
        raise RegraViolada("Você não está vinculado a uma unidade.", campo="unidade")
    if not unidade.ativa or not unidade.abre_ra:
        raise RegraViolada(
            f"A unidade {unidade.sigla} não abre RAs e não pode receber números manuais.",
            campo="unidade",
        )
    if not (
        usuario.has_perm("cadastro.atuar_qualquer_unidade")
        or (usuario.unidade_id == unidade.pk)
        or (usuario.unidade is not None and usuario.unidade.central_atendimento)
    ):
        raise PermissaoNegada("Você só pode solicitar números manuais para a sua unidade.")
    with transaction.atomic():
        primeiro = sequencia_proximo(nome="numero_manual", quantidade=quantidade)
        if primeiro + quantidade - 1 > NUMERO_MAXIMO:
            raise RegraViolada("A numeração manual se esgotou.")
        return NumeroManual.objects.bulk_create(
            NumeroManual(numero=n, unidade=unidade, solicitado_por=usuario)
            for n in range(primeiro, primeiro + quantidade)
        )
