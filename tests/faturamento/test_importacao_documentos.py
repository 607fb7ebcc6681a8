"""CSV import of collection documents: the header ``documento;…`` picks the format."""

import datetime
from decimal import Decimal

import pytest

from faturamento.models import AcaoCobranca, DocumentoCobranca, Envio, Processo
from faturamento.services.importacao import ArquivoRecusado, importar_arquivo
from mensageria.models import Mensagem
from tests.factories import ImovelFactory, matricula_com_digito

pytestmark = pytest.mark.django_db

CABECALHO = "documento;matricula;acao;emissao;validade;valor;situacao;pagamento"


def escrever(tmp_path, linhas, nome="documentos.csv"):
    caminho = tmp_path / nome
    caminho.write_text("\n".join([CABECALHO, *linhas]) + "\n", encoding="utf-8")
    return caminho


@pytest.fixture
def acoes():
    return (
        AcaoCobranca.objects.create(descricao="Aviso de débito", por_sms=True, texto_sms="Aviso"),
        AcaoCobranca.objects.create(descricao="Corte", por_email=True, max_tentativas_email=2),
    )


def test_importa_documentos_e_rejeita_os_invalidos(tmp_path, acoes):
    aviso, corte = acoes
    a, b = ImovelFactory(), ImovelFactory()
    caminho = escrever(
        tmp_path,
        [
            f"1001;{matricula_com_digito(a)};AVISO DE DEBITO;01/12/2026;20/12/2026;80,00;em_aberto;",
            f"1002;{b.matricula};{corte.pk};2026-12-01;2026-12-31;15.5;paga;10/12/2026",
            f"1003;{a.matricula};Notificação;01/12/2026;20/12/2026;1,00;em_aberto;",
            f"1004;{a.matricula};Corte;20/12/2026;01/12/2026;1,00;em_aberto;",
            f"1001;{b.matricula};Corte;01/12/2026;20/12/2026;1,00;em_aberto;",
            f"abc;{a.matricula};Corte;01/12/2026;20/12/2026;1,00;em_aberto;",
            f"1005;{a.matricula};Corte;01/12/2026;20/12/2026;1,00;paga;",
            f"1006;{a.matricula};Corte;01/12/2026;20/12/2026;-1,00;em_aberto;",
        ],
    )

    relatorio = importar_arquivo(caminho)

    assert (relatorio.tipo, relatorio.lidas, relatorio.inseridas, relatorio.rejeitadas) == (
        "documentos",
        8,
        2,
        6,
    )
    motivos = {r.linha: r.motivo for r in relatorio.rejeicoes}
    assert motivos[4] == "ação de cobrança desconhecida: “Notificação”"
    assert "validade 01/12/2026 anterior à emissão 20/12/2026" in motivos[5]
    assert "documento repetido" in motivos[6] and "linha 2" in motivos[6]
    assert "número do documento inválido" in motivos[7]
    assert "documento pago sem a data de pagamento" in motivos[8]
    assert "valor negativo" in motivos[9]
    primeiro = DocumentoCobranca.objects.get(numero=1001)
    assert (primeiro.imovel, primeiro.acao, primeiro.valor, primeiro.validade) == (
        a,
        aviso,
        Decimal("80.00"),
        datetime.date(2026, 12, 20),
    )
    pago = DocumentoCobranca.objects.get(numero=1002)
    assert (pago.acao, pago.situacao, pago.pago_em) == (corte, "paga", datetime.date(2026, 12, 10))
    assert "Documentos de cobrança inseridos: 2" in relatorio.linhas()


def test_segunda_vez_nada_muda_e_o_pagamento_dispensa_as_mensagens(tmp_path, acoes):
    a = ImovelFactory()
    linha = f"2001;{a.matricula};Aviso de débito;01/12/2026;20/12/2026;80,00;em_aberto;"
    caminho = escrever(tmp_path, [linha])
    importar_arquivo(caminho)
    documento = DocumentoCobranca.objects.get()
    processo = Processo.objects.create(tipo=Processo.Tipo.PREPARAR_COBRANCA)
    mensagem = Mensagem.objects.create(destino="+5581999990000", texto="Aviso")
    envio = Envio.objects.create(
        processo=processo,
        documento=documento,
        canal="sms",
        destino="+5581999990000",
        texto="Aviso",
        enviar_em=datetime.date(2026, 12, 2),
        limite=datetime.date(2026, 12, 20),
        mensagem=mensagem,
        situacao=Envio.Situacao.TRANSMITIDA,
    )

    de_novo = importar_arquivo(caminho)
    pagamento = importar_arquivo(
        escrever(
            tmp_path,
            [f"2001;{a.matricula};Aviso de débito;01/12/2026;20/12/2026;80,00;paga;05/12/2026"],
            nome="pagos.csv",
        )
    )

    assert (de_novo.inseridas, de_novo.atualizadas, de_novo.inalteradas) == (0, 0, 1)
    assert (pagamento.atualizadas, pagamento.mensagens_descartadas) == (1, 1)
    documento.refresh_from_db()
    mensagem.refresh_from_db()
    envio.refresh_from_db()
    assert documento.situacao == "paga"
    assert mensagem.status == Mensagem.Status.DESCARTADA
    assert mensagem.historico.last().observacao == "Descartada: documento pago"
    assert envio.situacao == Envio.Situacao.DISPENSADA


def test_cabecalho_de_documentos_incompleto(tmp_path, acoes):
    caminho = tmp_path / "doc.csv"
    caminho.write_text("documento;matricula;acao;valor\n")

    with pytest.raises(ArquivoRecusado, match="Faltam colunas no cabeçalho: emissao, validade"):
        importar_arquivo(caminho)
