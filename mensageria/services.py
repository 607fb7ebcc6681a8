"""Writes of the messaging pipeline (SMS and e-mail)."""


def registro_atendimento_notificar(*, ra, evento: str):
    """Create the message an RA event sends (``ra_aberto``, ``ra_existente``, ``ra_atendido``).

    Contract: called by the RA services inside their transaction, so the
    message row commits with the RA; the send is enqueued on commit.
    The SMS pipeline (issue 4) implements it; until then nothing is sent.
    """
    return None
