"""At the counter: the attendant sends one open bill's linha digitável to the client.

The message goes to the imóvel's cliente usuário, and only with consent (SMS: the
"aceita receber SMS" flag and the celular marked for SMS; e-mail: the "aceita
receber e-mail" flag and an address). It is an ordinary mensageria message of event
``faturamento`` pointing at the bill (``origem_tipo="conta"``) with the attendant as
``usuario``: that row is the audit of who sent what to whom.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cadastro.models import ClienteImovel
from core.dados_pessoais import email_mascarar
from core.exceptions import RegraViolada
from faturamento import febraban, textos
from faturamento.models import Conta, ParametrosFaturamento
from mensageria.models import Mensagem
from mensageria.services.email import mensagem_email_criar
from mensageria.services.mensagens import mensagem_sms_criar

CANAIS = {"sms": "SMS", "email": "e-mail"}
# Fixed texts (tags of faturamento.textos plus the bill's referência). The SMS gets the
# linha digitável appended; at its widest (matrícula 999999999-4, R$ 999.999.999,99)
# it is 101 + 1 + 55 = 157 characters, within the default maximum of 164.
TEXTO = (
    "Conta {REFERENCIA} do imóvel {MATRICULA}, vencimento {VENCIMENTO}, "
    "valor R$ {VALOR}. Linha digitável:"
)
ASSUNTO_EMAIL = "Conta {REFERENCIA} do imóvel {MATRICULA}: linha digitável"
# A second send of the same bill on the same channel this soon after the first is a
# double click (or two attendants at once), not a new request: it is refused.
REPETICAO_MINIMA = timedelta(minutes=2)


@dataclass(frozen=True)
class LinhaEnviada:
    mensagem: Mensagem
    destino_mascarado: str  # for the attendant's confirmation (LGPD)


def _cliente_usuario(imovel):
    vinculo = (
        ClienteImovel.objects.filter(
            imovel=imovel, relacao=ClienteImovel.Relacao.USUARIO, data_fim__isnull=True
        )
        .select_related("cliente")
        .prefetch_related("cliente__telefones")
        .first()
    )
    if vinculo is None:
        raise RegraViolada(
            f"O imóvel {imovel.matricula_formatada} não tem cliente usuário: não há a quem "
            "enviar a linha digitável."
        )
    return vinculo.cliente


def _conta_em_aberto(*, conta_id: int, imovel) -> Conta:
    conta = Conta.objects.select_for_update().filter(pk=conta_id).first()
    if conta is None or conta.imovel_id != imovel.pk:
        raise RegraViolada(f"Esta conta não é do imóvel {imovel.matricula_formatada}.")
    if conta.situacao != Conta.Situacao.EM_ABERTO:
        raise RegraViolada(
            f"A conta {conta.referencia_formatada} está {conta.get_situacao_display().lower()}: "
            "só se envia a linha digitável de uma conta em aberto."
        )
    return conta


def _recusar_repeticao(conta: Conta, canal: str, destino_mascarado: str) -> None:
    """Refuse a send that repeats one made less than REPETICAO_MINIMA ago. The caller
    holds the bill's row lock, so two clicks at once are serialized and the second
    sees the first's message."""
    anterior = (
        Mensagem.objects.filter(
            origem_tipo="conta",
            origem_id=conta.pk,
            canal=canal,
            evento=Mensagem.Evento.FATURAMENTO,
            criada_por__isnull=False,
            criada_em__gt=timezone.now() - REPETICAO_MINIMA,
        )
        .exclude(status__in=[Mensagem.Status.FALHOU, Mensagem.Status.DESCARTADA])
        .order_by("-criada_em")
        .first()
    )
    if anterior is not None:
        quando = timezone.localtime(anterior.criada_em)
        raise RegraViolada(
            f"A linha digitável da conta {conta.referencia_formatada} já foi enviada por "
            f"{CANAIS[canal]} para {destino_mascarado} às {quando:%H:%M}. Para enviar de "
            f"novo, espere {int(REPETICAO_MINIMA.total_seconds() // 60)} minutos."
        )


def conta_linha_digitavel_enviar(*, conta_id: int, imovel, canal: str, usuario) -> LinhaEnviada:
    """Send the linha digitável of the imóvel's open bill ``conta_id`` by ``canal``
    ("sms" or "email") to its cliente usuário. Raises :class:`RegraViolada` (pt-BR)
    naming what is missing: the bill, the client, the consent or the address."""
    if canal not in CANAIS:
        raise RegraViolada("Escolha SMS ou e-mail.")
    with transaction.atomic():
        conta = _conta_em_aberto(conta_id=conta_id, imovel=imovel)
        cliente = _cliente_usuario(imovel)
        if canal == "sms":
            telefone = cliente.telefone_sms
            if not cliente.recebe_sms:
                raise RegraViolada(
                    f"O cliente {cliente.nome} não aceita receber SMS (consentimento "
                    "desmarcado no cadastro)."
                )
            if telefone is None:
                raise RegraViolada(f"O cliente {cliente.nome} não tem celular marcado para SMS.")
            _recusar_repeticao(conta, canal, telefone.mascarado)
        else:
            if not cliente.recebe_email:
                raise RegraViolada(
                    f"O cliente {cliente.nome} não aceita receber e-mail (consentimento "
                    "desmarcado no cadastro)."
                )
            if not cliente.email:
                raise RegraViolada(f"O cliente {cliente.nome} não tem e-mail cadastrado.")
            _recusar_repeticao(conta, canal, email_mascarar(cliente.email))
        valores = {
            **textos.valores_conta(
                matricula=imovel.matricula,
                nome=cliente.nome,
                vencimento=conta.vencimento,
                valor=conta.valor,
            ),
            "REFERENCIA": conta.referencia_formatada,
        }
        linha = febraban.Gerador(ParametrosFaturamento.atuais()).linha_conta(
            imovel.matricula, conta.referencia, conta.valor
        )
        texto = febraban.anexar_linha(textos.renderizar(TEXTO, valores), linha)
        comum = {
            "texto": texto,
            "evento": Mensagem.Evento.FATURAMENTO,
            "usuario": usuario,
            "origem_tipo": "conta",
            "origem_id": conta.pk,
        }
        if canal == "sms":
            mensagem = mensagem_sms_criar(destino=telefone.e164, **comum)
            return LinhaEnviada(mensagem, telefone.mascarado)
        mensagem = mensagem_email_criar(
            destino=cliente.email, assunto=textos.renderizar(ASSUNTO_EMAIL, valores), **comum
        )
        return LinhaEnviada(mensagem, email_mascarar(mensagem.destino))
