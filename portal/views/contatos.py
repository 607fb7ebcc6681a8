"""The client's contacts: open, list, read the conversation, complement."""

from django.http import HttpResponse

from portal.decorators import conta_exigida


@conta_exigida
def _em_construcao(request, *args, **kwargs):  # placeholder, replaced by the contacts work
    return HttpResponse("Em construção.")


em_aberto = encerrados = novo = contato = confirmacao = complementar = conversa = anexo = (
    _em_construcao
)
