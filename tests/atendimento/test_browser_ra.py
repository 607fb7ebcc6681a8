import re

import pytest

from atendimento.models import RegistroAtendimento, Tramite
from core.papeis import ATENDENTE
from tests.atendimento.factories import EspecificacaoFactory, MeioFactory, MotivoFactory
from tests.factories import ImovelFactory, UnidadeFactory, UsuarioFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_atendente_abre_ra_e_a_unidade_de_destino_tramita_e_encerra(entrar, atendente):
    manutencao = UnidadeFactory(sigla="MAN", nome="Manutenção", abre_ra=False)
    zona_sul = UnidadeFactory(sigla="MAN-SUL", nome="Manutenção Sul", superior=manutencao)
    especificacao = EspecificacaoFactory(
        nome="Vazamento no cavalete", unidade_destino=manutencao, prazo_dias=2
    )
    MeioFactory(nome="Telefone")
    MotivoFactory(nome="Serviço executado")
    tecnico = UsuarioFactory(username="tecnico", unidade=manutencao, papeis=[ATENDENTE])
    imovel = ImovelFactory(logradouro="Rua Amélia", numero="120", bairro="Graças")

    # The attendant finds the imóvel and opens an RA from its page.
    pagina = entrar(atendente)
    caixa = pagina.get_by_label("Buscar imóvel ou cliente")
    caixa.fill("rua amelia")
    caixa.press("Enter")
    pagina.get_by_role("link", name=imovel.matricula_formatada).click()
    pagina.wait_for_url(f"**/cadastro/imoveis/{imovel.pk}/")
    pagina.keyboard.press("Alt+r")
    pagina.wait_for_url(re.compile(rf"/atendimento/ra/novo/\?imovel={imovel.pk}$"))
    assert pagina.get_by_label("Matrícula do imóvel").input_value() == imovel.matricula_formatada
    pagina.get_by_label("Tipo / especificação").select_option(str(especificacao.pk))
    resumo = pagina.locator("#especificacao-resumo")
    resumo.wait_for()  # the picker shows the deadline and destination as you choose
    assert "2 dias úteis" in resumo.inner_text() and "MAN" in resumo.inner_text()
    pagina.get_by_label("Meio de solicitação").select_option(label="Telefone")
    pagina.get_by_label("Descrição").fill("Cavalete vazando desde ontem.")
    pagina.get_by_label("Nome e telefone").check()
    pagina.get_by_label("Nome", exact=True).fill("Maria das Dores")
    pagina.get_by_label("Telefone", exact=True).fill("(81) 99988-7766")
    pagina.keyboard.press("Alt+s")
    pagina.wait_for_url(re.compile(r"/atendimento/ra/\d+/confirmacao/"))
    ra = RegistroAtendimento.objects.get()
    assert pagina.locator(".protocolo-grande").inner_text() == ra.protocolo
    assert ra.unidade_atual == manutencao and ra.situacao == "pendente"

    # A user of the destination unit routes it to a unit below and closes it.
    pagina.get_by_role("button", name="Sair").click()
    pagina.wait_for_url("**/entrar/**")
    entrar(tecnico)
    pagina.goto(f"/atendimento/ra/{ra.pk}/")  # Consultar RA
    pagina.keyboard.press("Alt+t")
    pagina.wait_for_url(f"**/atendimento/ra/{ra.pk}/tramitar/")
    pagina.get_by_label("Unidade de destino").select_option(str(zona_sul.pk))
    pagina.get_by_label("Parecer").fill("Equipe da zona sul atende.")
    pagina.get_by_role("button", name=re.compile("Tramitar")).click()
    pagina.wait_for_url(f"**/atendimento/ra/{ra.pk}/")
    assert "RA tramitado para MAN-SUL." in pagina.content()
    pagina.keyboard.press("Alt+e")
    pagina.wait_for_url(f"**/atendimento/ra/{ra.pk}/encerrar/")
    pagina.get_by_label("Motivo do encerramento").select_option(label="Serviço executado")
    pagina.get_by_label("Parecer").fill("Cavalete substituído.")
    pagina.keyboard.press("Alt+s")
    pagina.wait_for_url(f"**/atendimento/ra/{ra.pk}/")
    assert f"RA de protocolo {ra.protocolo} encerrado." in pagina.content()
    ra.refresh_from_db()
    assert ra.situacao == "encerrado" and ra.unidade_atual == zona_sul
    assert Tramite.objects.filter(ra=ra).count() == 2
