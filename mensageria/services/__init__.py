"""Writes of the messaging pipeline (SMS and e-mail), split by subject."""

from .alertas import alertas_avaliar
from .avisos_ra import (
    registro_atendimento_avisar,
    registro_atendimento_mensagem_notificar,
    registro_atendimento_notificar,
    reiteracao_notificar,
)
from .email import email_enviar, mensagem_email_criar
from .mensagens import (
    mensagem_enfileirar,
    mensagem_enviar,
    mensagem_sms_criar,
    mensagens_criar_lote,
    mensagens_descartar,
    mensagens_expirar,
    mensagens_redistribuir,
    modem_drenar,
    modems_acordar,
    modems_disponiveis,
)
from .modems import modem_cadastrar, modem_pausar, modem_retomar, modem_saude_registrar
from .recebidos import (
    sms_recebido_anexar,
    sms_recebido_descartar,
    sms_recebido_processar,
    sms_recebido_registrar,
)
from .supervisao import mensagem_confirmar_envio, mensagem_descartar, mensagem_reenviar
from .varredura import mensagens_varrer

__all__ = [
    "alertas_avaliar",
    "email_enviar",
    "mensagem_confirmar_envio",
    "mensagem_descartar",
    "mensagem_email_criar",
    "mensagem_enfileirar",
    "mensagem_enviar",
    "mensagem_reenviar",
    "mensagem_sms_criar",
    "mensagens_criar_lote",
    "mensagens_descartar",
    "mensagens_expirar",
    "mensagens_redistribuir",
    "mensagens_varrer",
    "modem_cadastrar",
    "modem_drenar",
    "modem_pausar",
    "modem_retomar",
    "modem_saude_registrar",
    "modems_acordar",
    "modems_disponiveis",
    "registro_atendimento_avisar",
    "registro_atendimento_mensagem_notificar",
    "registro_atendimento_notificar",
    "reiteracao_notificar",
    "sms_recebido_anexar",
    "sms_recebido_descartar",
    "sms_recebido_processar",
    "sms_recebido_registrar",
]
