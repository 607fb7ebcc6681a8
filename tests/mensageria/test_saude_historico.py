"""Modem health history (issue 10, item 9): kept every few minutes, pruned, charted."""

import datetime

import pytest
from django.urls import reverse

from mensageria import services
from mensageria.backends import memoria
from mensageria.models import Alerta, LeituraSaude, Modem
from mensageria.tasks import modem_ler_saude_task

from . import integracao
from .factories import modem_criar

BOA = {"sim": "READY", "registro": "registrado (rede local)", "registrado": True, "sinal": 20}
BOA["operadora"] = "TIM"


@pytest.fixture
def modem(db):
    return modem_criar(nome="principal")


def registrar(modem, **mudancas):
    return services.modem_saude_registrar(modem=modem, saude={**BOA, **mudancas})


def test_uma_leitura_guardada_a_cada_5_minutos(modem, relogio, settings):
    settings.SMS_SAUDE_HISTORICO_MINUTOS = 5
    inicio = relogio.agora
    for minuto in range(13):  # the sweep asks every minute, give or take a few seconds
        relogio.agora = inicio + datetime.timedelta(minutes=minuto, seconds=minuto % 3)
        registrar(modem, sinal=10 + minuto)
    guardadas = list(LeituraSaude.objects.filter(modem=modem).order_by("quando"))
    assert [(g.quando - inicio).total_seconds() // 60 for g in guardadas] == [0, 5, 10]
    assert [g.sinal for g in guardadas] == [10, 15, 20]
    assert guardadas[0].operadora == "TIM" and guardadas[0].registrado
    modem.refresh_from_db()
    assert modem.saude["sinal"] == 22  # the latest reading is always on the modem


def test_mudanca_de_registro_ou_erro_guardada_na_hora(modem, relogio):
    registrar(modem)
    relogio.avancar(minutes=1)
    perdeu = registrar(modem, registro="registro negado", registrado=False, sinal=3)
    relogio.avancar(minutes=1)
    erro = services.modem_saude_registrar(modem=modem, saude={"erro": "Sem resposta do modem"})
    relogio.avancar(minutes=1)
    assert (
        services.modem_saude_registrar(modem=modem, saude={"erro": "Sem resposta do modem"}) is None
    )
    assert perdeu is not None and not perdeu.registrado and perdeu.registro == "registro negado"
    assert erro is not None and erro.erro == "Sem resposta do modem" and erro.sinal is None
    assert not erro.registrado
    assert LeituraSaude.objects.filter(modem=modem).count() == 3


def test_sinal_desconhecido_99_fica_vazio(modem):
    assert registrar(modem, sinal=99).sinal is None


def test_leituras_com_mais_de_7_dias_sao_apagadas(modem, relogio, settings):
    settings.SMS_SAUDE_HISTORICO_DIAS = 7
    outro = modem_criar(nome="outro")
    agora = relogio.agora
    antigas = [
        LeituraSaude.objects.create(modem=modem, quando=agora - datetime.timedelta(days=d))
        for d in (9, 8)
    ]
    recente = LeituraSaude.objects.create(modem=modem, quando=agora - datetime.timedelta(days=6))
    alheia = LeituraSaude.objects.create(modem=outro, quando=agora - datetime.timedelta(days=9))
    nova = registrar(modem)
    restantes = set(LeituraSaude.objects.values_list("pk", flat=True))
    assert restantes == {recente.pk, alheia.pk, nova.pk}
    assert not restantes & {a.pk for a in antigas}


def test_a_tarefa_do_worker_guarda_a_leitura(modem):
    memoria.saude.update(sinal=17)
    try:
        modem_ler_saude_task(modem.pk)
    finally:
        memoria.saude.update(sinal=20)
    leitura = LeituraSaude.objects.get(modem=modem)
    assert leitura.sinal == 17 and leitura.registrado and leitura.operadora == "MEMORIA"


# --- the modem page -------------------------------------------------------------------


def test_pagina_do_modem_desenha_o_sinal_em_svg(client, supervisor, modem, relogio):
    agora = relogio.agora
    horas = datetime.timedelta(hours=1)
    minutos = datetime.timedelta(minutes=1)

    def leitura(antes, **campos):
        dados = {"registrado": True, "registro": "registrado (rede local)", "operadora": "TIM"}
        dados.update(campos)
        LeituraSaude.objects.create(modem=modem, quando=agora - antes, **dados)

    leitura(25 * horas, sinal=5)  # older than the chart's 24 h
    leitura(12 * horas, sinal=31)  # x = 44 + 0.5 × 586 = 337, y = 170 − 160 = 10
    leitura(12 * horas - 10 * minutos, sinal=0)  # x = 44 + 730/1440 × 586 ≈ 341.1, y = 170
    leitura(12 * horas - 20 * minutos, sinal=None, registrado=False, erro="Sem resposta do modem")
    leitura(12 * horas - 30 * minutos, sinal=20)  # after the gap: its own point, y ≈ 66.8
    leitura(1 * horas, sinal=20, registro="procurando rede", registrado=False, operadora="")
    client.force_login(supervisor)
    resposta = client.get(reverse("mensageria:modem_detalhe", args=[modem.pk]))
    assert resposta.status_code == 200
    conteudo = resposta.content.decode()
    assert '<polyline points="337,10 341.1,170"' in conteudo
    assert conteudo.count("<polyline") == 1
    assert '<circle cx="349.2" cy="66.8"' in conteudo  # 44 + 750/1440 × 586
    assert '<circle cx="605.6" cy="66.8"' in conteudo  # 44 + 1380/1440 × 586 (1 h ago)
    # Red marks at the base for the error and the lost registration.
    assert conteudo.count('class="falha"') == 2
    assert 'x1="345.1"' in conteudo
    grafico = resposta.context["grafico"]
    assert [m.rotulo for m in grafico.eixo_x] == ["12:00", "18:00", "00:00", "06:00", "12:00"]
    # The table: newest first, registration, operator and error.
    leituras = resposta.context["leituras"]
    assert [item.sinal for item in leituras] == [20, 20, None, 0, 31]
    assert "procurando rede" in conteudo and "Sem resposta do modem" in conteudo
    assert "TIM" in conteudo


def test_pagina_do_modem_sem_leituras(client, supervisor, modem):
    client.force_login(supervisor)
    conteudo = client.get(reverse("mensageria:modem_detalhe", args=[modem.pk])).content.decode()
    assert "Nenhuma leitura de saúde nas últimas 24 horas" in conteudo
    assert "<svg" not in conteudo


def test_pagina_do_modem_pede_login_e_permissao(client, atendente, supervisor, modem):
    url = reverse("mensageria:modem_detalhe", args=[modem.pk])
    anonimo = client.get(url)
    assert anonimo.status_code == 302 and anonimo["Location"].startswith(reverse("login"))
    client.force_login(atendente)
    assert client.get(url).status_code == 403
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    assert client.get(reverse("mensageria:modem_detalhe", args=[9999])).status_code == 404


def test_tela_de_modems_liga_a_pagina_e_mostra_alertas_abertos(client, supervisor, modem):
    Alerta.objects.create(tipo=Alerta.Tipo.SEM_MODEM, texto="Nenhum modem disponível: 3 SMS")
    Alerta.objects.create(
        tipo=Alerta.Tipo.FILA_ANTIGA,
        texto="Resolvido antes",
        resolvido_em=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )
    client.force_login(supervisor)
    conteudo = client.get(reverse("mensageria:modem_status")).content.decode()
    assert reverse("mensageria:modem_detalhe", args=[modem.pk]) in conteudo
    assert "Nenhum modem disponível: 3 SMS" in conteudo and 'class="alert alert-danger' in conteudo
    assert "Resolvido antes" not in conteudo


# --- the real worker and the GSM backend ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_le_o_modem_emulado_e_guarda_o_historico(emu):
    modem = Modem.objects.create(
        nome=integracao.NOME_MODEM, dispositivo=str(emu.link), intervalo_segundos=0
    )
    emu.sinal = 14
    modem_ler_saude_task.apply_async(args=[modem.pk], queue=modem.fila)
    integracao.esperar(
        lambda: LeituraSaude.objects.filter(modem=modem).exists(), mensagem="primeira leitura"
    )
    emu.registro = 3  # registration denied: kept at once, not 5 minutes later
    modem_ler_saude_task.apply_async(args=[modem.pk], queue=modem.fila)
    integracao.esperar(
        lambda: LeituraSaude.objects.filter(modem=modem).count() == 2, mensagem="segunda leitura"
    )
    primeira, segunda = LeituraSaude.objects.filter(modem=modem).order_by("quando")
    assert primeira.sinal == 14 and primeira.registrado and primeira.sim == "READY"
    assert primeira.operadora == "EMULADOR GSAN"
    assert not segunda.registrado and segunda.registro == "registro negado"
