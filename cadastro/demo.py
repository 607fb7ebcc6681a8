"""Demo data of the registry: units, users per role, clients, imóveis in Recife, holidays.

Idempotent: every row has a natural key (sigla, username, CPF/CNPJ, inscrição,
date) and is only created when missing. All random values come from a seeded
Faker, generated in full before touching the database, so a second run sees
the same values and creates nothing.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from faker import Faker

from cadastro import services, validators
from cadastro.feriados import feriados_nacionais
from cadastro.models import (
    Cliente,
    ClienteImovel,
    Feriado,
    Imovel,
    Telefone,
    UnidadeOrganizacional,
    Usuario,
)
from core.papeis import ADMINISTRADOR, ATENDENTE, SUPERVISOR

SEMENTE = 2026
N_CLIENTES = 50
N_IMOVEIS = 100

# sigla: (nome, tipo, superior, abre_ra, recebe_tramite, central, centralizadora)
UNIDADES = {
    "DRM": ("Diretoria Regional Metropolitana", "gerencia", None, False, False, False, None),
    "CAT": ("Central de Atendimento", "central", "DRM", True, True, True, None),
    "GCOM": ("Gerência Comercial", "gerencia", "DRM", True, True, False, None),
    "GMA": ("Manutenção de Água", "operacional", "DRM", False, True, False, None),
    "GMA-SUL": ("Manutenção de Água — Zona Sul", "operacional", "GMA", False, True, False, "GMA"),
    "GME": ("Manutenção de Esgoto", "operacional", "DRM", False, True, False, None),
}

# username: (first name, last name, role, unit, password, is_staff)
USUARIOS = {
    "atendente": ("Ana", "Atendente", ATENDENTE, "CAT", "demo-atendente", False),
    "supervisor": ("Sérgio", "Supervisor", SUPERVISOR, "CAT", "demo-supervisor", False),
    "admin": ("Alice", "Administradora", ADMINISTRADOR, "DRM", "demo-admin", True),
}

# bairro: (latitude, longitude, CEP prefix, streets)
BAIRROS = {
    "Boa Viagem": (
        -8.1196,
        -34.9003,
        "51020",
        ["Avenida Boa Viagem", "Avenida Conselheiro Aguiar", "Rua Barão de Souza Leão"],
    ),
    "Graças": (
        -8.0472,
        -34.8985,
        "52011",
        ["Rua das Graças", "Avenida Rui Barbosa", "Rua Amélia"],
    ),
    "Casa Forte": (
        -8.0336,
        -34.9181,
        "52061",
        ["Avenida Dezessete de Agosto", "Praça de Casa Forte", "Rua Jerônimo Vilela"],
    ),
    "Madalena": (
        -8.0541,
        -34.9092,
        "50610",
        ["Rua Real da Torre", "Rua Benfica", "Rua José Osório"],
    ),
    "Várzea": (
        -8.0480,
        -34.9585,
        "50740",
        ["Avenida Afonso Olindense", "Rua Azeredo Coutinho", "Rua Professor Artur de Sá"],
    ),
}

FERIADOS_RECIFE = [
    (6, 24, "São João"),
    (7, 16, "Nossa Senhora do Carmo"),
    (12, 8, "Nossa Senhora da Conceição"),
]


def carregar(stdout) -> None:
    with transaction.atomic():
        unidades = _unidades()
        usuarios = _usuarios(unidades)
        n_feriados = _feriados()
        clientes = _clientes(usuarios["admin"])
        imoveis = _imoveis(usuarios["admin"], clientes)
    stdout.write(
        f"cadastro: {len(unidades)} unidades, {len(usuarios)} usuários, {len(clientes)} clientes, "
        f"{len(imoveis)} imóveis, {n_feriados} feriados."
    )
    stdout.write("Usuários de demonstração (usuário / senha):")
    for username, (_, _, papel, sigla, senha, _) in USUARIOS.items():
        stdout.write(f"  {username:<12} {senha:<18} {papel} ({sigla})")


def _unidades() -> dict[str, UnidadeOrganizacional]:
    unidades = {}
    for sigla, (nome, tipo, superior, abre, recebe, central, centralizadora) in UNIDADES.items():
        unidade, _ = UnidadeOrganizacional.objects.get_or_create(
            sigla=sigla,
            defaults={
                "nome": nome,
                "tipo": tipo,
                "superior": unidades.get(superior),
                "abre_ra": abre,
                "recebe_tramite": recebe,
                "central_atendimento": central,
                "centralizadora": unidades.get(centralizadora),
            },
        )
        unidades[sigla] = unidade
    return unidades


def _usuarios(unidades) -> dict[str, Usuario]:
    usuarios = {}
    for username, (nome, sobrenome, papel, sigla, senha, staff) in USUARIOS.items():
        usuario = Usuario.objects.filter(username=username).first()
        if usuario is None:
            usuario = Usuario(
                username=username,
                first_name=nome,
                last_name=sobrenome,
                email=f"{username}@demo.gsan.local",
                unidade=unidades[sigla],
                is_staff=staff,
            )
            usuario.set_password(senha)
            usuario.save()
            usuario.groups.add(Group.objects.get(name=papel))
        usuarios[username] = usuario
    return usuarios


def _feriados() -> int:
    ano = datetime.date.today().year
    linhas = []
    for a in (ano, ano + 1):
        linhas += [(data, nome, "") for data, nome in feriados_nacionais(a)]
        linhas += [(datetime.date(a, m, d), nome, "Recife") for m, d, nome in FERIADOS_RECIFE]
    for data, nome, municipio in linhas:
        Feriado.objects.get_or_create(
            data=data,
            municipio=municipio,
            defaults={
                "descricao": nome,
                "abrangencia": "municipal" if municipio else "nacional",
            },
        )
    return len(linhas)


def _celular(fake: Faker) -> str:
    while True:
        numero = f"9{fake.random_int(8100_0000, 9999_9999)}"
        try:
            validators.validar_telefone("81", numero, celular=True)
        except ValidationError:
            continue
        return numero


def _fixo(fake: Faker) -> str:
    while True:
        numero = f"3{fake.random_int(100_0000, 999_9999)}"
        try:
            validators.validar_telefone("81", numero, celular=False)
        except ValidationError:
            continue
        return numero


def _clientes(usuario) -> list[Cliente]:
    fake = Faker("pt_BR")
    fake.seed_instance(SEMENTE)
    planos = []
    for i in range(N_CLIENTES):
        empresa = i % 10 == 9
        telefones = [
            services.DadosTelefone(
                tipo=Telefone.Tipo.CELULAR,
                ddd="81",
                numero=_celular(fake),
                principal=True,
                sms=True,
            )
        ]
        if i % 3 == 0:
            telefones.append(
                services.DadosTelefone(
                    tipo=Telefone.Tipo.COMERCIAL if empresa else Telefone.Tipo.RESIDENCIAL,
                    ddd="81",
                    numero=_fixo(fake),
                )
            )
        planos.append(
            {
                "nome": fake.company() if empresa else fake.name(),
                "cpf_cnpj": fake.cnpj() if empresa else fake.cpf(),
                "email": fake.free_email(),
                "recebe_sms": i % 4 != 3,
                "recebe_email": i % 2 == 0,
                "telefones": telefones,
            }
        )
    clientes = []
    for plano in planos:
        existente = Cliente.objects.filter(
            cpf_cnpj=validators.somente_digitos(plano["cpf_cnpj"])
        ).first()
        clientes.append(existente or services.cliente_criar(**plano, usuario=usuario))
    return clientes


def _imoveis(usuario, clientes) -> list[Imovel]:
    aleatorio = random.Random(SEMENTE)
    hoje = datetime.date.today()
    imoveis = []
    for i in range(N_IMOVEIS):
        bairro = list(BAIRROS)[i % len(BAIRROS)]
        lat, lon, cep, ruas = BAIRROS[bairro]
        setor = list(BAIRROS).index(bairro) + 1
        quadra, lote = i // 10 + 1, i % 10 + 1
        plano = {
            "localidade": 1,
            "setor": setor,
            "quadra": quadra,
            "lote": lote,
            "municipio": "Recife",
            "uf": "PE",
            "bairro": bairro,
            "logradouro": aleatorio.choice(ruas),
            "numero": str(aleatorio.randint(10, 2500)),
            "complemento": aleatorio.choice(["", "", "", "Apto 101", "Casa A", "Bloco B"]),
            "cep": f"{cep}-{aleatorio.randint(0, 999):03d}",
            "latitude": Decimal(f"{lat + aleatorio.uniform(-0.004, 0.004):.6f}"),
            "longitude": Decimal(f"{lon + aleatorio.uniform(-0.004, 0.004):.6f}"),
            "situacao_agua": aleatorio.choice(
                ["ligado"] * 8 + ["cortado", "factivel", "suprimido"]
            ),
            "situacao_esgoto": aleatorio.choice(["ligado"] * 5 + ["potencial", "factivel"]),
        }
        inicio = hoje - datetime.timedelta(days=aleatorio.randint(30, 3650))
        imovel = Imovel.objects.filter(
            localidade=1, setor=setor, quadra=quadra, lote=lote, sublote=0
        ).first() or services.imovel_criar(**plano, usuario=usuario)
        relacoes = [(ClienteImovel.Relacao.USUARIO, clientes[i % len(clientes)])]
        if i % 3 == 0:
            proprietario = clientes[(i * 7 + 3) % len(clientes)]
            relacoes.append((ClienteImovel.Relacao.PROPRIETARIO, proprietario))
        for relacao, cliente in relacoes:
            if not ClienteImovel.objects.filter(
                imovel=imovel, relacao=relacao, data_fim__isnull=True
            ).exists():
                services.vinculo_criar(
                    cliente=cliente,
                    imovel=imovel,
                    relacao=relacao,
                    data_inicio=inicio,
                    usuario=usuario,
                )
        imoveis.append(imovel)
    return imoveis
