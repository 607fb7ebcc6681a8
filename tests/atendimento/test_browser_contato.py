"""The repeat call: Inserir RA refuses a duplicate and records the call on the existing RA."""

import re

import pytest

from atendimento.models import RegistroAtendimento, Reiteracao
from atendimento.services import registro_atendimento_abrir
from tests.atendimento.factories import EspecificacaoFactory, MeioFactory
from tests.factories import ImovelFactory, UnidadeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ligacao_repetida_vira_contato_com_protocolo(entrar, atendente):
    manutencao = UnidadeFactory(sigla="MAN", nome="Manutenção", abre_ra=False)
    especificacao = EspecificacaoFactory(
        nome="Vazamento no cavalete", unidade_destino=manutencao, prazo_dias=2
    )
    meio = MeioFactory(nome="Telefone")
    imovel = ImovelFactory()
    existente = registro_atendimento_abrir(
        usuario=atendente,
        especificacao=especificacao,
        meio=meio,
        descricao="Cavalete vazando.",
        tipo_solicitante="livre",
        solicitante_nome="Maria das Dores",
        solicitante_telefone="81999887766",
        imovel=imovel,
    )

    pagina = entrar(atendente)
    pagina.goto(f"/atendimento/ra/novo/?imovel={imovel.pk}")
    pagina.get_by_label("Tipo / especificação").select_option(str(especificacao.pk))
    pagina.locator("#especificacao-resumo").wait_for()
    pagina.get_by_label("Meio de solicitação").select_option(label="Telefone")
    pagina.get_by_label("Descrição").fill("Ligou de novo: piorou.")
    pagina.get_by_label("Nome e telefone").check()
    pagina.get_by_label("Nome", exact=True).fill("João das Dores")
    pagina.get_by_label("Telefone", exact=True).fill("(81) 98877-6655")
    pagina.keyboard.press("Alt+s")
    caixa = pagina.locator("#duplicado-contato")
    caixa.wait_for()
    assert f"Já existe o RA nº {existente.pk}" in caixa.inner_text()
    assert caixa.get_by_label("Quem está ligando").input_value() == "João das Dores"
    caixa.get_by_role("button", name=re.compile("Registrar contato")).click()
    pagina.wait_for_url(re.compile(r"/atendimento/contato/\d+/"))
    contato = Reiteracao.objects.get(ra=existente)
    assert pagina.locator(".protocolo-grande").inner_text() == contato.protocolo
    fala = pagina.locator("#o-que-dizer").inner_text()
    assert f"protocolo {existente.protocolo}" in fala
    assert f"registramos seu novo contato, protocolo {contato.protocolo}" in fala
    assert contato.solicitante_telefone == "+5581988776655"
    assert RegistroAtendimento.objects.count() == 1
