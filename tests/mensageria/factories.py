import datetime
import itertools

from django.utils import timezone

from atendimento.models import (
    Especificacao,
    GrupoSolicitacao,
    MeioSolicitacao,
    RegistroAtendimento,
    TipoSolicitacao,
)
from mensageria.models import Modem

_seq = itertools.count(1)


def modem_criar(**campos) -> Modem:
    n = next(_seq)
    dados = {"nome": f"modem-{n}", "dispositivo": f"/dev/ttyTESTE{n}", "intervalo_segundos": 0}
    dados.update(campos)
    return Modem.objects.create(**dados)


def especificacao_criar(**campos) -> Especificacao:
    grupo, _ = GrupoSolicitacao.objects.get_or_create(nome="Água")
    tipo, _ = TipoSolicitacao.objects.get_or_create(grupo=grupo, nome="Vazamento")
    dados = {"tipo": tipo, "nome": "Vazamento no cavalete", "prazo_dias": 2}
    dados.update(campos)
    return Especificacao.objects.create(**dados)


def ra_criar(*, unidade, usuario, telefone="+5581999990001", especificacao=None, **campos):
    meio, _ = MeioSolicitacao.objects.get_or_create(nome="Telefone")
    agora = timezone.now()
    prevista = timezone.make_aware(datetime.datetime(2026, 12, 3, 17, 0))
    dados = {
        "protocolo": f"2026100{next(_seq):07d}",
        "especificacao": especificacao or especificacao_criar(),
        "meio": meio,
        "descricao": "Vazamento na calçada",
        "tipo_solicitante": RegistroAtendimento.TipoSolicitante.LIVRE,
        "solicitante_nome": "Maria da Silva",
        "solicitante_telefone": telefone,
        "unidade_abertura": unidade,
        "usuario_abertura": usuario,
        "unidade_atual": unidade,
        "data_abertura": agora,
        "data_prevista_original": prevista,
        "data_prevista_atual": prevista,
        "data_atencao": prevista,
    }
    dados.update(campos)
    return RegistroAtendimento.objects.create(**dados)
