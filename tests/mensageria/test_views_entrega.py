"""Parts and delivery reports on the screens, the RA timeline, the CSV and the admin."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from mensageria import services
from mensageria.models import Mensagem, Parametros, RelatorioEntrega
from mensageria.pdu import RelatorioStatus
from mensageria.services.entrada import relatorio_entrega_registrar

from .factories import modem_criar, ra_criar

pytestmark = pytest.mark.django_db
QUANDO = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 32))


@pytest.fixture
def modem():
    return modem_criar(nome="principal")


@pytest.fixture
def mensagens(modem, unidade, atendente):
    """An RA with a delivered 3-part SMS and an undelivered one."""
    p = Parametros.atuais()
    p.tamanho_maximo = 300
    p.save()
    ra = ra_criar(unidade=unidade, usuario=atendente)
    longa = services.mensagem_sms_criar(
        destino="+5581999990001", texto="Aviso: " + "ç" * 150, modem=modem, registro_atendimento=ra
    )
    curta = services.mensagem_sms_criar(
        destino="+5581999990002", texto="Protocolo 1", modem=modem, registro_atendimento=ra
    )
    for m in (longa, curta):
        services.mensagem_enviar(mensagem_id=m.pk)
        m.refresh_from_db()
    for referencia in longa.referencias:
        relatorio_entrega_registrar(
            modem=modem,
            relatorio=RelatorioStatus(referencia, longa.destino, QUANDO, QUANDO, 0),
        )
    relatorio_entrega_registrar(
        modem=modem,
        relatorio=RelatorioStatus(curta.referencia, curta.destino, QUANDO, QUANDO, 0x41),
    )
    longa.refresh_from_db()
    curta.refresh_from_db()
    assert longa.partes == 3 and longa.entrega == "entregue"
    assert curta.entrega == "nao_entregue"
    return ra, longa, curta


def test_consulta_mostra_partes_e_entrega(client_atendente, mensagens):
    conteudo = client_atendente.get(reverse("mensageria:mensagem_list")).content.decode()
    assert "3 partes" in conteudo
    assert "entregue 01/12 10:32" in conteudo
    assert "não entregue" in conteudo and "número incompatível" in conteudo


def test_linha_do_tempo_do_ra(client_atendente, mensagens):
    ra, _, _ = mensagens
    html = client_atendente.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()
    assert "3 partes" in html
    assert "entregue 01/12 10:32" in html
    assert "não entregue: número incompatível" in html


def test_csv_tem_entrega_e_entregue_em(client_atendente, mensagens):
    _, longa, curta = mensagens
    resposta = client_atendente.get(reverse("mensageria:mensagem_list"), {"formato": "csv"})
    corpo = b"".join(resposta.streaming_content).decode("utf-8-sig")
    cabecalho, *linhas = list(csv.reader(io.StringIO(corpo), delimiter=";"))
    por_numero = {int(linha[0]): dict(zip(cabecalho, linha, strict=True)) for linha in linhas}
    assert por_numero[longa.pk]["Entrega"] == "Entregue"
    assert por_numero[longa.pk]["Entregue em"] == "01/12/2026 10:32:00"
    assert por_numero[longa.pk]["Partes"] == "3"
    assert por_numero[curta.pk]["Entrega"].startswith("Não entregue: número incompatível")
    assert por_numero[curta.pk]["Entregue em"] == ""


def test_falhadas_mostram_partes(client, supervisor, modem):
    from mensageria.backends import erro_cms, memoria

    memoria.falhas.append(erro_cms(28))
    m = services.mensagem_sms_criar(destino="+5581999990001", texto="x" * 162, modem=modem)
    services.mensagem_enviar(mensagem_id=m.pk)
    client.force_login(supervisor)
    conteudo = client.get(reverse("mensageria:mensagem_erros")).content.decode()
    assert "2 partes" in conteudo


def test_admin_de_relatorios_so_leitura(client, administrador, mensagens):
    client.force_login(administrador)
    url = reverse("admin:mensageria_relatorioentrega_changelist")
    resposta = client.get(url)
    assert resposta.status_code == 200
    conteudo = resposta.content.decode()
    assert "número incompatível" in conteudo and "0x41" in conteudo
    relatorio = RelatorioEntrega.objects.first()
    assert client.get(reverse("admin:mensageria_relatorioentrega_add")).status_code == 403
    edicao = reverse("admin:mensageria_relatorioentrega_change", args=[relatorio.pk])
    assert client.post(edicao, {"status": 0}).status_code == 403
    assert Mensagem.objects.filter(relatorios__isnull=False).distinct().count() == 2
