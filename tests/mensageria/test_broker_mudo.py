"""A broker that accepts connections and never answers must not freeze a screen.

The message row is the truth: the request saves it and answers; the sweep
publishes it once the broker is back. Each request runs under a liveness bound
(it fails instead of hanging the suite), not a timing assertion.
"""

import pytest
from django.urls import reverse

from atendimento.models import MotivoEncerramento, RegistroAtendimento
from mensageria import services
from mensageria.backends import erro_cms, memoria
from mensageria.models import Mensagem
from tests.atendimento.factories import EspecificacaoFactory, MeioFactory, MotivoFactory
from tests.factories import ImovelFactory

from .factories import modem_criar
from .integracao import broker_fora_do_ar, broker_mudo, termina_em

pytestmark = pytest.mark.django_db(transaction=True)

LIMITE = 10  # seconds: far above a healthy request, far below "forever"


@pytest.fixture
def modem(db):
    return modem_criar(nome="principal")


@pytest.fixture
def especificacao(unidade):
    return EspecificacaoFactory(
        nome="Vazamento na via", unidade_destino=unidade, exige_parecer_encerramento=False
    )


def _abrir_pela_tela(client, especificacao):
    return client.post(
        reverse("atendimento:inserir"),
        {
            "especificacao": especificacao.pk,
            "meio": MeioFactory().pk,
            "descricao": "Vazamento forte",
            "tipo_solicitante": "livre",
            "solicitante_nome": "Maria",
            "solicitante_telefone": "(81) 99999-0000",
            "matricula": ImovelFactory().matricula_formatada,
            "prioridade": "2",
        },
    )


def _a_espera_da_varredura(mensagem: Mensagem) -> None:
    mensagem.refresh_from_db()
    assert mensagem.status == Mensagem.Status.PENDENTE
    assert mensagem.enfileirada_em is None  # never reached the broker: the sweep sends it


def test_abrir_e_encerrar_ra_com_broker_mudo(client_atendente, modem, especificacao):
    with broker_mudo() as conexoes, termina_em(LIMITE):
        resposta = _abrir_pela_tela(client_atendente, especificacao)
    assert conexoes, "the request never tried the silent broker"
    ra = RegistroAtendimento.objects.get()
    assert resposta.status_code == 302
    _a_espera_da_varredura(Mensagem.objects.get(registro_atendimento=ra, evento="ra_aberto"))

    motivo = MotivoFactory(nome="Executado", tipo=MotivoEncerramento.Tipo.EXECUTADO)
    with broker_mudo(), termina_em(LIMITE):
        resposta = client_atendente.post(
            reverse("atendimento:encerrar", args=[ra.pk]),
            {"motivo": motivo.pk, "parecer": "ok", "versao": ra.versao},
        )
    assert resposta.status_code == 302
    ra.refresh_from_db()
    assert ra.situacao == RegistroAtendimento.Situacao.ENCERRADO
    _a_espera_da_varredura(Mensagem.objects.get(registro_atendimento=ra, evento="ra_atendido"))


def test_reenviar_com_broker_mudo(client, supervisor, modem):
    memoria.falhas.append(erro_cms(28))
    with broker_fora_do_ar():
        mensagem = services.mensagem_sms_criar(destino="+5581999990001", texto="oi", modem=modem)
    services.mensagem_enviar(mensagem_id=mensagem.pk)
    mensagem.refresh_from_db()
    assert mensagem.status == Mensagem.Status.FALHOU
    client.force_login(supervisor)
    with broker_mudo(), termina_em(LIMITE):
        resposta = client.post(
            reverse("mensageria:mensagem_reenviar", args=[mensagem.pk]),
            {"destino": "+5581999990002"},
        )
    assert resposta.status_code == 302
    _a_espera_da_varredura(mensagem)
    assert mensagem.destino == "+5581999990002"


def test_healthz_com_broker_mudo(client, modem):
    with broker_mudo(), termina_em(LIMITE):
        resposta = client.get("/healthz")
    assert resposta.status_code == 503
    assert resposta.json()["broker"]["ok"] is False
    assert resposta.json()["database"]["ok"] is True
