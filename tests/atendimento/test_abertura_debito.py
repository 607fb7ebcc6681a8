"""Especificação *bloqueia abertura com débito*: an imóvel with overdue unpaid bills
cannot get an RA of it, and the refusal says which bills."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from atendimento.models import RegistroAtendimento
from atendimento.services.abertura import DEBITO_CONTAS_NOMEADAS
from core.exceptions import RegraViolada
from faturamento import selectors
from faturamento.models import Conta
from tests.faturamento.contas_balcao import conta_criar, dias

pytestmark = pytest.mark.django_db

RECUSA = "Esta especificação não permite abrir o RA com débito."


@pytest.fixture
def bloqueia(especificacao):
    especificacao.bloqueia_com_debito = True
    especificacao.save()
    return especificacao


@pytest.fixture
def debito(imovel):
    """Two overdue bills, plus bills that are no debt: due today, due later, paid,
    cancelled, and another imóvel's."""
    outubro = conta_criar(imovel, referencia=202610, vencimento=datetime.date(2026, 10, 15))
    novembro = conta_criar(imovel, referencia=202611, vencimento=datetime.date(2026, 11, 16))
    conta_criar(imovel, referencia=202612, vencimento=dias(0))
    conta_criar(imovel, referencia=202701, vencimento=dias(30))
    conta_criar(
        imovel,
        referencia=202609,
        vencimento=datetime.date(2026, 9, 15),
        situacao=Conta.Situacao.PAGA,
    )
    conta_criar(
        imovel,
        referencia=202608,
        vencimento=datetime.date(2026, 8, 15),
        situacao=Conta.Situacao.CANCELADA,
    )
    return [outubro, novembro]


@pytest.fixture(autouse=True)
def _hoje_fixo(monkeypatch):
    """Today is 1 December 2026 in Recife (the overdue dates above are in the past)."""
    agora = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo("America/Recife"))
    monkeypatch.setattr(timezone, "now", lambda: agora.astimezone(datetime.UTC))


def test_abrir_com_debito_vencido_recusado_nomeando_as_contas(abrir, bloqueia, debito):
    with pytest.raises(RegraViolada) as erro:
        abrir()
    assert str(erro.value) == (
        "O imóvel tem débito vencido: contas 10/2026 (venc. 15/10/2026) e 11/2026 "
        f"(venc. 16/11/2026). {RECUSA}"
    )
    assert erro.value.campo == "imovel"
    assert not RegistroAtendimento.objects.exists()


def test_uma_conta_vencida_no_singular(abrir, bloqueia, debito):
    debito[1].situacao = Conta.Situacao.PAGA
    debito[1].save()
    with pytest.raises(RegraViolada, match=r"débito vencido: conta 10/2026 \(venc. 15/10/2026\)\."):
        abrir()


def test_muitas_contas_vencidas_nomeia_as_primeiras_e_conta_o_resto(abrir, bloqueia, imovel):
    for mes in range(1, 9):
        conta_criar(imovel, referencia=202600 + mes, vencimento=datetime.date(2026, mes, 10))
    with pytest.raises(RegraViolada) as erro:
        abrir()
    texto = str(erro.value)
    assert DEBITO_CONTAS_NOMEADAS == 5
    assert "contas 01/2026 (venc. 10/01/2026), 02/2026" in texto
    assert "05/2026 (venc. 10/05/2026) e mais 3 contas." in texto
    assert "06/2026" not in texto


def test_sem_a_flag_o_debito_nao_importa(abrir, especificacao, debito):
    assert not especificacao.bloqueia_com_debito
    assert abrir().pk


def test_contas_que_nao_sao_debito_vencido_nao_bloqueiam(abrir, bloqueia, debito):
    Conta.objects.filter(pk__in=[c.pk for c in debito]).update(situacao=Conta.Situacao.PAGA)
    # Left: due today, due later, paid and cancelled bills.
    assert Conta.objects.filter(situacao=Conta.Situacao.EM_ABERTO).count() == 2
    assert abrir().pk


def test_debito_de_outro_imovel_nao_bloqueia(abrir, bloqueia, debito):
    from tests.factories import ImovelFactory

    assert abrir(imovel=ImovelFactory()).pk


def test_vencida_conforme_o_dia_no_fuso_da_empresa(monkeypatch, imovel, settings):
    conta_criar(imovel, referencia=202611, vencimento=datetime.date(2026, 11, 30))
    # 02:00 UTC on 1 December is still 30 November (23:00) in Recife: not overdue yet.
    madrugada = datetime.datetime(2026, 12, 1, 2, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: madrugada)
    assert settings.TIME_ZONE == "America/Recife"
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):  # a user's zone is ignored
        assert selectors.hoje() == datetime.date(2026, 11, 30)
        assert not selectors.contas_vencidas(imovel).exists()
    monkeypatch.setattr(timezone, "now", lambda: madrugada + datetime.timedelta(hours=1))
    assert [c.referencia for c in selectors.contas_vencidas(imovel)] == [202611]


def test_tela_mostra_a_recusa_no_formulario_e_nada_e_gravado(
    client_atendente, bloqueia, meio, imovel, debito
):
    dados = {
        "especificacao": bloqueia.pk,
        "meio": meio.pk,
        "descricao": "Vazamento forte",
        "tipo_solicitante": "livre",
        "solicitante_nome": "Maria",
        "solicitante_telefone": "(81) 99999-0000",
        "matricula": imovel.matricula_formatada,
        "prioridade": "2",
    }
    resposta = client_atendente.post(reverse("atendimento:inserir"), dados)
    assert resposta.status_code == 200
    form = resposta.context["form"]
    assert form.errors["matricula"] == [
        "O imóvel tem débito vencido: contas 10/2026 (venc. 15/10/2026) e 11/2026 "
        f"(venc. 16/11/2026). {RECUSA}"
    ]
    assert "O imóvel tem débito vencido: contas 10/2026" in resposta.content.decode()
    assert not RegistroAtendimento.objects.exists()
    # Paid meanwhile: the same form now opens the RA.
    Conta.objects.filter(imovel=imovel).update(situacao=Conta.Situacao.PAGA)
    resposta = client_atendente.post(reverse("atendimento:inserir"), dados)
    assert resposta.status_code == 302
    assert RegistroAtendimento.objects.count() == 1


def test_tela_mostra_a_recusa_junto_com_os_erros_do_formulario(
    client_atendente, bloqueia, meio, imovel, debito
):
    dados = {
        "especificacao": bloqueia.pk,
        "meio": meio.pk,
        "descricao": "",
        "tipo_solicitante": "livre",
        "solicitante_nome": "Maria",
        "solicitante_telefone": "(81) 99999-0000",
        "matricula": imovel.matricula_formatada,
        "prioridade": "2",
    }
    resposta = client_atendente.post(reverse("atendimento:inserir"), dados)
    form = resposta.context["form"]
    assert "descricao" in form.errors
    assert any("débito vencido" in e for e in form.errors["matricula"])
    assert not RegistroAtendimento.objects.exists()
