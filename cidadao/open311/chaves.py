"""The civic apps' keys to the Open311 API.

A key is a random secret shown once, when it is created; the database keeps only
its SHA-256 and its first characters (to tell keys apart in the admin). Nobody can
read a key back: a lost key is deactivated and a new one created.
"""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from cidadao.models import ChaveApi
from core.exceptions import RegraViolada

PREFIXO_TAMANHO = 8
SEGREDO_MAX = 200  # a longer "key" is never ours: refused before hashing
# ``ultimo_uso`` is for the Administrador to see which keys are alive, not an audit of
# each call: one write a minute per key at most keeps POSTs from queueing on its row.
ULTIMO_USO_RESOLUCAO = datetime.timedelta(minutes=1)


def _hash(segredo: str) -> str:
    return hashlib.sha256(segredo.encode()).hexdigest()


def chave_criar(*, nome: str, usuario) -> tuple[ChaveApi, str]:
    """Create a key for the app ``nome``; returns the row and the secret, which exists
    nowhere else afterwards."""
    nome = (nome or "").strip()
    if not nome:
        raise RegraViolada("Informe o nome do aplicativo ou parceiro.", campo="nome")
    maximo = ChaveApi._meta.get_field("nome").max_length
    if len(nome) > maximo:
        raise RegraViolada(f"O nome tem no máximo {maximo} caracteres.", campo="nome")
    while True:
        segredo = secrets.token_urlsafe(32)
        prefixo = segredo[:PREFIXO_TAMANHO]
        if not ChaveApi.objects.filter(prefixo=prefixo).exists():
            break
    with transaction.atomic():
        chave = ChaveApi.objects.create(
            nome=nome,
            prefixo=prefixo,
            hash=_hash(segredo),
            criada_por=usuario if getattr(usuario, "pk", None) else None,
        )
    return chave, segredo


def chave_verificar(segredo: str | None) -> ChaveApi | None:
    """The active key whose secret is ``segredo``, or None (unknown, inactive, empty)."""
    if not segredo or len(segredo) > SEGREDO_MAX:
        return None
    chave = ChaveApi.objects.filter(hash=_hash(segredo), ativa=True).first()
    if chave is None:
        return None
    agora = timezone.now()
    if chave.ultimo_uso is None or agora - chave.ultimo_uso >= ULTIMO_USO_RESOLUCAO:
        ChaveApi.objects.filter(pk=chave.pk).update(ultimo_uso=agora)
        chave.ultimo_uso = agora
    return chave


def chave_desativar(*, chave: ChaveApi, usuario) -> bool:
    """Turn a key off for good (a leaked key is replaced, never turned back on).
    False when it was already off."""
    with transaction.atomic():
        chave = ChaveApi.objects.select_for_update().get(pk=chave.pk)
        if not chave.ativa:
            return False
        chave.ativa = False
        chave.save(update_fields=["ativa"])
    return True
