"""CSV import of bills and payments (services.importacao), on PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cadastro.validators import digito_modulo11
from faturamento.models import Conta, Envio, Processo
from faturamento.services import importacao
from faturamento.services.importacao import ArquivoRecusado, importar_arquivo
from faturamento.services.processos import Execucao, processo_criar, processo_executar
from mensageria.models import Mensagem
from tests.factories import ImovelFactory, matricula_com_digito

pytestmark = pytest.mark.django_db

CABECALHO = "matricula;referencia;vencimento;valor;categoria;situacao;pagamento"


def escrever(tmp_path, linhas, *, nome="contas.csv", codificacao="utf-8", bom=False):
    caminho = tmp_path / nome
    texto = "\n".join([CABECALHO, *linhas]) + "\n"
    dados = texto.encode(codificacao)
    if bom:
        dados = b"\xef\xbb\xbf" + dados
    caminho.write_bytes(dados)
    return caminho


@pytest.fixture
def imoveis():
    return [ImovelFactory() for _ in range(3)]


def motivos(relatorio):
    return {r.linha: r.motivo for r in relatorio.rejeicoes}


def test_importa_contas_validas_e_rejeita_as_invalidas_sem_bloquear(tmp_path, imoveis):
    a, b, c = imoveis
    caminho = escrever(
        tmp_path,
        [
            f"{matricula_com_digito(a)};202612;10/01/2027;123,45;residencial;em_aberto;",
            f"{a.matricula};11/2026;2026-12-10;99.90;Pública;aberta;",
            f"{b.matricula};202612;10/01/2027;10;comercial;paga;05/01/2027",
            f"{c.matricula};202612;31/02/2027;10,00;residencial;em_aberto;",  # bad date
            f"{c.matricula};202611;10/01/2027;-5,00;residencial;em_aberto;",  # negative
            "99999999;202612;10/01/2027;5,00;residencial;em_aberto;",  # unknown
            f"{a.matricula};202612;10/01/2027;1,00;residencial;em_aberto;",  # repeated
            f"{c.matricula};202613;10/01/2027;1,00;residencial;em_aberto;",  # ref range
            f"{c.matricula};199912;10/01/2027;1,00;residencial;em_aberto;",  # ref range
            f"{c.matricula};202610;10/01/2027;1000000000,00;residencial;em_aberto;",  # big
            f"{c.matricula};202609;10/01/2027;1,00;residen\x1acial;em_aberto;",  # control
            f"{c.matricula};202608;10/01/2027;1,00;residencial;paga;",  # paga no date
            f"{c.matricula};202607;10/01/2027;1,00;rural;em_aberto;",  # categoria
            f"{c.matricula};202606;10/01/2027;1,00;residencial;vencida;",  # situacao
            f"{a.matricula}-0;202606;10/01/2027;1,00;residencial;em_aberto;"
            if digito_modulo11(a.matricula) != 0
            else f"{a.matricula}-1;202606;10/01/2027;1,00;residencial;em_aberto;",  # bad DV
            f"{c.matricula};202605;10/01/2027;1,00;residencial",  # columns
        ],
    )

    relatorio = importar_arquivo(caminho)

    assert (relatorio.lidas, relatorio.inseridas, relatorio.rejeitadas) == (16, 3, 13)
    assert relatorio.atualizadas == relatorio.inalteradas == 0
    m = motivos(relatorio)
    assert "data inexistente" in m[5] and "vencimento" in m[5]
    assert "valor negativo" in m[6]
    assert "matrícula desconhecida: 99999999" in m[7]
    assert "repetida" in m[8] and "linha 2" in m[8]
    assert "referência fora do intervalo" in m[9]
    assert "referência fora do intervalo" in m[10]
    assert "grande demais para o código de barras" in m[11]
    assert m[12] == "caractere de controle 0x1A na coluna “categoria”"
    assert "sem a data de pagamento" in m[13]
    assert "categoria desconhecida" in m[14]
    assert "situação desconhecida" in m[15]
    assert "dígito verificador" in m[16]
    assert "colunas" in m[17]

    nova = Conta.objects.get(imovel=a, referencia=202612)
    assert (nova.vencimento, nova.valor, nova.situacao, nova.categoria) == (
        datetime.date(2027, 1, 10),
        Decimal("123.45"),
        "em_aberto",
        "residencial",
    )
    publica = Conta.objects.get(imovel=a, referencia=202611)
    assert (publica.categoria, publica.valor, publica.vencimento) == (
        "publica",
        Decimal("99.90"),
        datetime.date(2026, 12, 10),
    )
    paga = Conta.objects.get(imovel=b)
    assert (paga.situacao, paga.pago_em) == ("paga", datetime.date(2027, 1, 5))
    assert Conta.objects.count() == 3


def test_o_mesmo_arquivo_duas_vezes_nao_muda_nada(tmp_path, imoveis):
    linhas = [
        f"{i.matricula};202612;10/01/2027;{n + 1},50;residencial;em_aberto;"
        for n, i in enumerate(imoveis)
    ]
    caminho = escrever(tmp_path, linhas)
    primeiro = importar_arquivo(caminho)
    antes = {c.pk: c.atualizada_em for c in Conta.objects.all()}

    segundo = importar_arquivo(caminho)

    assert (primeiro.inseridas, primeiro.inalteradas) == (3, 0)
    assert (segundo.lidas, segundo.inseridas, segundo.atualizadas, segundo.inalteradas) == (
        3,
        0,
        0,
        3,
    )
    assert {c.pk: c.atualizada_em for c in Conta.objects.all()} == antes


def _envio(conta, processo, canal, *, mensagem=None, situacao=Envio.Situacao.PREPARADA):
    return Envio.objects.create(
        processo=processo,
        conta=conta,
        canal=canal,
        destino="+5581999990000" if canal == "sms" else "a@example.com",
        texto="Sua conta vence em breve",
        enviar_em=datetime.date(2027, 1, 5),
        limite=datetime.date(2027, 1, 10),
        mensagem=mensagem,
        situacao=situacao,
    )


def test_arquivo_de_pagamentos_marca_pagas_e_dispensa_envios_e_mensagens(tmp_path, imoveis):
    a, b, c = imoveis
    linhas = [f"{i.matricula};202612;10/01/2027;50,00;residencial;em_aberto;" for i in imoveis]
    importar_arquivo(escrever(tmp_path, linhas))
    conta_a, conta_b, conta_c = (Conta.objects.get(imovel=i) for i in imoveis)
    processo = Processo.objects.create(tipo=Processo.Tipo.PREPARAR_FATURAMENTO)
    preparada_a = _envio(conta_a, processo, "email")
    pendente = Mensagem.objects.create(destino="+5581999990000", texto="Sua conta")
    envio_pendente = _envio(
        conta_a, processo, "sms", mensagem=pendente, situacao=Envio.Situacao.TRANSMITIDA
    )
    falhou = Mensagem.objects.create(
        destino="+5581999990001", texto="Sua conta", status=Mensagem.Status.FALHOU
    )
    _envio(conta_b, processo, "sms", mensagem=falhou, situacao=Envio.Situacao.TRANSMITIDA)
    enviada = Mensagem.objects.create(
        destino="+5581999990002", texto="Sua conta", status=Mensagem.Status.ENVIADA
    )
    _envio(conta_b, processo, "email", mensagem=enviada, situacao=Envio.Situacao.TRANSMITIDA)
    preparada_c = _envio(conta_c, processo, "sms")  # c stays em aberto

    pagamentos = escrever(
        tmp_path,
        [
            f"{a.matricula};202612;10/01/2027;50,00;residencial;paga;08/01/2027",
            f"{b.matricula};202612;10/01/2027;50,00;residencial;cancelada;",
            f"{c.matricula};202612;10/01/2027;50,00;residencial;em aberto;",
        ],
        nome="pagamentos.csv",
    )
    relatorio = importar_arquivo(pagamentos)

    assert (relatorio.atualizadas, relatorio.inalteradas, relatorio.inseridas) == (2, 1, 0)
    conta_a.refresh_from_db()
    assert (conta_a.situacao, conta_a.pago_em) == ("paga", datetime.date(2027, 1, 8))
    assert Conta.objects.get(imovel=b).situacao == "cancelada"
    preparada_a.refresh_from_db()
    envio_pendente.refresh_from_db()
    preparada_c.refresh_from_db()
    assert preparada_a.situacao == envio_pendente.situacao == Envio.Situacao.DISPENSADA
    assert preparada_c.situacao == Envio.Situacao.PREPARADA
    pendente.refresh_from_db()
    falhou.refresh_from_db()
    enviada.refresh_from_db()
    assert pendente.status == falhou.status == Mensagem.Status.DESCARTADA
    assert enviada.status == Mensagem.Status.ENVIADA
    assert pendente.historico.last().observacao == "Descartada: conta paga"
    assert falhou.historico.last().observacao == "Descartada: conta cancelada"
    assert (relatorio.envios_dispensados, relatorio.mensagens_descartadas) == (3, 2)


def test_latin1_e_bom_sao_detectados(tmp_path, imoveis):
    a, b, _ = imoveis
    latin1 = escrever(
        tmp_path,
        [f"{a.matricula};202612;10/01/2027;1,00;pública;em_aberto;"],
        nome="latin1.csv",
        codificacao="latin-1",
    )
    bom = escrever(
        tmp_path,
        [f"{b.matricula};202612;10/01/2027;1,00;pública;em_aberto;"],
        nome="bom.csv",
        bom=True,
    )

    r1, r2 = importar_arquivo(latin1), importar_arquivo(bom)

    assert (r1.codificacao, r1.inseridas, r1.rejeitadas) == ("latin-1", 1, 0)
    assert (r2.codificacao, r2.inseridas, r2.rejeitadas) == ("utf-8", 1, 0)
    assert Conta.objects.filter(categoria="publica").count() == 2


def test_linha_em_outra_codificacao_num_arquivo_utf8_e_rejeitada(tmp_path, imoveis):
    a, b, _ = imoveis
    caminho = tmp_path / "misto.csv"
    caminho.write_bytes(
        (CABECALHO + "\n").encode()
        + f"{a.matricula};202612;10/01/2027;1,00;pública;em_aberto;\n".encode()
        + f"{b.matricula};202612;10/01/2027;1,00;pública;em_aberto;\n".encode("latin-1")
    )

    relatorio = importar_arquivo(caminho)

    assert (relatorio.inseridas, relatorio.rejeitadas) == (1, 1)
    assert "codificação inválida" in motivos(relatorio)[3]


@pytest.mark.parametrize(
    ("dados", "trecho"),
    [
        (CABECALHO.encode("utf-16"), "UTF-16"),
        (b"", "vazio"),
        (b"matricula;referencia;valor\n1;202612;1,00\n", "vencimento, categoria, situacao"),
        (b"matricula,referencia,vencimento\n", "separado por"),
    ],
)
def test_arquivo_recusado_inteiro(tmp_path, imoveis, dados, trecho):
    caminho = tmp_path / "ruim.csv"
    caminho.write_bytes(dados)

    with pytest.raises(ArquivoRecusado) as exc:
        importar_arquivo(caminho)

    assert trecho in str(exc.value)
    assert not Conta.objects.exists()


def test_falha_no_meio_nao_grava_nada(tmp_path, imoveis, monkeypatch):
    a, b, _ = imoveis
    importar_arquivo(
        escrever(tmp_path, [f"{a.matricula};202612;10/01/2027;50,00;residencial;em_aberto;"])
    )
    conta_a = Conta.objects.get()
    processo = Processo.objects.create(tipo=Processo.Tipo.PREPARAR_FATURAMENTO)
    preparada = _envio(conta_a, processo, "sms")
    original = importacao._mesclar

    def mesclar_e_quebrar(cursor, formato, relatorio):
        original(cursor, formato, relatorio)
        raise RuntimeError("queda no meio")

    monkeypatch.setattr(importacao, "_mesclar", mesclar_e_quebrar)
    caminho = escrever(
        tmp_path,
        [
            f"{a.matricula};202612;10/01/2027;50,00;residencial;paga;08/01/2027",
            f"{b.matricula};202612;10/01/2027;50,00;residencial;em_aberto;",
        ],
        nome="segundo.csv",
    )

    with pytest.raises(RuntimeError):
        importar_arquivo(caminho)

    conta_a.refresh_from_db()
    preparada.refresh_from_db()
    assert conta_a.situacao == "em_aberto"
    assert preparada.situacao == Envio.Situacao.PREPARADA
    assert Conta.objects.count() == 1
    # and the staging table is gone: the next import works
    monkeypatch.setattr(importacao, "_mesclar", original)
    assert importar_arquivo(caminho).atualizadas == 1


def test_matricula_com_e_sem_digito(tmp_path):
    imovel = ImovelFactory(matricula=10_012_345)
    dv = digito_modulo11(10_012_345)
    caminho = escrever(
        tmp_path,
        [
            f"10012345{dv};202601;10/02/2026;1,00;residencial;em_aberto;",
            f"10012345-{dv};202602;10/03/2026;1,00;residencial;em_aberto;",
            "10012345;202603;10/04/2026;1,00;residencial;em_aberto;",
            f"10012345{(dv + 1) % 10};202604;10/04/2026;1,00;residencial;em_aberto;",
        ],
    )

    relatorio = importar_arquivo(caminho)

    assert relatorio.inseridas == 3
    assert "dígito verificador" in motivos(relatorio)[5]
    assert set(imovel.contas.values_list("referencia", flat=True)) == {202601, 202602, 202603}


def test_etapa_do_processo_guarda_contagens_e_rejeicoes(tmp_path, imoveis):
    a, _, _ = imoveis
    caminho = escrever(
        tmp_path,
        [
            f"{a.matricula};202612;10/01/2027;1,00;residencial;em_aberto;",
            "123;202612;10/01/2027;1,00;residencial;em_aberto;",
        ],
    )
    processo = processo_criar(Processo.Tipo.IMPORTACAO, parametros={"arquivo": str(caminho)})

    processo = processo_executar(processo.pk)

    assert processo.situacao == Processo.Situacao.CONCLUIDO
    assert (processo.total, processo.processados) == (2, 2)
    assert processo.contadores["inseridas"] == 1
    assert processo.contadores["rejeitadas"] == 1
    assert processo.contadores["rejeicoes"] == [
        {"linha": 3, "motivo": "matrícula desconhecida: 123"}
    ]


def test_etapa_com_arquivo_recusado_falha_com_o_motivo(tmp_path, imoveis):
    caminho = tmp_path / "ruim.csv"
    caminho.write_bytes(b"matricula;valor\n")
    processo = processo_criar(Processo.Tipo.IMPORTACAO, parametros={"arquivo": str(caminho)})

    processo = processo_executar(processo.pk)

    assert processo.situacao == Processo.Situacao.FALHOU
    assert "Faltam colunas" in processo.erro
    assert "referencia" in processo.contadores["recusa"]


def test_comando_importa_e_imprime_o_relatorio(tmp_path, imoveis, capsys):
    a, _, _ = imoveis
    caminho = escrever(
        tmp_path,
        [
            f"{a.matricula};202612;10/01/2027;1,00;residencial;em_aberto;",
            f"{a.matricula};202612;10/01/2027;1,00;residencial;em_aberto;",
        ],
    )

    call_command("importar_contas", str(caminho))

    saida = capsys.readouterr().out
    assert "Contas inseridas: 1" in saida
    assert "Linhas rejeitadas: 1" in saida
    assert "linha 3: conta repetida no arquivo" in saida
    assert "2 de 2 linhas (100%)" in saida


def test_comando_recusa_arquivo_sem_colunas(tmp_path, imoveis):
    caminho = tmp_path / "ruim.csv"
    caminho.write_bytes(b"matricula;referencia\n")

    with pytest.raises(CommandError, match="Faltam colunas no cabeçalho: vencimento"):
        call_command("importar_contas", str(caminho))
    with pytest.raises(CommandError, match="Não foi possível ler"):
        call_command("importar_contas", str(tmp_path / "nao_existe.csv"))


def test_digito_rapido_igual_ao_do_cadastro():
    for numero in [*range(0, 2000), *range(10_000_000, 10_002_000), 99_999_999, 123_456_789]:
        assert importacao._dv(str(numero)) == digito_modulo11(numero)


def test_cancelar_no_meio_nao_grava_nada(tmp_path, imoveis, monkeypatch):
    linhas = [f"{i.matricula};202612;10/01/2027;1,00;residencial;em_aberto;" for i in imoveis]
    processo = processo_criar(
        Processo.Tipo.IMPORTACAO, parametros={"arquivo": str(escrever(tmp_path, linhas))}
    )
    monkeypatch.setattr(importacao, "LOTE", 1)
    original = Execucao.avancar

    def cancelar_e_avancar(self, *args, **kwargs):  # someone clicks cancel after chunk 1
        Processo.objects.filter(pk=self.processo.pk).update(cancelamento_pedido_em=timezone.now())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Execucao, "avancar", cancelar_e_avancar)

    processo = processo_executar(processo.pk)

    assert processo.situacao == Processo.Situacao.CANCELADO
    assert processo.processados == 1
    assert not Conta.objects.exists()


def test_processo_retomado_reimporta_sem_duplicar(tmp_path, imoveis):
    linhas = [f"{i.matricula};202612;10/01/2027;1,00;residencial;em_aberto;" for i in imoveis]
    processo = processo_criar(
        Processo.Tipo.IMPORTACAO, parametros={"arquivo": str(escrever(tmp_path, linhas))}
    )
    importacao.importar_arquivo(processo.parametros["arquivo"])  # the first, dead attempt
    Processo.objects.filter(pk=processo.pk).update(processados=3)

    processo = processo_executar(processo.pk)

    assert (processo.processados, processo.total) == (3, 3)
    assert processo.contadores["inalteradas"] == 3
    assert Conta.objects.count() == 3
