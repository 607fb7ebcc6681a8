from core.papeis import ADMINISTRADOR, ATENDENTE, SUPERVISOR, papeis_do_usuario


def papeis(request):
    nomes = papeis_do_usuario(request.user) if hasattr(request, "user") else set()
    return {
        "papeis": nomes,
        "e_atendente": ATENDENTE in nomes,
        "e_supervisor": SUPERVISOR in nomes or ADMINISTRADOR in nomes,
        "e_administrador": ADMINISTRADOR in nomes,
    }
