"""At the counter, in Chromium: the imóvel's open bills, copying a linha digitável and
sending it by SMS."""

import pytest
from django.urls import reverse

from faturamento import febraban
from faturamento.models import ParametrosFaturamento
from mensageria.models import Mensagem
from tests.factories import ClienteFactory, ClienteImovelFactory, ImovelFactory, TelefoneFactory

from .contas_balcao import conta_criar, dias

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_atendente_ve_as_contas_copia_a_linha_e_envia_por_sms(entrar, atendente, live_server):
    imovel = ImovelFactory(matricula=10_012_345)
    cliente = ClienteFactory(nome="Maria das Graças")
    TelefoneFactory(cliente=cliente, ddd="81", numero="998761234", sms=True)
    ClienteImovelFactory(cliente=cliente, imovel=imovel, relacao="usuario")
    vencida = conta_criar(imovel, referencia=202610, vencimento=dias(-3), valor="87.30")
    conta_criar(imovel, referencia=202611, vencimento=dias(20), valor="91.00")
    gerador = febraban.Gerador(ParametrosFaturamento.atuais())
    linha = gerador.linha_conta(imovel.matricula, 202610, vencida.valor)

    pagina = entrar(atendente)
    erros = []
    pagina.on("console", lambda m: m.type == "error" and erros.append(m.text))
    pagina.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    pagina.goto(reverse("cadastro:imovel_detalhe", args=[imovel.pk]))

    tabela = pagina.locator("#contas-em-aberto")
    linha_vencida = tabela.locator("tr.conta-vencida")
    assert linha_vencida.count() == 1
    assert "10/2026" in linha_vencida.inner_text()
    assert "vencida há 3 dias" in linha_vencida.inner_text()
    assert tabela.locator("tbody tr").count() == 2
    assert linha in tabela.inner_text()

    pagina.get_by_role("button", name="Copiar a linha digitável da conta 10/2026").click()
    linha_vencida.get_by_text("Copiada!").wait_for()
    assert pagina.evaluate("navigator.clipboard.readText()") == linha

    pagina.get_by_role("button", name="Enviar por SMS a conta 10/2026").click()
    pagina.get_by_text("Linha digitável enviada por SMS para (81) *****-1234").wait_for()
    mensagem = Mensagem.objects.get()
    assert mensagem.canal == Mensagem.Canal.SMS
    assert mensagem.destino == "+5581998761234"
    assert mensagem.texto.endswith(linha)
    assert (mensagem.origem_tipo, mensagem.origem_id) == ("conta", vencida.pk)
    assert erros == []
