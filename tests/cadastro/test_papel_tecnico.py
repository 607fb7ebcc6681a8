"""The field role (Técnico) sees masked personal data; every CSV export is audited."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import Exportacao
from core.papeis import SUPERVISOR, TECNICO
from tests.atendimento.factories import RegistroAtendimentoFactory
from tests.factories import ClienteFactory, ClienteImovelFactory, TelefoneFactory, UsuarioFactory

pytestmark = pytest.mark.django_db

CPF = "52998224725"
CPF_COMPLETO = "529.982.247-25"
CPF_MASCARADO = "***.982.247-**"


@pytest.fixture
def tecnico(unidade):
    return UsuarioFactory(username="tecnico", unidade=unidade, papeis=[TECNICO])


@pytest.fixture
def client_tecnico(client, tecnico):
    client.force_login(tecnico)
    return client


@pytest.fixture
def cliente():
    cliente = ClienteFactory(nome="Maria das Dores", cpf_cnpj=CPF)
    TelefoneFactory(cliente=cliente, tipo="celular", ddd="81", numero="988776655", sms=True)
    return cliente


def _csv(resposta):
    corpo = b"".join(resposta.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(corpo.lstrip("\ufeff")), delimiter=";"))


def test_papel_tecnico_nao_ve_nem_edita_dados_pessoais():
    permissoes = set(Group.objects.get(name=TECNICO).permissions.values_list("codename", flat=True))
    assert "change_ordemservico" in permissoes
    assert "add_tramite" in permissoes
    assert not permissoes & {
        "ver_dados_pessoais",
        "exportar_dados_pessoais",
        "add_cliente",
        "change_cliente",
        "change_telefone",
        "add_registroatendimento",
    }


def test_tecnico_ve_cpf_e_telefone_mascarados_no_cliente(client_tecnico, cliente):
    texto = client_tecnico.get(reverse("cadastro:cliente_detalhe", args=[cliente.pk])).content
    texto = texto.decode()
    assert "Maria das Dores" in texto
    assert CPF_MASCARADO in texto
    assert CPF_COMPLETO not in texto
    assert "98877-6655" not in texto


def test_tecnico_ve_cpf_mascarado_no_imovel(client_tecnico, cliente):
    vinculo = ClienteImovelFactory(cliente=cliente)
    resposta = client_tecnico.get(reverse("cadastro:imovel_detalhe", args=[vinculo.imovel_id]))
    texto = resposta.content.decode()
    assert "Maria das Dores" in texto
    assert CPF_COMPLETO not in texto
    assert "98877-6655" not in texto


def test_tecnico_ve_cpf_mascarado_no_ra(client_tecnico, cliente):
    ra = RegistroAtendimentoFactory(cliente=cliente, solicitante_telefone="+5581988776655")
    texto = client_tecnico.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()
    assert ra.protocolo in texto
    assert CPF_COMPLETO not in texto
    assert "98877-6655" not in texto


def test_tecnico_nao_edita_cliente(client_tecnico, cliente):
    url = reverse("cadastro:cliente_editar", args=[cliente.pk])
    assert client_tecnico.get(url).status_code == 403
    resposta = client_tecnico.post(url, {"nome": "Outro Nome", "cpf_cnpj": CPF})
    assert resposta.status_code == 403
    assert client_tecnico.get(reverse("cadastro:cliente_novo")).status_code == 403
    cliente.refresh_from_db()
    assert cliente.nome == "Maria das Dores"


def test_csv_do_tecnico_mascarado_e_auditado(client_tecnico, tecnico, cliente):
    RegistroAtendimentoFactory.create_batch(3, cliente=cliente, status="vencido")
    RegistroAtendimentoFactory(status="no_prazo")
    resposta = client_tecnico.get(reverse("atendimento:exportar_csv"), {"status_prazo": "vencido"})
    linhas = _csv(resposta)
    cabecalho, dados = linhas[0], linhas[1:]
    assert len(dados) == 3
    cpfs = {dict(zip(cabecalho, linha, strict=True))["CPF/CNPJ"] for linha in dados}
    assert cpfs == {CPF_MASCARADO}
    registro = Exportacao.objects.get()
    assert registro.usuario == tecnico
    assert registro.nome == "Registros de atendimento"
    assert registro.filtros == {"status_prazo": "vencido"}
    assert registro.linhas == 3
    assert not registro.dados_pessoais


def test_csv_do_supervisor_completo_e_auditado(client, unidade, cliente):
    supervisor = UsuarioFactory(username="sup", unidade=unidade, papeis=[SUPERVISOR])
    client.force_login(supervisor)
    RegistroAtendimentoFactory.create_batch(2, cliente=cliente)
    linhas = _csv(client.get(reverse("atendimento:exportar_csv")))
    assert {dict(zip(linhas[0], linha, strict=True))["CPF/CNPJ"] for linha in linhas[1:]} == {
        CPF_COMPLETO
    }
    registro = Exportacao.objects.get()
    assert (registro.usuario, registro.linhas, registro.dados_pessoais) == (supervisor, 2, True)


def test_csv_do_atendente_mascarado(client_atendente, cliente):
    """The attendant sees the CPF on screen, but a bulk copy needs exportar_dados_pessoais."""
    RegistroAtendimentoFactory(cliente=cliente)
    linhas = _csv(client_atendente.get(reverse("atendimento:exportar_csv")))
    assert dict(zip(linhas[0], linhas[1], strict=True))["CPF/CNPJ"] == CPF_MASCARADO
    assert Exportacao.objects.get().linhas == 1


def test_auditoria_somente_leitura_no_admin(client, administrador, atendente):
    Exportacao.objects.create(usuario=atendente, nome="Teste", filtros={"a": "1"}, linhas=7)
    client.force_login(administrador)
    lista = client.get(reverse("admin:core_exportacao_changelist"))
    assert lista.status_code == 200
    assert "Teste" in lista.content.decode()
    registro = Exportacao.objects.get()
    assert client.get(reverse("admin:core_exportacao_add")).status_code == 403
    url = reverse("admin:core_exportacao_change", args=[registro.pk])
    assert client.get(url).status_code == 200  # view permission: read-only page
    client.post(url, {"linhas": "0"})
    registro.refresh_from_db()
    assert registro.linhas == 7
    url = reverse("admin:core_exportacao_delete", args=[registro.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Exportacao.objects.count() == 1


def test_demo_tecnicos_de_campo_tem_o_papel_tecnico():
    import io

    from django.core.management import call_command

    from cadastro.models import Usuario

    saida = io.StringIO()
    call_command("load_demo", stdout=saida)
    for nome in ("tecnico", "esgoto"):
        usuario = Usuario.objects.get(username=nome)
        assert set(usuario.groups.values_list("name", flat=True)) == {TECNICO}
        assert not usuario.has_perm("cadastro.ver_dados_pessoais")
        assert not usuario.has_perm("cadastro.change_cliente")
    supervisor = Usuario.objects.get(username="supervisor")
    assert supervisor.has_perm("cadastro.exportar_dados_pessoais")
    assert not Usuario.objects.get(username="atendente").has_perm(
        "cadastro.exportar_dados_pessoais"
    )
    assert re.search(rf"^\s+tecnico\s+demo-tecnico\s+{TECNICO} \(GMA\)$", saida.getvalue(), re.M)
