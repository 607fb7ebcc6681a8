"""An operator works a portal contact in the console with the keyboard only: selects it,
takes it, answers the customer, leaves it pending, reopens it and closes it."""

import datetime
import re

import pytest
from django.utils import timezone

from atendimento.models import EventoRA, MensagemAtendimento, RegistroAtendimento
from atendimento.services import registro_atendimento_abrir
from portal.sistema import usuario_do_portal
from tests.atendimento.factories import EspecificacaoFactory, MeioFactory, MotivoFactory
from tests.factories import ClienteFactory, ImovelFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RA = RegistroAtendimento


def _contato(titulo, especificacao, horas_atras):
    ra = registro_atendimento_abrir(
        usuario=usuario_do_portal(),
        especificacao=especificacao,
        meio=MeioFactory(nome="Internet"),
        descricao=f"{titulo}: por favor verifiquem.",
        tipo_solicitante="cliente",
        cliente=ClienteFactory(),
        imovel=ImovelFactory(),
        origem="portal",
        titulo=titulo,
    )
    RA.objects.filter(pk=ra.pk).update(
        data_abertura=timezone.now() - datetime.timedelta(hours=horas_atras)
    )
    return ra


def _violacoes_de_csp(pagina):
    violacoes = []
    pagina.on(
        "console",
        lambda m: violacoes.append(m.text) if "Content Security Policy" in m.text else None,
    )
    pagina.context.add_init_script(
        """document.addEventListener("securitypolicyviolation", (e) =>
             console.error(`Content Security Policy: ${e.violatedDirective}`));"""
    )
    return violacoes


def test_operador_atende_um_contato_do_portal_so_com_o_teclado(entrar, atendente, unidade):
    especificacao = EspecificacaoFactory(nome="Conta alta", unidade_destino=unidade)
    MotivoFactory(nome="Orientação prestada")
    _contato("Vazamento na calçada", especificacao, horas_atras=1)
    alvo = _contato("Conta de água alta", especificacao, horas_atras=5)

    pagina = entrar(atendente)
    violacoes = _violacoes_de_csp(pagina)
    pagina.goto("/atendimento/central/")
    ativo = "document.activeElement"
    # The focus starts on the first row (the newest contact); j goes to the next one.
    assert pagina.evaluate(f"{ativo}.dataset.linha") == str(RA.objects.exclude(pk=alvo.pk).get().pk)
    pagina.keyboard.press("j")
    assert pagina.evaluate(f"{ativo}.dataset.linha") == str(alvo.pk)
    pagina.keyboard.press("Enter")
    pagina.wait_for_url(re.compile(rf"/atendimento/central/{alvo.pk}/"))
    assert pagina.evaluate(f"{ativo}.id") == "contato-titulo"
    assert "Conta de água alta" in pagina.locator("#central-contato").inner_text()

    # Atender (assumir).
    pagina.keyboard.press("a")
    pagina.wait_for_load_state()
    pagina.get_by_text("Atendimento assumido com sucesso!").wait_for()
    alvo.refresh_from_db()
    assert alvo.responsavel == atendente

    # Answer the customer: r, type, Ctrl+Enter (public by default).
    pagina.keyboard.press("r")
    assert pagina.evaluate(f"{ativo}.name") == "texto"
    pagina.keyboard.type("Olá! Vamos verificar a leitura do seu hidrômetro.")
    pagina.keyboard.press("Control+Enter")
    pagina.get_by_text("Mensagem enviada ao cliente.").wait_for()
    mensagem = MensagemAtendimento.objects.get(ra=alvo, do_solicitante=False)
    assert mensagem.visibilidade == "publica" and mensagem.autor == atendente
    assert "Vamos verificar a leitura" in pagina.locator(".central-conversa").inner_text()

    # Leave it pending with me: back to the queue.
    pagina.keyboard.press("p")
    assert pagina.evaluate(f"{ativo}.name") == "observacao"
    pagina.keyboard.type("Aguardando a leitura de amanhã.")
    pagina.keyboard.press("Control+Enter")
    pagina.wait_for_url(re.compile(r"/atendimento/central/(\?.*)?$"))
    pagina.locator(".alert-success", has_text="pendente com você").wait_for()
    assert EventoRA.objects.filter(ra=alvo, tipo=EventoRA.Tipo.PENDENCIA).exists()

    # Reopen it from "pendentes do operador" (p in the queue) and close it.
    pagina.keyboard.press("p")
    pagina.wait_for_url(re.compile(r"caixa=operador"))
    assert pagina.evaluate(f"{ativo}.dataset.linha") == str(alvo.pk)
    pagina.keyboard.press("Enter")
    pagina.wait_for_url(re.compile(rf"/atendimento/central/{alvo.pk}/"))
    pagina.keyboard.press("e")
    assert pagina.evaluate(f"{ativo}.name") == "motivo"
    pagina.keyboard.press("ArrowDown")
    pagina.keyboard.press("Tab")
    assert pagina.evaluate(f"{ativo}.name") == "parecer"
    pagina.keyboard.type("Leitura conferida; conta correta.")
    pagina.keyboard.press("Control+Enter")
    pagina.wait_for_url(re.compile(r"/atendimento/central/(\?.*)?$"))
    pagina.get_by_text(f"Chamado {alvo.protocolo} encerrado.").wait_for()
    alvo.refresh_from_db()
    assert alvo.situacao == RA.Situacao.ENCERRADO
    assert alvo.motivo_encerramento.nome == "Orientação prestada"
    assert violacoes == []


def test_tabela_de_atalhos_e_ajuda(entrar, atendente):
    pagina = entrar(atendente)
    pagina.goto("/atendimento/central/")
    ajuda = pagina.locator("#central-atalhos")
    assert ajuda.get_attribute("open") is None
    pagina.keyboard.press("?")
    assert ajuda.get_attribute("open") is not None
    texto = ajuda.inner_text()
    for antiga in ("F2", "F3", "F4", "F5", "F6", "Ctrl+T", "F12"):
        assert antiga in texto
    pagina.keyboard.press("Escape")
    pagina.keyboard.press("/")
    assert pagina.evaluate("document.activeElement.name") == "caixa"


def test_encaminhar_desistir_excluir_e_caixas_pelo_teclado(entrar, supervisor, atendente, unidade):
    especificacao = EspecificacaoFactory(nome="Conta alta", unidade_destino=unidade)
    contato = _contato("Segunda via", especificacao, horas_atras=2)
    outro = _contato("Religação", especificacao, horas_atras=3)
    pagina = entrar(supervisor)
    pagina.goto(f"/atendimento/central/{contato.pk}/")
    ativo = "document.activeElement"

    # Ctrl+T of the seed: t opens Encaminhar with the focus on the operator list.
    pagina.keyboard.press("t")
    assert pagina.evaluate(f"{ativo}.name") == "destinatario"
    pagina.locator("#id_encaminhar_destinatario").select_option(str(atendente.pk))
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("Ela cuida das contas.")
    pagina.keyboard.press("Control+Enter")
    pagina.get_by_text(f"encaminhado a {atendente}").wait_for()
    contato.refresh_from_db()
    assert contato.responsavel == atendente

    # x on a started contact says why it cannot be deleted; on an untouched one, deletes.
    pagina.goto(f"/atendimento/central/{contato.pk}/")
    pagina.keyboard.press("x")
    assert "já foi iniciado" in pagina.evaluate(f"{ativo}.innerText")
    pagina.keyboard.press("Escape")
    pagina.wait_for_url(re.compile(r"/atendimento/central/$"))
    pagina.goto(f"/atendimento/central/{outro.pk}/")
    pagina.keyboard.press("x")
    assert pagina.evaluate(f"{ativo}.name") == "justificativa"
    pagina.keyboard.type("Contato em duplicidade.")
    pagina.keyboard.press("Control+Enter")
    pagina.get_by_text(f"Contato {outro.protocolo} excluído.").wait_for()
    outro.refresh_from_db()
    assert outro.excluido

    # F2 of the seed: g goes through the boxes.
    pagina.keyboard.press("g")
    pagina.wait_for_url(re.compile(r"caixa=todos"))
    pagina.keyboard.press("g")
    pagina.wait_for_url(re.compile(r"caixa=encerrados"))

    # d (F6): the responsible operator gives it up.
    pagina.get_by_role("button", name="Sair").click()
    entrar(atendente)
    pagina.goto(f"/atendimento/central/{contato.pk}/")
    pagina.keyboard.press("d")
    pagina.get_by_text("voltou à fila").wait_for()
    contato.refresh_from_db()
    assert contato.responsavel is None
