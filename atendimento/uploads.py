"""Uploads held to the attachment limit while they arrive, not after they are on disk.

``LimiteDeAnexoUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) passes a file's
bytes on to Django's handlers only up to the limit of the system parameters; past
it, the rest of that file is counted and dropped, and the form gets a stand-in of
the file's true size, so the attachment rules refuse it with their usual message
next to the field. ``LimiteDeEnvioMiddleware`` refuses, from its Content-Length and
before reading it, a request that could not be within the limits at all.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.shortcuts import render

from atendimento.models import ParametrosAtendimento


def limite_por_arquivo() -> int:
    """The attachment size limit in bytes (system parameters)."""
    return ParametrosAtendimento.atual().anexo_tamanho_max_kb * 1024


def teto_do_envio(limite: int) -> int:
    """The largest body a form with files may have: every file at the limit, plus the
    text fields (Django's own cap for them)."""
    campos = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return limite * LimiteDeAnexoUploadHandler.ARQUIVOS_POR_PEDIDO + campos


class ArquivoAcimaDoLimite(UploadedFile):
    """Stands for a file dropped past the limit: its name and true size, no content."""

    def __init__(self, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)


class LimiteDeAnexoUploadHandler(FileUploadHandler):
    ARQUIVOS_POR_PEDIDO = 10

    limite = None  # read at the request's first file: a form without files asks nothing
    armazenados = 0  # bytes handed on to the storing handlers, all files of the request

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.limite is None:
            self.limite = limite_por_arquivo()
        self.recebidos = 0

    def receive_data_chunk(self, raw_data, start):
        self.recebidos += len(raw_data)
        if self.recebidos <= self.limite:
            self.armazenados += len(raw_data)
            return raw_data
        # Counted, not stored. What the storing handler got before (at most the limit)
        # is never completed: file_complete below answers first, and its temporary
        # file is deleted when it is closed.
        return None

    def file_complete(self, file_size):
        if self.recebidos <= self.limite:
            return None  # the next handler (memory or temporary file) has it
        return ArquivoAcimaDoLimite(self.file_name, self.content_type, self.recebidos, self.charset)


class LimiteDeEnvioMiddleware:
    """413 with a readable page for a multipart body past :func:`teto_do_envio`, before
    a byte of it is read (a 300 MB file used to be written to disk, then refused)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.content_type == "multipart/form-data":
            try:
                tamanho = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                tamanho = 0
            # Below the fields' own cap no limit can be passed: no query for those.
            if tamanho > (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) and tamanho > teto_do_envio(
                limite := limite_por_arquivo()
            ):
                return render(
                    request,
                    "atendimento/envio_grande_demais.html",
                    {"limite_mb": limite / (1024 * 1024), "tamanho_mb": tamanho / (1024 * 1024)},
                    status=413,
                )
        return self.get_response(request)
