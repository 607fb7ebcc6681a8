"""The operator console through HTTP: the queue's boxes, filters, orderings and columns,
the contact's pane and its actions, the CSV, and every bad input of issue 13."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from atendimento import widgets
from atendimento.models import RegistroAtendimento
from atendimento.services import (
    registro_atendimento_encerrar,
    registro_atendimento_mensagem_adicionar,
)
from core.papeis import ATENDENTE
from tests.atendimento.central_apoio import fabrica_contato_portal
from tests.atendimento.factories import (
    EspecificacaoFactory,
    MotivoFactory,
    RegistroAtendimentoFactory,
    StatusComplementarFactory,
    TipoSolicitacaoFactory,
)
from tests.factories import ClienteFactory, UnidadeFactory, UsuarioFactory

pytestmark = pytest.mark.django_db

RA = RegistroAtendimento
FILA = reverse("atendimento:central")


def contato_url(ra, nome=None):
    if nome is None:
        return reverse("atendimento:central_contato", args=[ra.pk])
    return reverse(f"atendimento:central_{nome}", args=[ra.pk])


@pytest.fixture
def contato_portal(abrir):
    return fabrica_contato_portal(abrir)


def portal(**kwargs):
    kwargs.setdefault("origem", "portal")
    return RegistroAtendimentoFactory(**kwargs)


def ids_na_fila(resposta) -> list[int]:
    assert resposta.status_code == 200
    return [r.pk for r in resposta.context["pagina"].itens]


# --- access ------------------------------------------------------------------------


def test_anonimo_vai_para_o_login(client):
    resposta = client.get(FILA)
    assert resposta.status_code == 302
    assert "/entrar/" in resposta["Location"]
    ra = portal()
    resposta = client.post(contato_url(ra, "atender"), {"versao": ra.versao})
    assert resposta.status_code == 302 and "/entrar/" in resposta["Location"]
    ra.refresh_from_db()
    assert ra.responsavel_id is None


def test_sem_papel_da_central_e_recusado(client, usuario_sem_dados_pessoais):
    client.force_login(usuario_sem_dados_pessoais)
    assert client.get(FILA).status_code == 403


def test_link_na_barra_de_navegacao(client_atendente, client, usuario_sem_dados_pessoais):
    assert f'href="{FILA}"' in client_atendente.get(reverse("core:inicio")).content.decode()
    client.force_login(usuario_sem_dados_pessoais)
    assert f'href="{FILA}"' not in client.get(reverse("core:inicio")).content.decode()


# --- the boxes (caixas) and origem -----------------------------------------------------


@pytest.fixture
def caixas(atendente):
    outro = UsuarioFactory(username="outro", unidade=atendente.unidade, papeis=[ATENDENTE])
    return {
        "aberto": portal(),
        "interno": portal(origem="interna"),
        "encerrado": portal(encerrado=True),
        "excluido": portal(encerrado=True, excluido=True),
        "meu": portal(responsavel=atendente),
        "meu_encerrado": portal(responsavel=atendente, encerrado=True),
        "do_outro": portal(responsavel=outro),
    }


@pytest.mark.parametrize(
    ("filtros", "esperados"),
    [
        ({}, {"aberto", "meu", "do_outro"}),
        ({"caixa": "abertos", "origem": "todas"}, {"aberto", "interno", "meu", "do_outro"}),
        ({"origem": "interna"}, {"interno"}),
        ({"caixa": "todos"}, {"aberto", "encerrado", "meu", "meu_encerrado", "do_outro"}),
        ({"caixa": "encerrados"}, {"encerrado", "meu_encerrado"}),
        ({"caixa": "operador"}, {"meu"}),
        ({"caixa": "perfil"}, {"aberto"}),
        ({"caixa": "excluidos"}, {"excluido"}),
        ({"caixa": "", "origem": ""}, {"aberto", "meu", "do_outro"}),
    ],
)
def test_caixas_e_origem(client_atendente, caixas, filtros, esperados):
    nomes = {ra.pk: nome for nome, ra in caixas.items()}
    resposta = client_atendente.get(FILA, filtros)
    assert {nomes[pk] for pk in ids_na_fila(resposta)} == esperados


def test_pendentes_do_perfil_sao_da_unidade_e_das_abaixo(client, executora, tecnico):
    abaixo = UnidadeFactory(sigla="MAN-N", superior=executora)
    na_unidade = portal(unidade_atual=executora)
    na_de_baixo = portal(unidade_atual=abaixo)
    fora = portal(unidade_atual=UnidadeFactory(sigla="ESG"))
    acima = portal(unidade_atual=UnidadeFactory(sigla="DIR"))
    executora.superior = acima.unidade_atual
    executora.save()
    portal(unidade_atual=executora, responsavel=tecnico)
    client.force_login(tecnico)
    achados = set(ids_na_fila(client.get(FILA, {"caixa": "perfil"})))
    assert achados == {na_unidade.pk, na_de_baixo.pk}
    assert fora.pk not in achados


# --- filters (each with rows it must leave out) ----------------------------------------


def test_filtros_da_central(client_atendente, atendente):
    tipo = TipoSolicitacaoFactory(nome="Comercial")
    esp = EspecificacaoFactory(tipo=tipo, nome="Conta alta")
    motivo = MotivoFactory(nome="Orientação prestada")
    status = StatusComplementarFactory(nome="Aguardando vistoria")
    alvo = {
        "tipo": portal(especificacao=esp),
        "motivo": portal(encerrado=True, motivo_encerramento=motivo),
        "vencido": portal(status="vencido"),
        "atencao": portal(status="atencao"),
        "responsavel": portal(responsavel=atendente),
        "status": portal(status_complementar=status),
    }
    outro = portal()
    casos = [
        ({"tipo": tipo.pk}, {"tipo"}),
        ({"especificacao": esp.pk}, {"tipo"}),
        ({"motivo": motivo.pk, "caixa": "encerrados"}, {"motivo"}),
        ({"status_prazo": "vencido"}, {"vencido"}),
        ({"status_prazo": "atencao"}, {"atencao"}),
        ({"responsavel": atendente.pk}, {"responsavel"}),
        ({"status": "expirado"}, {"vencido"}),
        ({"status": f"sc{status.pk}"}, {"status"}),
    ]
    nomes = {ra.pk: nome for nome, ra in alvo.items()} | {outro.pk: "outro"}
    for filtros, esperados in casos:
        achados = {nomes[pk] for pk in ids_na_fila(client_atendente.get(FILA, filtros))}
        assert achados == esperados, filtros
    resposta = client_atendente.get(FILA, {"motivo": motivo.pk})  # an open box
    assert ids_na_fila(resposta) == []
    assert "chamados em aberto não têm motivo" in resposta.content.decode()
    dentro = {nomes[pk] for pk in ids_na_fila(client_atendente.get(FILA, {"status": "dentro"}))}
    assert dentro == {"tipo", "atencao", "responsavel", "status"} | {"outro"}


def test_filtro_de_abertura_entre(client_atendente):
    hoje = timezone.localdate()
    antigo = portal(data_abertura=timezone.now() - datetime.timedelta(days=40))
    recente = portal()
    de = (hoje - datetime.timedelta(days=5)).isoformat()
    resposta = client_atendente.get(FILA, {"abertura_de": de})
    assert ids_na_fila(resposta) == [recente.pk]
    assert resposta.context["form"]["periodo"].value() == "entre"
    resposta = client_atendente.get(FILA, {"periodo": "entre"})
    assert "Informe as datas do período de abertura." in resposta.content.decode()
    assert ids_na_fila(resposta) == []
    assert antigo.pk in ids_na_fila(client_atendente.get(FILA, {"periodo": ""}))


def test_responsavel_lista_so_operadores_da_central(client_atendente, atendente):
    sem_papel = UsuarioFactory(username="sem-papel", first_name="Zuleica")
    html = client_atendente.get(FILA).content.decode()
    assert f'value="{atendente.pk}"' in html
    assert f'value="{sem_papel.pk}"' not in html


@pytest.mark.parametrize(
    ("ordem", "chave"),
    [
        ("cliente", lambda ra: ra.cliente.nome),
        ("operador", lambda ra: ra.responsavel.first_name),
        ("abertura", lambda ra: ra.data_abertura),
        ("-abertura", lambda ra: -ra.data_abertura.timestamp()),
        ("chamado", lambda ra: -ra.pk),
        ("protocolo", lambda ra: ra.protocolo),
        ("titulo", lambda ra: ra.titulo),
    ],
)
def test_ordens(client_atendente, ordem, chave):
    agora = timezone.now()
    ras = [
        portal(
            cliente=ClienteFactory(nome=nome),
            responsavel=UsuarioFactory(first_name=operador),
            titulo=titulo,
            protocolo=protocolo,
            data_abertura=agora - datetime.timedelta(hours=horas),
        )
        for nome, operador, titulo, protocolo, horas in [
            ("Bruno", "Carla", "Água suja", "20261000000003", 5),
            ("Ana", "Bia", "Vazamento", "20261000000001", 1),
            ("Carlos", "Aldo", "Boleto", "20261000000002", 9),
        ]
    ]
    esperados = [ra.pk for ra in sorted(ras, key=chave)]
    assert ids_na_fila(client_atendente.get(FILA, {"ordem": ordem})) == esperados
    # The closed boxes sort the same way (the cliente ordering takes another path there).
    RegistroAtendimento.objects.filter(pk__in=[ra.pk for ra in ras]).update(
        situacao="encerrado", data_encerramento=agora
    )
    assert ids_na_fila(client_atendente.get(FILA, {"ordem": ordem, "caixa": "todos"})) == esperados


# --- columns ----------------------------------------------------------------------------


def test_colunas_da_fila(client_atendente, contato_portal, atendente, motivos):
    ra = contato_portal(titulo="Hidrômetro parado")
    registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=None, texto="Alô?", visibilidade="publica", do_solicitante=True
    )
    fechado = contato_portal(titulo="Religação")
    registro_atendimento_encerrar(
        ra=fechado, motivo=motivos["executado"], parecer="Feito.", usuario=atendente
    )
    html = client_atendente.get(FILA).content.decode()
    for cabecalho in [
        "Nº",
        "Abertura",
        "Prazo de retorno",
        "Cliente",
        "Aberto por",
        "Título",
        "Classificação",
        "Subclassificação",
        "Motivo",
        "Fechamento",
        "Em andamento com",
        "Setor",
        "Dias em aberto",
        "Protocolo",
    ]:
        assert f'<th scope="col">{cabecalho}</th>' in html
    assert "Hidrômetro parado" in html
    assert ra.protocolo in html
    assert ra.cliente.nome in html
    assert "Portal do cliente" not in html  # the system user shows as its channel
    assert '<td class="aberto-por">Portal</td>' in html
    assert "Interação pendente: o cliente aguarda resposta" in html
    html = client_atendente.get(FILA, {"caixa": "encerrados"}).content.decode()
    assert "Religação" in html and motivos["executado"].nome in html


def test_fila_numero_de_consultas_constante(client_atendente, django_assert_num_queries):
    for _ in range(2):
        portal(responsavel=UsuarioFactory(), status_complementar=StatusComplementarFactory())
    client_atendente.get(FILA)
    widgets._opcoes_em_cache.clear()
    with CaptureQueriesContext(connection) as captura:
        client_atendente.get(FILA)
    poucos = len(captura.captured_queries)
    for n in range(12):
        portal(
            responsavel=UsuarioFactory(),
            tipo_solicitante="unidade",
            cliente=None,
            solicitante_funcionario=UsuarioFactory(),
            status_complementar=StatusComplementarFactory(nome=f"S{n}"),
            encerrado=n % 2 == 0,
            motivo_encerramento=MotivoFactory(nome=f"M{n}") if n % 2 == 0 else None,
        )
    widgets._opcoes_em_cache.clear()
    with django_assert_num_queries(poucos):
        resposta = client_atendente.get(FILA, {"caixa": "todos"})
    assert resposta.content.decode().count("data-linha=") == 14
