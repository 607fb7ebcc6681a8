"""Ver contato: the header and one public timeline, never an internal note, an internal
event, a staff user's name or another person's data; files of both sides to download;
Mensagem complementar while open; another client's contact reads as missing."""

import pytest
from django.utils import timezone

from atendimento.models import EventoRA, MensagemAtendimento, RegistroAtendimento
from atendimento.services import (
    registro_atendimento_abrir,
    registro_atendimento_anexar,
    registro_atendimento_encerrar,
    registro_atendimento_mensagem_adicionar,
    registro_atendimento_pausar,
    registro_atendimento_tramitar,
)
from core.papeis import ATENDENTE
from portal import selectors
from tests.atendimento.factories import AnexoFactory, MotivoFactory
from tests.factories import UnidadeFactory, UsuarioFactory
from tests.portal.dados_contatos import pdf, png, ra_do_cliente

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
RA = RegistroAtendimento


@pytest.fixture
def operador(c):
    return UsuarioFactory(
        username="operadora",
        first_name="Gertrudes",
        last_name="Operadora",
        unidade=c.manutencao,
        papeis=[ATENDENTE],
    )


@pytest.fixture
def contato(c, operador):
    """A portal contact with a life: routed, answered, noted, paused, with files."""
    from portal.services.contatos import contato_abrir

    ra = contato_abrir(
        conta=c.conta,
        especificacao=c.segunda_via,
        imovel=c.imovel,
        titulo="Conta de março alta",
        pessoa_contato="Maria D.",
        telefone="(81) 98888-7777",
        email="maria@portal.com.br",
        mensagem="Minha conta veio o dobro do normal.",
        anexos=[pdf("conta-marco.pdf")],
    )
    registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=operador, texto="Vamos verificar a leitura.", visibilidade="publica"
    )
    registro_atendimento_mensagem_adicionar(
        ra=ra,
        usuario=operador,
        texto="NOTA SECRETA: cliente reclama sempre.",
        visibilidade="interna",
    )
    registro_atendimento_anexar(ra=ra, usuario=operador, arquivo=png("leitura.png"), publico=True)
    registro_atendimento_anexar(ra=ra, usuario=operador, arquivo=png("interno.png"))
    registro_atendimento_pausar(ra=ra, usuario=operador, motivo="Aguardando o cliente X.")
    ra.refresh_from_db()
    return ra


def _html(resposta):
    assert resposta.status_code == 200
    return resposta.content.decode()


def test_cabecalho_do_contato(portal, c, contato):
    html = _html(portal.get(f"/portal/contatos/{contato.pk}/"))
    assert contato.protocolo in html
    assert "Conta de março alta" in html
    assert "Comercial" in html and "Segunda via de conta" in html
    assert "Rua da Aurora, 15" in html
    assert "Aguardando informações" in html  # paused: the citizen's words
    assert timezone.localtime(contato.data_prevista_atual).strftime("%d/%m/%Y") in html


def test_linha_do_tempo_publica(c, contato):
    dados = selectors.contato_publico(conta=c.conta, pk=contato.pk)
    itens = [(i.tipo, i.titulo, i.autor, i.texto) for i in dados.itens]
    assert itens[0] == ("abertura", "Contato aberto", "Você", "Minha conta veio o dobro do normal.")
    assert ("encaminhamento", "Encaminhado para Manutenção de Redes", "", "") in itens
    assert ("mensagem", "Mensagem", "Manutenção de Redes", "Vamos verificar a leitura.") in itens
    anexos = {i.anexo.nome: i.autor for i in dados.itens if i.tipo == "anexo"}
    assert anexos == {"conta-marco.pdf": "Você", "leitura.png": "Manutenção de Redes"}


def test_nunca_notas_internas_eventos_internos_nem_nomes_da_equipe(portal, c, contato, operador):
    html = _html(portal.get(f"/portal/contatos/{contato.pk}/"))
    conversa = _html(portal.get(f"/portal/contatos/{contato.pk}/conversa/"))
    for texto in (html, conversa):
        assert "NOTA SECRETA" not in texto
        assert "interno.png" not in texto
        assert "Aguardando o cliente X" not in texto  # the pause's reason
        assert "Prazo pausado" not in texto
        assert "Gertrudes" not in texto and "operadora" not in texto
        assert "Trâmite inicial" not in texto  # a trâmite's parecer
        assert c.cliente.cpf_cnpj not in texto
        assert "Vamos verificar a leitura." in texto


def test_mensagens_do_cliente_como_voce_ou_pelo_nome(c, contato):
    from tests.portal.factories import ContaExternaFactory

    colega = ContaExternaFactory(cliente=c.cliente, nome="Pedro Colega")
    registro_atendimento_mensagem_adicionar(
        ra=contato,
        usuario=None,
        texto="Mandei a foto.",
        visibilidade="publica",
        do_solicitante=True,
        autor_nome="Pedro Colega",
    )
    de_maria = {
        i.texto: i.autor for i in selectors.contato_publico(conta=c.conta, pk=contato.pk).itens
    }
    assert de_maria["Mandei a foto."] == "Pedro Colega"
    de_pedro = {
        i.texto: i.autor for i in selectors.contato_publico(conta=colega, pk=contato.pk).itens
    }
    assert de_pedro["Mandei a foto."] == "Você"


def test_ra_aberto_no_balcao_nao_mostra_a_descricao_do_atendente(c, operador):
    ra = ra_do_cliente(c.cliente, descricao="Cliente grosseiro ao telefone.")
    dados = selectors.contato_publico(conta=c.conta, pk=ra.pk)
    assert dados.itens[0].tipo == "abertura"
    assert "Cliente grosseiro" not in dados.itens[0].texto
    assert dados.itens[0].autor == "Companhia"


def test_encaminhamentos_e_encerramento_em_palavras(c, operador):
    central = c.central
    atendente = UsuarioFactory(unidade=central, papeis=[ATENDENTE])
    ra = registro_atendimento_abrir(
        usuario=atendente,
        especificacao=c.segunda_via,
        meio=c.internet,
        descricao="Pedido por telefone.",
        tipo_solicitante="cliente",
        cliente=c.cliente,
        imovel=c.imovel,
    )
    leitura = UnidadeFactory(nome="Leitura e Medição", sigla="LEI")
    registro_atendimento_tramitar(
        ra=ra, usuario=operador, unidade_destino=leitura, parecer="Parecer interno do trâmite."
    )
    registro_atendimento_encerrar(
        ra=ra,
        usuario=UsuarioFactory(unidade=leitura, papeis=[ATENDENTE]),
        motivo=MotivoFactory(),
        parecer="Parecer interno do encerramento.",
    )
    itens = selectors.contato_publico(conta=c.conta, pk=ra.pk).itens
    titulos = [i.titulo for i in itens]
    assert titulos == [
        "Atendimento registrado (Internet)",
        "Encaminhado para Manutenção de Redes",
        "Encaminhado para Leitura e Medição",
        "Encerrado: Concluído",
    ]
    assert not any("Parecer interno" in (i.texto or "") for i in itens)


def test_encerrado_nao_tem_caixa_de_mensagem_e_convida_a_abrir_outro(portal, c):
    ra = ra_do_cliente(c.cliente, encerrado=True)
    html = _html(portal.get(f"/portal/contatos/{ra.pk}/"))
    assert "Mensagem complementar" not in html
    assert 'href="/portal/novo/"' in html
    assert "Concluído" in html
    conversa = _html(portal.get(f"/portal/contatos/{ra.pk}/conversa/"))
    assert "hx-trigger" not in conversa


def test_aberto_recarrega_a_conversa_a_cada_20_segundos(portal, c, contato):
    html = _html(portal.get(f"/portal/contatos/{contato.pk}/"))
    assert f'hx-get="/portal/contatos/{contato.pk}/conversa/"' in html
    assert 'hx-trigger="every 20s"' in html
    conversa = _html(portal.get(f"/portal/contatos/{contato.pk}/conversa/"))
    assert "<html" not in conversa
    assert 'hx-trigger="every 20s"' in conversa


def test_complementar_adiciona_mensagem_publica_e_pendencia_interna(portal, c, contato):
    resposta = portal.post(
        f"/portal/contatos/{contato.pk}/complementar/",
        {"texto": "Segue a foto do hidrômetro.", "anexos": [png("hidrometro.png")]},
    )
    assert resposta.status_code == 302
    assert resposta["Location"] == f"/portal/contatos/{contato.pk}/"
    contato.refresh_from_db()
    assert contato.interacao_pendente == RA.InteracaoPendente.INTERNA
    mensagem = contato.mensagens.get(texto="Segue a foto do hidrômetro.")
    assert mensagem.do_solicitante and mensagem.autor is None
    assert mensagem.autor_nome == c.conta.nome
    assert mensagem.visibilidade == MensagemAtendimento.Visibilidade.PUBLICA
    anexo = contato.anexos.get(nome_original="hidrometro.png")
    assert anexo.do_solicitante and anexo.publico
    html = _html(portal.get(f"/portal/contatos/{contato.pk}/"))
    assert "Segue a foto do hidrômetro." in html
    assert "hidrometro.png" in html
    assert "Mensagem enviada" in html


def test_complementar_com_4001_caracteres_recusa_e_guarda_o_texto(portal, c, contato):
    texto = "a" * 4001
    resposta = portal.post(f"/portal/contatos/{contato.pk}/complementar/", {"texto": texto})
    html = _html(resposta)
    assert "4000" in html or "4.000" in html
    assert texto in html
    assert not contato.mensagens.filter(do_solicitante=True).exists()


def test_complementar_com_anexo_proibido_nao_grava_nada(portal, c, contato):
    from tests.portal.dados_contatos import executavel

    resposta = portal.post(
        f"/portal/contatos/{contato.pk}/complementar/",
        {"texto": "Vai com anexo.", "anexos": [png("ok.png"), executavel("virus.exe")]},
    )
    html = _html(resposta)
    assert "virus.exe" in html and "não é aceito" in html
    assert "Vai com anexo." in html
    assert "escolha-os de novo" in html
    assert not contato.mensagens.filter(do_solicitante=True).exists()
    assert not contato.anexos.filter(nome_original="ok.png").exists()


def test_complementar_encerrado_e_recusado(portal, c):
    ra = ra_do_cliente(c.cliente, encerrado=True)
    html = _html(portal.post(f"/portal/contatos/{ra.pk}/complementar/", {"texto": "Oi?"}))
    assert "encerrado" in html
    assert not ra.mensagens.exists()


def test_html_nas_mensagens_aparece_escapado(portal, c, contato, operador):
    portal.post(
        f"/portal/contatos/{contato.pk}/complementar/",
        {"texto": '<script>alert("cliente")</script><b>negrito</b>'},
    )
    registro_atendimento_mensagem_adicionar(
        ra=contato, usuario=operador, texto="<img src=x onerror=alert(1)>", visibilidade="publica"
    )
    html = _html(portal.get(f"/portal/contatos/{contato.pk}/"))
    assert '<script>alert("cliente")</script>' not in html
    assert "<b>negrito</b>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html


def test_baixar_anexo_do_contato(portal, c, contato):
    anexo = contato.anexos.get(nome_original="leitura.png")
    resposta = portal.get(f"/portal/anexos/{anexo.pk}/")
    assert resposta.status_code == 200
    assert resposta["Content-Disposition"].startswith("attachment")
    assert "leitura.png" in resposta["Content-Disposition"]
    assert resposta["X-Content-Type-Options"] == "nosniff"
    assert b"".join(resposta.streaming_content).startswith(b"\x89PNG")


def test_anexo_interno_nao_se_baixa(portal, c, contato):
    anexo = contato.anexos.get(nome_original="interno.png")
    assert portal.get(f"/portal/anexos/{anexo.pk}/").status_code == 404


def test_contato_de_outro_cliente_e_404_como_inexistente(portal, c, tmp_path):
    alheio = ra_do_cliente(c.outro_cliente)
    anexo = AnexoFactory(ra=alheio, publico=True)
    excluido = ra_do_cliente(c.cliente, excluido=True)
    urls = [
        f"/portal/contatos/{alheio.pk}/",
        f"/portal/contatos/{alheio.pk}/protocolo/",
        f"/portal/contatos/{alheio.pk}/conversa/",
        f"/portal/anexos/{anexo.pk}/",
        f"/portal/contatos/{excluido.pk}/",
        "/portal/contatos/999999/",
        "/portal/anexos/999999/",
    ]
    for url in urls:
        assert portal.get(url).status_code == 404, url
    for pk in (alheio.pk, excluido.pk, 999999):
        resposta = portal.post(f"/portal/contatos/{pk}/complementar/", {"texto": "Intruso"})
        assert resposta.status_code == 404
    assert not MensagemAtendimento.objects.filter(texto="Intruso").exists()
    do_outro = portal.get(f"/portal/contatos/{alheio.pk}/").content.decode()
    assert alheio.protocolo not in do_outro


def test_ids_nao_numericos_e_metodos_errados_nao_dao_5xx(portal, c, contato):
    for url in ("/portal/contatos/abc/", "/portal/contatos/1e3/conversa/", "/portal/anexos/-1/"):
        assert portal.get(url).status_code == 404
    assert portal.get(f"/portal/contatos/{contato.pk}/complementar/").status_code == 405
    assert portal.post(f"/portal/contatos/{contato.pk}/conversa/").status_code == 405
    enorme = "9" * 30
    assert portal.get(f"/portal/contatos/{enorme}/").status_code == 404


def test_complementar_com_texto_enorme_e_nul_nao_da_5xx(portal, c, contato):
    for texto in ("x" * 10_000, "antes\x00depois", ""):
        resposta = portal.post(f"/portal/contatos/{contato.pk}/complementar/", {"texto": texto})
        assert resposta.status_code == 200
    assert not contato.mensagens.filter(do_solicitante=True).exists()


def test_eventos_internos_existem_mas_ficam_de_fora(c, contato):
    # The setup really has internal rows (so the test above could fail).
    assert contato.eventos.filter(tipo=EventoRA.Tipo.PAUSA).exists()
    assert contato.mensagens.filter(visibilidade="interna").exists()
    assert contato.anexos.filter(publico=False, do_solicitante=False).exists()


def test_complementar_com_envio_ilegivel_responde_400(portal, c, contato, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    resposta = portal.post(
        f"/portal/contatos/{contato.pk}/complementar/",
        {"texto": "Oi", "anexos": [png("a.png"), png("b.png")]},
    )
    assert resposta.status_code == 400
    assert "O envio não pôde ser lido" in resposta.content.decode()
    assert not contato.mensagens.filter(do_solicitante=True).exists()
