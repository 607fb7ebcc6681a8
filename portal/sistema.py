"""Who opens a portal contact on the staff side: a system user of the portal.

Every RA has an opening user and unit (``usuario_abertura``, ``unidade_abertura``).
A contact from the portal is opened by the inactive user ``portal`` (nobody can sign
in as it), at the unit the parameters name, so the RA's history reads "aberto pelo
portal" and the unit rules of opening still apply.
"""

from atendimento.models import MeioSolicitacao
from cadastro.models import UnidadeOrganizacional, Usuario
from core.exceptions import RegraViolada
from portal.models import ParametrosPortal

USUARIO = "portal"
MEIO_PADRAO = "Internet"
NAO_CONFIGURADO = (
    "O portal ainda não está configurado para abrir contatos. Tente mais tarde ou "
    "fale com a companhia pelos outros canais."
)


def _unidade(parametros: ParametrosPortal) -> UnidadeOrganizacional | None:
    if parametros.unidade_abertura_id:
        return parametros.unidade_abertura
    return (
        UnidadeOrganizacional.objects.filter(central_atendimento=True, ativa=True, abre_ra=True)
        .order_by("pk")
        .first()
    )


def usuario_do_portal() -> Usuario:
    """The system user that opens portal contacts, kept at the configured unit."""
    unidade = _unidade(ParametrosPortal.atual())
    if unidade is None:
        raise RegraViolada(NAO_CONFIGURADO)
    usuario, criado = Usuario.objects.get_or_create(
        username=USUARIO,
        defaults={"first_name": "Portal", "last_name": "do cliente", "is_active": False},
    )
    if criado:
        usuario.set_unusable_password()
    if criado or usuario.unidade_id != unidade.pk:
        usuario.unidade = unidade
        usuario.save()
    return usuario


def meio_do_portal() -> MeioSolicitacao:
    parametros = ParametrosPortal.atual()
    meio = parametros.meio or MeioSolicitacao.objects.filter(nome=MEIO_PADRAO).first()
    if meio is None:
        raise RegraViolada(NAO_CONFIGURADO)
    return meio
