"""Em aberto and Encerrados: the client's own RAs (every origin), newest first, paged."""

import datetime

import pytest
from django.utils import timezone

from atendimento.models import RegistroAtendimento
from portal import selectors
from tests.portal.conftest import portal_logar
from tests.portal.dados_contatos import ra_do_cliente

pytestmark = pytest.mark.django_db
RA = RegistroAtendimento


def _ras(c):
    agora = timezone.now()
    return {
        "antigo": ra_do_cliente(
            c.cliente, titulo="Conta alta em março", agora=agora - datetime.timedelta(days=30)
        ),
        "novo": ra_do_cliente(c.cliente, titulo="Falta de água", origem=RA.Origem.PORTAL),
        "sem_titulo": ra_do_cliente(
            c.cliente, especificacao=c.segunda_via, agora=agora - datetime.timedelta(days=5)
        ),
        "respondido": ra_do_cliente(
            c.cliente,
            titulo="Pedido respondido",
            interacao_pendente=RA.InteracaoPendente.EXTERNA,
            agora=agora - datetime.timedelta(days=2),
        ),
        "bloqueado": ra_do_cliente(
            c.cliente,
            titulo="Local a confirmar",
            situacao=RA.Situacao.BLOQUEADO,
            agora=agora - datetime.timedelta(days=3),
        ),
        "encerrado": ra_do_cliente(c.cliente, titulo="Já resolvido", encerrado=True),
        "excluido": ra_do_cliente(c.cliente, titulo="Excluído pelo operador", excluido=True),
        "alheio": ra_do_cliente(c.outro_cliente, titulo="Do vizinho"),
        "alheio_fechado": ra_do_cliente(c.outro_cliente, titulo="Vizinho fechado", encerrado=True),
    }


def test_em_aberto_lista_so_os_ras_abertos_do_cliente_mais_novos_primeiro(c):
    ras = _ras(c)
    pagina = selectors.contatos_pagina(conta=c.conta, encerrados=False)
    assert [linha.pk for linha in pagina] == [
        ras[n].pk for n in ("novo", "respondido", "bloqueado", "sem_titulo", "antigo")
    ]


def test_encerrados_lista_so_os_encerrados_do_cliente(c):
    ras = _ras(c)
    pagina = selectors.contatos_pagina(conta=c.conta, encerrados=True)
    assert [linha.pk for linha in pagina] == [ras["encerrado"].pk]


def test_linha_em_palavras_do_cidadao(c):
    ras = _ras(c)
    linhas = {linha.pk: linha for linha in selectors.contatos_pagina(conta=c.conta)}
    assert linhas[ras["novo"].pk].titulo == "Falta de água"
    assert linhas[ras["sem_titulo"].pk].titulo == "Segunda via de conta"
    assert linhas[ras["novo"].pk].situacao == "Em andamento"
    assert linhas[ras["bloqueado"].pk].situacao == "Em análise"
    assert linhas[ras["respondido"].pk].respondido
    assert not linhas[ras["novo"].pk].respondido
    fechado = selectors.contatos_pagina(conta=c.conta, encerrados=True).itens[0]
    assert fechado.situacao == "Concluído"
    assert fechado.encerrado_em is not None


def test_pagina_em_aberto_mostra_colunas_e_marca_respondido(portal, c):
    ras = _ras(c)
    resposta = portal.get("/portal/")
    assert resposta.status_code == 200
    html = resposta.content.decode()
    for nome in ("novo", "respondido", "bloqueado", "sem_titulo", "antigo"):
        assert ras[nome].protocolo in html
    for nome in ("encerrado", "excluido", "alheio", "alheio_fechado"):
        assert ras[nome].protocolo not in html
    assert "Segunda via de conta" in html
    assert "Em andamento" in html
    assert html.count("Respondido pela companhia") == 1
    assert f'href="/portal/contatos/{ras["novo"].pk}/"' in html
    previsao = timezone.localtime(ras["novo"].data_prevista_atual)
    assert previsao.strftime("%d/%m/%Y") in html


def test_pagina_encerrados(portal, c):
    ras = _ras(c)
    html = portal.get("/portal/encerrados/").content.decode()
    assert ras["encerrado"].protocolo in html
    assert "Concluído" in html
    for nome in ("novo", "excluido", "alheio_fechado"):
        assert ras[nome].protocolo not in html


def test_sem_contatos_convida_a_abrir_um(portal, c):
    html = portal.get("/portal/").content.decode()
    assert "Você não tem contatos em aberto" in html
    assert 'href="/portal/novo/"' in html


def test_paginacao_sem_contar_tudo(portal, c):
    for _ in range(27):
        ra_do_cliente(c.cliente)
    primeira = portal.get("/portal/").content.decode()
    assert "?pagina=2" in primeira
    segunda = portal.get("/portal/?pagina=2").context["pagina"]
    assert len(segunda.itens) == 2
    assert segunda.tem_anterior and not segunda.tem_proxima
    # Hostile page numbers read as a page, never an error.
    for valor in ("abc", "-1", "9" * 500, "0"):
        assert portal.get("/portal/", {"pagina": valor}).status_code == 200


@pytest.mark.parametrize("url", ["/portal/", "/portal/encerrados/"])
def test_listas_em_numero_fixo_de_consultas(portal, c, url, django_assert_num_queries):
    for _ in range(3):
        ra_do_cliente(c.cliente)
        ra_do_cliente(c.cliente, encerrado=True)
    portal.get(url)  # warm the parameters' row
    # Session, account (with its client), the portal's parameters, one page of rows.
    with django_assert_num_queries(4):
        resposta = portal.get(url)
    assert resposta.status_code == 200
    for _ in range(10):
        ra_do_cliente(c.cliente)
        ra_do_cliente(c.cliente, encerrado=True)
    with django_assert_num_queries(4):
        portal.get(url)


def test_html_no_titulo_aparece_escapado(portal, c):
    ra_do_cliente(c.cliente, titulo='<script>alert("x")</script>')
    html = portal.get("/portal/").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_outra_conta_do_mesmo_cliente_ve_os_mesmos_contatos(client, c):
    from tests.portal.factories import ContaExternaFactory

    ra = ra_do_cliente(c.cliente, titulo="Compartilhado")
    portal_logar(client, ContaExternaFactory(cliente=c.cliente))
    assert ra.protocolo in client.get("/portal/").content.decode()
    portal_logar(client, c.outra_conta)
    assert ra.protocolo not in client.get("/portal/").content.decode()


def test_paginas_de_em_aberto_misturam_pendentes_e_bloqueados_pela_data(c):
    agora = timezone.now()
    ras = [
        ra_do_cliente(
            c.cliente,
            situacao=RA.Situacao.BLOQUEADO if i % 3 == 0 else RA.Situacao.PENDENTE,
            agora=agora - datetime.timedelta(hours=i),
        )
        for i in range(30)
    ]
    ra_do_cliente(c.cliente, encerrado=True, agora=agora - datetime.timedelta(minutes=30))
    primeira = selectors.contatos_pagina(conta=c.conta, pagina=1)
    segunda = selectors.contatos_pagina(conta=c.conta, pagina=2)
    assert [linha.pk for linha in primeira] == [ra.pk for ra in ras[:25]]
    assert [linha.pk for linha in segunda] == [ra.pk for ra in ras[25:]]
    assert primeira.tem_proxima and not segunda.tem_proxima
    assert selectors.contatos_pagina(conta=c.conta, pagina=3).itens == []


def test_em_aberto_sem_union_recortada_da_o_mesmo_resultado(c, monkeypatch):
    # SQLite (make run) refuses LIMIT inside a UNION: the same page comes from one query.
    from django.db import connection

    agora = timezone.now()
    for i in range(30):
        ra_do_cliente(
            c.cliente,
            situacao=RA.Situacao.BLOQUEADO if i % 3 == 0 else RA.Situacao.PENDENTE,
            agora=agora - datetime.timedelta(hours=i),
        )
    com_union = [linha.pk for linha in selectors.contatos_pagina(conta=c.conta, pagina=2)]
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)
    sem_union = [linha.pk for linha in selectors.contatos_pagina(conta=c.conta, pagina=2)]
    assert sem_union == com_union and len(sem_union) == 5
