"""Where the mobile an RA's SMS goes to comes from (the RA itself or the client's registry)."""

from dataclasses import dataclass

from atendimento.models import RegistroAtendimento

Situacao = RegistroAtendimento.Situacao


@dataclass(frozen=True)
class OrigemCelular:
    """The place to correct a wrong number so the RA's later SMS go right.

    ``problema`` says why it cannot be corrected there (shown to the supervisor).
    """

    rotulo: str
    no_cliente: bool
    problema: str = ""


def celular_sms_origem(*, ra: RegistroAtendimento, destino: str) -> OrigemCelular:
    """Where ``destino`` (the number an SMS of ``ra`` went to) is stored today.

    Mirrors :meth:`RegistroAtendimento.celular_sms`: a client requester's SMS
    mobile lives in the registry, any other requester's phone on the RA.
    """
    if ra.cliente_id:
        origem = OrigemCelular("o celular de SMS do cliente no cadastro", no_cliente=True)
        telefone = ra.cliente.telefone_sms
        if telefone is None or telefone.e164 != destino:
            return OrigemCelular(
                origem.rotulo,
                no_cliente=True,
                problema=f"O celular de SMS do cliente {ra.cliente.nome} já foi alterado no "
                "cadastro: confira o cadastro antes de corrigir.",
            )
        return origem
    rotulo = f"o telefone do solicitante no RA nº {ra.pk}"
    if ra.situacao == Situacao.ENCERRADO:
        return OrigemCelular(
            rotulo,
            no_cliente=False,
            problema=f"O RA nº {ra.pk} está encerrado: o telefone dele não se altera mais. "
            "Reenvie sem marcar a correção no RA.",
        )
    if ra.solicitante_telefone != destino:
        return OrigemCelular(
            rotulo,
            no_cliente=False,
            problema=f"O telefone do solicitante no RA nº {ra.pk} já foi alterado: confira o "
            "RA antes de corrigir.",
        )
    return OrigemCelular(rotulo, no_cliente=False)
