"""State changes owned by core."""

from core.models import Exportacao


def exportacao_registrar(*, usuario, nome, filtros, linhas, dados_pessoais=False) -> Exportacao:
    """Record that ``usuario`` exported ``linhas`` rows of ``nome`` filtered by ``filtros``."""
    return Exportacao.objects.create(
        usuario=usuario,
        nome=nome,
        filtros=filtros,
        linhas=linhas,
        dados_pessoais=dados_pessoais,
    )
