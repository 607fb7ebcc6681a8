"""Portal accounts: sign in and out, self-registration, e-mail confirmation, password."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse


@login_not_required
def _em_construcao(request, *args, **kwargs):  # placeholder, replaced by the accounts work
    return HttpResponse("Em construção.")


entrar = sair = cadastro = cadastro_enviado = confirmar = _em_construcao
senha_pedir = senha_enviada = senha_definir = senha_definida = _em_construcao
