"""Admin of the templates: versions and history, actions, parameters, the SMS counter."""

import datetime

import pytest
from django.urls import reverse

from faturamento.models import (
    AcaoCobranca,
    Conta,
    Envio,
    MensagemFaturamento,
    ParametrosFaturamento,
    Processo,
)
from faturamento.services.modelos import mensagem_faturamento_salvar
from mensageria.models import Parametros
from tests.factories import ImovelFactory

pytestmark = pytest.mark.django_db

POST_MENSAGEM = {
    "referencia_inicial": "202612",
    "dias_antes": "5",
    "max_tentativas_email": "3",
    "valor_minimo": "0",
    "categorias": ["residencial", "publica"],
    "texto_sms": "Conta {MATRICULA} de R$ {VALOR} vence {VENCIMENTO}.",
    "assunto_email": "Conta {MATRICULA}",
    "texto_email": "Olá, {NOME}. Valor R$ {VALOR}.",
}
DADOS = {
    "referencia_inicial": 202611,
    "dias_antes": 4,
    "max_tentativas_email": 3,
    "valor_minimo": 0,
    "categorias": ["residencial"],
    "texto_sms": "Conta {MATRICULA} vence {VENCIMENTO}.",
    "assunto_email": "",
    "texto_email": "",
}


@pytest.fixture
def admin_client(client, administrador):
    Parametros.objects.update_or_create(pk=1, defaults={"transliterar": True})
    client.force_login(administrador)
    return client


def _url(nome, *args):
    return reverse(f"admin:faturamento_{nome}", args=args)


# --- Mensagem de faturamento ---------------------------------------------------


def test_incluir_cria_a_versao_vigente(admin_client, administrador):
    resposta = admin_client.get(_url("mensagemfaturamento_add"))
    html = resposta.content.decode()
    assert "Salvar cria a versão vigente" in html
    assert "faturamento/contador_sms.js" in html
    assert 'data-contador-sms="conta"' in html
    resposta = admin_client.post(_url("mensagemfaturamento_add"), POST_MENSAGEM)
    assert resposta.status_code == 302
    versao = MensagemFaturamento.objects.get()
    assert versao.vigente and versao.criada_por == administrador
    assert versao.categorias == ["residencial", "publica"]


def test_alterar_a_vigente_cria_nova_versao_e_mantem_a_antiga(admin_client):
    antiga = mensagem_faturamento_salvar(DADOS, usuario=None)
    resposta = admin_client.get(_url("mensagemfaturamento_change", antiga.pk))
    html = resposta.content.decode()
    assert "Salvar não altera esta versão" in html
    assert "Conta {MATRICULA} vence {VENCIMENTO}." in html  # prefilled
    resposta = admin_client.post(
        _url("mensagemfaturamento_change", antiga.pk), {**POST_MENSAGEM, "dias_antes": "7"}
    )
    assert resposta.status_code == 302
    antiga.refresh_from_db()
    nova = MensagemFaturamento.objects.get(vigente=True)
    assert nova.pk != antiga.pk and nova.dias_antes == 7
    assert not antiga.vigente and antiga.retirada_em and antiga.dias_antes == 4
    resposta = admin_client.get(resposta.url)
    assert f"Versão nº {nova.pk} salva" in resposta.content.decode()


def test_historico_lista_todas_as_versoes(admin_client, django_assert_max_num_queries):
    for dias in (1, 2, 3):
        mensagem_faturamento_salvar({**DADOS, "dias_antes": dias}, usuario=None)
    with django_assert_max_num_queries(12):
        resposta = admin_client.get(_url("mensagemfaturamento_changelist"))
    html = resposta.content.decode()
    assert html.count("/change/") >= 3
    assert "11/2026" in html


def test_versao_retirada_e_so_consulta(admin_client):
    antiga = mensagem_faturamento_salvar(DADOS, usuario=None)
    mensagem_faturamento_salvar({**DADOS, "dias_antes": 9}, usuario=None)
    resposta = admin_client.get(_url("mensagemfaturamento_change", antiga.pk))
    html = resposta.content.decode()
    assert "só consulta" in html and 'name="texto_sms"' not in html
    assert f"?a_partir_de={antiga.pk}" in html
    admin_client.post(_url("mensagemfaturamento_change", antiga.pk), POST_MENSAGEM)
    antiga.refresh_from_db()
    assert antiga.texto_sms == DADOS["texto_sms"] and not antiga.vigente
    # "A new version from this one" prefills the add form.
    resposta = admin_client.get(_url("mensagemfaturamento_add") + f"?a_partir_de={antiga.pk}")
    assert 'value="4"' in resposta.content.decode()


def test_recusa_no_formulario_com_mensagem_em_portugues(admin_client):
    resposta = admin_client.post(
        _url("mensagemfaturamento_add"), {**POST_MENSAGEM, "texto_sms": "Conta {CODIGO}"}
    )
    assert resposta.status_code == 200
    assert "Tags desconhecidas: {CODIGO}" in resposta.content.decode()
    assert not MensagemFaturamento.objects.exists()


def test_versao_com_envios_nao_e_excluida(admin_client):
    usada = mensagem_faturamento_salvar(DADOS, usuario=None)
    conta = Conta.objects.create(
        imovel=ImovelFactory(),
        referencia=202611,
        vencimento=datetime.date(2026, 12, 10),
        valor=10,
    )
    processo = Processo.objects.create(tipo=Processo.Tipo.PREPARAR_FATURAMENTO)
    Envio.objects.create(
        processo=processo,
        conta=conta,
        canal="sms",
        destino="+5581999990000",
        texto="x",
        enviar_em=datetime.date(2026, 12, 5),
        limite=datetime.date(2026, 12, 10),
    )
    sem_uso = mensagem_faturamento_salvar({**DADOS, "dias_antes": 2}, usuario=None)
    # sem_uso was created after the Envio: none of it is this version's.
    resposta = admin_client.post(_url("mensagemfaturamento_delete", usada.pk), {"post": "yes"})
    assert resposta.status_code == 403
    assert MensagemFaturamento.objects.filter(pk=usada.pk).exists()
    admin_client.post(_url("mensagemfaturamento_delete", sem_uso.pk), {"post": "yes"})
    assert not MensagemFaturamento.objects.filter(pk=sem_uso.pk).exists()


# --- Ação de cobrança ------------------------------------------------------------


def test_acao_recusa_os_e_predecessora_com_o_motivo(admin_client):
    corte = AcaoCobranca.objects.create(descricao="Corte", gera_os=True)
    dados = {
        "descricao": "Aviso de débito",
        "ativa": "on",
        "por_sms": "on",
        "texto_sms": "Debito de R$ {VALOR} ate {VALIDADE}",
        "gera_os": "on",
        "predecessora": corte.pk,
    }
    resposta = admin_client.post(_url("acaocobranca_add"), dados)
    html = resposta.content.decode()
    assert resposta.status_code == 200
    assert "não gera ordem de serviço" in html and "não tem ação predecessora" in html
    del dados["gera_os"], dados["predecessora"]
    resposta = admin_client.post(_url("acaocobranca_add"), dados)
    assert resposta.status_code == 302
    assert AcaoCobranca.objects.get(descricao="Aviso de débito").por_sms


def test_acao_carrega_o_contador(admin_client):
    html = admin_client.get(_url("acaocobranca_add")).content.decode()
    assert "faturamento/contador_sms.js" in html and 'data-contador-sms="documento"' in html


# --- Parâmetros ------------------------------------------------------------------


def test_parametros_singleton_com_link_para_a_mensageria(client):
    from tests.factories import UsuarioFactory

    raiz = UsuarioFactory(is_staff=True, is_superuser=True)
    client.force_login(raiz)
    # One row, made on first use (tests/core/test_admin_parametros.py): never added.
    assert client.get(_url("parametrosfaturamento_add")).status_code == 403
    ParametrosFaturamento.atuais()
    client.post(_url("parametrosfaturamento_delete", 1), {"post": "yes"})
    assert ParametrosFaturamento.objects.exists()
    resposta = client.get(_url("parametrosfaturamento_change", 1))
    html = resposta.content.decode()
    assert reverse("admin:mensageria_parametros_changelist") in html
    assert "2 = saneamento" in html
    client.post(_url("parametrosfaturamento_delete", 1), {"post": "yes"})
    assert ParametrosFaturamento.objects.exists()
    resposta = client.post(
        _url("parametrosfaturamento_change", 1),
        {"segmento": "2", "codigo_empresa": "12a4", "identificador_valor": "8"},
    )
    assert "Informe os 4 dígitos" in resposta.content.decode()
    client.post(
        _url("parametrosfaturamento_change", 1),
        {"segmento": "2", "codigo_empresa": "1234", "identificador_valor": "8"},
    )
    assert ParametrosFaturamento.atuais().codigo_empresa == "1234"


# --- The counter endpoint ---------------------------------------------------------

CONTADOR = reverse("faturamento:contador_sms")


def test_contador_mede_com_a_linha_e_os_valores_mais_longos(admin_client):
    resposta = admin_client.post(CONTADOR, {"texto": "x" * 50, "tipo": "conta"})
    dados = resposta.json()
    assert dados["unidades"] == 50 + 56 and dados["partes"] == 1
    assert dados["codificacao"] == "GSM-7" and dados["maximo"] == 164
    assert dados["problema"] == ""
    assert dados["resumo"] == "106 de 164 caracteres · 1 SMS · GSM-7"
    dados = admin_client.post(CONTADOR, {"texto": "x" * 120, "tipo": "documento"}).json()
    assert dados["unidades"] == 176 and "máximo permitido é 164" in dados["problema"]


def test_contador_de_texto_vazio_diz_que_nao_ha_sms(admin_client):
    dados = admin_client.post(CONTADOR, {"texto": "  ", "tipo": "conta"}).json()
    assert dados["resumo"] == "Sem texto: nenhum SMS." and dados["partes"] == 0


def test_contador_mostra_tag_desconhecida(admin_client):
    dados = admin_client.post(CONTADOR, {"texto": "{NOME}", "tipo": "documento"}).json()
    assert "Tags desconhecidas: {NOME}" in dados["problema"]


def test_contador_recusa_entrada_ruim_sem_500(admin_client):
    resposta = admin_client.post(CONTADOR, {"texto": "x", "tipo": "boleto"})
    assert resposta.status_code == 400 and "conta ou documento" in resposta.json()["erro"]
    resposta = admin_client.post(CONTADOR, {"texto": "x" * 3000, "tipo": "conta"})
    assert resposta.status_code == 400
    assert admin_client.get(CONTADOR).status_code == 405


def test_contador_exige_equipe_com_permissao(client, atendente):
    assert client.post(CONTADOR, {"texto": "x", "tipo": "conta"}).status_code == 302
    client.force_login(atendente)
    resposta = client.post(CONTADOR, {"texto": "x", "tipo": "conta"})
    assert resposta.status_code == 403


def test_contador_exige_csrf(administrador):
    from django.test import Client

    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(administrador)
    assert cliente.post(CONTADOR, {"texto": "x", "tipo": "conta"}).status_code == 403
