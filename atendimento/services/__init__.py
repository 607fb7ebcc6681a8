"""Writes of the service desk: one function per state change of an RA (docs/architecture.md).

Every service runs in one transaction, locks the RA row, refuses a stale form
(``versao``), checks who may act (:func:`atendimento.permissoes.pode_atuar`) and
the allowed transition, saves only the changed fields, and writes an EventoRA.
"""

from atendimento.services.abertura import registro_atendimento_abrir
from atendimento.services.alteracao import registro_atendimento_alterar
from atendimento.services.anexos import registro_atendimento_anexar
from atendimento.services.celular import registro_atendimento_celular_corrigir
from atendimento.services.central import (
    registro_atendimento_desistir,
    registro_atendimento_excluir,
    registro_atendimento_marcar_pendente,
)
from atendimento.services.encerramento import (
    EncerramentoOS,
    registro_atendimento_encerrar,
    registro_atendimento_encerrar_pela_os,
    registro_atendimento_reativar,
    registro_atendimento_registrar_contato,
    registro_atendimento_reiterar,
    registro_atendimento_vincular_relato,
)
from atendimento.services.mensagens import registro_atendimento_mensagem_adicionar
from atendimento.services.numeracao import numeracao_manual_emitir
from atendimento.services.prazo import (
    registro_atendimento_pausar,
    registro_atendimento_prorrogar,
    registro_atendimento_retomar,
)
from atendimento.services.tramite import (
    registro_atendimento_assumir,
    registro_atendimento_desbloquear,
    registro_atendimento_encaminhar,
    registro_atendimento_tramitar,
)

__all__ = [
    "EncerramentoOS",
    "numeracao_manual_emitir",
    "registro_atendimento_abrir",
    "registro_atendimento_alterar",
    "registro_atendimento_anexar",
    "registro_atendimento_assumir",
    "registro_atendimento_celular_corrigir",
    "registro_atendimento_desbloquear",
    "registro_atendimento_desistir",
    "registro_atendimento_encaminhar",
    "registro_atendimento_encerrar",
    "registro_atendimento_encerrar_pela_os",
    "registro_atendimento_excluir",
    "registro_atendimento_marcar_pendente",
    "registro_atendimento_mensagem_adicionar",
    "registro_atendimento_pausar",
    "registro_atendimento_prorrogar",
    "registro_atendimento_reativar",
    "registro_atendimento_registrar_contato",
    "registro_atendimento_reiterar",
    "registro_atendimento_retomar",
    "registro_atendimento_tramitar",
    "registro_atendimento_vincular_relato",
]
