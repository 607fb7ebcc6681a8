from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from atendimento.models import RegistroAtendimento
from core.models import Exportacao
from ordens_servico.models import EventoOS, OrdemServico
from ordens_servico.services import ordem_servico_programar
from tests.factories import ImovelFactory
from tests.ordens_servico.factories import (
    EspecificacaoFactory,
    OrdemServicoFactory,
    RegistroAtendimentoFactory,
    TipoServicoFactory,
)

S = OrdemServico.Situacao


def amanha():
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def cliente_tecnico(client, tecnico):
    client.force_login(tecnico)
    return client


@pytest.fixture
def cliente_gerente(client, gerente):
    client.force_login(gerente)
    return client


# --- list --------------------------------------------------------------------


def test_lista_filtra_e_pagina_sem_consultas_por_linha(
    cliente_tecnico, campo, tipo, outra_unidade, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def criar(n):
        for _ in range(n):
            OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo, imovel=ImovelFactory())

    criar(2)
    OrdemServicoFactory(unidade_atual=outra_unidade, tipo_servico=tipo)
    url = reverse("ordens_servico:lista")
    filtros = {"situacao": "abertas", "unidade": campo.pk}
    with CaptureQueriesContext(connection) as com_duas:
        cliente_tecnico.get(url, filtros)
    criar(3)
    # The same number of queries for 2 or 5 rows: nothing is fetched per row.
    with django_assert_num_queries(len(com_duas.captured_queries)):
        resposta = cliente_tecnico.get(url, filtros)
    assert resposta.status_code == 200
    assert len(resposta.context["linhas"]) == 5
    resposta = cliente_tecnico.get(url, {"unidade": outra_unidade.pk, "situacao": ""})
    assert len(resposta.context["linhas"]) == 1


def test_lista_padrao_mostra_abertas_da_unidade_do_usuario(cliente_tecnico, os_pendente):
    resposta = cliente_tecnico.get(reverse("ordens_servico:lista"))
    assert [linha["os"].pk for linha in resposta.context["linhas"]] == [os_pendente.pk]


def test_lista_vencidas(cliente_tecnico, campo, tipo):
    vencida = OrdemServicoFactory(
        unidade_atual=campo, tipo_servico=tipo, data_geracao=timezone.now() - timedelta(days=3)
    )
    OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo)
    resposta = cliente_tecnico.get(
        reverse("ordens_servico:lista"), {"vencidas": "on", "unidade": campo.pk}
    )
    assert [linha["os"].pk for linha in resposta.context["linhas"]] == [vencida.pk]
    assert "Vencida" in resposta.content.decode()


def test_lista_periodo_invertido_mostra_erro(cliente_tecnico):
    resposta = cliente_tecnico.get(
        reverse("ordens_servico:lista"), {"gerada_de": "2026-05-10", "gerada_ate": "2026-05-01"}
    )
    assert resposta.status_code == 200
    assert "posterior à inicial" in resposta.content.decode()


def test_lista_csv(cliente_tecnico, os_pendente):
    resposta = cliente_tecnico.get(
        reverse("ordens_servico:lista"), {"situacao": "abertas", "formato": "csv"}
    )
    conteudo = b"".join(resposta.streaming_content).decode()
    assert resposta["Content-Type"].startswith("text/csv")
    assert conteudo.splitlines()[0].lstrip("\ufeff").startswith("OS;Situação;Tipo de serviço")
    assert f"{os_pendente.pk};Pendente;Conserto de vazamento" in conteudo
    registro = Exportacao.objects.get()
    assert (registro.nome, registro.linhas) == ("Ordens de serviço", 1)
    assert registro.usuario.username == "tecnico"
    assert registro.filtros == {"situacao": "abertas"}


def test_lista_csv_neutraliza_formulas(cliente_tecnico, campo, tipo):
    os = OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo)
    ra = RegistroAtendimentoFactory(local_ocorrencia='=HYPERLINK("http://x")')
    OrdemServico.objects.filter(pk=os.pk).update(ra=ra)
    resposta = cliente_tecnico.get(
        reverse("ordens_servico:lista"), {"situacao": "abertas", "formato": "csv"}
    )
    conteudo = b"".join(resposta.streaming_content).decode()
    assert ';"\'=HYPERLINK(""http://x"")";' in conteudo


def test_lista_exige_login(client):
    resposta = client.get(reverse("ordens_servico:lista"))
    assert resposta.status_code == 302
    assert "/entrar/" in resposta["Location"]


# --- OS page and actions -------------------------------------------------------


def test_detalhe_mostra_historico_e_acoes(cliente_tecnico, os_pendente, tecnico, equipe):
    ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    resposta = cliente_tecnico.get(reverse("ordens_servico:detalhe", args=[os_pendente.pk]))
    html = resposta.content.decode()
    assert "Programada: Equipe Alfa" in html
    assert "Reprogramar" in html and "Encerrar OS" in html


def test_detalhe_de_outra_unidade_so_leitura(client, estranho, os_pendente):
    client.force_login(estranho)
    resposta = client.get(reverse("ordens_servico:detalhe", args=[os_pendente.pk]))
    assert resposta.status_code == 200
    assert "você pode consultá-la" in resposta.content.decode()
    assert "Encerrar OS" not in resposta.content.decode()


def test_detalhe_inexistente_404(cliente_tecnico):
    assert cliente_tecnico.get(reverse("ordens_servico:detalhe", args=[999999])).status_code == 404


def test_programar_pela_tela(cliente_tecnico, os_pendente, equipe):
    url = reverse("ordens_servico:programar", args=[os_pendente.pk])
    assert cliente_tecnico.get(url).status_code == 200
    resposta = cliente_tecnico.post(
        url, {"equipe": equipe.pk, "data_programada": amanha().isoformat(), "versao": 1}
    )
    assert resposta.status_code == 302
    os_pendente.refresh_from_db()
    assert (os_pendente.situacao, os_pendente.posicao) == (S.PROGRAMADA, 1)


def test_programar_dia_passado_pela_tela_mostra_erro(cliente_tecnico, os_pendente, equipe):
    ontem = timezone.localdate() - timedelta(days=1)
    resposta = cliente_tecnico.post(
        reverse("ordens_servico:programar", args=[os_pendente.pk]),
        {"equipe": equipe.pk, "data_programada": ontem.isoformat(), "versao": 1},
    )
    assert resposta.status_code == 200
    assert "dia que já passou" in resposta.content.decode()
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.PENDENTE


def test_programar_por_htmx_devolve_o_calendario(cliente_tecnico, os_pendente, equipe, campo):
    resposta = cliente_tecnico.post(
        reverse("ordens_servico:programar", args=[os_pendente.pk]),
        {
            "equipe": equipe.pk,
            "data_programada": amanha().isoformat(),
            "posicao": 1,
            "versao": 1,
            "unidade": campo.pk,
            "inicio": timezone.localdate().isoformat(),
        },
        HTTP_HX_REQUEST="true",
    )
    html = resposta.content.decode()
    assert "programada." in html and f'data-equipe="{equipe.pk}"' in html
    assert resposta.templates[0].name == "ordens_servico/_partials/semana.html"


def test_programar_por_htmx_com_erro(cliente_tecnico, os_pendente, equipe, campo):
    ontem = timezone.localdate() - timedelta(days=1)
    resposta = cliente_tecnico.post(
        reverse("ordens_servico:programar", args=[os_pendente.pk]),
        {"equipe": equipe.pk, "data_programada": ontem.isoformat(), "unidade": campo.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "dia que já passou" in resposta.content.decode()


def test_desprogramar_e_iniciar_pela_tela(cliente_tecnico, os_pendente, tecnico, equipe):
    ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    cliente_tecnico.post(reverse("ordens_servico:desprogramar", args=[os_pendente.pk]))
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.PENDENTE
    cliente_tecnico.post(reverse("ordens_servico:iniciar", args=[os_pendente.pk]))
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.EM_EXECUCAO


@pytest.mark.parametrize(
    "voltar",
    [
        "//evil.example/x",
        "https://evil.example/x",
        "/\\evil.example/x",
        "\\\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_iniciar_nao_volta_para_outro_site(cliente_tecnico, os_pendente, voltar):
    url = reverse("ordens_servico:iniciar", args=[os_pendente.pk])
    resposta = cliente_tecnico.post(url, {"voltar": voltar})
    assert resposta.status_code == 302
    assert resposta["Location"] == reverse("ordens_servico:detalhe", args=[os_pendente.pk])


def test_iniciar_volta_para_a_agenda_local(cliente_tecnico, os_pendente, equipe):
    agenda = reverse("ordens_servico:agenda", args=[equipe.pk]) + "?data=2026-01-05"
    url = reverse("ordens_servico:iniciar", args=[os_pendente.pk])
    resposta = cliente_tecnico.post(url, {"voltar": agenda})
    assert resposta["Location"] == agenda


def test_iniciar_de_outra_unidade_mostra_mensagem(client, estranho, os_pendente):
    client.force_login(estranho)
    resposta = client.post(reverse("ordens_servico:iniciar", args=[os_pendente.pk]), follow=True)
    assert "só usuários dessa unidade" in resposta.content.decode()
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.PENDENTE


def _dados_encerrar(motivo, **extra):
    dados = {
        "motivo": motivo.pk,
        "data": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "parecer": "Feito.",
        "versao": 1,
    }
    dados.update(extra)
    return dados


def test_encerrar_pela_tela(cliente_tecnico, os_pendente, executado):
    url = reverse("ordens_servico:encerrar", args=[os_pendente.pk])
    assert cliente_tecnico.get(url).status_code == 200
    resposta = cliente_tecnico.post(url, _dados_encerrar(executado))
    assert resposta.status_code == 302
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.ENCERRADA_EXECUTADA


def test_encerrar_no_futuro_pela_tela_mostra_erro(cliente_tecnico, os_pendente, executado):
    futuro = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    resposta = cliente_tecnico.post(
        reverse("ordens_servico:encerrar", args=[os_pendente.pk]),
        _dados_encerrar(executado, data=futuro),
    )
    assert resposta.status_code == 200
    assert "não pode ser no futuro" in resposta.content.decode()
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.PENDENTE


def test_encerrar_em_duas_abas(cliente_tecnico, os_pendente, executado):
    url = reverse("ordens_servico:encerrar", args=[os_pendente.pk])
    cliente_tecnico.post(url, _dados_encerrar(executado))
    resposta = cliente_tecnico.post(url, _dados_encerrar(executado))
    assert resposta.status_code == 200
    assert "já foi encerrada" in resposta.content.decode()
    assert EventoOS.objects.filter(os=os_pendente, tipo="encerramento").count() == 1


def test_encerrar_ultima_os_oferece_e_encerra_o_ra(client, campo, tipo, executado, tecnico):
    ra = RegistroAtendimentoFactory(unidade_abertura=campo, unidade_atual=campo)
    os = OrdemServicoFactory(ra=ra, unidade_atual=campo, tipo_servico=tipo)
    client.force_login(tecnico)
    resposta = client.post(
        reverse("ordens_servico:encerrar", args=[os.pk]), _dados_encerrar(executado)
    )
    assert resposta["Location"] == reverse("ordens_servico:encerrar_ra", args=[os.pk])
    pagina = client.get(resposta["Location"])
    assert f"Encerrar também o RA de protocolo {ra.protocolo}" in pagina.content.decode()
    resposta = client.post(
        resposta["Location"], {"motivo": executado.pk, "parecer": "Tudo certo.", "versao_ra": 1}
    )
    assert resposta.status_code == 302
    ra.refresh_from_db()
    assert ra.situacao == RegistroAtendimento.Situacao.ENCERRADO


def test_os_que_encerra_o_ra_pede_o_parecer_que_o_ra_exige(client, campo, tipo, executado, tecnico):
    tipo.encerra_ra = True
    tipo.save()
    ra = RegistroAtendimentoFactory(unidade_abertura=campo, unidade_atual=campo)
    ra.especificacao.exige_parecer_encerramento = True
    ra.especificacao.save()
    os = OrdemServicoFactory(ra=ra, unidade_atual=campo, tipo_servico=tipo)
    client.force_login(tecnico)
    url = reverse("ordens_servico:encerrar", args=[os.pk])
    resposta = client.post(url, _dados_encerrar(executado, parecer=""))
    assert resposta.status_code == 200
    pagina = resposta.content.decode()
    assert f"RA de protocolo {ra.protocolo}" in pagina
    assert "exige o parecer de encerramento" in pagina
    os.refresh_from_db()
    ra.refresh_from_db()
    assert os.situacao == S.PENDENTE and ra.situacao == RegistroAtendimento.Situacao.PENDENTE
    resposta = client.post(url, _dados_encerrar(executado, parecer="Registro trocado."))
    assert resposta["Location"] == reverse("ordens_servico:detalhe", args=[os.pk])
    ra.refresh_from_db()
    assert (ra.situacao, ra.parecer_encerramento) == ("encerrado", "Registro trocado.")


def test_oferta_de_encerrar_ra_sem_os_encerrada_volta_a_os(cliente_tecnico, os_pendente):
    resposta = cliente_tecnico.get(reverse("ordens_servico:encerrar_ra", args=[os_pendente.pk]))
    assert resposta["Location"] == reverse("ordens_servico:detalhe", args=[os_pendente.pk])


def test_cancelar_pela_tela(cliente_tecnico, os_pendente):
    url = reverse("ordens_servico:cancelar", args=[os_pendente.pk])
    cliente_tecnico.post(url, {"motivo": ""})
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.PENDENTE
    cliente_tecnico.post(url, {"motivo": "Gerada por engano", "versao": 1})
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.ENCERRADA_NAO_EXECUTADA


def test_gerar_os_pela_pagina_do_ra(cliente_tecnico, campo, tipo):
    especificacao = EspecificacaoFactory(permite_os_opcional=True, tipo_servico=tipo)
    ra = RegistroAtendimentoFactory(
        especificacao=especificacao, unidade_abertura=campo, unidade_atual=campo
    )
    url = reverse("ordens_servico:gerar_para_ra", args=[ra.pk])
    assert cliente_tecnico.get(url).status_code == 200
    resposta = cliente_tecnico.post(url, {"tipo_servico": tipo.pk})
    os = OrdemServico.objects.get(ra=ra)
    assert resposta["Location"] == reverse("ordens_servico:detalhe", args=[os.pk])
    resposta = cliente_tecnico.post(url, {"tipo_servico": tipo.pk})
    assert "já tem a OS" in resposta.content.decode()


def test_parcial_das_os_do_ra(rf, tecnico, campo, tipo, django_assert_num_queries):
    especificacao = EspecificacaoFactory(permite_os_opcional=True)
    ra = RegistroAtendimentoFactory(
        especificacao=especificacao, unidade_abertura=campo, unidade_atual=campo
    )
    for _ in range(3):
        OrdemServicoFactory(ra=ra, unidade_atual=campo, tipo_servico=tipo)
    modelo = Template('{% include "ordens_servico/_partials/ra_ordens.html" %}')
    from django.contrib.auth.context_processors import PermWrapper

    tecnico.has_perm("ordens_servico.add_ordemservico")  # permission cache, not the partial
    with django_assert_num_queries(1):
        html = modelo.render(Context({"ra": ra, "perms": PermWrapper(tecnico)}))
    assert html.count("OS nº") == 3
    assert reverse("ordens_servico:gerar_para_ra", args=[ra.pk]) in html


# --- agenda and week --------------------------------------------------------------


def test_agenda_da_equipe(cliente_tecnico, campo, tipo, tecnico, equipe):
    os = OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo, imovel=ImovelFactory())
    ordem_servico_programar(os=os, usuario=tecnico, equipe=equipe, data=amanha())
    resposta = cliente_tecnico.get(
        reverse("ordens_servico:agenda", args=[equipe.pk]), {"dia": amanha().isoformat()}
    )
    html = resposta.content.decode()
    assert os.imovel.logradouro in html and "Imprimir" in html
    assert list(resposta.context["ordens"]) == [os]


def test_semana_da_unidade(cliente_tecnico, campo, tipo, tecnico, equipe, os_pendente):
    outra = OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo)
    ordem_servico_programar(os=outra, usuario=tecnico, equipe=equipe, data=amanha())
    resposta = cliente_tecnico.get(
        reverse("ordens_servico:semana"),
        {"unidade": campo.pk, "inicio": timezone.localdate().isoformat()},
    )
    assert resposta.status_code == 200
    assert resposta.context["pendentes"] == [os_pendente]
    celulas = resposta.context["linhas"][0]["celulas"]
    assert celulas[1]["ordens"] == [outra]
    assert 'draggable="true"' in resposta.content.decode()


# --- supervisor screens ---------------------------------------------------------


def test_encerrar_vencidas_pela_tela(cliente_gerente, campo, tipo):
    velhas = [
        OrdemServicoFactory(
            unidade_atual=campo, tipo_servico=tipo, data_geracao=timezone.now() - timedelta(days=40)
        )
        for _ in range(3)
    ]
    nova = OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo)
    url = reverse("ordens_servico:encerrar_vencidas")
    dados = {"tipo_servico": tipo.pk, "dias": 30, "unidade": campo.pk}
    resposta = cliente_gerente.post(url, {**dados, "acao": "verificar"})
    assert resposta.context["elegiveis"] == 3
    resposta = cliente_gerente.post(url, {**dados, "acao": "encerrar"}, HTTP_HX_REQUEST="true")
    assert "3 OS encerradas" in resposta.content.decode()
    for os in velhas:
        os.refresh_from_db()
        assert os.situacao == S.ENCERRADA_NAO_EXECUTADA
    nova.refresh_from_db()
    assert nova.situacao == S.PENDENTE


def test_encerrar_vencidas_dias_invalidos(cliente_gerente, tipo, campo):
    resposta = cliente_gerente.post(
        reverse("ordens_servico:encerrar_vencidas"),
        {"tipo_servico": tipo.pk, "dias": 0, "unidade": campo.pk, "acao": "encerrar"},
    )
    assert resposta.status_code == 200
    assert resposta.context["form"].errors["dias"]


def test_encerrar_vencidas_so_para_supervisor(cliente_tecnico):
    assert cliente_tecnico.get(reverse("ordens_servico:encerrar_vencidas")).status_code == 403


@pytest.fixture
def executadas(campo, tecnico, equipe, executado):
    from ordens_servico.services import ordem_servico_encerrar

    equipe.carga_diaria = 5
    equipe.save()
    tipos = [
        TipoServicoFactory(descricao="Corte", valor=30),
        TipoServicoFactory(descricao="Religação", valor=20),
    ]
    for tipo, n in zip(tipos, (2, 1), strict=True):
        for _ in range(n):
            os = OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo)
            ordem_servico_programar(
                os=os, usuario=tecnico, equipe=equipe, data=timezone.localdate()
            )
            ordem_servico_encerrar(os=os, usuario=tecnico, motivo=executado)
    return tipos


def test_boletim_na_tela(cliente_gerente, executadas):
    resposta = cliente_gerente.get(reverse("ordens_servico:boletim"))
    resumo = resposta.context["resumo"]
    assert resumo["totais"]["quantidade"] == 3
    assert [
        (linha["tipo_servico__descricao"], linha["quantidade"]) for linha in resumo["linhas"]
    ] == [
        ("Corte", 2),
        ("Religação", 1),
    ]
    assert "grafico-boletim" in resposta.content.decode()


def test_boletim_csv_e_pdf(cliente_gerente, executadas):
    url = reverse("ordens_servico:boletim")
    hoje = timezone.localdate().isoformat()
    resposta = cliente_gerente.get(url, {"de": hoje, "ate": hoje, "formato": "csv"})
    linhas = b"".join(resposta.streaming_content).decode().splitlines()
    assert len(linhas) == 4 and "Corte;30,00" in linhas[1]
    registro = Exportacao.objects.get()
    assert (registro.nome, registro.linhas) == ("Boletim de OS", 3)
    assert registro.filtros == {"de": hoje, "ate": hoje}
    resposta = cliente_gerente.get(url, {"de": hoje, "ate": hoje, "formato": "pdf"})
    assert resposta["Content-Type"] == "application/pdf"
    assert resposta.content.startswith(b"%PDF")


def test_boletim_periodo_invalido(cliente_gerente):
    resposta = cliente_gerente.get(
        reverse("ordens_servico:boletim"), {"de": "2026-02-01", "ate": "2026-01-01"}
    )
    assert resposta.status_code == 200
    assert "posterior à inicial" in resposta.content.decode()


def test_boletim_so_para_supervisor(cliente_tecnico):
    assert cliente_tecnico.get(reverse("ordens_servico:boletim")).status_code == 403


def test_encerrar_no_mesmo_minuto_da_geracao(cliente_tecnico, campo, tipo, executado):
    """The form has minute precision: the generation minute itself is accepted."""
    os = OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo, data_geracao=timezone.now())
    minuto = timezone.localtime(os.data_geracao).strftime("%Y-%m-%dT%H:%M")
    resposta = cliente_tecnico.post(
        reverse("ordens_servico:encerrar", args=[os.pk]), _dados_encerrar(executado, data=minuto)
    )
    assert resposta.status_code == 302
    os.refresh_from_db()
    assert os.situacao == S.ENCERRADA_EXECUTADA
    assert os.data_encerramento == os.data_geracao


def test_soltar_em_a_programar_retira_da_programacao(
    cliente_tecnico, os_pendente, tecnico, equipe, campo
):
    ordem_servico_programar(os=os_pendente, usuario=tecnico, equipe=equipe, data=amanha())
    resposta = cliente_tecnico.post(
        reverse("ordens_servico:desprogramar", args=[os_pendente.pk]),
        {"versao": 2, "unidade": campo.pk, "inicio": timezone.localdate().isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert "retirada da programação" in resposta.content.decode()
    assert resposta.context["pendentes"] == [os_pendente]
    os_pendente.refresh_from_db()
    assert os_pendente.situacao == S.PENDENTE


def test_reordenar_no_mesmo_dia_por_htmx(cliente_tecnico, campo, tipo, tecnico, equipe):
    primeira, segunda = (
        OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo) for _ in range(2)
    )
    for os in (primeira, segunda):
        ordem_servico_programar(os=os, usuario=tecnico, equipe=equipe, data=amanha())
    segunda.refresh_from_db()
    cliente_tecnico.post(
        reverse("ordens_servico:programar", args=[segunda.pk]),
        {
            "equipe": equipe.pk,
            "data_programada": amanha().isoformat(),
            "posicao": 1,
            "versao": segunda.versao,
            "unidade": campo.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    primeira.refresh_from_db()
    segunda.refresh_from_db()
    assert (segunda.posicao, primeira.posicao) == (1, 2)
    assert EventoOS.objects.filter(os=segunda).last().tipo == EventoOS.Tipo.REPROGRAMACAO


def test_admin_nao_apaga_os(client, administrador, os_pendente):
    client.force_login(administrador)
    url = reverse("admin:ordens_servico_ordemservico_delete", args=[os_pendente.pk])
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:ordens_servico_ordemservico_changelist")).status_code == 200


# --- bad input on the list, the agenda and the week (no 500) -----------------


@pytest.mark.parametrize("dia", ["9999-12-31", "0001-01-01", "2026-13-45"])
def test_agenda_e_semana_com_data_extrema_mostram_hoje(client, tecnico, equipe, dia):
    client.force_login(tecnico)
    hoje = timezone.localdate()
    resposta = client.get(reverse("ordens_servico:agenda", args=[equipe.pk]), {"dia": dia})
    assert resposta.status_code == 200
    assert resposta.context["dia"] == hoje
    resposta = client.get(reverse("ordens_servico:semana"), {"inicio": dia})
    assert resposta.status_code == 200
    assert resposta.context["inicio"] == hoje - timedelta(days=hoje.weekday())


def test_semana_com_unidade_nao_numerica_usa_a_do_usuario(client, tecnico, campo):
    client.force_login(tecnico)
    resposta = client.get(reverse("ordens_servico:semana"), {"unidade": "<script>"})
    assert resposta.status_code == 200
    assert resposta.context["unidade"] == campo


@pytest.mark.parametrize("data", ["9999-12-31", "1899-12-31"])
def test_lista_com_data_fora_do_intervalo_recusa_o_filtro(client, tecnico, os_pendente, data):
    client.force_login(tecnico)
    resposta = client.get(reverse("ordens_servico:lista"), {"gerada_de": data, "gerada_ate": data})
    assert resposta.status_code == 200
    assert "Data fora do intervalo aceito" in resposta.content.decode()
    assert resposta.context["linhas"] == []


def test_lista_e_csv_exigem_permissao_de_ver_os(client, os_pendente):
    from tests.factories import UsuarioFactory

    client.force_login(UsuarioFactory(unidade=os_pendente.unidade_atual))  # no role
    url = reverse("ordens_servico:lista")
    assert client.get(url).status_code == 403
    assert client.get(url, {"formato": "csv"}).status_code == 403
    assert client.get(reverse("ordens_servico:detalhe", args=[os_pendente.pk])).status_code == 403


def test_csv_de_os_mantem_protocolo_como_texto(cliente_tecnico, campo, tipo):
    """Excel turns a 14-digit protocol into 2,026E+13: it goes out as a text cell."""
    import csv
    import io

    os = OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo)
    ra = RegistroAtendimentoFactory()
    OrdemServico.objects.filter(pk=os.pk).update(ra=ra)
    resposta = cliente_tecnico.get(
        reverse("ordens_servico:lista"), {"situacao": "abertas", "formato": "csv"}
    )
    corpo = b"".join(resposta.streaming_content).decode().lstrip("\ufeff")
    linhas = list(csv.DictReader(io.StringIO(corpo), delimiter=";"))
    assert [linha["RA (protocolo)"] for linha in linhas] == [f'="{ra.protocolo}"']
