"""The console's contact pane and its actions through HTTP, with the refusals of issue 13
(a contact someone started, another unit's user, HTML in what people type, bad filters)."""

import csv
import io

import pytest
from django.urls import reverse

from atendimento.models import EventoRA, MensagemAtendimento, RegistroAtendimento
from atendimento.services import (
    registro_atendimento_assumir,
    registro_atendimento_mensagem_adicionar,
)
from core.models import Exportacao
from core.papeis import ATENDENTE
from tests.atendimento.central_apoio import fabrica_contato_portal
from tests.atendimento.factories import AnexoFactory, RegistroAtendimentoFactory
from tests.factories import ClienteFactory, UsuarioFactory

pytestmark = pytest.mark.django_db

RA = RegistroAtendimento
FILA = reverse("atendimento:central")
SCRIPT = '<script>alert("x")</script>'


def url(ra, nome=None):
    if nome is None:
        return reverse("atendimento:central_contato", args=[ra.pk])
    return reverse(f"atendimento:central_{nome}", args=[ra.pk])


@pytest.fixture
def contato_portal(abrir):
    return fabrica_contato_portal(abrir)


@pytest.fixture
def contato(contato_portal):
    ra = contato_portal()
    registro_atendimento_mensagem_adicionar(
        ra=ra,
        usuario=None,
        texto="Segue a foto do hidrômetro.",
        visibilidade="publica",
        do_solicitante=True,
        autor_nome="Maria Cliente",
    )
    ra.refresh_from_db()
    return ra


def _estado(ra):
    ra.refresh_from_db()
    return (ra.situacao, ra.responsavel_id, ra.excluido, ra.versao, ra.eventos.count())


# --- the pane -------------------------------------------------------------------------------


def test_painel_mostra_dados_conversa_anexos_e_log(client_atendente, contato, atendente):
    registro_atendimento_mensagem_adicionar(
        ra=contato, usuario=atendente, texto="Verificar leitura anterior.", visibilidade="interna"
    )
    AnexoFactory(ra=contato, nome_original="hidrometro.jpg", do_solicitante=True, usuario=None)
    resposta = client_atendente.get(url(contato), {"caixa": "abertos"})
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert contato.protocolo in html and "Conta de água alta" in html
    assert "Minha conta veio o dobro do normal." in html  # the opening text
    assert "Segue a foto do hidrômetro." in html and "Maria Cliente (cliente)" in html
    assert "Verificar leitura anterior." in html and "Nota interna" in html
    assert "hidrometro.jpg" in html and "do cliente" in html
    assert reverse("atendimento:detalhe", args=[contato.pk]) in html  # the full log
    assert reverse("cadastro:cliente_detalhe", args=[contato.cliente_id]) in html
    assert "Abertura" in html  # the log's first event
    assert 'action="' + url(contato, "responder") + '"' in html
    # The queue stays beside it, the row marked.
    assert 'aria-current="true"' in html


def test_resposta_publica_e_padrao(client_atendente, contato):
    form = client_atendente.get(url(contato)).context["forms"]["responder"]
    assert form["visibilidade"].value() == MensagemAtendimento.Visibilidade.PUBLICA


def test_usuario_de_outra_unidade_so_le(client, contato, estranho):
    client.force_login(estranho)
    html = client.get(url(contato)).content.decode()
    assert "Você pode ler este contato, mas não atuar nele" in html
    assert url(contato, "atender") not in html
    assert url(contato, "responder") not in html
    antes = _estado(contato)
    for nome, dados in [
        ("atender", {}),
        ("responder", {"texto": "Oi", "visibilidade": "publica"}),
        ("pendente", {}),
        ("encerrar", {"motivo": "", "parecer": "x"}),
    ]:
        resposta = client.post(url(contato, nome), {"versao": contato.versao, **dados})
        assert resposta.status_code == 200, nome
    resposta = client.post(url(contato, "atender"), {"versao": contato.versao})
    assert "Você não pode alterar este RA" in resposta.content.decode()
    assert _estado(contato) == antes


def test_painel_de_ra_inexistente_e_404(client_atendente):
    assert client_atendente.get("/atendimento/central/999999/").status_code == 404
    assert client_atendente.post("/atendimento/central/999999/atender/").status_code == 404


# --- actions --------------------------------------------------------------------------------


def test_atender_responder_pendente_desistir(client_atendente, contato, atendente):
    volta = "caixa=abertos&origem=portal"
    resposta = client_atendente.post(
        url(contato, "atender"), {"versao": contato.versao, "volta": volta}
    )
    assert resposta.status_code == 302
    assert resposta["Location"] == url(contato) + "?" + volta
    contato.refresh_from_db()
    assert contato.responsavel == atendente

    resposta = client_atendente.post(
        url(contato, "responder"),
        {"versao": contato.versao, "volta": volta, "visibilidade": "publica", "texto": "Olá!"},
    )
    assert resposta["Location"] == url(contato) + "?" + volta
    mensagem = contato.mensagens.get(texto="Olá!")
    assert mensagem.autor == atendente and mensagem.visibilidade == "publica"
    contato.refresh_from_db()
    assert contato.interacao_pendente == RA.InteracaoPendente.EXTERNA

    resposta = client_atendente.post(
        url(contato, "pendente"),
        {"versao": contato.versao, "volta": volta, "observacao": "Retornar amanhã."},
    )
    assert resposta["Location"] == FILA + "?" + volta  # back to the queue
    assert contato.eventos.filter(tipo=EventoRA.Tipo.PENDENCIA).exists()
    contato.refresh_from_db()
    minha = client_atendente.get(FILA, {"caixa": "operador"})
    assert [r.pk for r in minha.context["pagina"].itens] == [contato.pk]

    resposta = client_atendente.post(url(contato, "desistir"), {"versao": contato.versao})
    assert resposta["Location"] == FILA
    contato.refresh_from_db()
    assert contato.responsavel is None
    assert contato.eventos.filter(tipo=EventoRA.Tipo.DESISTENCIA).exists()


def test_encaminhar_e_encerrar(client_atendente, contato, atendente, motivos):
    colega = UsuarioFactory(username="colega", unidade=atendente.unidade, papeis=[ATENDENTE])
    form = client_atendente.get(url(contato)).context["forms"]["encaminhar"]
    assert colega in form.fields["destinatario"].queryset
    resposta = client_atendente.post(
        url(contato, "encaminhar"),
        {"versao": contato.versao, "destinatario": colega.pk, "parecer": "Especialista."},
    )
    assert resposta.status_code == 302
    contato.refresh_from_db()
    assert contato.responsavel == colega
    resposta = client_atendente.post(
        url(contato, "encerrar"),
        {"versao": contato.versao, "motivo": motivos["executado"].pk, "parecer": "Resolvido."},
    )
    assert resposta.status_code == 302
    contato.refresh_from_db()
    assert contato.situacao == RA.Situacao.ENCERRADO
    assert contato.parecer_encerramento == "Resolvido."


def test_encerrar_sem_parecer_exigido_volta_com_o_erro(client_atendente, contato, motivos):
    antes = _estado(contato)
    resposta = client_atendente.post(
        url(contato, "encerrar"), {"versao": contato.versao, "motivo": motivos["executado"].pk}
    )
    assert resposta.status_code == 200
    assert "Esta especificação exige o parecer de encerramento." in resposta.content.decode()
    assert resposta.context["com_erro"] == "encerrar"
    assert _estado(contato) == antes


def test_versao_antiga_e_recusada(client_atendente, contato, atendente):
    versao = contato.versao
    registro_atendimento_assumir(ra=contato, usuario=UsuarioFactory(unidade=atendente.unidade))
    resposta = client_atendente.post(url(contato, "atender"), {"versao": versao})
    assert resposta.status_code == 200
    assert "foi alterado por outra pessoa" in resposta.content.decode()


def test_mensagem_longa_demais_fica_no_formulario(client_atendente, contato):
    texto = "a" * 4001
    resposta = client_atendente.post(
        url(contato, "responder"),
        {"versao": contato.versao, "visibilidade": "publica", "texto": texto},
    )
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "4000" in html or "4.000" in html
    assert texto in html  # the text is kept
    assert not contato.mensagens.filter(do_solicitante=False).exists()


def test_excluir_contato_ja_iniciado_e_recusado_com_o_motivo(
    client, supervisor, contato, atendente
):
    registro_atendimento_assumir(ra=contato, usuario=atendente)
    contato.refresh_from_db()
    client.force_login(supervisor)
    html = client.get(url(contato)).content.decode()
    assert url(contato, "excluir") not in html
    assert "não é possível, o atendimento já foi iniciado" in html
    antes = _estado(contato)
    resposta = client.post(
        url(contato, "excluir"), {"versao": contato.versao, "justificativa": "Engano."}
    )
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "Não é possível excluir: o atendimento já foi iniciado" in html
    assert f"está com {atendente}" in html
    assert _estado(contato) == antes


def test_excluir_contato_nao_iniciado(client, supervisor, contato):
    client.force_login(supervisor)
    assert url(contato, "excluir") in client.get(url(contato)).content.decode()
    resposta = client.post(
        url(contato, "excluir"), {"versao": contato.versao, "justificativa": "Duplicado."}
    )
    assert resposta.status_code == 302
    contato.refresh_from_db()
    assert contato.excluido and contato.situacao == RA.Situacao.ENCERRADO
    assert contato.pk not in [r.pk for r in client.get(FILA).context["pagina"].itens]
    excluidos = client.get(FILA, {"caixa": "excluidos"}).context["pagina"].itens
    assert [r.pk for r in excluidos] == [contato.pk]


def test_atendente_nao_exclui(client_atendente, contato):
    assert url(contato, "excluir") not in client_atendente.get(url(contato)).content.decode()
    resposta = client_atendente.post(
        url(contato, "excluir"), {"versao": contato.versao, "justificativa": "Engano."}
    )
    assert "só supervisores excluem" in resposta.content.decode()
    contato.refresh_from_db()
    assert not contato.excluido


# --- bad input ------------------------------------------------------------------------------


def test_html_em_titulo_e_mensagens_e_escapado(client_atendente, contato_portal, atendente):
    ra = contato_portal(titulo=SCRIPT, descricao=f"Descrição {SCRIPT}")
    registro_atendimento_mensagem_adicionar(
        ra=ra,
        usuario=None,
        texto=f"<b>negrito</b>{SCRIPT}",
        visibilidade="publica",
        do_solicitante=True,
        autor_nome=f"<i>{SCRIPT}</i>",
    )
    resposta = client_atendente.post(
        url(ra, "responder"),
        {"versao": ra.versao + 1, "visibilidade": "interna", "texto": SCRIPT},
    )
    assert resposta.status_code == 302
    for endereco in (FILA, url(ra)):
        html = client_atendente.get(endereco).content.decode()
        assert SCRIPT not in html
        assert "<b>negrito</b>" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "filtros",
    [
        {"abertura_de": "1800-01-01"},
        {"abertura_ate": "9999-12-31"},
        {"abertura_de": "31/02/2026"},
        {"abertura_de": "2026-12-10", "abertura_ate": "2026-12-01"},
        {"numero": "abc"},
        {"numero": "9" * 30},
        {"tipo": "abc"},
        {"especificacao": "-1x"},
        {"responsavel": "x"},
        {"motivo": "1" * 10_000},
        {"status": "sc999999"},
        {"status": "sc" + "9" * 10_000},
        {"caixa": "tudo-mesmo"},
        {"origem": "x" * 10_000},
        {"ordem": "senha"},
        {"protocolo": "1" * 10_000},
        {"cliente": "x" * 10_000},
    ],
)
def test_filtros_invalidos_dao_mensagem_clara(client_atendente, filtros):
    RegistroAtendimentoFactory(origem="portal")
    resposta = client_atendente.get(FILA, filtros)
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "Há filtros com problema" in html
    assert resposta.context["pagina"].itens == []
    csv_ = client_atendente.get(reverse("atendimento:central_exportar_csv"), filtros)
    assert csv_.status_code == 302
    contagem = client_atendente.get(reverse("atendimento:central_contagem"), filtros)
    assert contagem.status_code == 200


def test_pagina_e_tamanho_invalidos_nao_quebram(client_atendente):
    RegistroAtendimentoFactory(origem="portal")
    for filtros in ({"pagina": "9" * 5000}, {"pagina": "-1"}, {"tamanho": "abc"}):
        assert client_atendente.get(FILA, filtros).status_code == 200


def test_volta_nao_leva_para_fora(client_atendente, contato):
    resposta = client_atendente.post(
        url(contato, "atender"), {"versao": contato.versao, "volta": "//evil.example/"}
    )
    assert resposta["Location"].startswith(url(contato) + "?")


# --- CSV ------------------------------------------------------------------------------------


def _csv(resposta):
    corpo = b"".join(resposta.streaming_content).decode("utf-8")
    assert corpo.startswith("\ufeff")
    return list(csv.reader(io.StringIO(corpo[1:]), delimiter=";"))


def test_csv_da_fila_filtrada_auditado_e_mascarado(client, atendente, supervisor):
    cliente = ClienteFactory(nome="Ana Souza", cpf_cnpj="52998224725")
    ra = RegistroAtendimentoFactory(origem="portal", cliente=cliente, titulo="=1+2")
    RegistroAtendimentoFactory(origem="interna")
    RegistroAtendimentoFactory(origem="portal", excluido=True, encerrado=True)
    endereco = reverse("atendimento:central_exportar_csv")
    client.force_login(atendente)
    linhas = _csv(client.get(endereco))
    cabecalho, dados = linhas[0], linhas[1:]
    assert len(dados) == 1
    linha = dict(zip(cabecalho, dados[0], strict=True))
    assert linha["Nº chamado"] == str(ra.pk)
    assert linha["Aberto por"] == "Portal"
    assert linha["Título"] == "'=1+2"  # formula guard
    assert linha["CPF/CNPJ"] == "***.982.247-**"  # no exportar_dados_pessoais
    auditoria = Exportacao.objects.get(usuario=atendente)
    assert auditoria.linhas == 1 and not auditoria.dados_pessoais
    assert auditoria.nome == "Central de atendimento ao cliente"
    client.force_login(supervisor)
    linhas = _csv(client.get(endereco, {"origem": "todas"}))
    assert len(linhas) == 3
    assert "529.982.247-25" in {c for linha in linhas for c in linha}
    assert Exportacao.objects.get(usuario=supervisor).dados_pessoais


def test_painel_numero_de_consultas_constante(
    client_atendente, contato, atendente, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from atendimento import widgets

    client_atendente.get(url(contato))
    widgets._opcoes_em_cache.clear()
    with CaptureQueriesContext(connection) as captura:
        client_atendente.get(url(contato))
    poucos = len(captura.captured_queries)
    for n in range(6):
        registro_atendimento_mensagem_adicionar(
            ra=contato, usuario=atendente, texto=f"Nota {n}", visibilidade="interna"
        )
        AnexoFactory(ra=contato, nome_original=f"doc{n}.pdf", usuario=atendente)
    widgets._opcoes_em_cache.clear()
    with django_assert_num_queries(poucos):
        resposta = client_atendente.get(url(contato))
    assert resposta.content.decode().count("data-mensagem=") == 7


def test_tabela_de_atalhos_na_tela(client_atendente):
    html = client_atendente.get(FILA).content.decode()
    assert "Atalhos do teclado" in html
    for antiga, nossa in [
        ("F2", "<kbd>g</kbd>"),
        ("F3", "<kbd>n</kbd>"),
        ("F4", "<kbd>x</kbd>"),
        ("F5", "<kbd>p</kbd>"),
        ("F6", "<kbd>d</kbd>"),
        ("Ctrl+T", "<kbd>t</kbd>"),
        ("F12", "<kbd>Esc</kbd>"),
    ]:
        assert f"<td>{antiga}</td>" in html
        assert nossa in html
