"""Every screen keeps to the Content-Security-Policy: no inline script, style or handler."""

import re

import pytest
from django.utils import timezone

from atendimento.services import registro_atendimento_abrir
from core.papeis import ADMINISTRADOR
from tests.cidadao.factories import RelatoFactory
from tests.factories import ClienteFactory, ImovelFactory, TelefoneFactory, UsuarioFactory
from tests.ordens_servico.factories import (
    EquipeFactory,
    EspecificacaoFactory,
    MeioFactory,
    TipoServicoFactory,
)
from tests.portal.cenarios import contato_abrir, pdf, responder
from tests.portal.factories import SENHA, ContaExternaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cenario(unidade):
    admin = UsuarioFactory(
        username="admin-csp",
        unidade=unidade,
        is_staff=True,
        is_superuser=True,
        papeis=[ADMINISTRADOR],
    )
    cliente = ClienteFactory(nome="Maria das Dores")
    TelefoneFactory(cliente=cliente)
    EquipeFactory(nome="Equipe Alfa", unidade=unidade, carga_diaria=6)
    especificacao = EspecificacaoFactory(
        nome="Vazamento no cavalete",
        unidade_destino=unidade,
        tipo_servico=TipoServicoFactory(descricao="Reparo de vazamento"),
    )
    ra = registro_atendimento_abrir(
        usuario=admin,
        especificacao=especificacao,
        meio=MeioFactory(),
        descricao="Água jorrando no cavalete.",
        tipo_solicitante="cliente",
        cliente=cliente,
        imovel=ImovelFactory(logradouro="Rua do Hospício", numero="42"),
    )
    relato = RelatoFactory(especificacao__nome="Vazamento na via pública")
    # A customer's portal account and one contact with a file and an answer.
    conta = ContaExternaFactory(cliente=cliente, nome="Maria das Dores")
    contato = contato_abrir(conta, unidade=unidade, anexos=[pdf("conta.pdf")])
    responder(contato, admin, "Vamos refazer a leitura.")
    return {
        "admin": admin,
        "ra": ra,
        "cliente": cliente,
        "relato": relato,
        "conta": conta,
        "contato": contato,
    }


def _vigiar_violacoes(pagina):
    violacoes = []

    def _console(mensagem):
        if "Content Security Policy" in mensagem.text:
            violacoes.append(f"{pagina.url}: {mensagem.text}")

    pagina.on("console", _console)
    # The event also reports what the console may not (e.g. blocked style attributes).
    pagina.context.add_init_script(
        """document.addEventListener("securitypolicyviolation", (e) =>
             console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));"""
    )
    return violacoes


def test_telas_principais_sem_violacao_de_csp(pagina, entrar, cenario, live_server):
    violacoes = _vigiar_violacoes(pagina)
    resposta = pagina.goto("/entrar/")
    politica = resposta.headers["content-security-policy"]
    assert re.search(r"script-src 'self'(;|$)", politica), politica
    assert "'unsafe-inline'" not in politica
    assert "'unsafe-eval'" not in politica

    entrar(cenario["admin"])
    ra = cenario["ra"]
    hoje = timezone.localdate()
    telas = [
        "/",
        "/atendimento/ra/novo/",
        "/atendimento/ra/?q=",
        f"/atendimento/ra/{ra.pk}/",
        f"/atendimento/ra/{ra.pk}/comprovante/",
        "/atendimento/minha-unidade/",
        "/atendimento/painel/",
        "/atendimento/numeracao-manual/",
        "/cadastro/busca/?q=Maria",
        f"/cadastro/clientes/{cenario['cliente'].pk}/",
        "/ordens-servico/",
        f"/ordens-servico/programacao/?inicio={hoje:%Y-%m-%d}",
        "/ordens-servico/boletim/",
        "/mensageria/mensagens/",
        "/mensageria/modems/",
        "/admin/",
        "/admin/atendimento/especificacao/",
        f"/admin/atendimento/especificacao/{ra.especificacao_id}/change/",
        "/cidadao/triagem/",
        f"/cidadao/triagem/{cenario['relato'].pk}/",
        "/admin/cidadao/relato/",
        # The citizen's pages (no login needed, also open to a logged-in user).
        "/relatar/",
        f"/relatar/{cenario['relato'].token}/",
        f"/acompanhar/{ra.protocolo}/",
        f"/p/{ra.protocolo}",
        # The operator console.
        "/atendimento/central/",
        f"/atendimento/central/{cenario['contato'].pk}/",
        # The customer portal before its own login (a staff login is not a portal one).
        "/portal/entrar/",
        "/portal/cadastro/",
        "/portal/senha/",
    ]
    _percorrer(pagina, telas)

    pagina.goto("/portal/entrar/")
    pagina.get_by_label("E-mail").fill(cenario["conta"].email)
    pagina.get_by_label("Senha").fill(SENHA)
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url(re.compile(r"/portal/$"))
    contato = cenario["contato"]
    _percorrer(
        pagina,
        [
            "/portal/",
            "/portal/encerrados/",
            "/portal/novo/",
            f"/portal/contatos/{contato.pk}/",
            f"/portal/contatos/{contato.pk}/protocolo/",
        ],
    )
    assert violacoes == []


def _percorrer(pagina, telas):
    for tela in telas:
        resposta = pagina.goto(tela)
        assert resposta.status == 200, tela
        assert resposta.url.endswith(tela), (tela, resposta.url)  # not sent elsewhere
        # htmx fragments load after "load"; a loaded machine may take a while to go idle.
        pagina.wait_for_load_state("networkidle", timeout=60_000)


def test_botoes_que_dependiam_de_script_inline_funcionam(pagina, entrar, cenario):
    violacoes = _vigiar_violacoes(pagina)
    entrar(cenario["admin"])

    pagina.goto(f"/cadastro/clientes/{cenario['cliente'].pk}/editar/")
    linhas = pagina.locator("#telefones tbody tr")
    antes = linhas.count()
    pagina.get_by_role("button", name=re.compile("Adicionar telefone")).click()
    assert linhas.count() == antes + 1
    assert pagina.evaluate("document.activeElement.id").endswith("-ddd")

    pagina.goto(f"/atendimento/ra/{cenario['ra'].pk}/comprovante/")
    pagina.evaluate("window.print = () => { window.impresso = true; }")
    pagina.get_by_role("button", name=re.compile("Imprimir")).click()
    assert pagina.evaluate("window.impresso") is True
    assert violacoes == []
