"""The Processos screen through the test client: list, detail, live partial, start, cancel."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.papeis import ATENDENTE
from faturamento.models import Processo
from faturamento.services.processos import ETAPAS, processo_criar, referencia_atual
from tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db

Tipo = Processo.Tipo
Situacao = Processo.Situacao
LISTA = reverse("faturamento:processos")
INICIAR = reverse("faturamento:processo_iniciar")


@pytest.fixture(autouse=True)
def etapas(monkeypatch):
    """Every batch type has a (no-op) step, whatever the other slices registered."""
    for tipo in Tipo:
        monkeypatch.setitem(ETAPAS, tipo.value, lambda execucao: None)


@pytest.fixture
def client_supervisor(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def publicados(monkeypatch):
    """The ids the views enqueued (the real Celery publish is tested by the worker tests)."""
    ids = []
    monkeypatch.setattr(
        "faturamento.views.processos.processo_enfileirar", lambda p: ids.append(p.pk)
    )
    return ids


def test_sem_permissao_nao_ve_nem_inicia(client, unidade):
    client.force_login(UsuarioFactory(unidade=unidade, papeis=[ATENDENTE]))
    p = processo_criar(Tipo.TRANSMITIR)
    assert client.get(LISTA).status_code == 403
    assert client.get(reverse("faturamento:processo", args=[p.pk])).status_code == 403
    assert client.post(INICIAR, {"tipo": "transmitir"}).status_code == 403
    assert client.post(reverse("faturamento:processo_cancelar", args=[p.pk])).status_code == 403
    assert "Processos" not in client.get(reverse("core:inicio")).content.decode()
    p.refresh_from_db()
    assert p.situacao == Situacao.AGUARDANDO and p.cancelamento_pedido_em is None


def test_anonimo_vai_para_o_login(client):
    resposta = client.get(LISTA)
    assert resposta.status_code == 302 and "/entrar/" in resposta.url


def test_lista_mostra_tipo_referencia_situacao_autor_e_barra(
    client_supervisor, supervisor, django_assert_num_queries
):
    agora = timezone.now()
    feito = Processo.objects.create(
        tipo=Tipo.PREPARAR_FATURAMENTO,
        referencia=202612,
        situacao=Situacao.CONCLUIDO,
        usuario=supervisor,
        total=10,
        processados=10,
        iniciado_em=agora - datetime.timedelta(minutes=2, seconds=5),
        concluido_em=agora,
    )
    rodando = Processo.objects.create(
        tipo=Tipo.TRANSMITIR,
        situacao=Situacao.EXECUTANDO,
        total=200,
        processados=50,
        iniciado_em=agora,
        batimento_em=agora,
    )
    for _n in range(5):  # more rows with their users: still one query for the page
        Processo.objects.create(
            tipo=Tipo.EXPIRAR, situacao=Situacao.CONCLUIDO, usuario=UsuarioFactory()
        )
    # session, user, 2 of permissions, groups and unit (the navbar), the page of runs
    with django_assert_num_queries(7):
        resposta = client_supervisor.get(LISTA)
    html = resposta.content.decode()
    assert resposta.status_code == 200
    assert "Preparar mensagens de faturamento" in html and "12/2026" in html
    assert "Concluído" in html and "Executando" in html
    assert "2 min 05 s" in html
    assert supervisor.get_full_name() in html and "agendado" in html  # rodando has no user
    assert 'value="25"' in html and 'value="100"' in html  # the bars: 50/200 and 10/10
    assert reverse("faturamento:processo", args=[feito.pk]) in html
    assert reverse("faturamento:processo", args=[rodando.pk]) in html
    assert 'hx-trigger="every 2s"' in html  # one is active: the table polls
    assert f'value="{referencia_atual()}"' in html  # default referência, current month
    assert 'href="/faturamento/processos/"' in html  # the nav entry


def test_lista_sem_ativos_nao_fica_consultando(client_supervisor):
    Processo.objects.create(tipo=Tipo.EXPIRAR, situacao=Situacao.FALHOU, erro="x")
    # No polling (the navbar's triage badge loads once, on "load").
    assert 'hx-trigger="every' not in client_supervisor.get(LISTA).content.decode()


def test_lista_pagina(client_supervisor):
    for _n in range(27):
        Processo.objects.create(tipo=Tipo.EXPIRAR, situacao=Situacao.CONCLUIDO)
    primeira = client_supervisor.get(LISTA).content.decode()
    assert primeira.count("<tr>") == 26 and "Próxima" in primeira  # header + 25
    segunda = client_supervisor.get(LISTA, {"pagina": 2}).content.decode()
    assert segunda.count("<tr>") == 3 and "Anterior" in segunda and "Próxima" not in segunda
    assert client_supervisor.get(LISTA, {"pagina": "x" * 50}).status_code == 200


def test_lista_htmx_devolve_so_a_tabela(client_supervisor):
    Processo.objects.create(tipo=Tipo.EXPIRAR, situacao=Situacao.EXECUTANDO)
    html = client_supervisor.get(LISTA, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="processos-tabela"')
    assert "<html" not in html and "Iniciar processo" not in html


def test_detalhe_contagens_e_parcial_ao_vivo(client_supervisor):
    p = Processo.objects.create(
        tipo=Tipo.PREPARAR_FATURAMENTO,
        referencia=202612,
        situacao=Situacao.EXECUTANDO,
        total=8,
        processados=4,
        iniciado_em=timezone.now(),
        batimento_em=timezone.now(),
        contadores={
            "selecionadas": 4,
            "ignoradas": {"sem consentimento": 2, "abaixo do valor mínimo": 1},
            "geradas": {"sms": 3, "email": 1},
        },
    )
    url = reverse("faturamento:processo", args=[p.pk])
    html = client_supervisor.get(url).content.decode()
    assert "Preparar mensagens de faturamento" in html and "12/2026" in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html
    assert 'value="50"' in html and "4 de 8 (50%)" in html
    for texto in ("Selecionadas", "Ignoradas", "sem consentimento", "abaixo do valor mínimo",
                  "Geradas", "SMS", "E-mail", "Cancelar processo"):  # fmt: skip
        assert texto in html, texto
    assert 'data-contagem="ignoradas"' in html
    parcial = client_supervisor.get(url, headers={"HX-Request": "true"}).content.decode()
    assert parcial.lstrip().startswith("{#") is False
    assert '<section id="processo-progresso"' in parcial and "<html" not in parcial

    Processo.objects.filter(pk=p.pk).update(
        situacao=Situacao.CONCLUIDO, processados=8, concluido_em=timezone.now()
    )
    fim = client_supervisor.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fim  # finished: the polling stops
    assert "Concluído" in fim and 'value="100"' in fim and "Cancelar processo" not in fim


def test_detalhe_mostra_falha_e_rejeitadas_da_importacao(client_supervisor):
    falho = Processo.objects.create(
        tipo=Tipo.EXPIRAR, situacao=Situacao.FALHOU, erro="ValueError: <b>ruim</b>"
    )
    html = client_supervisor.get(reverse("faturamento:processo", args=[falho.pk])).content
    assert "ValueError: &lt;b&gt;ruim&lt;/b&gt;" in html.decode()
    importacao = Processo.objects.create(
        tipo=Tipo.IMPORTACAO,
        situacao=Situacao.CONCLUIDO,
        parametros={"arquivo": "/tmp/contas-202612.csv"},
        contadores={  # as services.importacao stores its report
            "lidas": 3,
            "inseridas": 1,
            "rejeitadas": 5,
            "codificacao": "latin-1",
            "rejeicoes": [
                {"linha": 2, "motivo": "matrícula desconhecida: 123"},
                {"linha": 3, "motivo": "valor negativo"},
            ],
        },
    )
    html = client_supervisor.get(reverse("faturamento:processo", args=[importacao.pk])).content
    html = html.decode()
    assert "Linhas rejeitadas" in html
    assert "matrícula desconhecida: 123" in html and "valor negativo" in html
    assert "Linhas lidas" in html and "Inseridas" in html
    assert "as primeiras 2 de 5" in html and "latin-1" in html and "contas-202612.csv" in html


def test_detalhe_inexistente_404(client_supervisor):
    assert client_supervisor.get(reverse("faturamento:processo", args=[999999])).status_code == 404


def test_iniciar_cria_e_enfileira(client_supervisor, supervisor, publicados):
    resposta = client_supervisor.post(
        INICIAR, {"tipo": "preparar_faturamento", "referencia": "202612"}
    )
    p = Processo.objects.get()
    assert resposta.status_code == 302
    assert resposta.url == reverse("faturamento:processo", args=[p.pk])
    assert (p.tipo, p.referencia, p.usuario, p.situacao) == (
        Tipo.PREPARAR_FATURAMENTO,
        202612,
        supervisor,
        Situacao.AGUARDANDO,
    )
    assert publicados == [p.pk]
    for tipo in ("preparar_cobranca", "transmitir", "expirar"):
        client_supervisor.post(INICIAR, {"tipo": tipo, "referencia": "abc"})
        q = Processo.objects.get(tipo=tipo)
        assert q.referencia is None and q.pk in publicados


def test_iniciar_aceita_mm_aaaa(client_supervisor, publicados):
    client_supervisor.post(INICIAR, {"tipo": "preparar_faturamento", "referencia": "01/2027"})
    assert Processo.objects.get().referencia == 202701


@pytest.mark.parametrize(
    "referencia, mensagem",
    [
        ("202613", "Referência inválida"),
        ("abc", "Referência inválida"),
        ("", "Informe a referência das contas (AAAAMM)."),
    ],
)
def test_iniciar_recusa_referencia_ruim(client_supervisor, publicados, referencia, mensagem):
    resposta = client_supervisor.post(
        INICIAR, {"tipo": "preparar_faturamento", "referencia": referencia}
    )
    assert resposta.status_code == 400
    html = resposta.content.decode()
    assert mensagem in html and 'aria-invalid="true"' in html
    assert f'value="{referencia}"' in html  # what was typed stays
    assert not Processo.objects.exists() and publicados == []


def test_iniciar_recusa_tipo_desconhecido(client_supervisor, publicados):
    resposta = client_supervisor.post(INICIAR, {"tipo": "importacao"}, follow=True)
    assert "Escolha um processo da lista." in resposta.content.decode()
    assert not Processo.objects.exists()


def test_iniciar_recusa_quando_ha_um_ativo_do_tipo(client_supervisor, publicados):
    ativo = processo_criar(Tipo.TRANSMITIR)
    resposta = client_supervisor.post(INICIAR, {"tipo": "transmitir"}, follow=True)
    html = resposta.content.decode()
    assert f"Já há um processo “Transmitir mensagens” em andamento (nº {ativo.pk})" in html
    assert Processo.objects.count() == 1 and publicados == []


def test_get_em_iniciar_e_cancelar_nao_muda_nada(client_supervisor):
    p = processo_criar(Tipo.EXPIRAR)
    assert client_supervisor.get(INICIAR).status_code == 405
    cancelar = reverse("faturamento:processo_cancelar", args=[p.pk])
    assert client_supervisor.get(cancelar).status_code == 405
    p.refresh_from_db()
    assert p.situacao == Situacao.AGUARDANDO


def test_cancelar_aguardando_executando_e_terminado(client_supervisor, supervisor):
    esperando = processo_criar(Tipo.EXPIRAR)
    resposta = client_supervisor.post(
        reverse("faturamento:processo_cancelar", args=[esperando.pk]), follow=True
    )
    assert f"Processo nº {esperando.pk} cancelado." in resposta.content.decode()
    esperando.refresh_from_db()
    assert esperando.situacao == Situacao.CANCELADO
    assert esperando.cancelamento_pedido_por == supervisor

    rodando = Processo.objects.create(
        tipo=Tipo.TRANSMITIR, situacao=Situacao.EXECUTANDO, batimento_em=timezone.now()
    )
    html = client_supervisor.post(
        reverse("faturamento:processo_cancelar", args=[rodando.pk]), follow=True
    ).content.decode()
    assert "ele para ao fim do bloco atual" in html
    assert "Cancelar processo" not in html  # asked once is enough
    rodando.refresh_from_db()
    assert rodando.situacao == Situacao.EXECUTANDO and rodando.cancelamento_pedido_em

    html = client_supervisor.post(
        reverse("faturamento:processo_cancelar", args=[esperando.pk]), follow=True
    ).content.decode()
    assert f"O processo nº {esperando.pk} já terminou (Cancelado)." in html


def test_contagens_dos_envios_da_preparacao(client_supervisor, monkeypatch):
    from faturamento.services import transmissao

    def contagens_do_processo(processo):  # the shape services.transmissao returns
        return {
            "geradas": 5,
            "aguardando": 1,
            "transmitidas": 4,
            "enviadas": 3,
            "entregues": 2,
            "falhas": 1,
            "expiradas": 0,
            "dispensadas": 0,
            "por_canal": {
                "sms": {"geradas": 3, "enviadas": 2, "entregues": 2},
                "email": {"geradas": 2, "enviadas": 1, "falhas": 1},
            },
        }

    monkeypatch.setattr(transmissao, "contagens_do_processo", contagens_do_processo)
    p = Processo.objects.create(tipo=Tipo.PREPARAR_COBRANCA, situacao=Situacao.CONCLUIDO)
    html = client_supervisor.get(reverse("faturamento:processo", args=[p.pk])).content.decode()
    assert "Mensagens geradas, agora" in html
    compacto = re.sub(r">\s+<", "><", html)
    assert (
        '<tr data-envios="enviadas"><th scope="row">Enviadas</th>'
        '<td class="text-end">3</td><td class="text-end">2</td><td class="text-end">1</td>'
    ) in compacto
    assert "Entregues" in html and "Falhas" in html and "Aguardando transmissão" in html
    outro = Processo.objects.create(tipo=Tipo.EXPIRAR, situacao=Situacao.CONCLUIDO)
    html = client_supervisor.get(reverse("faturamento:processo", args=[outro.pk])).content
    assert "Mensagens geradas, agora" not in html.decode()


def test_contagens_dos_envios_reais_sem_envios(client_supervisor):
    p = Processo.objects.create(tipo=Tipo.PREPARAR_FATURAMENTO, situacao=Situacao.CONCLUIDO)
    html = client_supervisor.get(reverse("faturamento:processo", args=[p.pk])).content.decode()
    assert '<tr data-envios="geradas">' in html  # the real selector answered


def test_admin_de_processos_e_envios_so_leitura(client, administrador):
    client.force_login(administrador)
    p = Processo.objects.create(tipo=Tipo.EXPIRAR, situacao=Situacao.CONCLUIDO)
    for modelo in ("processo", "envio"):
        lista = client.get(reverse(f"admin:faturamento_{modelo}_changelist"))
        assert lista.status_code == 200
        assert client.get(reverse(f"admin:faturamento_{modelo}_add")).status_code == 403
    assert (
        "Expirar mensagens vencidas"
        in client.get(reverse("admin:faturamento_processo_changelist")).content.decode()
    )
    resposta = client.post(
        reverse("admin:faturamento_processo_change", args=[p.pk]), {"situacao": "aguardando"}
    )
    assert resposta.status_code == 403
    p.refresh_from_db()
    assert p.situacao == Situacao.CONCLUIDO
