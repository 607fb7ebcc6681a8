"""The real e-mail pipeline: PostgreSQL, Redis, a Celery worker subprocess on the
``email`` queue, Django's SMTP backend and a real SMTP server on loopback (aiosmtpd)."""

import pytest
from django.conf import settings

from mensageria import services
from mensageria.models import Mensagem, Parametros
from mensageria.services.mensagens import FILA_EMAIL, _publicar

from . import integracao
from .integracao import esperar, esperar_status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(servidor_smtp, worker_email):
    return servidor_smtp


def criar(destino="joao.silva@exemplo.com.br", **kw):
    dados = {
        "assunto": "Protocolo 20261000000001",
        "texto": "Sua solicitação foi registrada.",
        "evento": Mensagem.Evento.RA_ABERTO,
    }
    dados.update(kw)
    return services.mensagem_email_criar(destino=destino, **dados)


def parametros(**campos):
    p = Parametros.atuais()
    for nome, valor in campos.items():
        setattr(p, nome, valor)
    p.save()


def test_email_chega_ao_servidor_com_texto_e_html(smtp):
    m = esperar_status(criar(texto_html="<p>Sua solicitação foi <b>registrada</b>.</p>").pk)
    assert m.status == "enviada" and m.tentativas == 1 and m.enviada_em
    [recebida] = smtp.mensagens
    assert recebida.destinos == ["joao.silva@exemplo.com.br"]
    assert recebida.remetente == settings.DEFAULT_FROM_EMAIL
    assert recebida.assunto == "Protocolo 20261000000001"
    assert recebida.corpo("plain").strip() == "Sua solicitação foi registrada."
    assert recebida.corpo("html").strip() == "<p>Sua solicitação foi <b>registrada</b>.</p>"
    assert recebida.message_id == f"<mensagem.{m.pk}@localhost>"


def test_endereco_invalido_fica_falhou_e_nada_sai(smtp):
    invalida = criar(destino="joao.silva@", recusar_invalida=False)
    valida = criar(destino="maria@exemplo.com")
    assert esperar_status(valida.pk).status == "enviada"
    invalida.refresh_from_db()
    assert invalida.status == "falhou" and invalida.erro_classe == "email"
    assert invalida.erro_texto == "O endereço de e-mail “joao.silva@” não é válido."
    assert [r.destinos for r in smtp.mensagens] == [["maria@exemplo.com"]]


def test_servidor_fora_do_ar_e_de_volta_cada_email_sai_uma_vez(smtp):
    parametros(email_max_tentativas=30)
    smtp.parar()
    destinos = [f"cidadao{i}@exemplo.com" for i in range(12)]
    ids = [criar(destino=d).pk for d in destinos]
    qs = Mensagem.objects.filter(pk__in=ids)
    # Every one tried at least twice while the server was down, and still waiting.
    esperar(
        lambda: qs.filter(status="pendente", tentativas__gte=2).count() == len(ids),
        limite=60,
        mensagem="todas tentadas com o servidor fora do ar",
    )
    assert all(m.erro_texto.startswith("Sem conexão com o servidor de e-mail") for m in qs)
    assert smtp.textos_recebidos == 0
    smtp.iniciar()
    esperar(
        lambda: qs.filter(status="enviada").count() == len(ids),
        limite=120,
        mensagem="todas enviadas depois da volta",
    )
    assert sorted(d for r in smtp.mensagens for d in r.destinos) == sorted(destinos)
    assert smtp.textos_recebidos == len(ids)  # exactly once each
    assert len({r.message_id for r in smtp.mensagens}) == len(ids)


def test_recusa_5xx_falha_de_imediato_com_a_resposta_do_servidor(smtp):
    smtp.recusar("inexistente@exemplo.com", "550 5.1.1 Caixa postal inexistente")
    m = esperar_status(criar(destino="inexistente@exemplo.com").pk)
    assert m.status == "falhou" and m.tentativas == 1
    assert m.erro_classe == "smtp" and m.erro_codigo == 550
    assert m.erro_texto == "O servidor de e-mail recusou: 550 5.1.1 Caixa postal inexistente"
    smtp.responder("554 5.7.1 Mensagem recusada como spam")
    m = esperar_status(criar(destino="maria@exemplo.com").pk)
    assert m.status == "falhou" and m.tentativas == 1 and m.erro_codigo == 554
    assert m.erro_texto == "O servidor de e-mail recusou: 554 5.7.1 Mensagem recusada como spam"
    assert smtp.mensagens == []


def test_recusa_5xx_corrigida_pelo_supervisor_sai_para_o_novo_endereco(smtp, supervisor):
    smtp.recusar("joao.silv@exemplo.com.br")
    m = esperar_status(criar(destino="joao.silv@exemplo.com.br").pk)
    assert m.status == "falhou"
    services.mensagem_reenviar(mensagem=m, usuario=supervisor, destino="joao.silva@exemplo.com.br")
    m = esperar_status(m.pk, "enviada")
    assert [r.destinos for r in smtp.mensagens] == [["joao.silva@exemplo.com.br"]]


def test_4xx_tenta_de_novo_com_espera_e_envia(smtp):
    smtp.responder("451 4.3.0 Tente mais tarde", vezes=2)
    m = esperar_status(criar().pk, {"enviada", "falhou", "incerta"})
    assert m.status == "enviada" and m.tentativas == 3
    observacoes = list(m.historico.values_list("observacao", flat=True))
    assert sum("pediu para tentar mais tarde: 451 4.3.0" in o for o in observacoes) == 2
    assert len(smtp.mensagens) == 1 and smtp.textos_recebidos == 3


def test_4xx_ate_o_maximo_de_tentativas_falha(smtp):
    parametros(email_max_tentativas=2)
    smtp.responder("452 4.2.2 Caixa cheia", vezes=5, fase="rcpt")
    m = esperar_status(criar().pk, {"falhou", "enviada"})
    assert m.status == "falhou" and m.tentativas == 2 and m.erro_codigo == 452
    assert "falhou em 2 tentativas" in m.historico.last().observacao
    assert smtp.mensagens == []


def test_conexao_caida_depois_do_texto_fica_incerta_e_nao_e_reenviada(smtp):
    smtp.cair_apos_dados()
    m = esperar_status(criar().pk)
    assert m.status == "incerta" and m.erro_classe == "incerto"
    assert "pode ter sido entregue" in m.erro_texto
    outra = esperar_status(criar(destino="maria@exemplo.com").pk)
    assert outra.status == "enviada"
    services.mensagens_varrer()
    m.refresh_from_db()
    assert m.status == "incerta"
    assert smtp.textos_recebidos == 2 and [r.destinos for r in smtp.mensagens] == [
        ["maria@exemplo.com"]
    ]


def test_tarefas_duplicadas_enviam_uma_vez(smtp, worker_email):
    antes = integracao.tarefas_concluidas(worker_email)
    m = criar()
    for _ in range(3):
        _publicar(m.pk, FILA_EMAIL)
    esperar(
        lambda: integracao.tarefas_concluidas(worker_email) >= antes + 4,
        mensagem="as quatro tarefas concluídas",
    )
    assert esperar_status(m.pk).status == "enviada"
    assert len(smtp.mensagens) == 1


def test_email_criado_com_broker_fora_do_ar_sai_pela_varredura(smtp):
    with integracao.broker_fora_do_ar():
        m = criar()
    m.refresh_from_db()
    assert m.enfileirada_em is None and m.status == "pendente"
    assert services.mensagens_varrer()["enfileiradas"] == 1
    assert esperar_status(m.pk).status == "enviada"
    assert len(smtp.mensagens) == 1
