"""Issue 10, items 2 and 3: what an RA sends, when and to whom.

Public messages of the RA reach the requester (cut to the SMS limit); the closing
notice goes only for an executed closing (the others have their own templates, when
the especificação says so) and to every number that received a protocol SMS.
"""

import pytest

from atendimento.models import MotivoEncerramento
from atendimento.services import (
    registro_atendimento_encerrar,
    registro_atendimento_mensagem_adicionar,
    registro_atendimento_registrar_contato,
)
from mensageria import texto as texto_sms
from mensageria.models import MODELOS_PADRAO, Mensagem, ModeloMensagem, Parametros
from mensageria.services import registro_atendimento_notificar
from tests.factories import ClienteFactory, TelefoneFactory

from .factories import especificacao_criar, modem_criar, ra_criar

pytestmark = pytest.mark.django_db

Tipo = MotivoEncerramento.Tipo


@pytest.fixture
def motivos(db):
    return {t: MotivoEncerramento.objects.create(nome=str(t.label), tipo=t) for t in Tipo}


@pytest.fixture
def ra(unidade, atendente):
    modem_criar(nome="principal")
    return ra_criar(unidade=unidade, usuario=atendente, telefone="+5581999990001")


def _publica(ra, usuario, texto, **kw):
    return registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=usuario, texto=texto, visibilidade="publica", **kw
    )


def _sms_da_mensagem(mensagem):
    return Mensagem.objects.filter(
        canal="sms", origem_tipo="ra_mensagem", origem_id=mensagem.pk
    ).get()


# --- item 2: public messages go out --------------------------------------------------


def test_mensagem_publica_vai_por_sms_ao_solicitante(ra, atendente):
    msg = _publica(ra, atendente, "A equipe passa amanha de manha.")
    sms = _sms_da_mensagem(msg)
    assert sms.evento == "ra_mensagem" and sms.registro_atendimento == ra
    assert sms.destino == "+5581999990001" and sms.status == "pendente"
    assert sms.texto == (
        f"Saneamento: nova mensagem sobre o protocolo {ra.protocolo}: "
        "A equipe passa amanha de manha."
    )


@pytest.mark.parametrize(
    ("texto", "codificacao", "unidades"),
    [
        ("A equipe verificou o registro e constatou vazamento no ramal. " * 5, "gsm7", 164),
        ("A equipe verificou o hidrômetro e constatou vazamento no ramal. " * 5, "ucs2", 164),
    ],
)
def test_mensagem_longa_e_cortada_com_reticencias_no_limite(
    ra, atendente, texto, codificacao, unidades
):
    msg = _publica(ra, atendente, texto)
    sms = _sms_da_mensagem(msg)
    preparado = texto_sms.preparar(sms.texto)
    assert sms.status == "pendente" and sms.codificacao == codificacao
    assert sms.texto.endswith("...")
    # As long as the limit allows, in the real encoding: one more character would not fit.
    assert preparado.unidades in (unidades, unidades - 1)
    assert sms.texto.startswith(f"Saneamento: nova mensagem sobre o protocolo {ra.protocolo}: ")
    corpo = sms.texto.removeprefix(
        f"Saneamento: nova mensagem sobre o protocolo {ra.protocolo}: "
    ).removesuffix("...")
    assert " ".join(texto.split()).startswith(corpo)


def test_corte_respeita_sms_unico_quando_multiparte_desligado(ra, atendente):
    Parametros.objects.update_or_create(
        pk=1, defaults={"permitir_multiparte": False, "tamanho_maximo": 300}
    )
    sms = _sms_da_mensagem(_publica(ra, atendente, "Ação concluída no local. " * 10))
    preparado = texto_sms.preparar(sms.texto)
    assert sms.status == "pendente"
    assert preparado.codificacao == "ucs2" and preparado.partes == 1
    assert preparado.unidades in (69, 70)


def test_mensagem_curta_nao_ganha_reticencias(ra, atendente):
    sms = _sms_da_mensagem(_publica(ra, atendente, "Tudo certo."))
    assert sms.texto.endswith(": Tudo certo.")


def test_nota_interna_e_mensagem_do_solicitante_nao_vao(ra, atendente):
    registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=atendente, texto="So para a equipe.", visibilidade="interna"
    )
    _publica(ra, None, "Obrigado, aguardo.", do_solicitante=True)
    assert not Mensagem.objects.filter(evento="ra_mensagem").exists()


def test_cliente_sem_consentimento_nao_recebe_nada(unidade, atendente):
    modem_criar()
    cliente = ClienteFactory(recebe_sms=False, recebe_email=False)
    TelefoneFactory(cliente=cliente, numero="988887777", sms=True)
    ra = ra_criar(
        unidade=unidade, usuario=atendente, telefone="", cliente=cliente, tipo_solicitante="cliente"
    )
    _publica(ra, atendente, "Nova visita marcada.")
    assert not Mensagem.objects.filter(evento="ra_mensagem").exists()


def test_cliente_com_consentimento_recebe_no_celular_de_sms(unidade, atendente):
    modem_criar()
    cliente = ClienteFactory(recebe_sms=True, recebe_email=False)
    TelefoneFactory(cliente=cliente, numero="988887777", sms=True)
    ra = ra_criar(
        unidade=unidade, usuario=atendente, telefone="", cliente=cliente, tipo_solicitante="cliente"
    )
    sms = _sms_da_mensagem(_publica(ra, atendente, "Nova visita marcada."))
    assert sms.destino == "+5581988887777"


def test_sms_que_nao_pode_ir_nao_desfaz_a_mensagem(unidade, atendente):
    """A landline: the public message is recorded, its SMS stored as failed with the reason."""
    modem_criar()
    ra = ra_criar(unidade=unidade, usuario=atendente, telefone="+558133334444")
    msg = _publica(ra, atendente, "Nova visita marcada.")
    assert msg.pk is not None
    sms = _sms_da_mensagem(msg)
    assert sms.status == "falhou" and "fixo" in sms.erro_texto


def test_linha_do_tempo_mostra_a_entrega_sob_a_mensagem(ra, atendente, supervisor):
    from atendimento.selectors.linha_do_tempo import linha_do_tempo
    from mensageria.services import mensagem_enviar

    # Public messages wait through quiet hours (21:00–08:00): this test runs at any hour.
    Parametros.objects.filter(pk=Parametros.atuais().pk).update(silencio_eventos=[])
    msg = _publica(ra, atendente, "A equipe passa amanha.")
    sms = _sms_da_mensagem(msg)
    mensagem_enviar(mensagem_id=sms.pk)
    itens = linha_do_tempo(ra, usuario=atendente)
    [item] = [i for i in itens if i.tipo == "mensagem"]
    [entrega] = item.entregas
    assert entrega["texto"] == "Enviada por SMS para (81) 99999-0001"
    # Not repeated as a loose SMS item of the timeline.
    assert not [i for i in itens if i.tipo == "sms" and "nova mensagem" in i.descricao]
    Mensagem.objects.filter(pk=sms.pk).update(entrega="entregue")
    [item] = [i for i in linha_do_tempo(ra, usuario=None) if i.tipo == "mensagem"]
    [entrega] = item.entregas
    assert entrega["texto"].startswith("Enviada por SMS para (81) *****-0001 · entregue")


# --- item 3: the closing notice, only when executed, to every protocol number ---------


def _encerrar(ra, usuario, motivo, referencia=None):
    registro_atendimento_encerrar(
        ra=ra, motivo=motivo, parecer="Parecer.", usuario=usuario, ra_referencia=referencia
    )


def test_encerramento_executado_vai_ao_solicitante_e_a_quem_recebeu_protocolo(
    ra, atendente, motivos
):
    registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Vizinho", solicitante_telefone="81988880002"
    )
    registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Vizinho", solicitante_telefone="81988880002"
    )
    registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Maria", solicitante_telefone="81999990001"
    )
    # A protocol SMS that failed (a landline) did not reach anyone: not counted.
    registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Loja", solicitante_telefone="8133334444"
    )
    _encerrar(ra, atendente, motivos[Tipo.EXECUTADO])
    atendidas = Mensagem.objects.filter(registro_atendimento=ra, evento="ra_atendido")
    assert sorted(atendidas.values_list("destino", flat=True)) == [
        "+5581988880002",
        "+5581999990001",
    ]
    assert all(m.status == "pendente" for m in atendidas)


def test_contato_recebe_sms_com_o_protocolo_do_ra(ra, atendente):
    contato = registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Vizinho", solicitante_telefone="81988880002"
    )
    sms = Mensagem.objects.get(evento="ra_existente")
    assert sms.destino == "+5581988880002" and sms.registro_atendimento == ra
    assert sms.origem_tipo == "reiteracao" and sms.origem_id == contato.pk
    assert ra.protocolo in sms.texto


def test_contato_sem_telefone_ou_especificacao_sem_sms_nao_envia(unidade, atendente):
    modem_criar()
    especificacao = especificacao_criar(nome="Sem SMS", envia_sms_abertura=False)
    ra = ra_criar(unidade=unidade, usuario=atendente, especificacao=especificacao)
    registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Vizinho", solicitante_telefone="81988880002"
    )
    outro = ra_criar(unidade=unidade, usuario=atendente)
    registro_atendimento_registrar_contato(ra=outro, usuario=atendente, solicitante_nome="Sem fone")
    assert not Mensagem.objects.exists()


def test_cliente_que_retirou_o_consentimento_nao_recebe_o_encerramento(unidade, atendente, motivos):
    modem_criar()
    cliente = ClienteFactory(recebe_sms=True, recebe_email=False)
    TelefoneFactory(cliente=cliente, numero="988887777", sms=True)
    ra = ra_criar(
        unidade=unidade, usuario=atendente, telefone="", cliente=cliente, tipo_solicitante="cliente"
    )
    registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    cliente.recebe_sms = False
    cliente.save()
    _encerrar(ra, atendente, motivos[Tipo.EXECUTADO])
    assert not Mensagem.objects.filter(evento="ra_atendido").exists()


@pytest.mark.parametrize(
    ("tipo", "evento", "trecho"),
    [
        (Tipo.NAO_EXECUTADO, "ra_nao_executado", "foi encerrado sem execucao"),
        (Tipo.DUPLICIDADE, "ra_duplicidade", "ja e tratado em outro atendimento"),
    ],
)
def test_encerramento_sem_execucao_so_avisa_quando_a_especificacao_pede(
    unidade, atendente, motivos, tipo, evento, trecho
):
    modem_criar()
    especificacao = especificacao_criar()
    referencia = ra_criar(unidade=unidade, usuario=atendente, especificacao=especificacao)
    ref = referencia if tipo == Tipo.DUPLICIDADE else None

    sem_aviso = ra_criar(unidade=unidade, usuario=atendente, especificacao=especificacao)
    _encerrar(sem_aviso, atendente, motivos[tipo], ref)
    assert not Mensagem.objects.filter(registro_atendimento=sem_aviso).exists()

    especificacao.avisa_encerramento_sem_execucao = True
    especificacao.save()
    com_aviso = ra_criar(unidade=unidade, usuario=atendente, especificacao=especificacao)
    registro_atendimento_notificar(ra=com_aviso, evento="ra_aberto")
    registro_atendimento_registrar_contato(
        ra=com_aviso,
        usuario=atendente,
        solicitante_nome="Vizinho",
        solicitante_telefone="81988880002",
    )
    _encerrar(com_aviso, atendente, motivos[tipo], ref)
    avisos = Mensagem.objects.filter(registro_atendimento=com_aviso, evento=evento)
    assert sorted(avisos.values_list("destino", flat=True)) == ["+5581988880002", "+5581999990001"]
    assert all(trecho in m.texto and com_aviso.protocolo in m.texto for m in avisos)
    assert not Mensagem.objects.filter(evento="ra_atendido").exists()


def test_modelo_proprio_do_encerramento_sem_execucao(ra, atendente, motivos):
    ModeloMensagem.objects.update_or_create(
        evento="ra_nao_executado",
        defaults={"texto": "{empresa}: protocolo {protocolo} encerrado sem execucao."},
    )
    ra.especificacao.avisa_encerramento_sem_execucao = True
    ra.especificacao.save()
    _encerrar(ra, atendente, motivos[Tipo.NAO_EXECUTADO])
    sms = Mensagem.objects.get(evento="ra_nao_executado")
    assert sms.texto == f"Saneamento: protocolo {ra.protocolo} encerrado sem execucao."


def test_previsao_do_encerramento_diz_o_que_sera_feito(ra, atendente, motivos):
    from mensageria.selectors import sms_ra_previsao_do_ra

    previsao = sms_ra_previsao_do_ra(ra, evento="ra_nao_executado")
    assert not previsao.envia and "sem execução" in previsao.motivo
    ra.especificacao.avisa_encerramento_sem_execucao = True
    previsao = sms_ra_previsao_do_ra(ra, evento="ra_nao_executado")
    assert previsao.envia and previsao.destino == "+5581999990001"
    ra.especificacao.envia_sms_encerramento = False
    previsao = sms_ra_previsao_do_ra(ra, evento="ra_duplicidade")
    assert not previsao.envia and "não envia SMS no encerramento" in previsao.motivo
    previsao = sms_ra_previsao_do_ra(ra, evento="ra_mensagem")
    assert previsao.envia  # public messages do not depend on the opening/closing flags


# --- admin: the e-mail texts of a template ----------------------------------------------


def _salvar_modelo(client, evento, **campos):
    from django.urls import reverse

    modelo, _ = ModeloMensagem.objects.get_or_create(
        evento=evento, defaults={"texto": "{empresa}: protocolo {protocolo}."}
    )
    dados = {"evento": evento, "texto": modelo.texto, "ativo": "on"}
    dados.update(campos)
    url = reverse("admin:mensageria_modelomensagem_change", args=[modelo.pk])
    return client.post(url, dados)


@pytest.mark.parametrize("campo", ["assunto_email", "texto_email", "html_email"])
def test_admin_recusa_tag_desconhecida_nos_textos_de_email(client, administrador, campo):
    client.force_login(administrador)
    resposta = _salvar_modelo(client, "ra_aberto", **{campo: "Olá {nome}, protocolo {protocolo}"})
    assert resposta.status_code == 200
    assert "Tags desconhecidas: {nome}" in resposta.content.decode()
    assert getattr(ModeloMensagem.objects.get(evento="ra_aberto"), campo) == ""


def test_admin_aceita_email_longo_e_mostra_secoes(client, administrador):
    """The SMS length applies to the SMS text only: an e-mail body may be long."""
    from django.urls import reverse

    client.force_login(administrador)
    longo = "{empresa}: o protocolo {protocolo} ({especificacao}). " + "Texto longo. " * 60
    resposta = _salvar_modelo(
        client,
        "ra_mensagem",
        texto="{empresa}: nova mensagem sobre o protocolo {protocolo}: {mensagem}",
        assunto_email="{empresa}: mensagem sobre o protocolo {protocolo}",
        texto_email=longo + "{mensagem}",
        html_email="<p>{mensagem}</p>",
    )
    assert resposta.status_code == 302
    modelo = ModeloMensagem.objects.get(evento="ra_mensagem")
    assert modelo.texto_email.startswith("{empresa}: o protocolo")
    pagina = client.get(reverse("admin:mensageria_modelomensagem_change", args=[modelo.pk]))
    conteudo = pagina.content.decode()
    assert "<h2" in conteudo and ">SMS</h2>" in conteudo and ">E-mail</h2>" in conteudo


def test_admin_da_especificacao_mostra_o_aviso_sem_execucao(client, administrador):
    from django.urls import reverse

    client.force_login(administrador)
    especificacao = especificacao_criar()
    url = reverse("admin:atendimento_especificacao_change", args=[especificacao.pk])
    assert 'name="avisa_encerramento_sem_execucao"' in client.get(url).content.decode()


# --- item 1 (RA side): e-mail by the especificação's flags and the client's consent -----


def _ra_de_cliente(unidade, atendente, *, recebe_email=True, email="maria@example.com", **esp):
    modem_criar()
    cliente = ClienteFactory(recebe_sms=False, recebe_email=recebe_email, email=email)
    return ra_criar(
        unidade=unidade,
        usuario=atendente,
        telefone="",
        cliente=cliente,
        tipo_solicitante="cliente",
        especificacao=especificacao_criar(**esp) if esp else None,
    )


def _emails(**filtro):
    return Mensagem.objects.filter(canal="email", **filtro)


def test_mensagem_publica_vai_por_email_inteira_com_assunto_padrao(unidade, atendente):
    ra = _ra_de_cliente(unidade, atendente)
    texto = "A equipe verificou o hidrômetro e constatou vazamento no ramal.\n" * 6
    msg = _publica(ra, atendente, texto)
    email = _emails(origem_tipo="ra_mensagem", origem_id=msg.pk).get()
    assert email.destino == "maria@example.com" and email.evento == "ra_mensagem"
    assert email.registro_atendimento == ra and email.status == "pendente"
    assert email.assunto == f"Saneamento: protocolo {ra.protocolo}"
    # The SMS template, with the whole message (no cut, no ellipsis).
    assert email.texto.startswith(f"Saneamento: nova mensagem sobre o protocolo {ra.protocolo}:")
    assert texto.strip() in email.texto and not email.texto.endswith("...")
    assert email.texto_html == ""  # no HTML template: plain text only
    assert not Mensagem.objects.filter(canal="sms").exists()  # no SMS consent


def test_html_do_email_escapa_os_valores(unidade, atendente):
    ModeloMensagem.objects.update_or_create(
        evento="ra_mensagem",
        defaults={
            "texto": MODELOS_PADRAO["ra_mensagem"],
            "assunto_email": "{empresa} - mensagem sobre {protocolo}",
            "texto_email": "Nova mensagem ({especificacao}):\n{mensagem}",
            "html_email": "<p>Nova mensagem sobre <b>{protocolo}</b>:</p><p>{mensagem}</p>",
        },
    )
    ra = _ra_de_cliente(unidade, atendente)
    _publica(ra, atendente, '<script>alert("x")</script> & <b>negrito</b>\nsegunda linha')
    email = _emails().get()
    assert email.assunto == f"Saneamento - mensagem sobre {ra.protocolo}"
    assert email.texto.startswith("Nova mensagem (Vazamento no cavalete):\n<script>")
    assert "<script>" not in email.texto_html and "<b>negrito</b>" not in email.texto_html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in email.texto_html
    assert "<br>" in email.texto_html  # the message's line breaks survive in HTML
    assert f"<b>{ra.protocolo}</b>" in email.texto_html  # the template's own HTML stays


@pytest.mark.parametrize(
    ("recebe_email", "email"), [(False, "maria@example.com"), (True, "")], ids=["sem", "vazio"]
)
def test_cliente_sem_consentimento_ou_sem_email_nao_recebe_email(
    unidade, atendente, recebe_email, email
):
    ra = _ra_de_cliente(unidade, atendente, recebe_email=recebe_email, email=email)
    _publica(ra, atendente, "Nova visita marcada.")
    assert not _emails().exists()


def test_solicitante_sem_cadastro_recebe_no_email_informado(unidade, atendente):
    modem_criar()
    ra = ra_criar(unidade=unidade, usuario=atendente, solicitante_email="joao@example.com")
    _publica(ra, atendente, "Nova visita marcada.")
    assert _emails().get().destino == "joao@example.com"
    assert Mensagem.objects.filter(canal="sms", evento="ra_mensagem").count() == 1


def test_email_de_abertura_segue_a_flag_da_especificacao(unidade, atendente):
    sem = _ra_de_cliente(unidade, atendente)
    assert registro_atendimento_notificar(ra=sem, evento="ra_aberto") is None
    assert not _emails().exists()
    com = _ra_de_cliente(unidade, atendente, nome="Com e-mail", envia_email_abertura=True)
    registro_atendimento_notificar(ra=com, evento="ra_aberto")
    email = _emails(registro_atendimento=com).get()
    assert email.evento == "ra_aberto" and email.destino == com.cliente.email
    assert email.assunto == f"Saneamento: protocolo {com.protocolo}"
    assert "foi registrada" in email.texto and "Com e-mail" in email.texto


def test_email_de_encerramento_so_quando_executado_ou_avisado(unidade, atendente, motivos):
    ra = _ra_de_cliente(unidade, atendente, envia_email_encerramento=True)
    _encerrar(ra, atendente, motivos[Tipo.EXECUTADO])
    assert _emails(registro_atendimento=ra, evento="ra_atendido").count() == 1
    ra2 = ra_criar(
        unidade=unidade,
        usuario=atendente,
        especificacao=ra.especificacao,
        telefone="",
        cliente=ra.cliente,
        tipo_solicitante="cliente",
    )
    _encerrar(ra2, atendente, motivos[Tipo.NAO_EXECUTADO])
    assert not _emails(registro_atendimento=ra2).exists()


def test_previsao_do_email(unidade, atendente):
    from mensageria.selectors import email_ra_previsao_do_ra

    ra = _ra_de_cliente(unidade, atendente)
    previsao = email_ra_previsao_do_ra(ra, evento="ra_aberto")
    assert not previsao.envia and "não envia e-mail na abertura" in previsao.motivo
    assert email_ra_previsao_do_ra(ra, evento="ra_mensagem").destino == "maria@example.com"
    ra.cliente.recebe_email = False
    previsao = email_ra_previsao_do_ra(ra, evento="ra_mensagem")
    assert not previsao.envia and "não aceita receber e-mail" in previsao.motivo


# --- the RA page says what each event will send (the same decision as the services) ----


def test_pagina_do_ra_mostra_a_quem_vao_os_avisos(client, ra, atendente, motivos):
    from django.urls import reverse

    registro_atendimento_notificar(ra=ra, evento="ra_aberto")
    registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Vizinho", solicitante_telefone="81988880002"
    )
    usuario_sem_dados = _usuario_sem_dados_pessoais(ra)
    client.force_login(usuario_sem_dados)
    pagina = client.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()
    assert 'id="avisos-previsao"' in pagina
    aviso = pagina[pagina.index('id="avisos-previsao"') :]
    aviso = aviso[: aviso.index("</dd>")]
    assert "Encerramento executado" in aviso
    assert "+55 81 9****-0001" in aviso and "+55 81 9****-0002" in aviso
    assert "99999-0001" not in aviso  # masked for who may not see personal data
    assert "não avisa o encerramento sem execução" in aviso
    assert "não há e-mail do solicitante" in aviso
    # What the page promised is what closing sends.
    _encerrar(ra, atendente, motivos[Tipo.EXECUTADO])
    assert Mensagem.objects.filter(evento="ra_atendido").count() == 2
    pagina = client.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()
    assert 'id="avisos-previsao"' not in pagina  # closed: the timeline tells what went


def _usuario_sem_dados_pessoais(ra):
    from tests.factories import UsuarioFactory

    return UsuarioFactory(username="leitor", unidade=ra.unidade_atual)


def test_confirmacao_do_contato_diz_se_o_protocolo_foi_por_sms(client, ra, atendente):
    from django.urls import reverse

    client.force_login(atendente)
    com = registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Vizinho", solicitante_telefone="81988880002"
    )
    pagina = client.get(reverse("atendimento:contato_confirmacao", args=[com.pk])).content
    assert 'data-sms-protocolo="criado"' in pagina.decode()
    assert "+5581988880002" in pagina.decode()  # the attendant may see personal data
    fixo = registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Loja", solicitante_telefone="8133334444"
    )
    pagina = client.get(reverse("atendimento:contato_confirmacao", args=[fixo.pk])).content
    assert "fixo; o SMS só vai para celular" in pagina.decode()


def test_linha_do_tempo_diz_quando_sai_a_mensagem_que_espera_e_a_que_falhou(ra, atendente):
    import datetime

    from django.utils import timezone

    from atendimento.selectors.linha_do_tempo import linha_do_tempo

    msg = _publica(ra, atendente, "A equipe passa amanha.")
    sms = _sms_da_mensagem(msg)
    manha = timezone.localtime() + datetime.timedelta(hours=3)
    Mensagem.objects.filter(pk=sms.pk).update(proxima_tentativa_em=manha)
    [item] = [i for i in linha_do_tempo(ra, usuario=atendente) if i.tipo == "mensagem"]
    assert item.entregas[0]["texto"] == (
        f"A enviar por SMS para (81) 99999-0001 (a partir de {manha:%d/%m %H:%M})"
    )
    Mensagem.objects.filter(pk=sms.pk).update(status="falhou", erro_texto="Número inexistente.")
    [item] = [i for i in linha_do_tempo(ra, usuario=atendente) if i.tipo == "mensagem"]
    assert item.entregas[0] == {
        "texto": "Não enviada por SMS para (81) 99999-0001: Número inexistente.",
        "classe": "text-danger",
        "status": "falhou",
    }
