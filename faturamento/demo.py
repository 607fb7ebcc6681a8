"""Demo data of billing and collection: so a newcomer can run the batch at once.

The company's FEBRABAN code; bills of the current and previous referência for a few
demo imóveis (one overdue and unpaid, some due within the billing message's
``dias_antes`` so today's batch sends them, one paid, the rest due later); the billing
message in force; a collection action "Aviso de débito por SMS/e-mail" and two of its
documents valid for some days. The cadastro's demo clients already consent (most
by SMS, half by e-mail) and have an SMS-flagged celular and an e-mail.

Idempotent: every row has a natural key (the parameters' pk, imóvel and referência,
the action's description, the document's number) and is only created when missing;
the billing message is only created when none is in force.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cadastro.models import Imovel, Usuario

from .models import (
    AcaoCobranca,
    Categoria,
    Conta,
    DocumentoCobranca,
    MensagemFaturamento,
    ParametrosFaturamento,
    SituacaoDebito,
    referencia_formatada,
)
from .services.modelos import mensagem_faturamento_salvar

CODIGO_EMPRESA_DEMO = "0147"
N_IMOVEIS_COM_CONTAS = 8
DIAS_ANTES_DEMO = 5
ACAO_DEMO = "Aviso de débito por SMS/e-mail"
NUMEROS_DOCUMENTOS = (9_000_001, 9_000_002)
# Per demo imóvel: the current bill's days to its due date, and its situação.
CONTAS_ATUAIS = [
    (2, SituacaoDebito.EM_ABERTO),  # within dias_antes: today's batch sends these
    (3, SituacaoDebito.EM_ABERTO),
    (4, SituacaoDebito.EM_ABERTO),
    (1, SituacaoDebito.PAGA),  # paid before the batch: never messaged
    (12, SituacaoDebito.EM_ABERTO),  # due later: prepared today, sent nearer the date
    (15, SituacaoDebito.EM_ABERTO),
    (20, SituacaoDebito.EM_ABERTO),
    (25, SituacaoDebito.EM_ABERTO),
]

# Plain ASCII texts: one GSM-7 SMS each, with or without transliteration.
MENSAGEM_DEMO = {
    "dias_antes": DIAS_ANTES_DEMO,
    "max_tentativas_email": 3,
    "valor_minimo": Decimal("0.00"),
    "categorias": list(Categoria.values),
    "texto_sms": "Saneamento: conta {MATRICULA} de R$ {VALOR} vence em {VENCIMENTO}. Pague com:",
    "assunto_email": "Sua conta {MATRICULA} vence em {VENCIMENTO}",
    "texto_email": (
        "Olá, {NOME}.\n\nA conta do imóvel {MATRICULA}, no valor de R$ {VALOR}, vence em "
        "{VENCIMENTO}. Para pagar, use a linha digitável abaixo."
    ),
}
ACAO_TEXTOS = {
    "por_sms": True,
    "por_email": True,
    "max_tentativas_email": 3,
    "texto_sms": "Saneamento: debito de R$ {VALOR} do seu imovel. Pague ate {VALIDADE} com:",
    "assunto_email": "Aviso de débito: pague até {VALIDADE}",
    "texto_email": (
        "Há um débito de R$ {VALOR} no seu imóvel. Pague até {VALIDADE} com a linha "
        "digitável abaixo e evite o corte."
    ),
}


def _referencia(data: datetime.date) -> int:
    return data.year * 100 + data.month


def _mes_anterior(data: datetime.date) -> datetime.date:
    return data.replace(day=1) - datetime.timedelta(days=1)


def carregar(stdout) -> None:
    hoje = timezone.localdate()
    with transaction.atomic():
        _parametros()
        imoveis = list(Imovel.objects.order_by("matricula")[:N_IMOVEIS_COM_CONTAS])
        criadas = _contas(imoveis, hoje)
        mensagem = _mensagem(hoje)
        acao = _acao()
        documentos = _documentos(acao, imoveis, hoje)
    stdout.write(
        f"faturamento: {criadas} contas novas para {len(imoveis)} imóveis, mensagem de "
        f"faturamento vigente desde {referencia_formatada(mensagem.referencia_inicial)} "
        f"({mensagem.dias_antes} dias antes), ação “{acao.descricao}” com "
        f"{documentos} documentos de cobrança."
    )
    stdout.write(
        "  Para enviar: processo_mensagens preparar --referencia "
        f"{_referencia(hoje)} (ou a tela Processos)."
    )


def _parametros() -> None:
    parametros = ParametrosFaturamento.atuais()
    # Only the untouched default: a code an administrator typed stays.
    if parametros.codigo_empresa == "0000":
        parametros.codigo_empresa = CODIGO_EMPRESA_DEMO
        parametros.save(update_fields=["codigo_empresa"])


def _contas(imoveis: list[Imovel], hoje: datetime.date) -> int:
    atual, anterior = _referencia(hoje), _referencia(_mes_anterior(hoje))
    criadas = 0
    for i, imovel in enumerate(imoveis):
        dias, situacao = CONTAS_ATUAIS[i % len(CONTAS_ATUAIS)]
        valor = Decimal(47 + 13 * i) + Decimal("0.35")
        categoria = Categoria.COMERCIAL if i % 4 == 3 else Categoria.RESIDENCIAL
        linhas = [
            # The previous month: paid, except the first imóvel's, overdue and unpaid.
            (
                anterior,
                hoje - datetime.timedelta(days=15),
                SituacaoDebito.EM_ABERTO if i == 0 else SituacaoDebito.PAGA,
            ),
            (atual, hoje + datetime.timedelta(days=dias), situacao),
        ]
        for referencia, vencimento, situacao_conta in linhas:
            paga = situacao_conta == SituacaoDebito.PAGA
            _, criada = Conta.objects.get_or_create(
                imovel=imovel,
                referencia=referencia,
                defaults={
                    "vencimento": vencimento,
                    "valor": valor,
                    "situacao": situacao_conta,
                    "categoria": categoria,
                    "pago_em": min(hoje, vencimento) if paga else None,
                },
            )
            criadas += criada
    return criadas


def _mensagem(hoje: datetime.date) -> MensagemFaturamento:
    vigente = MensagemFaturamento.objects.filter(vigente=True).first()
    if vigente:
        return vigente
    admin = Usuario.objects.filter(username="admin").first()
    return mensagem_faturamento_salvar(
        {**MENSAGEM_DEMO, "referencia_inicial": _referencia(_mes_anterior(hoje))}, usuario=admin
    )


def _acao() -> AcaoCobranca:
    acao = AcaoCobranca.objects.filter(descricao=ACAO_DEMO).first()
    if acao is None:
        acao = AcaoCobranca(descricao=ACAO_DEMO, **ACAO_TEXTOS)
        acao.full_clean()
        acao.save()
    return acao


def _documentos(acao: AcaoCobranca, imoveis: list[Imovel], hoje: datetime.date) -> int:
    for numero, imovel, dias in zip(NUMEROS_DOCUMENTOS, imoveis, (7, 10), strict=False):
        DocumentoCobranca.objects.get_or_create(
            numero=numero,
            defaults={
                "imovel": imovel,
                "acao": acao,
                "emissao": hoje,
                "validade": hoje + datetime.timedelta(days=dias),
                "valor": Decimal("89.90") + numero % 10,
            },
        )
    return DocumentoCobranca.objects.filter(acao=acao).count()
