from ordens_servico.views.acoes import (
    cancelar,
    desprogramar,
    detalhe,
    encerrar,
    encerrar_ra,
    gerar_para_ra,
    iniciar,
    programar,
)
from ordens_servico.views.lista import lista
from ordens_servico.views.programacao import agenda, semana
from ordens_servico.views.relatorios import boletim, encerrar_vencidas

__all__ = [
    "agenda",
    "boletim",
    "cancelar",
    "desprogramar",
    "detalhe",
    "encerrar",
    "encerrar_ra",
    "encerrar_vencidas",
    "gerar_para_ra",
    "iniciar",
    "lista",
    "programar",
    "semana",
]
