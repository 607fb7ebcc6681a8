from atendimento.models.catalogo import (
    Especificacao,
    GrupoSolicitacao,
    MeioSolicitacao,
    MotivoEncerramento,
    ParametrosAtendimento,
    StatusComplementar,
    TipoSolicitacao,
)
from atendimento.models.registro import (
    Anexo,
    DevolucaoValor,
    EventoRA,
    MensagemAtendimento,
    NumeroManual,
    RegistroAtendimento,
    Reiteracao,
    Tramite,
)

__all__ = [
    "Anexo",
    "DevolucaoValor",
    "Especificacao",
    "EventoRA",
    "GrupoSolicitacao",
    "MeioSolicitacao",
    "MensagemAtendimento",
    "MotivoEncerramento",
    "NumeroManual",
    "ParametrosAtendimento",
    "RegistroAtendimento",
    "Reiteracao",
    "StatusComplementar",
    "TipoSolicitacao",
    "Tramite",
]
