"""Smoke test over every URL of the project: no 5xx for any role or hostile input.

Each test walks the URL resolver (admin/, static/ and media/ left out), fills
``<pk>`` with an existing row of a small dataset or with a missing id, and
GETs (or POSTs an empty body to) every page as each role, as a user with no
group and as an anonymous visitor. Failures are collected per test so one run
lists every broken URL at once.
"""

from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.papeis import ADMINISTRADOR, ATENDENTE, SUPERVISOR
from faturamento.models import Processo
from mensageria.models import Mensagem, SmsRecebido
from tests.atendimento.factories import (
    AnexoFactory,
    RegistroAtendimentoFactory,
    ReiteracaoFactory,
)
from tests.cidadao.factories import RelatoFactory
from tests.factories import ClienteImovelFactory, TelefoneFactory, UsuarioFactory
from tests.mensageria.factories import modem_criar
from tests.ordens_servico.factories import EquipeFactory, OrdemServicoFactory

INEXISTENTE = 999_999
SCRIPT = '<script>alert("xss")</script>'

# Filter names found in the search/list/report forms, by the kind of value they take.
TEXTOS = ["q", "protocolo", "cliente", "cpf_cnpj", "matricula", "telefone", "nome", "prazo"]
DATAS = [
    "abertura_de",
    "abertura_ate",
    "encerramento_de",
    "encerramento_ate",
    "tramite_de",
    "tramite_ate",
    "gerada_de",
    "gerada_ate",
    "de",
    "ate",
    "inicio",
    "fim",
    "dia",
    "semana",
]
NUMEROS = [
    "pk",
    "numero",
    "pagina",
    "tamanho",
    "imovel",
    "especificacao",
    "tipo",
    "tipo_servico",
    "unidade",
    "unidade_atual",
    "unidade_abertura",
    "equipe",
    "responsavel",
    "usuario_abertura",
    "meio",
    "dias",
]
ESCOLHAS = [
    "situacao",
    "status",
    "status_prazo",
    "evento",
    "interacao_pendente",
    "prioridade",
    "devolucao",
    "ordem",
    "formato",
    "vencidas",
    "mensagens",
    "baixar",
]
TODOS = TEXTOS + DATAS + NUMEROS + ESCOLHAS

CONSULTAS_HOSTIS = [
    {nome: "x" * 10_000 for nome in TEXTOS},
    {nome: "' OR 1=1 --" for nome in TEXTOS},
    {nome: SCRIPT for nome in TODOS},
    {nome: "2026-13-45" for nome in DATAS},
    {nome: "31/02/2026" for nome in DATAS},
    {nome: "9999-12-31" for nome in DATAS},
    {nome: "0001-01-01" for nome in DATAS},
    {nome: "-1" for nome in NUMEROS + DATAS},
    {nome: "9" * 30 for nome in NUMEROS + TEXTOS},
    {nome: "1e309" for nome in NUMEROS},
    {nome: "\x00" for nome in TODOS},
    {"formato": "csv", "de": "2026-13-45", "ate": "9" * 30, "pagina": "-5"},
    {"formato": "csv", "inicio": "0000-00-00", "fim": "-1"},
]


def _rotas(padroes=None, prefixo="", espaco=None):
    """Yield (route, url name with namespace, pk parameter names, view) for every URL."""
    for padrao in padroes if padroes is not None else get_resolver().url_patterns:
        rota = prefixo + str(padrao.pattern)
        if rota.startswith(("admin/", "static/", "media/")) or rota.startswith("^"):
            continue
        if isinstance(padrao, URLResolver):
            ns = padrao.namespace or espaco
            yield from _rotas(padrao.url_patterns, rota, ns)
        elif isinstance(padrao, URLPattern) and padrao.name:
            nome = f"{espaco}:{padrao.name}" if espaco else padrao.name
            yield rota, nome, list(padrao.pattern.converters), padrao.callback


ROTAS = list(_rotas())


def _publica(view) -> bool:
    return getattr(view, "login_required", True) is False


@pytest.fixture
def dados(unidade, atendente):
    """One existing row for every kind of ``<pk>`` in the URLs."""
    vinculo = ClienteImovelFactory()
    TelefoneFactory(cliente=vinculo.cliente)
    ra = RegistroAtendimentoFactory(
        unidade_abertura=unidade,
        usuario_abertura=atendente,
        imovel=vinculo.imovel,
        cliente=vinculo.cliente,
    )
    encerrado = RegistroAtendimentoFactory(unidade_abertura=unidade, encerrado=True)
    equipe = EquipeFactory(unidade=unidade)
    ordem = OrdemServicoFactory(unidade_atual=unidade, ra=ra, imovel=ra.imovel)
    modem = modem_criar()
    mensagem = Mensagem.objects.create(
        destino="+5581999990001",
        texto="Protocolo 123",
        status=Mensagem.Status.FALHOU,
        registro_atendimento=ra,
    )
    recebido = SmsRecebido.objects.create(
        modem=modem, remetente="+5581999990001", texto="Ainda sem água", chave="smoke"
    )
    processo = Processo.objects.create(tipo=Processo.Tipo.EXPIRAR, situacao="concluido")
    relato = RelatoFactory(foto=ContentFile(b"\xff\xd8\xff", name="f.jpg"))
    return {
        "cadastro:imovel_detalhe": vinculo.imovel.pk,
        # Same id for imóvel and bill: the refusal "not this imóvel's bill".
        "faturamento:conta_enviar_sms": vinculo.imovel.pk,
        "faturamento:conta_enviar_email": vinculo.imovel.pk,
        "cadastro:cliente_detalhe": vinculo.cliente.pk,
        "cadastro:cliente_editar": vinculo.cliente.pk,
        "atendimento:reativar": encerrado.pk,
        # The public status page takes a protocol (a real one: it must show no personal data).
        "consulta:protocolo": ra.protocolo,
        "consulta:curto": ra.protocolo,
        # Open311 resources take their format (services.json, tokens/<token>.json).
        "prefixo:open311": "json",
        "atendimento:anexo": AnexoFactory(ra=ra).pk,
        "ordens_servico:gerar_para_ra": ra.pk,
        "ordens_servico:agenda": equipe.pk,
        "prefixo:atendimento": ra.pk,
        "prefixo:ordens_servico": ordem.pk,
        "prefixo:mensageria:mensagens": mensagem.pk,
        "prefixo:mensageria:modems": modem.pk,
        "prefixo:mensageria:sms-recebidos": recebido.pk,
        "prefixo:faturamento:processos": processo.pk,
        "prefixo:cidadao": relato.pk,
        "relato:acompanhar": relato.token,
        # Portal account links take tokens: any text (a wrong one gets a clear page).
        "portal:confirmar": "x",
        "portal:senha_definir": "x",
        "prefixo:portal": ra.pk,
    }


def _pk(dados, nome, rota):
    if nome in dados:
        return dados[nome]
    for chave, valor in dados.items():
        partes = chave.split(":")
        if (
            partes[0] == "prefixo"
            and nome.startswith(partes[1])
            and (len(partes) == 2 or f"/{partes[2]}/" in f"/{rota}")
        ):
            return valor
    raise AssertionError(f"sem objeto de exemplo para {nome} ({rota})")


def _urls(dados, *, inexistente=True):
    """(url name, url, view) with existing ids, and with a missing id when asked."""
    for rota, nome, parametros, view in ROTAS:
        if not parametros:
            yield nome, reverse(nome), view
            continue
        ids = [_pk(dados, nome, rota)] + ([INEXISTENTE] if inexistente else [])
        for valor in ids:
            yield nome, reverse(nome, kwargs=dict.fromkeys(parametros, valor)), view


def _sem_grupo(db):
    from cadastro.models import UnidadeOrganizacional

    return UsuarioFactory(username="sem_grupo", unidade=UnidadeOrganizacional.objects.first())


@pytest.fixture(params=[ATENDENTE, SUPERVISOR, ADMINISTRADOR, "sem_grupo"])
def logado(request, client, dados, atendente, supervisor, administrador):
    usuario = {
        ATENDENTE: atendente,
        SUPERVISOR: supervisor,
        ADMINISTRADOR: administrador,
    }.get(request.param) or _sem_grupo(None)
    client.force_login(usuario)
    return client


def _problemas_5xx(client, metodo, alvos):
    client.raise_request_exception = False
    problemas = []
    for nome, url, consulta in alvos:
        completa = f"{url}?{urlencode(consulta)}" if consulta else url
        resposta = getattr(client, metodo)(completa)
        if resposta.status_code >= 500:
            problemas.append(
                f"{metodo.upper()} {nome} {list((consulta or {}).values())[:1]!r:.40} -> {resposta.status_code}"
            )
        elif (
            SCRIPT in str(consulta)
            and resposta.get("Content-Type", "").startswith("text/html")
            and not getattr(resposta, "streaming", False)
            and SCRIPT.encode() in resposta.content
        ):
            problemas.append(f"{metodo.upper()} {nome} devolve <script> sem escapar")
    return "\n".join(problemas)


def test_todas_as_rotas_sao_cobertas(dados):
    nomes = [nome for _, nome, _, _ in ROTAS]
    assert "atendimento:busca" in nomes and "healthz" in nomes and "login" in nomes
    assert not any(rota.startswith("admin/") for rota, *_ in ROTAS)
    assert len(list(_urls(dados))) > len(ROTAS)


def test_get_sem_erro_de_servidor(logado, dados):
    alvos = [(nome, url, None) for nome, url, _ in _urls(dados)]
    assert _problemas_5xx(logado, "get", alvos) == ""


# The supervisor's pages are a subset of the administrador's: left out to keep this fast.
@pytest.mark.parametrize("logado", [ATENDENTE, ADMINISTRADOR, "sem_grupo"], indirect=True)
def test_get_com_consultas_hostis_sem_erro_e_escapado(logado, dados):
    alvos = [
        (nome, url, consulta)
        for nome, url, _ in _urls(dados, inexistente=False)
        for consulta in CONSULTAS_HOSTIS
    ]
    assert _problemas_5xx(logado, "get", alvos) == ""


def test_post_vazio_sem_erro_de_servidor(logado, dados):
    alvos = [(nome, url, None) for nome, url, _ in _urls(dados)]
    assert _problemas_5xx(logado, "post", alvos) == ""


def test_anonimo_vai_para_o_login_exceto_paginas_publicas(client, dados):
    login = reverse("login")
    publicas = []
    for nome, url, view in _urls(dados):
        resposta = client.get(url)
        assert resposta.status_code < 500, nome
        if _publica(view):
            publicas.append(nome)
            continue
        assert resposta.status_code == 302, f"{nome} {url} -> {resposta.status_code}"
        assert resposta["Location"].startswith(f"{login}?next="), nome
        resposta = client.post(url)
        assert resposta.status_code in (302, 405), f"POST {nome} -> {resposta.status_code}"
    assert "login" in publicas and "healthz" in publicas


def test_anonimo_com_consultas_hostis_nao_quebra(client, dados):
    alvos = [
        (nome, url, consulta)
        for nome, url, view in _urls(dados, inexistente=False)
        if _publica(view)
        for consulta in CONSULTAS_HOSTIS
    ]
    assert alvos
    assert _problemas_5xx(client, "get", alvos) == ""
    assert _problemas_5xx(client, "post", [(n, u, None) for n, u, _ in alvos]) == ""


# --- LGPD: no page shows full personal data to whom may not see it ----------

CPF_CLIENTE = "52998224725"
CPF_SOLICITANTE = "11144477735"
CELULAR_CLIENTE = ("81", "987651234")
CELULAR_SOLICITANTE = "+5581976543210"
EMAIL_CLIENTE = "fulana.sigilosa@exemplo.com.br"
EMAIL_SOLICITANTE = "beltrano.reservado@exemplo.com.br"

# Pieces that only a full (unmasked) value contains: the masks keep the middle
# digits of a CPF, the last four of a phone and the domain of an e-mail.
VAZAMENTOS = [
    CPF_CLIENTE,
    "529.982",
    CPF_SOLICITANTE,
    "111.444",
    "98765",
    "97654",
    "fulana.sigilosa",
    "beltrano.reservado",
]


@pytest.fixture
def dados_pessoais(dados, unidade, atendente):
    from atendimento.models import RegistroAtendimento
    from cadastro.models import Cliente

    ra = RegistroAtendimento.objects.get(pk=dados["prefixo:atendimento"])
    Cliente.objects.filter(pk=ra.cliente_id).update(
        nome="Fulana Sigilosa", cpf_cnpj=CPF_CLIENTE, email=EMAIL_CLIENTE
    )
    ra.cliente.telefones.update(ddd=CELULAR_CLIENTE[0], numero=CELULAR_CLIENTE[1])
    livre = RegistroAtendimentoFactory(
        unidade_abertura=unidade,
        usuario_abertura=atendente,
        cliente=None,
        tipo_solicitante=RegistroAtendimento.TipoSolicitante.LIVRE,
        solicitante_nome="Beltrano Reservado",
        solicitante_telefone=CELULAR_SOLICITANTE,
        solicitante_email=EMAIL_SOLICITANTE,
        solicitante_cpf_cnpj=CPF_SOLICITANTE,
    )
    ReiteracaoFactory(
        ra=livre, solicitante_nome="Beltrano Reservado", solicitante_telefone=CELULAR_SOLICITANTE
    )
    Mensagem.objects.create(
        destino=CELULAR_SOLICITANTE,
        texto="Protocolo 456",
        status=Mensagem.Status.FALHOU,
        registro_atendimento=livre,
    )
    return {**dados, "livre": livre.pk, "cliente": ra.cliente_id, "imovel": ra.imovel_id}


def _supervisor_sem_dados_pessoais(unidade):
    """Every permission of a supervisor except seeing personal data."""
    from django.contrib.auth.models import Group, Permission

    grupo = Group.objects.create(name="Supervisor sem dados pessoais")
    grupo.permissions.set(
        Permission.objects.filter(group__name=SUPERVISOR).exclude(codename="ver_dados_pessoais")
    )
    usuario = UsuarioFactory(username="sup_sem_dados", unidade=unidade)
    usuario.groups.add(grupo)
    return usuario


def _conteudo(resposta) -> str:
    if getattr(resposta, "streaming", False):
        return b"".join(resposta.streaming_content).decode("utf-8", "replace")
    return resposta.content.decode("utf-8", "replace")


def _alvos_lgpd(dados):
    extras = [
        {"formato": "csv"},
        {"mensagens": "1"},
        {"q": "Sigilosa"},
        {"situacao": "pendente"},
        {"cliente": "Beltrano Reservado"},
    ]
    sem_parametros = {nome for _, nome, parametros, _ in ROTAS if not parametros}
    for nome, url, _ in _urls(dados, inexistente=False):
        yield nome, url, None
        if nome in sem_parametros:
            for consulta in extras:
                yield nome, url, consulta
    livre = dados["livre"]
    for nome in ("atendimento:detalhe", "atendimento:comprovante", "atendimento:confirmacao"):
        yield nome, reverse(nome, args=[livre]), None
    yield "abertura", reverse("atendimento:inserir"), {"cliente": dados["cliente"]}
    yield "abertura", reverse("atendimento:inserir"), {"imovel": dados["imovel"]}


@pytest.mark.parametrize("quem", ["sem_grupo", "supervisor_sem_dados"])
def test_dados_pessoais_mascarados_em_todas_as_paginas(client, dados_pessoais, unidade, quem):
    usuario = _sem_grupo(None) if quem == "sem_grupo" else _supervisor_sem_dados_pessoais(unidade)
    client.force_login(usuario)
    client.raise_request_exception = False
    vistos, vazamentos = 0, []
    for nome, url, consulta in _alvos_lgpd(dados_pessoais):
        resposta = client.get(url, consulta or {})
        assert resposta.status_code < 500, f"{nome} {consulta}"
        if resposta.status_code != 200:
            continue
        vistos += 1
        conteudo = _conteudo(resposta)
        vazamentos += [f"{nome} {consulta or ''}: {v}" for v in VAZAMENTOS if v in conteudo]
    assert vistos > 5
    assert "\n".join(vazamentos) == ""


def test_paginas_publicas_nao_mostram_dados_pessoais(client, dados_pessoais):
    for nome, url, view in _urls(dados_pessoais, inexistente=False):
        if not _publica(view):
            continue
        conteudo = _conteudo(client.get(url))
        assert not [v for v in VAZAMENTOS if v in conteudo], nome
        assert "Sigilosa" not in conteudo and "Reservado" not in conteudo, nome


# --- hostile form posts: every field of every form, as a user who may act ----

CAMPOS_POST = [
    "anexos",
    "arquivo",
    "ate",
    "cliente",
    "cpf_cnpj",
    "data",
    "data_abertura",
    "data_programada",
    "data_reservada",
    "ddd",
    "de",
    "descricao",
    "destinatario",
    "destino",
    "devolucao_documento",
    "devolucao_motivo",
    "devolucao_referencia",
    "devolucao_valor",
    "dias",
    "email",
    "equipe",
    "especificacao",
    "evento",
    "fim",
    "imovel",
    "inicio",
    "latitude",
    "local_ocorrencia",
    "longitude",
    "matricula",
    "meio",
    "melhor_horario",
    "motivo",
    "nome",
    "nova_data",
    "numero",
    "numero_manual",
    "observacao",
    "parecer",
    "posicao",
    "prioridade",
    "quantidade",
    "ra_referencia",
    "ramal",
    "relacao",
    "situacao",
    "solicitante_cpf_cnpj",
    "solicitante_email",
    "solicitante_funcionario",
    "solicitante_nome",
    "solicitante_telefone",
    "solicitante_unidade",
    "status_complementar",
    "telefone",
    "texto",
    "tipo",
    "tipo_servico",
    "tipo_solicitante",
    "unidade",
    "unidade_destino",
    "visibilidade",
    "acao",
    "dia",
    "telefones-TOTAL_FORMS",
    "telefones-INITIAL_FORMS",
]

VALORES_POST = [
    "9999-12-31T23:59",
    "9999-12-31",
    "0001-01-01",
    "2026-13-45",
    "9" * 30,
    "-1",
    "x" * 10_000,
    SCRIPT,
]


def test_post_hostil_em_todos_os_formularios_sem_erro(client, dados, administrador):
    client.force_login(administrador)
    alvos = []
    for nome, url, _ in _urls(dados, inexistente=False):
        for valor in VALORES_POST:
            alvos.append((nome, url, {**dict.fromkeys(CAMPOS_POST, valor), "versao": "1"}))
    client.raise_request_exception = False
    problemas = []
    for nome, url, corpo in alvos:
        resposta = client.post(url, corpo)
        if resposta.status_code >= 500:
            problemas.append(f"POST {nome} {corpo['texto'][:20]!r} -> {resposta.status_code}")
        elif (
            resposta.get("Content-Type", "").startswith("text/html")
            and SCRIPT.encode() in resposta.content
        ):
            problemas.append(f"POST {nome} devolve <script> sem escapar")
    assert "\n".join(problemas) == ""
