"""The SMS counter of the template forms, in a real Chromium under the strict CSP."""

import pytest

from mensageria.models import Parametros

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def violacoes(pagina):
    encontradas = []
    pagina.on(
        "console",
        lambda m: encontradas.append(m.text) if "Content Security Policy" in m.text else None,
    )
    pagina.context.add_init_script(
        """document.addEventListener("securitypolicyviolation", (e) =>
             console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));"""
    )
    return encontradas


def test_contador_da_mensagem_de_faturamento_acompanha_a_digitacao(
    entrar, administrador, violacoes
):
    Parametros.objects.update_or_create(pk=1, defaults={"transliterar": True})
    pagina = entrar(administrador)
    pagina.goto("/admin/faturamento/mensagemfaturamento/add/")
    contador = pagina.locator("#id_texto_sms_contador")
    contador.get_by_text("Sem texto: nenhum SMS.").wait_for()

    campo = pagina.get_by_label("Texto do SMS")
    campo.press_sequentially("Conta {MATRICULA} vence {VENCIMENTO}", delay=5)
    # The line follows the typing (the figure itself is the server's, tested there).
    pagina.wait_for_function(
        "() => document.querySelector('#id_texto_sms_contador').textContent.includes('1 SMS')"
    )
    campo.press_sequentially(" {CODIGO}", delay=5)
    problema = contador.locator(".contador-sms-problema")
    problema.get_by_text("Tags desconhecidas: {CODIGO}").wait_for()
    assert problema.is_visible()

    campo.fill("x" * 120)
    contador.get_by_text("176 de 164 caracteres · 2 SMS (concatenado) · GSM-7").wait_for()
    problema.get_by_text("máximo permitido é 164", exact=False).wait_for()
    campo.fill("x" * 50)
    contador.get_by_text("106 de 164 caracteres · 1 SMS · GSM-7").wait_for()
    assert problema.is_hidden()
    assert violacoes == []


def test_contador_da_acao_de_cobranca_conta_acentos_em_ucs2(entrar, administrador, violacoes):
    Parametros.objects.update_or_create(pk=1, defaults={"transliterar": False})
    pagina = entrar(administrador)
    pagina.goto("/admin/faturamento/acaocobranca/add/")
    pagina.get_by_label("Texto do SMS").fill(
        "Você tem débito não pago de R$ {VALOR} até {VALIDADE}"
    )
    pagina.locator("#id_texto_sms_contador").get_by_text("· UCS-2", exact=False).wait_for()
    assert violacoes == []
