"""Versions of the billing message: a save makes a new version, never an edit."""

from django.db import transaction
from django.utils import timezone

from ..models import Categoria, Envio, MensagemFaturamento, ParametrosFaturamento

# What a version holds; the rest (vigente, criada/retirada, who) is the service's.
CAMPOS_MENSAGEM = (
    "referencia_inicial",
    "dias_antes",
    "max_tentativas_email",
    "valor_minimo",
    "categorias",
    "texto_sms",
    "assunto_email",
    "texto_email",
)


def mensagem_faturamento_salvar(dados: dict, *, usuario) -> MensagemFaturamento:
    """Create a new version in force from ``dados`` and withdraw the one in force.

    Raises ``ValidationError`` (pt-BR, per field) for invalid data, before anything
    is written. Saves are serialized on the faturamento parameters' row, so two
    administrators saving at once make two successive versions, never a clash on
    the one-in-force constraint.
    """
    desconhecidos = set(dados) - set(CAMPOS_MENSAGEM)
    if desconhecidos:
        raise TypeError(f"Campos que não são de uma versão: {sorted(desconhecidos)}")
    nova = MensagemFaturamento(**dados, criada_por=usuario)
    if isinstance(nova.categorias, list):
        # The form's order is the user's clicks; a version stores them in a fixed order.
        nova.categorias = sorted(set(nova.categorias), key=_ordem_categoria)
    nova.full_clean(exclude=["vigente"])
    with transaction.atomic():
        ParametrosFaturamento.atuais()
        ParametrosFaturamento.objects.select_for_update().get(pk=1)
        agora = timezone.now()
        for vigente in MensagemFaturamento.objects.select_for_update().filter(vigente=True):
            vigente.vigente = False
            vigente.retirada_em = agora
            vigente.save(update_fields=["vigente", "retirada_em"])
        nova.vigente = True
        nova.save()
    return nova


def _ordem_categoria(valor: str) -> int:
    valores = list(Categoria.values)
    return valores.index(valor) if valor in valores else len(valores)


def mensagem_faturamento_envios(versao: MensagemFaturamento):
    """The bill messages prepared while this version was in force (the batch renders
    bills from the version in force), which keep it from being deleted."""
    envios = Envio.objects.filter(conta__isnull=False, criado_em__gte=versao.criada_em)
    if versao.retirada_em:
        envios = envios.filter(criado_em__lt=versao.retirada_em)
    return envios
