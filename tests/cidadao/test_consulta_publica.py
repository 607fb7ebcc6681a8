"""The public status page by protocol: what it shows, what it never shows, and the
answers that must not tell a guessed protocol from a real one."""

import datetime
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from atendimento.filters import protocolo_normalizar
from atendimento.models import MotivoEncerramento, RegistroAtendimento
from cidadao.models import ParametrosCidadao
from cidadao.selectors.publico import situacao_publica
from tests.atendimento.factories import (
    MensagemAtendimentoFactory,
    MotivoFactory,
    RegistroAtendimentoFactory,
    ReiteracaoFactory,
)
from tests.factories import UnidadeFactory, UsuarioFactory

pytestmark = pytest.mark.django_db

NEUTRO = "Não encontramos um atendimento com este número"


@pytest.fixture
def relogio_limite(monkeypatch):
    """django-ratelimit counts in fixed one-minute windows: pin its clock so a test
    cannot straddle a window's end and see the count start over."""
    import types

    import django_ratelimit.core

    instante = 1_800_000_000.0
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: instante))


@pytest.fixture
def ra():
    unidade = UnidadeFactory(nome="Gerência de Manutenção Secreta", sigla="GMS")
    usuario = UsuarioFactory(unidade=unidade, first_name="Otávio", last_name="Operador")
    ra = RegistroAtendimentoFactory(
        protocolo="20261000000777",
        especificacao__nome="Vazamento de água na via pública",
        unidade_abertura=unidade,
        usuario_abertura=usuario,
        cliente__nome="Maria Cliente Sigilosa",
        cliente__cpf_cnpj="52998224725",
        cliente__email="maria.sigilosa@example.com",
        imovel__logradouro="Rua do Endereço Sigiloso",
        solicitante_telefone="+5581987654321",
        solicitante_email="outro.sigiloso@example.com",
        local_ocorrencia="Esquina sigilosa com a Travessa Oculta",
        descricao="Descrição interna que o público não vê",
    )
    MensagemAtendimentoFactory(
        ra=ra,
        texto="Equipe a caminho.",
        autor=usuario,
        data=timezone.now() - datetime.timedelta(hours=2),
    )
    MensagemAtendimentoFactory(
        ra=ra,
        texto="Obrigado, continua vazando.",
        do_solicitante=True,
        data=timezone.now() - datetime.timedelta(hours=1),
    )
    MensagemAtendimentoFactory(
        ra=ra,
        texto="Nota interna: cliente difícil.",
        visibilidade="interna",
        autor=usuario,
        data=timezone.now() - datetime.timedelta(hours=3),
    )
    return ra


def _url(protocolo):
    return reverse("consulta:protocolo", kwargs={"protocolo": protocolo})


def _caminho(texto):
    """The status URL with ``texto`` as a client would send it (any character quoted)."""
    return f"/acompanhar/{quote(texto, safe='')}/"


def _neutro(client, **extra):
    """The neutral answer, from a look-up that can never match (a fresh IP each)."""
    return client.get(_url("99999999999999"), **extra)


# --- the selector --------------------------------------------------------------------


def test_situacao_publica_so_dados_publicos(ra, django_assert_num_queries):
    with django_assert_num_queries(3):
        situacao = situacao_publica("20261000000777")
    assert situacao.protocolo == "20261000000777"
    assert situacao.servico == "Vazamento de água na via pública"
    assert situacao.situacao == "Em andamento"
    assert situacao.data_abertura == ra.data_abertura
    assert situacao.data_prevista == ra.data_prevista_atual
    assert situacao.data_encerramento is None
    # public only, oldest first, author as a role
    assert [(m.autor, m.texto) for m in situacao.mensagens] == [
        ("Companhia", "Equipe a caminho."),
        ("Você", "Obrigado, continua vazando."),
    ]
    assert set(vars(situacao)) == {
        "protocolo",
        "servico",
        "situacao",
        "encerrado",
        "data_abertura",
        "data_prevista",
        "data_encerramento",
        "mensagens",
    }


def test_situacao_publica_por_qualquer_protocolo(ra):
    reiteracao = ReiteracaoFactory(ra=ra, protocolo="20261000000888", tipo="relato")
    outro = RegistroAtendimentoFactory(protocolo="20261000000999")
    achado = situacao_publica(reiteracao.protocolo)
    assert achado.protocolo == "20261000000888"  # the one asked, not the RA's own
    assert achado.mensagens[0].texto == "Equipe a caminho."
    assert situacao_publica("2026 1000 000 999").servico == outro.especificacao.nome
    assert situacao_publica("20261000000776") is None


@pytest.mark.parametrize(
    "texto",
    ["", "abc", "2026100000077x", "1" * 21, "\x00", "1\x002", "٢٠٢٦", "1 OR 1=1", None, "-" * 9],
)
def test_protocolo_invalido_nao_consulta(texto, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert situacao_publica(texto) is None


def test_protocolo_normalizar():
    assert protocolo_normalizar(" 2026.1-000/000 777 ") == "20261000000777"
    assert protocolo_normalizar("1" * 20) == "1" * 20
    assert protocolo_normalizar("1" * 21) is None


@pytest.mark.parametrize(
    ("tipo", "esperado"),
    [
        (MotivoEncerramento.Tipo.EXECUTADO, "Concluído"),
        (MotivoEncerramento.Tipo.NAO_EXECUTADO, "Encerrado sem execução"),
        (MotivoEncerramento.Tipo.DUPLICIDADE, "Encerrado: já tratado em outro atendimento"),
    ],
)
def test_situacao_encerrada_em_palavras(tipo, esperado):
    motivo = MotivoFactory(nome=f"Motivo {tipo}", tipo=tipo)
    ra = RegistroAtendimentoFactory(encerrado=True, motivo_encerramento=motivo)
    situacao = situacao_publica(ra.protocolo)
    assert situacao.situacao == esperado
    assert situacao.encerrado
    assert situacao.data_encerramento == ra.data_encerramento


def test_situacao_aberta_em_palavras():
    pendente = RegistroAtendimentoFactory()
    pausado = RegistroAtendimentoFactory(pausado_desde=timezone.now())
    bloqueado = RegistroAtendimentoFactory(situacao=RegistroAtendimento.Situacao.BLOQUEADO)
    assert situacao_publica(pendente.protocolo).situacao == "Em andamento"
    assert situacao_publica(pausado.protocolo).situacao == "Aguardando informações"
    assert situacao_publica(bloqueado.protocolo).situacao == "Em análise"


# --- the pages -------------------------------------------------------------------------


def test_pagina_mostra_a_situacao_sem_dados_pessoais(client, ra):
    resposta = client.get(_url(ra.protocolo))
    assert resposta.status_code == 200
    html = resposta.content.decode()
    for publico in (
        "20261000000777",
        "Vazamento de água na via pública",
        "Em andamento",
        "Equipe a caminho.",
        "Obrigado, continua vazando.",
        "Companhia",
        "Você",
        timezone.localtime(ra.data_abertura).strftime("%d/%m/%Y %H:%M"),
        timezone.localtime(ra.data_prevista_atual).strftime("%d/%m/%Y %H:%M"),
    ):
        assert publico in html
    for privado in (
        "Maria Cliente Sigilosa",
        "52998224725",
        "529.982.247-25",
        "maria.sigilosa@example.com",
        "outro.sigiloso@example.com",
        "Endereço Sigiloso",
        "Esquina sigilosa",
        "987654321",
        "Gerência de Manutenção Secreta",
        "GMS",
        "Otávio",
        "Operador",
        "Descrição interna",
        "Nota interna",
        "csrfmiddlewaretoken",
    ):
        assert privado not in html
    assert resposta["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in resposta.headers


def test_link_curto_mostra_a_mesma_pagina(client, ra):
    url = reverse("consulta:curto", kwargs={"protocolo": ra.protocolo})
    assert url == f"/p/{ra.protocolo}"
    curto = client.get(url)
    longo = client.get(_url(ra.protocolo))
    assert curto.status_code == 200
    assert curto.content == longo.content


def test_formulario_e_resposta_no_lugar(client, ra):
    inicio = client.get(reverse("consulta:inicio"))
    assert inicio.status_code == 200
    assert b'name="protocolo"' in inicio.content
    assert b"csrfmiddlewaretoken" not in inicio.content
    achado = client.get(reverse("consulta:inicio"), {"protocolo": "2026 1 000000777"})
    assert achado.status_code == 200
    assert "Em andamento" in achado.content.decode()


def test_sem_login_e_so_leitura(client, ra):
    assert client.post(_url(ra.protocolo)).status_code == 405
    assert client.get(_url(ra.protocolo)).status_code == 200  # anonymous


def test_mensagem_publica_com_html_e_escapada(client, ra):
    MensagemAtendimentoFactory(ra=ra, texto='<script>alert("x")</script><b onclick="y">oi</b>')
    html = client.get(_url(ra.protocolo)).content.decode()
    assert "<script>alert" not in html
    assert "<b onclick" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_nao_encontrado_invalido_e_limitado_dao_a_mesma_resposta(client, ra, relogio_limite):
    base = _neutro(client, REMOTE_ADDR="10.9.9.1")
    assert base.status_code == 404
    assert NEUTRO in base.content.decode()
    respostas = [
        client.get(_url("20261000000776")),  # well formed, no such RA
        client.get(_url("abc")),  # cannot be a protocol
        client.get(reverse("consulta:inicio"), {"protocolo": "x" * 30}),
        client.get(reverse("consulta:inicio"), {"protocolo": ""}),
    ]
    ParametrosCidadao.objects.filter(pk=1).update(consultas_por_ip_minuto=3)
    limitado = "10.9.9.2"
    for _ in range(3):
        assert client.get(_url(ra.protocolo), REMOTE_ADDR=limitado).status_code == 200
    with CaptureQueriesContext(connection) as consultas:
        respostas.append(client.get(_url(ra.protocolo), REMOTE_ADDR=limitado))
    respostas.append(client.get(f"/p/{ra.protocolo}", REMOTE_ADDR=limitado))
    # limited: the RA is not even looked for
    assert not [q for q in consultas.captured_queries if "atendimento_" in q["sql"]]
    for resposta in respostas:
        assert resposta.status_code == base.status_code
        assert resposta.content == base.content
        assert resposta["Content-Type"] == base["Content-Type"]
        assert resposta["Cache-Control"] == base["Cache-Control"]
        assert "Set-Cookie" not in resposta.headers


def test_mil_protocolos_adivinhados_de_um_ip(client, ra, relogio_limite):
    maximo = ParametrosCidadao.atual().consultas_por_ip_minuto
    base = _neutro(client, REMOTE_ADDR="10.9.9.9")
    ip = {"REMOTE_ADDR": "203.0.113.7"}
    for n in range(1000):
        palpite = f"2026{(n * 7919) % 10**10:010d}"
        assert palpite != ra.protocolo
        resposta = client.get(_url(palpite), **ip)
        assert resposta.status_code == 404
        assert resposta.content == base.content, n
    # over the limit, the real protocol looks exactly like a guess
    real = client.get(_url(ra.protocolo), **ip)
    assert real.content == base.content
    assert real.status_code == 404
    assert maximo < 1000
    # another IP is not affected
    outro = client.get(_url(ra.protocolo), REMOTE_ADDR="198.51.100.20")
    assert outro.status_code == 200
    assert "Em andamento" in outro.content.decode()


@pytest.mark.parametrize(
    "texto",
    [
        "9" * 10_000,
        "\x00",
        "2026\x001000000777",
        "' OR '1'='1' --",
        "20261000000777'; DROP TABLE atendimento_registroatendimento; --",
        "<script>alert(1)</script>",
        "%00",
        "２０２６１０００００００７７７",  # fullwidth digits
    ],
)
def test_entrada_hostil_da_pagina_neutra(client, ra, texto):
    base = _neutro(client, REMOTE_ADDR="10.9.9.3")
    pelo_formulario = client.get(reverse("consulta:inicio"), {"protocolo": texto})
    assert pelo_formulario.status_code == 404
    assert pelo_formulario.content == base.content
    if "\x00" not in texto:  # a NUL cannot reach a URL path through the test client
        pelo_caminho = client.get(_caminho(texto))
        assert pelo_caminho.status_code == 404
        assert pelo_caminho.content == base.content
    assert RegistroAtendimento.objects.filter(pk=ra.pk).exists()


def test_nul_no_caminho(client, ra):
    base = _neutro(client, REMOTE_ADDR="10.9.9.4")
    resposta = client.get("/acompanhar/%00/")
    assert resposta.status_code == 404
    assert resposta.content == base.content
    assert client.get("/p/2026%001").content == base.content
    assert client.get("/acompanhar/2026/a/b/").content == base.content
