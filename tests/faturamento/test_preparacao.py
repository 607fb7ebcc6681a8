"""Preparing bill messages (issue 11, build items 7 and 8): eligibility, texts, counts,
re-runs, cancel, and the portable (non-COPY) path."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cadastro.models import ClienteImovel
from faturamento import textos
from faturamento.febraban import Gerador, anexar_linha
from faturamento.models import Conta, Envio, MensagemFaturamento, Processo
from faturamento.services import preparacao
from faturamento.services.processos import (
    Execucao,
    processo_criar,
    processo_executar,
)
from mensageria import texto as texto_sms
from tests.factories import ClienteFactory, ClienteImovelFactory, TelefoneFactory

pytestmark = pytest.mark.django_db

REF = 202612
SMS_MODELO = "{NOME}, sua conta {MATRICULA} vence em {VENCIMENTO}: R$ {VALOR}."
EMAIL_MODELO = "Prezado(a) {NOME},\nsua conta de R$ {VALOR} vence em {VENCIMENTO}."
ASSUNTO_MODELO = "Conta {MATRICULA} — vence {VENCIMENTO}"


def hoje():
    return timezone.localdate()


def modelo(**campos) -> MensagemFaturamento:
    dados = {
        "referencia_inicial": 202601,
        "dias_antes": 5,
        "max_tentativas_email": 4,
        "valor_minimo": Decimal("10.00"),
        "categorias": ["residencial", "comercial"],
        "texto_sms": SMS_MODELO,
        "assunto_email": ASSUNTO_MODELO,
        "texto_email": EMAIL_MODELO,
    }
    dados.update(campos)
    return MensagemFaturamento.objects.create(**dados)


def imovel_com_cliente(
    *,
    nome="Ana Souza",
    recebe_sms=True,
    recebe_email=True,
    email="ana@example.com",
    celular=True,
    celular_sms=True,
):
    cliente = ClienteFactory(
        nome=nome, recebe_sms=recebe_sms, recebe_email=recebe_email, email=email
    )
    if celular:
        TelefoneFactory(cliente=cliente, ddd="81", sms=celular_sms)
    return ClienteImovelFactory(cliente=cliente).imovel


def conta(imovel, **campos) -> Conta:
    dados = {
        "referencia": REF,
        "vencimento": hoje() + datetime.timedelta(days=20),
        "valor": Decimal("123.45"),
        "categoria": "residencial",
    }
    dados.update(campos)
    return Conta.objects.create(imovel=imovel, **dados)


def executar(referencia=REF, tipo=Processo.Tipo.PREPARAR_FATURAMENTO) -> Processo:
    processo = processo_criar(tipo, referencia=referencia)
    return processo_executar(processo.pk)


def envios(conta_, canal):
    return list(Envio.objects.filter(conta=conta_, canal=canal))


class TestSemMensagemVigente:
    def test_falha_com_motivo_quando_nao_ha_mensagem_vigente(self):
        conta(imovel_com_cliente())
        retirada = modelo()
        MensagemFaturamento.objects.filter(pk=retirada.pk).update(vigente=False)

        processo = executar()

        assert processo.situacao == Processo.Situacao.FALHOU
        assert "Não há mensagem de faturamento vigente para a referência 12/2026." in processo.erro
        assert not Envio.objects.exists()

    def test_falha_quando_a_vigente_comeca_depois_da_referencia(self):
        conta(imovel_com_cliente())
        modelo(referencia_inicial=202701)

        processo = executar()

        assert processo.situacao == Processo.Situacao.FALHOU
        assert "para a referência 12/2026" in processo.erro
        assert not Envio.objects.exists()

    def test_falha_quando_a_mensagem_nao_tem_texto(self):
        conta(imovel_com_cliente())
        modelo(texto_sms="", texto_email="")

        processo = executar()

        assert processo.situacao == Processo.Situacao.FALHOU
        assert "não tem texto de SMS nem de e-mail" in processo.erro


class TestElegibilidade:
    """One setup with a bill of every kind: the ones that must get messages and the
    ones that must be left out, each for its reason."""

    @pytest.fixture
    def contas(self):
        modelo()
        c = {
            "ok": conta(imovel_com_cliente(nome="Ana Souza")),
            "abaixo": conta(imovel_com_cliente(), valor=Decimal("9.99")),
            "no_minimo": conta(imovel_com_cliente(), valor=Decimal("10.00")),
            "industrial": conta(imovel_com_cliente(), categoria="industrial"),
            "vencida": conta(imovel_com_cliente(), vencimento=hoje() - datetime.timedelta(1)),
            "sem_consent_sms": conta(imovel_com_cliente(recebe_sms=False)),
            "sem_consent_email": conta(imovel_com_cliente(recebe_email=False)),
            "sem_celular": conta(imovel_com_cliente(celular=False)),
            "celular_sem_sms": conta(imovel_com_cliente(celular_sms=False)),
            "sem_email": conta(imovel_com_cliente(email="")),
            "outra_ref": conta(imovel_com_cliente(), referencia=202611),
            "paga": conta(imovel_com_cliente(), situacao=Conta.Situacao.PAGA),
            "cancelada": conta(imovel_com_cliente(), situacao=Conta.Situacao.CANCELADA),
        }
        # Only a proprietário, and a usuário whose link ended: no cliente usuário.
        proprietario = ClienteImovelFactory(relacao=ClienteImovel.Relacao.PROPRIETARIO)
        ClienteImovelFactory(
            imovel=proprietario.imovel,
            data_inicio=datetime.date(2020, 1, 1),
            data_fim=datetime.date(2021, 1, 1),
        )
        c["sem_usuario"] = conta(proprietario.imovel)
        return c

    def test_gera_so_para_os_elegiveis_e_conta_os_motivos(self, contas):
        processo = executar()

        assert processo.situacao == Processo.Situacao.CONCLUIDO, processo.erro
        com_sms = {e.conta_id for e in Envio.objects.filter(canal="sms")}
        com_email = {e.conta_id for e in Envio.objects.filter(canal="email")}
        ids = {k: v.pk for k, v in contas.items()}
        assert com_sms == {ids["ok"], ids["no_minimo"], ids["sem_consent_email"], ids["sem_email"]}
        assert com_email == {
            ids["ok"],
            ids["no_minimo"],
            ids["sem_consent_sms"],
            ids["sem_celular"],
            ids["celular_sem_sms"],
        }
        assert processo.total == 11  # open bills of the referência
        assert processo.processados == 11
        assert processo.contadores["selecionadas"] == 11
        assert processo.contadores["geradas"] == {"sms": 4, "email": 5}
        assert processo.contadores["ignoradas"] == {
            preparacao.IGNORADA_VALOR_MINIMO: 1,
            preparacao.IGNORADA_CATEGORIA: 1,
            preparacao.IGNORADA_VENCIDA: 1,
            preparacao.IGNORADA_SEM_USUARIO: 1,
            preparacao.IGNORADA_SEM_CONSENTIMENTO_SMS: 1,
            preparacao.IGNORADA_SEM_CONSENTIMENTO_EMAIL: 1,
            preparacao.IGNORADA_SEM_CELULAR: 2,
            preparacao.IGNORADA_SEM_EMAIL: 1,
        }
        assert Envio.objects.filter(processo=processo).count() == 9

    def test_cliente_sem_consentimento_nunca_recebe(self, contas):
        executar()

        assert not envios(contas["sem_consent_sms"], "sms")
        assert not envios(contas["sem_consent_email"], "email")

    def test_textos_datas_e_destinos(self, contas):
        processo = executar()

        c = contas["ok"]
        sms, email = envios(c, "sms")[0], envios(c, "email")[0]
        matricula = c.imovel.matricula
        valores = textos.valores_conta(
            matricula=matricula, nome="Ana Souza", vencimento=c.vencimento, valor=c.valor
        )
        linha = Gerador().linha_conta(matricula, REF, c.valor)
        assert sms.texto == anexar_linha(textos.renderizar(SMS_MODELO, valores), linha)
        assert sms.texto.startswith(f"Ana Souza, sua conta {valores['MATRICULA']} vence em ")
        assert "R$ 123,45." in sms.texto
        telefone = c.imovel.vinculos.get().cliente.telefones.get()
        assert sms.destino == telefone.e164
        assert sms.destino.startswith("+5581")
        assert sms.assunto == ""
        assert sms.enviar_em == c.vencimento - datetime.timedelta(days=5)
        assert sms.limite == c.vencimento
        assert sms.situacao == Envio.Situacao.PREPARADA
        assert sms.processo_id == processo.pk
        assert sms.criado_em is not None

        assert email.destino == "ana@example.com"
        assert email.assunto == textos.renderizar(ASSUNTO_MODELO, valores)
        assert email.texto.startswith(textos.renderizar(EMAIL_MODELO, valores))
        assert f"Linha digitável: {linha}" in email.texto
        assert email.max_tentativas == 4
        assert email.enviar_em == sms.enviar_em
        assert email.limite == c.vencimento

    def test_caminho_portavel_da_o_mesmo_resultado(self, contas, monkeypatch):
        """The keyset + bulk_create path (SQLite, ``make run``), run here on PostgreSQL."""
        monkeypatch.setattr(preparacao, "_postgresql", lambda: False)
        monkeypatch.setattr(preparacao, "LOTE", 3)

        processo = executar()

        assert processo.situacao == Processo.Situacao.CONCLUIDO, processo.erro
        assert processo.contadores["geradas"] == {"sms": 4, "email": 5}
        assert processo.contadores["selecionadas"] == 11
        c = contas["ok"]
        linha = Gerador().linha_conta(c.imovel.matricula, REF, c.valor)
        assert envios(c, "sms")[0].texto.endswith(linha)


class TestSoUmCanal:
    def test_sem_texto_de_email_so_gera_sms(self):
        modelo(texto_email="", assunto_email="")
        c = conta(imovel_com_cliente())

        processo = executar()

        assert [e.canal for e in Envio.objects.filter(conta=c)] == ["sms"]
        assert processo.contadores["geradas"] == {"sms": 1, "email": 0}

    def test_sem_texto_de_sms_so_gera_email(self):
        modelo(texto_sms="")
        c = conta(imovel_com_cliente(recebe_email=False))
        conta(imovel_com_cliente())

        processo = executar()

        assert list(Envio.objects.values_list("canal", flat=True)) == ["email"]
        assert not Envio.objects.filter(conta=c).exists()
        assert processo.contadores["ignoradas"] == {preparacao.IGNORADA_SEM_CONSENTIMENTO_EMAIL: 1}


class TestCaracteresDeControle:
    def test_0x1a_no_nome_nao_corta_o_sms(self):
        modelo()
        c = conta(imovel_com_cliente(nome="Jo\x1aão\x1b da\x7f Silva"))

        executar()

        sms = envios(c, "sms")[0]
        email = envios(c, "email")[0]
        for envio in (sms, email):
            assert not any(ord(ch) < 32 and ch != "\n" for ch in envio.texto), envio.texto
        assert sms.texto.startswith("João da Silva, sua conta ")
        linha = Gerador().linha_conta(c.imovel.matricula, REF, c.valor)
        assert sms.texto.endswith(f"\n{linha}")
        # What the mensageria will send is the whole text, nothing cut.
        assert texto_sms.preparar(sms.texto).texto == sms.texto


class TestReexecucao:
    def test_segunda_execucao_nao_duplica_e_conta_ja_preparadas(self):
        modelo()
        a = conta(imovel_com_cliente())
        b = conta(imovel_com_cliente(recebe_email=False))
        primeira = executar()
        assert primeira.contadores["geradas"] == {"sms": 2, "email": 1}

        # b's cliente now accepts e-mail: only the missing e-mail is prepared.
        cliente_b = b.imovel.vinculos.get().cliente
        cliente_b.recebe_email = True
        cliente_b.save()
        segunda = executar()

        assert segunda.situacao == Processo.Situacao.CONCLUIDO, segunda.erro
        assert Envio.objects.filter(conta=a).count() == 2
        assert [e.processo_id for e in envios(b, "email")] == [segunda.pk]
        assert segunda.contadores["geradas"] == {"sms": 0, "email": 1}
        assert segunda.contadores["ignoradas"] == {preparacao.IGNORADA_JA_PREPARADA: 3}
        assert segunda.processados == segunda.total == 2
        assert segunda.contadores["selecionadas"] == 2

        terceira = executar()
        assert terceira.contadores["geradas"] == {"sms": 0, "email": 0}
        assert terceira.contadores["ignoradas"] == {preparacao.IGNORADA_JA_PREPARADA: 4}
        assert terceira.processados == 2
        assert Envio.objects.count() == 4


class TestCancelamento:
    def test_cancelar_entre_lotes_guarda_o_lote_feito(self, monkeypatch):
        modelo(texto_email="")
        contas = [conta(imovel_com_cliente()) for _ in range(5)]
        monkeypatch.setattr(preparacao, "LOTE", 2)
        original = Execucao.avancar
        chamadas = []

        def avancar(self, processados=0, **contadores):
            chamadas.append(processados)
            if processados:  # a chunk was done: someone asks to cancel now
                Processo.objects.filter(pk=self.processo.pk).update(
                    cancelamento_pedido_em=timezone.now()
                )
            return original(self, processados, **contadores)

        monkeypatch.setattr(Execucao, "avancar", avancar)

        processo = executar()

        assert processo.situacao == Processo.Situacao.CANCELADO
        assert chamadas == [0, 2]
        assert processo.processados == 2
        assert sorted(Envio.objects.values_list("conta_id", flat=True)) == [
            contas[0].pk,
            contas[1].pk,
        ]

        monkeypatch.setattr(Execucao, "avancar", original)
        outra = executar()
        assert outra.situacao == Processo.Situacao.CONCLUIDO
        assert Envio.objects.count() == 5
        assert outra.contadores["geradas"] == {"sms": 3, "email": 0}
        assert outra.contadores["ignoradas"] == {preparacao.IGNORADA_JA_PREPARADA: 2}
