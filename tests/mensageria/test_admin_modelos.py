"""Point 9: an SMS template is checked on save with the widest value of each tag."""

import pytest
from django.urls import reverse

from atendimento.models import ParametrosAtendimento
from mensageria.models import ModeloMensagem, Parametros

from .factories import especificacao_criar

pytestmark = pytest.mark.django_db

# 148 characters of fixed text: with "Saneamento" (10), a 14-digit protocol and a
# 40-character especificação it renders to 212 > 164 (every SMS would then fail).
LONGO = (
    "{empresa}: recebemos a sua solicitacao de servico ({especificacao}) e ela ja foi "
    "registrada no nosso sistema de atendimento ao publico. Guarde o protocolo "
    "{protocolo} para acompanhar."
)


def _modelo_url(evento):
    pk = ModeloMensagem.objects.get(evento=evento).pk
    return reverse("admin:mensageria_modelomensagem_change", args=[pk])


def _salvar_modelo(client, evento, texto):
    return client.post(_modelo_url(evento), {"evento": evento, "texto": texto, "ativo": "on"})


def test_modelo_que_fica_longo_demais_depois_de_preenchido_e_recusado(client, administrador):
    client.force_login(administrador)
    antes = ModeloMensagem.objects.get(evento="ra_aberto").texto
    resposta = _salvar_modelo(client, "ra_aberto", LONGO)
    assert resposta.status_code == 200
    conteudo = resposta.content.decode()
    assert "o máximo permitido é 164" in conteudo
    assert "{protocolo} com 14 dígitos" in conteudo
    assert "{especificacao} com até 40 caracteres" in conteudo
    assert ModeloMensagem.objects.get(evento="ra_aberto").texto == antes


def test_modelo_que_cabe_e_salvo(client, administrador):
    client.force_login(administrador)
    texto = "{empresa}: protocolo {protocolo} ({especificacao}), previsto para {data_prevista}."
    resposta = _salvar_modelo(client, "ra_aberto", texto)
    assert resposta.status_code == 302
    assert ModeloMensagem.objects.get(evento="ra_aberto").texto == texto


@pytest.mark.parametrize(
    ("texto", "motivo"),
    [
        ("Olá {nome}, protocolo {protocolo}", "Tags desconhecidas: {nome}"),
        ("Protocolo {protocolo:>200}", "sem formatação"),
        ("Protocolo {protocolo!r}", "sem formatação"),
        ("Protocolo {protocolo", "Chaves desbalanceadas"),
    ],
)
def test_modelo_com_tag_invalida_e_recusado(client, administrador, texto, motivo):
    client.force_login(administrador)
    resposta = _salvar_modelo(client, "ra_aberto", texto)
    assert resposta.status_code == 200
    assert motivo in resposta.content.decode()


def test_protocolo_ans_de_20_digitos_conta_no_tamanho(client, administrador):
    """A text that fits with 14 digits is refused when the protocol format gives 20."""
    client.force_login(administrador)
    texto = "{empresa}: " + "x" * 136 + " {protocolo}"  # 10 + 2 + 136 + 1 + 14 = 163
    assert _salvar_modelo(client, "ra_existente", texto).status_code == 302
    ParametrosAtendimento.objects.filter(pk=ParametrosAtendimento.atual().pk).update(
        formato_protocolo="ans", registro_ans="123456"
    )
    resposta = _salvar_modelo(client, "ra_existente", texto)
    assert "{protocolo} com 20 dígitos" in resposta.content.decode()


def test_sem_multiparte_um_nome_com_acento_forca_ucs2(client, administrador):
    """GSM-7 fits 160 in one SMS, UCS-2 only 70: an accented especificação forces UCS-2."""
    Parametros.objects.filter(pk=1).update(permitir_multiparte=False)
    client.force_login(administrador)
    texto = "Protocolo {protocolo}: " + "x" * 60 + " ({especificacao})"  # 14+12+60+3+40 = 129
    resposta = _salvar_modelo(client, "ra_aberto", texto)
    conteudo = resposta.content.decode()
    assert resposta.status_code == 200
    assert "não cabe num SMS" in conteudo and "UCS-2" in conteudo
    # Transliterating accents keeps it in GSM-7, and then it fits.
    Parametros.objects.filter(pk=1).update(transliterar=True)
    assert _salvar_modelo(client, "ra_aberto", texto).status_code == 302


def test_parametros_que_fariam_os_modelos_nao_caberem_sao_recusados(client, administrador):
    client.force_login(administrador)
    url = reverse("admin:mensageria_parametros_change", args=[Parametros.atuais().pk])
    dados = {
        "tamanho_maximo": "80",
        "permitir_multiparte": "on",
        "nome_empresa": "Saneamento",
        "silencio_fuso": "America/Recife",
        "silencio_eventos": ["faturamento"],
        "email_max_tentativas": "5",
        "alerta_espera_minutos": "15",
        "respostas_por_hora": "5",
    }
    resposta = client.post(url, dados)
    assert resposta.status_code == 200
    conteudo = resposta.content.decode()
    assert "Com estes parâmetros, estes textos de SMS deixam de caber" in conteudo
    assert "modelo “RA aberto”" in conteudo
    assert Parametros.atuais().tamanho_maximo == 164
    dados["tamanho_maximo"] = "164"
    assert client.post(url, dados).status_code == 302


# --- The especificação's own texts (atendimento admin) --------------------------


def _dados_especificacao(client, especificacao):
    resposta = client.get(
        reverse("admin:atendimento_especificacao_change", args=[especificacao.pk])
    )
    form = resposta.context["adminform"].form
    dados = {}
    for nome, campo in form.fields.items():
        valor = form.initial.get(nome, campo.initial)
        if isinstance(valor, bool):
            if valor:
                dados[nome] = "on"
        elif valor is not None:
            dados[nome] = getattr(valor, "pk", valor)
    return dados


@pytest.mark.parametrize(
    ("campo", "texto", "motivo"),
    [
        ("texto_abertura", "RA {protocolo} de {cliente}", "Tags desconhecidas: {cliente}"),
        ("texto_encerramento", "RA {protocolo} concluido {", "Chaves desbalanceadas"),
        ("texto_abertura", LONGO, "o máximo permitido é 164"),
        ("texto_encerramento", LONGO, "o máximo permitido é 164"),
    ],
)
def test_textos_da_especificacao_sao_validados(client, administrador, campo, texto, motivo):
    especificacao = especificacao_criar()
    client.force_login(administrador)
    dados = _dados_especificacao(client, especificacao)
    dados[campo] = texto
    url = reverse("admin:atendimento_especificacao_change", args=[especificacao.pk])
    resposta = client.post(url, dados)
    assert resposta.status_code == 200
    assert motivo in resposta.content.decode()
    especificacao.refresh_from_db()
    assert getattr(especificacao, campo) == ""


def test_texto_valido_da_especificacao_e_salvo(client, administrador):
    especificacao = especificacao_criar()
    client.force_login(administrador)
    dados = _dados_especificacao(client, especificacao)
    dados["texto_abertura"] = "{empresa}: protocolo {protocolo}, previsao {data_prevista}."
    url = reverse("admin:atendimento_especificacao_change", args=[especificacao.pk])
    assert client.post(url, dados).status_code == 302
    especificacao.refresh_from_db()
    assert especificacao.texto_abertura.startswith("{empresa}: protocolo")


def test_modelos_padrao_passam_na_validacao(db):
    from mensageria.models import MODELOS_PADRAO, validar_modelo_sms

    for texto in MODELOS_PADRAO.values():
        validar_modelo_sms(texto)


def test_mensagem_de_recusa_legivel(db):
    from django.core.exceptions import ValidationError

    from mensageria.models import validar_modelo_sms

    with pytest.raises(ValidationError) as erro:
        validar_modelo_sms(LONGO)
    assert erro.value.messages == [
        "Preenchido com os valores mais longos ({protocolo} com 14 dígitos, {especificacao} "
        "com até 40 caracteres, {empresa} “Saneamento”): o texto tem 212 caracteres GSM; o "
        "máximo permitido é 164. Encurte o texto em 48."
    ]


def test_trocar_para_protocolo_ans_recusado_se_um_modelo_deixa_de_caber(client, administrador):
    """20-digit protocols make a template that fitted with 14 too long: refuse the switch."""
    ModeloMensagem.objects.filter(evento="ra_existente").update(
        texto="{empresa}: " + "x" * 136 + " {protocolo}"  # 163 with 14 digits, 169 with 20
    )
    parametros = ParametrosAtendimento.atual()
    client.force_login(administrador)
    url = reverse("admin:atendimento_parametrosatendimento_change", args=[parametros.pk])
    form = client.get(url).context["adminform"].form
    dados = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, bool)}
    dados.update({k: "on" for k, v in form.initial.items() if v is True})
    dados.update(formato_protocolo="ans", registro_ans="123456")
    resposta = client.post(url, dados)
    assert resposta.status_code == 200
    conteudo = resposta.content.decode()
    assert "estes textos de SMS deixam de caber" in conteudo
    assert "modelo “RA existente”" in conteudo
    parametros.refresh_from_db()
    assert parametros.formato_protocolo == "gsan"
    ModeloMensagem.objects.filter(evento="ra_existente").update(texto="Protocolo {protocolo}")
    assert client.post(url, dados).status_code == 302
