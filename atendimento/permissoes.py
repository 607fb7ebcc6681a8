"""Who may change an RA (docs/domain.md §4.3). Reading is decided by the selectors."""

PERMISSAO_QUALQUER_UNIDADE = "cadastro.atuar_qualquer_unidade"


def pode_atuar(usuario, ra) -> bool:
    """Users of the RA's current unit, of a unit above it, of a central de
    atendimento, or holders of the "act on any unit" permission."""
    if usuario is None or not usuario.is_authenticated or not usuario.is_active:
        return False
    if usuario.has_perm(PERMISSAO_QUALQUER_UNIDADE):
        return True
    unidade = usuario.unidade
    if unidade is None or not unidade.ativa:
        return False
    if unidade.central_atendimento:
        return True
    if unidade.pk == ra.unidade_atual_id:
        return True
    return any(sup.pk == unidade.pk for sup in ra.unidade_atual.superiores())
