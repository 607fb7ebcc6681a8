import pytest
from django.urls import reverse

from tests.factories import ClienteFactory, ClienteImovelFactory, ImovelFactory

pytestmark = pytest.mark.django_db

URL = reverse("cadastro:busca")


def test_anonimo_vai_para_o_login(client):
    resposta = client.get(URL, {"q": "rua"})
    assert resposta.status_code == 302
    assert resposta.url.startswith("/entrar/")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/cadastro/imoveis/1/",
        "/cadastro/clientes/1/",
        "/cadastro/clientes/novo/",
        "/cadastro/clientes/1/editar/",
    ],
)
def test_telas_do_cadastro_exigem_login(client, url):
    resposta = client.get(url)
    assert resposta.status_code == 302
    assert resposta.url.startswith("/entrar/?next=")


def test_inicio_tem_caixa_de_busca_com_foco_e_atalho(client_atendente):
    html = client_atendente.get("/").content.decode()
    assert 'id="busca-q"' in html
    assert "autofocus" in html
    assert 'data-atalho="b"' in html


def test_busca_por_endereco_lista_imovel(client_atendente):
    imovel = ImovelFactory(logradouro="Rua Amélia", numero="120", bairro="Graças")
    resposta = client_atendente.get(URL, {"q": "rua amelia"})
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert imovel.matricula_formatada in html
    assert reverse("cadastro:imovel_detalhe", args=[imovel.pk]) in html


def test_busca_htmx_devolve_so_os_resultados(client_atendente):
    ImovelFactory(logradouro="Rua Amélia")
    resposta = client_atendente.get(URL, {"q": "amelia"}, HTTP_HX_REQUEST="true")
    html = resposta.content.decode()
    assert "resultados-conteudo" in html
    assert "<html" not in html


def test_busca_mascara_cpf_sem_permissao(client, unidade):
    from tests.factories import UsuarioFactory

    cliente = ClienteFactory(nome="Beatriz Quintas", cpf_cnpj="52998224725")
    sem_permissao = UsuarioFactory(unidade=unidade)  # no role: may search, not see data
    client.force_login(sem_permissao)
    html = client.get(URL, {"q": "beatriz"}).content.decode()
    assert cliente.nome in html
    assert "529.982.247-25" not in html
    assert "***.982.247-**" in html


def test_busca_mostra_cpf_completo_a_quem_pode(client_atendente):
    ClienteFactory(nome="Beatriz Quintas", cpf_cnpj="52998224725")
    html = client_atendente.get(URL, {"q": "beatriz"}).content.decode()
    assert "529.982.247-25" in html


@pytest.mark.parametrize(
    ("termo", "mensagem"),
    [
        ("x" * 10_000, "A busca aceita até 120 caracteres"),
        ("1234567-8", "Dígito verificador da matrícula não confere"),
        ("' OR '1'='1", "pelo menos uma palavra com 3 letras"),
        ("'; DROP TABLE cadastro_cliente; --", "Nenhum imóvel ou cliente encontrado"),
        ('"><script>alert(1)</script>', "Nenhum imóvel ou cliente encontrado"),
        ("529.982.247-24", "CPF inválido"),
    ],
)
def test_busca_entrada_ruim(client_atendente, contagem, termo, mensagem):
    ImovelFactory(matricula=1234567)
    antes = contagem()
    resposta = client_atendente.get(URL, {"q": termo})
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert mensagem in html
    assert "<script>alert(1)</script>" not in html  # echoed escaped, never as markup
    assert contagem() == antes


def test_busca_html_volta_escapado(client_atendente):
    html = client_atendente.get(URL, {"q": "<b>negrito</b>"}).content.decode()
    assert "&lt;b&gt;negrito&lt;/b&gt;" in html
    assert "<b>negrito</b>" not in html


def test_pagina_invalida_nao_quebra(client_atendente):
    ImovelFactory(logradouro="Rua do Sol")
    resposta = client_atendente.get(URL, {"q": "rua do sol", "pagina": "abc"})
    assert resposta.status_code == 200
    assert "Rua do Sol" in resposta.content.decode()


def test_busca_numero_de_consultas_nao_cresce_com_resultados(
    client_atendente, django_assert_num_queries
):
    def popular(n):
        for _ in range(n):
            vinculo = ClienteImovelFactory(
                imovel=ImovelFactory(logradouro="Rua do Sol"),
                cliente=ClienteFactory(nome="Sol Nascente"),
            )
            assert vinculo.pk

    popular(2)
    # session, user, 2 perms, groups, unit (navbar); imóveis, clientes + their links
    with django_assert_num_queries(10):
        resposta = client_atendente.get(URL, {"q": "sol"})
    assert resposta.content.decode().count("resultado-link") >= 4
    popular(10)
    with django_assert_num_queries(10):
        resposta = client_atendente.get(URL, {"q": "sol"})
    assert resposta.content.decode().count("resultado-link") >= 24


def test_navegador_em_ingles_recebe_a_tela_em_portugues(client):
    html = client.get("/entrar/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Usuário" in html
    assert "Username" not in html


# --- RAs by protocol: what the citizen on the phone has ------------------------


def _ra_reiterado():
    from tests.atendimento.factories import RegistroAtendimentoFactory, ReiteracaoFactory

    ra = RegistroAtendimentoFactory(status="vencido")
    return ra, ReiteracaoFactory(ra=ra, solicitante_nome="José Vizinho")


@pytest.mark.parametrize("qual", ["ra", "reiteracao"])
def test_protocolo_na_busca_global_vai_ao_ra(client_atendente, qual):
    ra, reiteracao = _ra_reiterado()
    protocolo = ra.protocolo if qual == "ra" else reiteracao.protocolo
    resposta = client_atendente.get(URL, {"q": protocolo})
    assert resposta.status_code == 302
    assert resposta.url == reverse("atendimento:detalhe", args=[ra.pk])


def test_protocolo_na_busca_ao_vivo_lista_o_ra_com_os_dois_numeros(client_atendente):
    from tests.atendimento.factories import RegistroAtendimentoFactory

    ra, reiteracao = _ra_reiterado()
    outro = RegistroAtendimentoFactory()
    resposta = client_atendente.get(URL, {"q": reiteracao.protocolo}, HTTP_HX_REQUEST="true")
    html = resposta.content.decode()
    assert resposta.status_code == 200
    assert reverse("atendimento:detalhe", args=[ra.pk]) in html
    assert f"RA nº {ra.pk}" in html and ra.protocolo in html
    assert "reiteração de José Vizinho" in html
    assert outro.protocolo not in html
    assert "Nenhum cliente" not in html


def test_protocolo_de_14_digitos_tambem_procura_o_cnpj(client_atendente):
    from tests.atendimento.factories import RegistroAtendimentoFactory

    empresa = ClienteFactory(nome="Padaria Central", cpf_cnpj="11222333000181")
    ra = RegistroAtendimentoFactory(protocolo="11222333000181")
    html = client_atendente.get(URL, {"q": "11222333000181"}).content.decode()
    # Both found: no jump, the attendant picks.
    assert empresa.nome in html and reverse("atendimento:detalhe", args=[ra.pk]) in html


def test_protocolo_inexistente_diz_que_nao_ha_ra(client_atendente):
    _ra_reiterado()
    html = client_atendente.get(URL, {"q": "20259999999999"}).content.decode()
    assert "Nenhum RA com este protocolo." in html
