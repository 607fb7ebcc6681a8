"""The triage queue: citizens' reports waiting for an attendant."""

from django.db.models import QuerySet

from cidadao.models import Relato


def relatos_fila(*, usuario, especificacao=None) -> QuerySet:
    """New reports, oldest first. Retained ones (blocked phone) never show; a user
    who may not see reports gets none."""
    if not usuario.has_perm("cidadao.view_relato"):
        return Relato.objects.none()
    fila = Relato.objects.filter(situacao=Relato.Situacao.NOVO)
    if especificacao is not None:
        fila = fila.filter(especificacao=especificacao)
    return fila.select_related("especificacao", "especificacao__tipo", "chave_api").order_by(
        "criado_em", "id"
    )
