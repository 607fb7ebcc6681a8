"""The admin of bills: list, search, and the CSV import screen and its report."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.papeis import ADMINISTRADOR
from faturamento.models import Conta, Processo
from faturamento.services.processos import processo_criar, processo_executar
from tests.factories import ImovelFactory, matricula_com_digito

pytestmark = pytest.mark.django_db

CABECALHO = "matricula;referencia;vencimento;valor;categoria;situacao;pagamento"
URL = "admin:faturamento_conta_importar"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def client_admin(client, administrador):
    client.force_login(administrador)
    return client


def csv(texto: str, nome="contas.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(nome, texto.encode(), content_type="text/csv")


def test_lista_de_contas_tem_o_botao_e_busca_por_matricula(
    client_admin, django_assert_max_num_queries
):
    a, b = ImovelFactory(), ImovelFactory()
    for imovel in (a, b):
        Conta.objects.create(
            imovel=imovel, referencia=202612, vencimento=datetime.date(2027, 1, 10), valor=10
        )

    with django_assert_max_num_queries(12):
        resposta = client_admin.get(reverse("admin:faturamento_conta_changelist"))
    busca = client_admin.get(
        reverse("admin:faturamento_conta_changelist"), {"q": matricula_com_digito(a)}
    )

    assert resposta.status_code == 200
    assert "Importar contas (CSV)" in resposta.text
    assert reverse(URL) in resposta.text
    assert list(busca.context["cl"].result_list) == [Conta.objects.get(imovel=a)]
    for ruim in ("abc", "99999999999", "1-0"):
        resposta_ruim = client_admin.get(reverse("admin:faturamento_conta_changelist"), {"q": ruim})
        assert resposta_ruim.status_code == 200
        assert not resposta_ruim.context["cl"].result_list
    documentos = client_admin.get(
        reverse("admin:faturamento_documentocobranca_changelist"), {"q": "99999999999999999999"}
    )
    assert documentos.status_code == 200
    assert matricula_com_digito(a) in busca.text and "12/2026" in busca.text


def test_upload_cria_o_processo_e_redireciona(client_admin, administrador, media):
    imovel = ImovelFactory()
    arquivo = csv(
        f"{CABECALHO}\n{imovel.matricula};202612;10/01/2027;1,00;residencial;em_aberto;\n"
    )

    resposta = client_admin.post(reverse(URL), {"arquivo": arquivo})

    processo = Processo.objects.get(tipo=Processo.Tipo.IMPORTACAO)
    assert resposta.status_code == 302
    assert resposta.url == reverse("faturamento:processo", args=[processo.pk])
    salvo = Path(processo.parametros["arquivo"])
    assert salvo.parent == media / "importacoes"
    assert salvo.read_bytes().startswith(CABECALHO.encode())
    assert processo.parametros["nome"] == "contas.csv"
    assert processo.usuario == administrador
    assert processo.situacao == Processo.Situacao.AGUARDANDO
    assert not Conta.objects.exists()  # the worker imports it


@pytest.mark.parametrize(
    ("arquivo", "trecho"),
    [
        (None, "Escolha o arquivo CSV"),
        (SimpleUploadedFile("vazio.csv", b""), "O arquivo está vazio"),
        (SimpleUploadedFile("contas.xlsx", b"PK\x03\x04conteudo"), "planilha (Excel)"),
        (SimpleUploadedFile("contas.pdf", b"%PDF-1.4"), "não é um CSV"),
        (SimpleUploadedFile("contas.csv", b"matricula;valor\n1;2\n"), "Faltam colunas"),
        (SimpleUploadedFile("contas.csv", "matricula".encode("utf-16")), "UTF-16"),
    ],
)
def test_upload_invalido_mostra_o_erro_e_nao_cria_processo(client_admin, media, arquivo, trecho):
    dados = {"arquivo": arquivo} if arquivo is not None else {}

    resposta = client_admin.post(reverse(URL), dados)

    assert resposta.status_code == 200
    assert trecho in resposta.text
    assert not Processo.objects.exists()
    assert not list((media / "importacoes").glob("*")) if (media / "importacoes").exists() else True


def test_upload_grande_demais(client_admin, settings):
    settings.IMPORTACAO_CONTAS_MAX_MB = 1
    grande = CABECALHO + "\n" + "1;202612;10/01/2027;1,00;residencial;em_aberto;\n" * 30_000

    resposta = client_admin.post(reverse(URL), {"arquivo": csv(grande)})

    assert resposta.status_code == 200
    assert "o limite aqui é 1 MB" in resposta.text
    assert not Processo.objects.exists()


def test_outra_importacao_em_andamento_e_recusada(client_admin, tmp_path):
    processo_criar(Processo.Tipo.IMPORTACAO, parametros={"arquivo": str(tmp_path / "x.csv")})
    arquivo = csv(f"{CABECALHO}\n1;202612;10/01/2027;1,00;residencial;em_aberto;\n")

    resposta = client_admin.post(reverse(URL), {"arquivo": arquivo})

    assert resposta.status_code == 200
    assert "em andamento" in resposta.text
    assert Processo.objects.count() == 1


def test_atendente_e_quem_nao_tem_permissao_nao_importam(client, atendente, administrador):
    client.force_login(atendente)
    resposta = client.post(reverse(URL), {"arquivo": csv(CABECALHO + "\n")})
    assert resposta.status_code == 302 and "login" in resposta.url  # no admin at all

    # An administrator whose role lost the permission: the admin, but not the import.
    papel = Group.objects.get(name=ADMINISTRADOR)
    papel.permissions.remove(Permission.objects.get(codename="importar_contas"))
    client.force_login(administrador)
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), {"arquivo": csv(CABECALHO + "\n")}).status_code == 403
    lista = client.get(reverse("admin:faturamento_conta_changelist"))
    assert lista.status_code == 200
    assert "Importar contas (CSV)" not in lista.text
    assert not Processo.objects.exists()


def test_relatorio_da_importacao_concluida_mostra_as_rejeitadas(client_admin, tmp_path):
    imovel = ImovelFactory()
    caminho = tmp_path / "contas.csv"
    caminho.write_text(
        f"{CABECALHO}\n{imovel.matricula};202612;10/01/2027;1,00;residencial;em_aberto;\n"
        f"{imovel.matricula};202612;10/01/2027;-1,00;residencial;em_aberto;\n"
    )
    processo = processo_criar(
        Processo.Tipo.IMPORTACAO, parametros={"arquivo": str(caminho), "nome": "contas.csv"}
    )
    processo_executar(processo.pk)

    resposta = client_admin.get(reverse("faturamento:processo", args=[processo.pk]))
    pagina = client_admin.get(reverse(URL))

    assert resposta.status_code == 200
    assert "Concluído" in resposta.text
    assert "valor negativo: -1,00" in resposta.text
    assert "Inseridas" in resposta.text
    assert "contas.csv" in resposta.text
    assert str(caminho) not in resposta.text  # the server's path is nobody's business
    # The upload page's recent imports link to the run's page.
    assert f'href="{reverse("faturamento:processo", args=[processo.pk])}"' in pagina.text


def test_relatorio_de_arquivo_recusado(client_admin, tmp_path):
    caminho = tmp_path / "ruim.csv"
    caminho.write_text("matricula;referencia\n")
    processo = processo_criar(Processo.Tipo.IMPORTACAO, parametros={"arquivo": str(caminho)})
    processo_executar(processo.pk)

    resposta = client_admin.get(reverse("faturamento:processo", args=[processo.pk]))

    assert "Arquivo recusado" in resposta.text
    assert "Faltam colunas no cabeçalho: vencimento" in resposta.text
