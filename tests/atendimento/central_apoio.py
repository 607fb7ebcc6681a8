"""Helpers of the operator console's tests (tests/atendimento/test_*central*.py)."""

from portal.sistema import usuario_do_portal
from tests.atendimento.factories import MeioFactory
from tests.factories import ImovelFactory


def fabrica_contato_portal(abrir):
    """Open contacts as the portal does (its system user, origem portal, a título)."""

    def _contato(**kwargs):
        dados = {
            "usuario": usuario_do_portal(),
            "meio": MeioFactory(nome="Internet"),
            "origem": "portal",
            "imovel": ImovelFactory(),
            "titulo": "Conta de água alta",
            "descricao": "Minha conta veio o dobro do normal.",
        }
        dados.update(kwargs)
        return abrir(**dados)

    return _contato
