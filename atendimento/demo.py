"""Demo data of the service desk (``load_demo``): catalogue, channels, closing reasons,
parameters, a field technician, and RAs in every situation opened through the services.

Idempotent: catalogue rows are looked up by natural key; the RAs are created only
when the demo attendant has opened none yet. Values come from a seeded Faker.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from faker import Faker

from atendimento import services
from atendimento.models import (
    Especificacao,
    GrupoSolicitacao,
    MeioSolicitacao,
    MotivoEncerramento,
    ParametrosAtendimento,
    RegistroAtendimento,
    StatusComplementar,
    TipoSolicitacao,
)
from cadastro.models import ClienteImovel, UnidadeOrganizacional, Usuario
from core.papeis import TECNICO
from ordens_servico.models import TipoServico

SEMENTE = 2026

TIPOS_SERVICO = {
    # descrição: (prazo de execução em horas, encerra o RA)
    "Reparo de vazamento": (24, True),
    "Verificação de falta d'água": (24, False),
    "Religação de água": (48, True),
    "Desobstrução de rede de esgoto": (24, True),
}

# grupo → tipo → [(especificação, options)]; "portal": open to the customer portal (what
# a customer can ask about one of their imóveis, with no document the staff must check).
CATALOGO = {
    "Água": {
        "Vazamento": [
            (
                "Vazamento de água na via pública",
                {"prazo_horas": 24, "unidade": "GMA", "servico": "Reparo de vazamento"},
            ),
            (
                "Vazamento no cavalete",
                {
                    "prazo_dias": 2,
                    "unidade": "GMA",
                    "servico": "Reparo de vazamento",
                    "exige_imovel": True,
                    "portal": True,
                },
            ),
        ],
        "Abastecimento": [
            (
                "Falta d'água",
                {
                    "prazo_dias": 1,
                    "unidade": "GMA",
                    "servico": "Verificação de falta d'água",
                    "exige_imovel": True,
                    "portal": True,
                },
            ),
            ("Água com cor ou cheiro", {"prazo_dias": 2, "unidade": "GMA", "portal": True}),
        ],
        "Ligação": [
            (
                "Religação",
                {
                    "prazo_dias": 2,
                    "unidade": "GMA",
                    "servico": "Religação de água",
                    "exige_imovel": True,
                    "exige_cliente": True,
                },
            ),
        ],
    },
    "Esgoto": {
        "Extravasamento": [
            (
                "Extravasamento de esgoto na via pública",
                {"prazo_horas": 24, "unidade": "GME", "servico": "Desobstrução de rede de esgoto"},
            ),
            (
                "Retorno de esgoto no imóvel",
                {"prazo_dias": 2, "unidade": "GME", "exige_imovel": True, "portal": True},
            ),
        ],
    },
    "Comercial": {
        "Conta": [
            (
                "Revisão de conta",
                {
                    "prazo_dias": 5,
                    "unidade": "GCOM",
                    "exige_imovel": True,
                    "exige_cliente": True,
                    "portal": True,
                },
            ),
            (
                "Segunda via de conta",
                {
                    "prazo_dias": 1,
                    "unidade": "GCOM",
                    "exige_imovel": True,
                    "exige_parecer_encerramento": False,
                    "portal": True,
                },
            ),
        ],
        "Devolução de valores": [
            (
                "Devolução de pagamento em duplicidade",
                {
                    "prazo_dias": 10,
                    "unidade": "GCOM",
                    "natureza": "devolucao",
                    "exige_imovel": True,
                    "exige_cliente": True,
                    "exige_cpf_cnpj": True,
                },
            ),
            (
                "Devolução de pagamento a maior",
                {
                    "prazo_dias": 10,
                    "unidade": "GCOM",
                    "natureza": "devolucao",
                    "exige_imovel": True,
                    "exige_cliente": True,
                },
            ),
        ],
    },
}

MEIOS = ["Balcão", "Telefone", "Internet", "Aplicativo", "SMS", "Interno", "Carta"]
MOTIVOS = [
    ("Serviço executado", MotivoEncerramento.Tipo.EXECUTADO),
    ("Solicitação atendida", MotivoEncerramento.Tipo.EXECUTADO),
    ("Serviço não executado", MotivoEncerramento.Tipo.NAO_EXECUTADO),
    ("Cancelado a pedido do solicitante", MotivoEncerramento.Tipo.NAO_EXECUTADO),
    ("Improcedente", MotivoEncerramento.Tipo.NAO_EXECUTADO),
    ("Duplicidade", MotivoEncerramento.Tipo.DUPLICIDADE),
]
STATUS_COMPLEMENTARES = ["Aguardando material", "Aguardando o cliente", "Aguardando vistoria"]

TECNICOS = {
    # username: (first name, last name, unit, password)
    "tecnico": ("Tiago", "Técnico", "GMA", "demo-tecnico"),
    "esgoto": ("Elisa", "Esgoto", "GME", "demo-esgoto"),
}


# What attendants write after the especificação (pt-BR, never lorem ipsum).
RELATOS = (
    "Cliente relata o problema desde ontem à tarde.",
    "Vizinhos também reclamaram; pede urgência.",
    "Informa que já ligou antes e ninguém apareceu.",
    "Água escorrendo pela calçada em frente ao imóvel.",
    "Notado pela manhã; o cliente estará em casa depois das 14 h.",
    "Pede retorno por telefone antes da visita.",
    "Problema recorrente: é a segunda vez neste mês.",
    "Cliente idoso; pede prioridade no atendimento.",
    "Casa de portão azul, ao lado da padaria.",
    "Relata cheiro forte e água parada na rua.",
    "Hidrômetro de difícil acesso, dentro da garagem.",
    "Solicitante deixou ponto de referência: em frente à escola municipal.",
)


def carregar(stdout) -> None:
    with transaction.atomic():
        ParametrosAtendimento.atual()
        especificacoes = catalogo_carregar()
        tecnicos = _tecnicos()
    n_ras = _registros(especificacoes, tecnicos)
    stdout.write(
        f"atendimento: {len(especificacoes)} especificações, {len(MEIOS)} meios, "
        f"{len(MOTIVOS)} motivos, {n_ras} RAs de demonstração."
    )
    for username, (_, _, sigla, senha) in TECNICOS.items():
        stdout.write(f"  {username:<12} {senha:<18} {TECNICO} ({sigla})")


def catalogo_carregar() -> dict[str, Especificacao]:
    """The catalogue (also used by volume.py). Returns especificações by name."""
    unidades = {u.sigla: u for u in UnidadeOrganizacional.objects.all()}
    servicos = {}
    for descricao, (horas, encerra) in TIPOS_SERVICO.items():
        servicos[descricao], _ = TipoServico.objects.get_or_create(
            descricao=descricao, defaults={"prazo_execucao_horas": horas, "encerra_ra": encerra}
        )
    especificacoes = {}
    for nome_grupo, tipos in CATALOGO.items():
        grupo, _ = GrupoSolicitacao.objects.get_or_create(nome=nome_grupo)
        for nome_tipo, itens in tipos.items():
            tipo, _ = TipoSolicitacao.objects.get_or_create(grupo=grupo, nome=nome_tipo)
            for nome, opcoes in itens:
                opcoes = dict(opcoes)
                unidade = unidades.get(opcoes.pop("unidade", ""))
                servico = servicos.get(opcoes.pop("servico", ""))
                especificacoes[nome], _ = Especificacao.objects.get_or_create(
                    tipo=tipo,
                    nome=nome,
                    defaults={"unidade_destino": unidade, "tipo_servico": servico, **opcoes},
                )
    for nome in MEIOS:
        MeioSolicitacao.objects.get_or_create(nome=nome)
    for nome, tipo in MOTIVOS:
        MotivoEncerramento.objects.get_or_create(nome=nome, defaults={"tipo": tipo})
    for nome in STATUS_COMPLEMENTARES:
        StatusComplementar.objects.get_or_create(nome=nome)
    return especificacoes


def _tecnicos() -> dict[str, Usuario]:
    unidades = {u.sigla: u for u in UnidadeOrganizacional.objects.all()}
    tecnicos = {}
    for username, (nome, sobrenome, sigla, senha) in TECNICOS.items():
        usuario = Usuario.objects.filter(username=username).first()
        if usuario is None and sigla in unidades:
            usuario = Usuario(
                username=username,
                first_name=nome,
                last_name=sobrenome,
                email=f"{username}@demo.gsan.local",
                unidade=unidades[sigla],
            )
            usuario.set_password(senha)
            usuario.save()
            usuario.groups.add(Group.objects.get(name=TECNICO))
        if usuario is not None:
            tecnicos[username] = usuario
    return tecnicos


def _registros(esp, tecnicos) -> int:
    atendente = Usuario.objects.filter(username="atendente").first()
    if atendente is None or "tecnico" not in tecnicos or "esgoto" not in tecnicos:
        return 0
    if RegistroAtendimento.objects.filter(usuario_abertura=atendente).exists():
        return RegistroAtendimento.objects.filter(usuario_abertura=atendente).count()
    tecnico, esgoto = tecnicos["tecnico"], tecnicos["esgoto"]
    fake = Faker("pt_BR")
    fake.seed_instance(SEMENTE)
    meios = {m.nome: m for m in MeioSolicitacao.objects.all()}
    motivos = {m.nome: m for m in MotivoEncerramento.objects.all()}
    vinculos = list(
        ClienteImovel.objects.filter(
            relacao=ClienteImovel.Relacao.USUARIO, data_fim__isnull=True
        ).select_related("cliente", "imovel")[:40]
    )
    if len(vinculos) < 20:
        return 0
    agora = timezone.now()

    def abrir(especificacao, n, *, horas_atras=1, meio="Balcão", livre=False, **kwargs):
        vinculo = vinculos[n]
        dados = {
            "usuario": atendente,
            "especificacao": esp[especificacao],
            "meio": meios[meio],
            "descricao": kwargs.pop(
                "descricao", f"{especificacao}. {fake.random_element(RELATOS)}"
            ),
            "imovel": vinculo.imovel,
            "data_abertura": agora - datetime.timedelta(hours=horas_atras),
        }
        if livre:
            dados.update(
                tipo_solicitante="livre",
                solicitante_nome=fake.name(),
                solicitante_telefone=f"8199{fake.numerify('#######')}",
            )
        else:
            dados.update(tipo_solicitante="cliente", cliente=vinculo.cliente)
        dados.update(kwargs)
        return services.registro_atendimento_abrir(**dados)

    # Pending, within the deadline
    # A requester with a mobile and an e-mail: public messages written on this RA reach both.
    abrir(
        "Vazamento de água na via pública",
        0,
        horas_atras=2,
        meio="Telefone",
        livre=True,
        solicitante_email="morador.centro@demo.gsan.local",
    )
    abrir("Falta d'água", 1, horas_atras=3)
    abrir("Revisão de conta", 2, horas_atras=20, descricao="Consumo muito acima da média em março.")
    abrir("Água com cor ou cheiro", 3, horas_atras=1, meio="Aplicativo", livre=True)
    # "Atenção": most of the deadline gone
    abrir("Extravasamento de esgoto na via pública", 4, horas_atras=21, livre=True)
    # Overdue, then reiterated by the requester
    vencido = abrir("Vazamento no cavalete", 5, horas_atras=24 * 6)
    services.registro_atendimento_reiterar(
        ra=vencido,
        usuario=atendente,
        solicitante_nome=vinculos[5].cliente.nome,
        observacao="Cliente ligou de novo: o vazamento aumentou.",
    )
    abrir("Retorno de esgoto no imóvel", 6, horas_atras=24 * 8, meio="Internet")
    # Blocked: free-text location only
    services.registro_atendimento_abrir(
        usuario=atendente,
        especificacao=esp["Vazamento de água na via pública"],
        meio=meios["SMS"],
        descricao="Cano estourado perto da parada de ônibus.",
        tipo_solicitante="livre",
        solicitante_nome=fake.name(),
        solicitante_telefone="81998887766",
        local_ocorrencia="Em frente à parada de ônibus da Av. Caxangá, perto do mercado",
    )
    # Routed, assumed, with messages, paused, extended
    rota = abrir("Segunda via de conta", 7, horas_atras=5)
    rota = services.registro_atendimento_tramitar(
        ra=rota,
        unidade_destino=UnidadeOrganizacional.objects.get(sigla="CAT"),
        parecer="Emitir no balcão.",
        usuario=atendente,
    )
    assumido = abrir("Água com cor ou cheiro", 8, horas_atras=4)
    services.registro_atendimento_assumir(ra=assumido, usuario=tecnico)
    services.registro_atendimento_mensagem_adicionar(
        ra=assumido,
        usuario=tecnico,
        texto="Coletaremos uma amostra amanhã pela manhã.",
        visibilidade="publica",
    )
    services.registro_atendimento_mensagem_adicionar(
        ra=assumido,
        usuario=tecnico,
        texto="Verificar o reservatório do setor.",
        visibilidade="interna",
    )
    pausado = abrir("Revisão de conta", 9, horas_atras=30)
    services.registro_atendimento_pausar(
        ra=pausado, usuario=atendente, motivo="Aguardando a cópia da conta do cliente."
    )
    prorrogado = abrir("Falta d'água", 10, horas_atras=10)
    services.registro_atendimento_prorrogar(
        ra=prorrogado,
        usuario=tecnico,
        nova_data=prorrogado.data_prevista_atual + datetime.timedelta(days=2),
        motivo="Manutenção programada da adutora.",
    )
    # Devolução de valores
    abrir(
        "Devolução de pagamento em duplicidade",
        11,
        horas_atras=48,
        solicitante_cpf_cnpj="",
        devolucoes=[
            {
                "motivo": "duplicidade",
                "documento": "Conta 03/2026",
                "referencia": "202603",
                "valor": Decimal("87.30"),
            }
        ],
    )
    # Closed: executed, not executed, duplicate; one reactivated
    feito = abrir("Água com cor ou cheiro", 12, horas_atras=24 * 3)
    services.registro_atendimento_encerrar(
        ra=feito,
        motivo=motivos["Serviço executado"],
        usuario=tecnico,
        parecer="Rede descarregada; água normalizada.",
        data=agora - datetime.timedelta(hours=24),
    )
    nao = abrir("Vazamento de água na via pública", 13, horas_atras=24 * 4)
    services.registro_atendimento_encerrar(
        ra=nao,
        motivo=motivos["Improcedente"],
        usuario=tecnico,
        parecer="Vistoria não encontrou vazamento.",
    )
    original = abrir("Extravasamento de esgoto na via pública", 14, horas_atras=6, livre=True)
    copia = abrir("Retorno de esgoto no imóvel", 14, horas_atras=5, livre=True)
    services.registro_atendimento_encerrar(
        ra=copia,
        motivo=motivos["Duplicidade"],
        usuario=esgoto,
        parecer="Mesmo problema do RA de referência.",
        ra_referencia=original,
    )
    reaberto = abrir("Segunda via de conta", 15, horas_atras=24 * 10)
    services.registro_atendimento_encerrar(
        ra=reaberto,
        motivo=motivos["Solicitação atendida"],
        usuario=atendente,
        parecer="",
        data=agora - datetime.timedelta(days=9),
    )
    services.registro_atendimento_reativar(
        ra=reaberto, usuario=atendente, descricao="A segunda via veio com o valor errado."
    )
    return RegistroAtendimento.objects.filter(usuario_abertura=atendente).count()
