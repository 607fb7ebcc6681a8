"""Who may act on a service order (everyone logged in may read)."""

from cadastro.models import UnidadeOrganizacional

ATUAR_QUALQUER_UNIDADE = "cadastro.atuar_qualquer_unidade"


def pode_atuar_na_unidade(usuario, unidade) -> bool:
    """Users of the unit or of a unit above it (their own unit active, as for RAs), or
    holders of the "any unit" permission."""
    if not usuario.is_authenticated or not usuario.is_active:
        return False
    if usuario.has_perm(ATUAR_QUALQUER_UNIDADE):
        return True
    if usuario.unidade_id is None or unidade is None or not usuario.unidade.ativa:
        return False
    if usuario.unidade_id == unidade.pk:
        return True
    return any(u.pk == usuario.unidade_id for u in unidade.superiores())


def pode_atuar(usuario, os) -> bool:
    return usuario.has_perm("ordens_servico.change_ordemservico") and pode_atuar_na_unidade(
        usuario, os.unidade_atual
    )


def unidades_abaixo(unidade) -> list[int]:
    """Ids of the unit and every unit below it (breadth-first, cycles cut)."""
    ids = [unidade.pk]
    fronteira = [unidade.pk]
    while fronteira:
        fronteira = list(
            UnidadeOrganizacional.objects.filter(superior_id__in=fronteira)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids.extend(fronteira)
    return ids
