"""Attachments of an RA: type checked by content (magic bytes), size limit, images resized."""

import datetime
import io
import os
import uuid
from dataclasses import dataclass, field

import filetype
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from atendimento.models import Anexo
from atendimento.services._comum import (
    Situacao,
    evento_registrar,
    exigir_permissao,
    exigir_situacao,
    parametros,
    ra_salvar,
    ra_travar,
)
from core.exceptions import RegraViolada
from core.imagens import (
    ImagemCorrompida,
    ImagemGrandeDemais,
    imagem_abrir,
    pixels_descrever,
    pixels_maximo_descrever,
)

# Extensions that name the same content type.
_SINONIMOS = {"jpeg": "jpg", "tif": "tiff"}
_IMAGENS = {"jpg", "png", "gif", "webp", "bmp", "tiff"}
_FORMATO_PIL = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP", "bmp": "BMP"}


def _ext(nome: str) -> str:
    ext = os.path.splitext(nome or "")[1].lower().lstrip(".")
    return _SINONIMOS.get(ext, ext)


def anexo_validar(arquivo, *, params=None) -> tuple[bytes, str, str]:
    """Check an uploaded file; return (content, safe name, MIME type) or raise RegraViolada."""
    params = params or parametros()
    nome = os.path.basename(getattr(arquivo, "name", "") or "arquivo")
    permitidos = {_SINONIMOS.get(e, e) for e in _lista(params.anexo_tipos_permitidos)}
    limite = params.anexo_tamanho_max_kb * 1024
    tamanho = getattr(arquivo, "size", None)
    if tamanho is not None and tamanho > limite:
        raise RegraViolada(
            f"O arquivo {nome} tem {tamanho // 1024} KB; o limite é "
            f"{params.anexo_tamanho_max_kb} KB.",
            campo="anexos",
        )
    arquivo.seek(0)
    conteudo = arquivo.read()
    if len(conteudo) > limite:
        raise RegraViolada(
            f"O arquivo {nome} tem {len(conteudo) // 1024} KB; o limite é "
            f"{params.anexo_tamanho_max_kb} KB.",
            campo="anexos",
        )
    if not conteudo:
        raise RegraViolada(f"O arquivo {nome} está vazio.", campo="anexos")
    ext = _ext(nome)
    tipos = ", ".join(sorted(permitidos))
    if ext not in permitidos:
        raise RegraViolada(
            f"O tipo do arquivo {nome} não é aceito. Tipos aceitos: {tipos}.", campo="anexos"
        )
    real = filetype.guess(conteudo)
    if real is None or _SINONIMOS.get(real.extension, real.extension) != ext:
        raise RegraViolada(
            f"O conteúdo do arquivo {nome} não corresponde à extensão .{ext} "
            "(o arquivo pode ter sido renomeado). Envie o documento original.",
            campo="anexos",
        )
    if ext in _IMAGENS:
        conteudo = _redimensionar(conteudo, ext, params.anexo_imagem_max_px, nome)
    return conteudo, nome, real.mime


def _lista(texto: str) -> list[str]:
    return [p.strip().lower().lstrip(".") for p in (texto or "").split(",") if p.strip()]


def _pixels_demais(nome: str, tamanho: tuple[int, int] | None) -> RegraViolada:
    return RegraViolada(
        f"A imagem {nome} tem {pixels_descrever(tamanho)}; o máximo é "
        f"{pixels_maximo_descrever()}. Reduza a imagem e envie de novo.",
        campo="anexos",
    )


def _redimensionar(conteudo: bytes, ext: str, maximo: int, nome: str) -> bytes:
    try:
        imagem = imagem_abrir(conteudo)
    except ImagemGrandeDemais as exc:
        raise _pixels_demais(nome, exc.tamanho) from exc
    except ImagemCorrompida as exc:
        raise RegraViolada(f"A imagem {nome} está corrompida.", campo="anexos") from exc
    if not maximo or max(imagem.size) <= maximo or ext not in _FORMATO_PIL:
        return conteudo
    imagem.thumbnail((maximo, maximo))
    saida = io.BytesIO()
    formato = _FORMATO_PIL[ext]
    if formato == "JPEG" and imagem.mode not in ("RGB", "L"):
        imagem = imagem.convert("RGB")
    imagem.save(saida, format=formato, **({"quality": 85} if formato == "JPEG" else {}))
    return saida.getvalue()


def anexo_gravar(
    *, ra, usuario, conteudo: bytes, nome: str, mime: str, do_solicitante=False, publico=False
) -> Anexo:
    """Store an already validated file (also used by the opening service).

    A requester's file (``do_solicitante``, e.g. from the portal) is always public:
    they see what they sent; a staff file only when marked ``publico``.
    """
    anexo = Anexo(
        ra=ra,
        nome_original=nome[:200],
        tipo_mime=mime,
        tamanho=len(conteudo),
        do_solicitante=do_solicitante,
        publico=publico or do_solicitante,
    )
    anexo.usuario = usuario
    anexo.arquivo.save(nome, ContentFile(conteudo), save=False)
    anexo.save()
    return anexo


def registro_atendimento_anexar(
    *, ra, usuario, arquivo, versao=None, publico=False, do_solicitante=False, autor_nome=""
) -> Anexo:
    """Attach a file. Staff (``usuario``) need the unit's permission; a requester's file
    (``do_solicitante``, ``usuario`` None, ``autor_nome`` who sent it) is authorised
    by the portal that calls this."""
    # Validate (and resize) before the lock: it may take a while for big images.
    conteudo, nome, mime = anexo_validar(arquivo)
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        if not do_solicitante:
            exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, Situacao.BLOQUEADO, acao="anexar arquivos")
        anexo = anexo_gravar(
            ra=ra,
            usuario=usuario,
            conteudo=conteudo,
            nome=nome,
            mime=mime,
            do_solicitante=do_solicitante,
            publico=publico,
        )
        ra_salvar(ra, usuario=usuario, campos=[])
        quem = f" por {autor_nome}" if do_solicitante and autor_nome else ""
        evento_registrar(
            ra,
            tipo="anexo",
            usuario=usuario,
            descricao=f"Arquivo anexado{quem}: {nome}",
            dados={
                "anexo": anexo.pk,
                "tamanho": anexo.tamanho,
                "publico": anexo.publico,
                "do_solicitante": do_solicitante,
            },
        )
    return anexo


# --- files of a form that came back with errors --------------------------------
# A browser cannot refill a file input, so the files of a refused Inserir RA are kept
# in a temporary folder, named by a signed token the form carries in a hidden field:
# the attendant does not choose them again. A periodic job deletes the leftovers.

PASTA_TEMPORARIA = "anexos_temporarios"
VALIDADE_TEMPORARIOS = datetime.timedelta(hours=6)
_SAL_TEMPORARIO = "atendimento.anexo_temporario"


@dataclass(frozen=True)
class AnexoGuardado:
    token: str
    nome: str
    mime: str
    conteudo: bytes = field(repr=False)

    @property
    def tamanho(self) -> int:
        return len(self.conteudo)

    def como_arquivo(self) -> ContentFile:
        return ContentFile(self.conteudo, name=self.nome)


def _caminho_temporario(chave: str) -> str:
    return f"{PASTA_TEMPORARIA}/{chave}"


def anexo_temporario_guardar(*, arquivo, usuario) -> AnexoGuardado:
    """Keep an uploaded file for the next submission of the same form (validated first:
    a refused file is not kept)."""
    conteudo, nome, mime = anexo_validar(arquivo)
    chave = uuid.uuid4().hex
    default_storage.save(_caminho_temporario(chave), ContentFile(conteudo))
    token = signing.dumps(
        {"chave": chave, "nome": nome, "mime": mime, "usuario": usuario.pk},
        salt=_SAL_TEMPORARIO,
    )
    return AnexoGuardado(token=token, nome=nome, mime=mime, conteudo=conteudo)


def anexo_temporario_ler(*, token: str, usuario) -> AnexoGuardado:
    """The file a token names, for the user who sent it, or RegraViolada (expired,
    tampered with, or already cleaned)."""
    expirado = RegraViolada(
        "Um arquivo anexado antes não está mais disponível (passou muito tempo). "
        "Escolha-o de novo.",
        campo="anexos",
    )
    try:
        dados = signing.loads(
            token, salt=_SAL_TEMPORARIO, max_age=VALIDADE_TEMPORARIOS.total_seconds()
        )
    except signing.BadSignature as exc:
        raise expirado from exc
    caminho = _caminho_temporario(dados["chave"])
    if dados["usuario"] != usuario.pk or not default_storage.exists(caminho):
        raise expirado
    with default_storage.open(caminho, "rb") as arquivo:
        conteudo = arquivo.read()
    return AnexoGuardado(token=token, nome=dados["nome"], mime=dados["mime"], conteudo=conteudo)


def anexo_temporario_descartar(*, token: str) -> None:
    try:
        dados = signing.loads(token, salt=_SAL_TEMPORARIO)
    except signing.BadSignature:
        return
    default_storage.delete(_caminho_temporario(dados["chave"]))


def anexos_temporarios_limpar(*, agora=None) -> int:
    """Delete the kept files older than their validity; returns how many."""
    agora = agora or timezone.now()
    try:
        _, nomes = default_storage.listdir(PASTA_TEMPORARIA)
    except FileNotFoundError:
        return 0
    apagados = 0
    for nome in nomes:
        caminho = _caminho_temporario(nome)
        if default_storage.get_modified_time(caminho) < agora - VALIDADE_TEMPORARIOS:
            default_storage.delete(caminho)
            apagados += 1
    return apagados
