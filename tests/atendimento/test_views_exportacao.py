import csv
import io

import pytest
from django.urls import reverse

from tests.atendimento.factories import MensagemAtendimentoFactory, RegistroAtendimentoFactory
from tests.factories import ClienteFactory

pytestmark = pytest.mark.django_db

URL = reverse("atendimento:exportar_csv")


def ler_csv(resposta):
    corpo = b"".join(resposta.streaming_content).decode("utf-8")
    assert corpo.startswith("\ufeff")
    return list(csv.reader(io.StringIO(corpo[1:]), delimiter=";"))


def test_csv_do_filtro_com_bom_e_ponto_e_virgula(client, supervisor):
    vencido = RegistroAtendimentoFactory(
        status="vencido", cliente=ClienteFactory(nome="Ana; Souza", cpf_cnpj="52998224725")
    )
    RegistroAtendimentoFactory(status="no_prazo")
    client.force_login(supervisor)  # full CPF in a CSV: exportar_dados_pessoais
    resposta = client.get(URL, {"status_prazo": "vencido"})
    assert resposta.status_code == 200
    assert resposta["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in resposta["Content-Disposition"]
    linhas = ler_csv(resposta)
    cabecalho, dados = linhas[0], linhas[1:]
    assert cabecalho[:4] == ["Número", "Protocolo", "Outros protocolos", "Situação"]
    assert len(dados) == 1
    linha = dict(zip(cabecalho, dados[0], strict=True))
    assert linha["Número"] == str(vencido.pk)
    assert linha["Protocolo"] == f'="{vencido.protocolo}"'
    assert linha["Prazo"] == "Vencido"
    assert linha["Solicitante"] == "Ana; Souza"
    assert linha["CPF/CNPJ"] == "529.982.247-25"
    assert "Mensagens" not in cabecalho


def test_csv_mascara_sem_permissao(client, usuario_sem_dados_pessoais):
    RegistroAtendimentoFactory(
        cliente=ClienteFactory(cpf_cnpj="52998224725"), solicitante_telefone="+5581988776655"
    )
    client.force_login(usuario_sem_dados_pessoais)
    linhas = ler_csv(client.get(URL))
    linha = dict(zip(linhas[0], linhas[1], strict=True))
    assert linha["CPF/CNPJ"] == "***.982.247-**"
    assert linha["Telefone"] == "(81) *****-6655"


def test_csv_com_mensagens_e_sem_formula(client_atendente):
    ra = RegistroAtendimentoFactory(descricao='=HYPERLINK("http://x")')
    MensagemAtendimentoFactory(ra=ra, texto="Equipe a caminho")
    MensagemAtendimentoFactory(ra=ra, texto="Obrigado", do_solicitante=True, autor=None)
    linhas = ler_csv(client_atendente.get(URL, {"mensagens": "1"}))
    linha = dict(zip(linhas[0], linhas[1], strict=True))
    assert "Equipe a caminho" in linha["Mensagens"]
    assert "Solicitante (Pública (solicitante vê)): Obrigado" in linha["Mensagens"]
    assert linha["Mensagens"].index("Equipe a caminho") < linha["Mensagens"].index("Obrigado")
    assert linha["Descrição"].startswith("'=")


def test_csv_com_filtro_invalido_volta_para_a_busca(client_atendente):
    resposta = client_atendente.get(URL, {"abertura_de": "32/13/2026"})
    assert resposta.status_code == 302
    assert resposta.url.startswith(reverse("atendimento:busca"))
    assert "abertura_de=32" in resposta.url


def test_csv_numero_de_consultas_nao_cresce_por_linha(
    client_atendente, django_assert_max_num_queries
):
    for _ in range(30):
        MensagemAtendimentoFactory()
    with django_assert_max_num_queries(12):
        resposta = client_atendente.get(URL, {"mensagens": "1"})
        linhas = ler_csv(resposta)
    assert len(linhas) == 31


def test_csv_codigos_como_texto_na_planilha(client, supervisor):
    """A 14-digit protocol or a +55 phone opened in Excel becomes 2,026E+13: such codes
    go out as text cells (="…"), every protocol of the RA included."""
    from tests.atendimento.factories import ReiteracaoFactory
    from tests.factories import ImovelFactory

    imovel = ImovelFactory()
    ra = RegistroAtendimentoFactory(
        imovel=imovel, cliente=ClienteFactory(cpf_cnpj="52998224725"), status="vencido"
    )
    reiteracao = ReiteracaoFactory(ra=ra)
    client.force_login(supervisor)
    linhas = ler_csv(client.get(URL))
    linha = dict(zip(linhas[0], linhas[1], strict=True))
    assert linha["Protocolo"] == f'="{ra.protocolo}"'
    assert linha["Outros protocolos"] == f'="{reiteracao.protocolo}"'
    assert linha["Matrícula"] == imovel.matricula_formatada
    assert linha["CPF/CNPJ"] == "529.982.247-25"
