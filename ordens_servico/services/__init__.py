"""Writes of service orders: one function per state change.

The OS app sits below the RA app: the RA services call ``ordem_servico_gerar``,
``ordem_servico_encerrar`` and the ``*_do_ra`` seams explicitly (no signals)
when an RA opens, is routed, is closed, or when its last OS closes
(``atendimento.services.registro_atendimento_encerrar_pela_os``); nothing here
imports the RA services back.
"""

from ordens_servico.services.geracao import ordem_servico_gerar, ordem_servico_gerar_para_ra
from ordens_servico.services.ra import ordens_servico_do_ra_cancelar, ordens_servico_do_ra_tramitar
from ordens_servico.services.transicoes import (
    ordem_servico_cancelar,
    ordem_servico_desprogramar,
    ordem_servico_encerrar,
    ordem_servico_iniciar,
    ordem_servico_programar,
)
from ordens_servico.services.vencidas import (
    MOTIVO_DECURSO_PRAZO,
    ordens_servico_encerrar_vencidas,
    ordens_servico_vencidas_elegiveis,
)

__all__ = [
    "MOTIVO_DECURSO_PRAZO",
    "ordem_servico_cancelar",
    "ordem_servico_desprogramar",
    "ordem_servico_encerrar",
    "ordem_servico_gerar",
    "ordem_servico_gerar_para_ra",
    "ordem_servico_iniciar",
    "ordem_servico_programar",
    "ordens_servico_do_ra_cancelar",
    "ordens_servico_do_ra_tramitar",
    "ordens_servico_encerrar_vencidas",
    "ordens_servico_vencidas_elegiveis",
]
