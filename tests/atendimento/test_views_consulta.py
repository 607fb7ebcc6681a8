import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atendimento import widgets
from tests.atendimento.factories import (
    AnexoFactory,
    RegistroAtendimentoFactory,
    ReiteracaoFactory,
)
from tests.factories import ClienteFactory, TelefoneFactory

pytestmark = pytest.mark.django_db

BUSCA = reverse("atendimento:busca")


def test_busca_exige_login(client):
    resposta = client.get(BUSCA)
    assert resposta.status_code == 302
    assert resposta.url.startswith("/entrar/")


def test_busca_lista_e_colore_por_prazo(client_atendente):
    vencido = RegistroAtendimentoFactory(status="vencido")
    atencao = RegistroAtendimentoFactory(status="atencao")
    resposta = client_atendente.get(BUSCA)
    html = resposta.content.decode()
    assert resposta.status_code == 200
    assert f'class="prazo-vencido" data-ra="{vencido.pk}"' in html
    assert f'class="prazo-atencao" data-ra="{atencao.pk}"' in html
    assert vencido.protocolo in html


def test_busca_por_protocolo(client_atendente):
    ra = RegistroAtendimentoFactory()
    outro = RegistroAtendimentoFactory()
    html = client_atendente.get(BUSCA, {"protocolo": ra.protocolo}).content.decode()
    assert f'data-ra="{ra.pk}"' in html
    assert f'data-ra="{outro.pk}"' not in html


def _criar_ras(n, **kwargs):
    for _ in range(n):
        ra = RegistroAtendimentoFactory(**kwargs)
        ReiteracaoFactory(ra=ra)


def test_busca_numero_de_consultas_constante(client_atendente, django_assert_num_queries):
    _criar_ras(2)
    client_atendente.get(BUSCA)  # warm caches (content types, session)
    widgets._opcoes_em_cache.clear()  # both measured requests read the option lists
    with CaptureQueriesContext(connection) as captura:
        client_atendente.get(BUSCA, {"situacao": "abertos"})
    poucos = len(captura.captured_queries)
    _criar_ras(12)
    widgets._opcoes_em_cache.clear()
    with django_assert_num_queries(poucos):
        resposta = client_atendente.get(BUSCA, {"situacao": "abertos"})
    assert resposta.content.decode().count("data-ra=") == 14


def test_fila_numero_de_consultas_constante(client_atendente, unidade, django_assert_num_queries):
    _criar_ras(2, unidade_atual=unidade)
    url = reverse("atendimento:minha_unidade")
    client_atendente.get(url)
    with CaptureQueriesContext(connection) as captura:
        client_atendente.get(url)
    poucos = len(captura.captured_queries)
    _criar_ras(12, unidade_atual=unidade)
    with django_assert_num_queries(poucos):
        resposta = client_atendente.get(url)
    assert resposta.content.decode().count("data-ra=") == 14


@pytest.mark.parametrize(
    "parametros",
    [
        {"abertura_de": "31/02/2026"},
        {"abertura_de": "2026-13-45"},
        {"protocolo": "1" * 10_000},
        {"protocolo": "1' OR '1'='1"},
        {"cliente": "<script>alert('x')</script>"},
        {"numero": "9" * 40},
        {"matricula": "12-3-4"},
        {"unidade_atual": "abc"},
        {"pagina": "-1"},
        {"pagina": "9" * 50},
        {"tamanho": "1000000"},
        {"ordem": "id; DROP TABLE x"},
    ],
)
def test_busca_com_entrada_ruim_nao_quebra(client_atendente, parametros):
    RegistroAtendimentoFactory()
    resposta = client_atendente.get(BUSCA, parametros)
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "<script>alert(" not in html
    if parametros.get("pagina", "").startswith("999"):
        assert "Nenhum registro de atendimento encontrado" in html  # a page past the end
    elif "pagina" in parametros or "tamanho" in parametros:
        assert 'data-ra="' in html  # falls back to the first page
    elif "cliente" in parametros:
        # Odd text is a legitimate (empty) search, shown escaped.
        assert "Nenhum registro de atendimento encontrado" in html
        assert "&lt;script&gt;" in html
    else:
        assert "Corrija os filtros destacados" in html
        assert "Nada foi pesquisado" in html


def test_contagem_sob_demanda(client_atendente):
    for _ in range(3):
        RegistroAtendimentoFactory()
    resposta = client_atendente.get(reverse("atendimento:contagem_busca"))
    assert "3 registros" in resposta.content.decode()


def test_detalhe_mostra_dados_e_linha_do_tempo(client_atendente):
    cliente = ClienteFactory(nome="Josefa Lima", cpf_cnpj="52998224725")
    TelefoneFactory(cliente=cliente, numero="999887766")
    ra = RegistroAtendimentoFactory(cliente=cliente, status="vencido")
    resposta = client_atendente.get(reverse("atendimento:detalhe", args=[ra.pk]))
    html = resposta.content.decode()
    assert resposta.status_code == 200
    assert ra.protocolo in html
    assert "Josefa Lima" in html
    assert "529.982.247-25" in html  # the attendant has ver_dados_pessoais
    assert "(81) 99988-7766" in html
    assert 'data-tipo="abertura"' in html and 'data-tipo="tramite"' in html
    assert "prazo-vencido" in html


def test_detalhe_mascara_dados_pessoais_sem_permissao(client, usuario_sem_dados_pessoais):
    cliente = ClienteFactory(cpf_cnpj="52998224725")
    TelefoneFactory(cliente=cliente, numero="999887766")
    ra = RegistroAtendimentoFactory(
        cliente=cliente, solicitante_telefone="+5581988776655", solicitante_email="ze@ex.com.br"
    )
    client.force_login(usuario_sem_dados_pessoais)
    html = client.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()
    assert "529.982.247-25" not in html and "***.982.247-**" in html
    assert "99988-7766" not in html and "(81) *****-7766" in html
    assert "98877-6655" not in html and "(81) *****-6655" in html
    assert "ze@ex.com.br" not in html and "z***@ex.com.br" in html
    # A user of another unit reads but gets no action buttons.
    assert 'id="acoes"' not in html


def test_detalhe_inexistente_e_404(client_atendente):
    assert client_atendente.get(reverse("atendimento:detalhe", args=[999999])).status_code == 404


def test_minha_unidade_filtra_por_prazo(client_atendente, unidade):
    vencido = RegistroAtendimentoFactory(unidade_atual=unidade, status="vencido")
    no_prazo = RegistroAtendimentoFactory(unidade_atual=unidade, status="no_prazo")
    url = reverse("atendimento:minha_unidade")
    html = client_atendente.get(url, {"prazo": "vencido"}).content.decode()
    assert f'data-ra="{vencido.pk}"' in html and f'data-ra="{no_prazo.pk}"' not in html
    assert 'data-contagem="vencido">1<' in html and 'data-contagem="total">2<' in html
    # Unknown value: the whole queue, no error.
    html = client_atendente.get(url, {"prazo": "<x>"}).content.decode()
    assert f'data-ra="{no_prazo.pk}"' in html


def test_inicio_mostra_a_fila_da_unidade(client_atendente, unidade):
    ra = RegistroAtendimentoFactory(unidade_atual=unidade, status="vencido")
    html = client_atendente.get("/").content.decode()
    assert "Fila da unidade CAT" in html
    assert reverse("atendimento:detalhe", args=[ra.pk]) in html


def test_menu_tem_os_itens(client_atendente, client, supervisor):
    html = client_atendente.get("/").content.decode()
    assert "Minha unidade" in html and "Consultar RAs" in html
    assert reverse("atendimento:painel") not in html
    client.force_login(supervisor)
    assert reverse("atendimento:painel") in client.get("/").content.decode()


def test_painel_para_supervisor(client, supervisor, client_atendente):
    RegistroAtendimentoFactory(status="vencido")
    client.force_login(supervisor)
    resposta = client.get(reverse("atendimento:painel"))
    html = resposta.content.decode()
    assert resposta.status_code == 200
    assert 'data-total="vencido">1<' in html
    assert "chart.umd.min.js" in html and 'id="dados-grafico"' in html


def test_painel_recusa_atendente(client_atendente):
    assert client_atendente.get(reverse("atendimento:painel")).status_code == 403


def test_anexo_servido_a_quem_pode_ler(client_atendente, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    anexo = AnexoFactory()
    url = reverse("atendimento:anexo", args=[anexo.pk])
    resposta = client_atendente.get(url)
    assert resposta.status_code == 200
    assert b"".join(resposta.streaming_content).startswith(b"\x89PNG")
    assert resposta["Content-Type"] == "image/png"
    assert resposta["X-Content-Type-Options"] == "nosniff"
    baixar = client_atendente.get(url, {"baixar": "1"})
    assert "attachment" in baixar["Content-Disposition"]
    client.logout()
    anonimo = client.get(url)
    assert anonimo.status_code == 302 and anonimo.url.startswith("/entrar/")


def test_anexo_sem_arquivo_em_disco_e_404(client_atendente, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    anexo = AnexoFactory()
    anexo.arquivo.storage.delete(anexo.arquivo.name)
    assert client_atendente.get(reverse("atendimento:anexo", args=[anexo.pk])).status_code == 404


def test_pagina_do_imovel_lista_seus_ras(client_atendente):
    ra = RegistroAtendimentoFactory(status="vencido")
    encerrado = RegistroAtendimentoFactory(imovel=ra.imovel, encerrado=True)
    outro = RegistroAtendimentoFactory()
    html = client_atendente.get(
        reverse("cadastro:imovel_detalhe", args=[ra.imovel_id])
    ).content.decode()
    assert "Registros de atendimento do imóvel" in html
    assert html.index(f'data-ra="{ra.pk}"') < html.index(f'data-ra="{encerrado.pk}"')
    assert f'data-ra="{outro.pk}"' not in html


def test_paginas_de_erro_em_portugues(client_atendente):
    html = client_atendente.get(reverse("atendimento:painel")).content.decode()
    assert "Acesso não permitido" in html and "O painel é dos supervisores." in html
    resposta = client_atendente.get(reverse("atendimento:detalhe", args=[424242]))
    assert resposta.status_code == 404
    assert "Não encontrado" in resposta.content.decode()


def test_listas_de_opcoes_em_cache_por_alguns_segundos(client_atendente, monkeypatch):
    from tests.atendimento.factories import EspecificacaoFactory

    EspecificacaoFactory(nome="Hidrômetro parado")
    assert "Hidrômetro parado" in client_atendente.get(BUSCA).content.decode()
    EspecificacaoFactory(nome="Ligação clandestina")
    # Within the TTL the list is the cached one; the filter itself reads the database.
    assert "Ligação clandestina" not in client_atendente.get(BUSCA).content.decode()
    monkeypatch.setattr(widgets, "OPCOES_TTL", 0.0)
    widgets._opcoes_em_cache.clear()
    assert "Ligação clandestina" in client_atendente.get(BUSCA).content.decode()


def test_busca_sem_filtro_avisa_que_mostra_tudo(client_atendente):
    RegistroAtendimentoFactory()
    assert "Sem filtros: todos os registros" in client_atendente.get(BUSCA).content.decode()
    com_filtro = client_atendente.get(BUSCA, {"situacao": "abertos"}).content.decode()
    assert "Sem filtros" not in com_filtro
    # Ordering or page size alone is not a filter.
    assert "Sem filtros" in client_atendente.get(BUSCA, {"ordem": "prazo"}).content.decode()
