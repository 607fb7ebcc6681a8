"""Volume data for benchmarks: ``generate_volume --imoveis N``.

Each imóvel gets a cliente usuário (with a celular) and every fourth one a
separate proprietário, all inserted with ``bulk_create`` in batches. The
matrículas are one block reserved with a single ``matriculas_reservar`` call.
Names and streets come from seeded pools, so this runs at tens of thousands
of rows per second instead of calling Faker per row.
"""

import datetime
import random
import time

from django.db import connection, transaction
from faker import Faker

from cadastro import services, validators
from cadastro.models import Cliente, ClienteImovel, Imovel, Telefone
from core.texto import normalizar

OPCOES = {"imoveis": "quantos imóveis criar (com clientes, telefones e vínculos)"}

LOTE = 5_000
# Volume rows live in their own inscrição range (demo data uses localidade < 500).
LOCALIDADE_VOLUME = 500
BAIRROS = [
    ("Boa Viagem", -8.1196, -34.9003),
    ("Pina", -8.0950, -34.8855),
    ("Imbiribeira", -8.1070, -34.9160),
    ("Graças", -8.0472, -34.8985),
    ("Espinheiro", -8.0430, -34.8940),
    ("Casa Forte", -8.0336, -34.9181),
    ("Madalena", -8.0541, -34.9092),
    ("Torre", -8.0480, -34.9120),
    ("Várzea", -8.0480, -34.9585),
    ("Afogados", -8.0760, -34.9080),
    ("Casa Amarela", -8.0290, -34.9170),
    ("Boa Vista", -8.0590, -34.8890),
]


def gerar(opcao: str, quantidade: int, stdout) -> None:
    if opcao != "imoveis" or quantidade <= 0:
        return
    inicio = time.monotonic()
    fake = Faker("pt_BR")
    fake.seed_instance(services.MATRICULA_BASE + quantidade)
    aleatorio = random.Random(quantidade)
    nomes = [fake.first_name() for _ in range(400)]
    sobrenomes = [fake.last_name() for _ in range(300)]
    ruas = [fake.street_name() for _ in range(3_000)]

    primeira = services.matriculas_reservar(quantidade)
    primeiro_cpf = services.sequencia_proximo(nome="volume_cpf", quantidade=quantidade * 2)
    feitos = 0
    while feitos < quantidade:
        n = min(LOTE, quantidade - feitos)
        with transaction.atomic():
            _lote(
                aleatorio,
                nomes,
                sobrenomes,
                ruas,
                matricula_inicial=primeira + feitos,
                cpf_inicial=primeiro_cpf + 2 * feitos,
                n=n,
            )
        feitos += n
        if feitos % 50_000 == 0 or feitos == quantidade:
            stdout.write(f"  imóveis: {feitos}/{quantidade} ({time.monotonic() - inicio:.0f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for tabela in ("cadastro_imovel", "cadastro_cliente", "cadastro_clienteimovel"):
                cursor.execute(f"ANALYZE {tabela}")


def _cpf(sequencial: int) -> str:
    """A valid CPF from a counter value; 9-prefixed so it rarely meets a real one."""
    base = f"9{sequencial % 10**8:08d}"
    d1 = _dv(base)
    return base + str(d1) + str(_dv(base + str(d1)))


def _dv(digitos: str) -> int:
    peso = len(digitos) + 1
    resto = sum(int(d) * (peso - i) for i, d in enumerate(digitos)) % 11
    return 0 if resto < 2 else 11 - resto


def _lote(aleatorio, nomes, sobrenomes, ruas, *, matricula_inicial, cpf_inicial, n):
    escolha = aleatorio.choice
    hoje = datetime.date.today()
    clientes = []
    for k in range(2 * n if n else 0):
        if k % 2 == 1 and (k // 2) % 4 != 0:
            continue  # only every fourth imóvel has a separate proprietário
        nome = f"{escolha(nomes)} {escolha(sobrenomes)} {escolha(sobrenomes)}"
        clientes.append(
            Cliente(
                nome=nome,
                cpf_cnpj=_cpf(cpf_inicial + k),
                recebe_sms=aleatorio.random() < 0.6,
                recebe_email=aleatorio.random() < 0.4,
                busca=normalizar(nome),
            )
        )
    usados = set(
        Cliente.objects.filter(cpf_cnpj__in=[c.cpf_cnpj for c in clientes]).values_list(
            "cpf_cnpj", flat=True
        )
    )
    if usados:  # a demo client drew the same CPF: give ours another valid one
        for c in clientes:
            if c.cpf_cnpj in usados:
                c.cpf_cnpj = _cpf(10**8 - 1 - int(c.cpf_cnpj[1:9]))
    Cliente.objects.bulk_create(clientes, batch_size=LOTE)

    telefones = [
        Telefone(
            cliente=c,
            tipo=Telefone.Tipo.CELULAR,
            ddd="81",
            numero=f"9{aleatorio.randint(8100_0000, 9999_9999)}",
            principal=True,
            sms=c.recebe_sms,
        )
        for c in clientes
    ]
    Telefone.objects.bulk_create(telefones, batch_size=LOTE)

    imoveis = []
    for k in range(n):
        matricula = matricula_inicial + k
        bairro, lat, lon = escolha(BAIRROS)
        imovel = Imovel(
            matricula=matricula,
            localidade=LOCALIDADE_VOLUME + matricula // 10**8,
            setor=(matricula // 100_000) % 1000,
            quadra=(matricula // 100) % 1000,
            lote=matricula % 100,
            municipio="Recife",
            uf="PE",
            bairro=bairro,
            logradouro=escolha(ruas),
            numero=str(aleatorio.randint(1, 3000)),
            complemento="" if aleatorio.random() < 0.8 else f"Apto {aleatorio.randint(101, 1204)}",
            cep=validators.formatar_cep(f"5{aleatorio.randint(0, 999_9999):07d}"),
            latitude=round(lat + aleatorio.uniform(-0.01, 0.01), 6),
            longitude=round(lon + aleatorio.uniform(-0.01, 0.01), 6),
            situacao_agua=Imovel.SituacaoAgua.LIGADO
            if aleatorio.random() < 0.85
            else Imovel.SituacaoAgua.CORTADO,
            situacao_esgoto=Imovel.SituacaoEsgoto.LIGADO
            if aleatorio.random() < 0.6
            else Imovel.SituacaoEsgoto.POTENCIAL,
        )
        imovel.busca = imovel.texto_busca()
        imoveis.append(imovel)
    Imovel.objects.bulk_create(imoveis, batch_size=LOTE)

    vinculos = []
    fila = iter(clientes)
    for k, imovel in enumerate(imoveis):
        inicio = hoje - datetime.timedelta(days=aleatorio.randint(1, 7000))
        vinculos.append(
            ClienteImovel(
                cliente=next(fila),
                imovel=imovel,
                relacao=ClienteImovel.Relacao.USUARIO,
                data_inicio=inicio,
            )
        )
        if k % 4 == 0:
            vinculos.append(
                ClienteImovel(
                    cliente=next(fila),
                    imovel=imovel,
                    relacao=ClienteImovel.Relacao.PROPRIETARIO,
                    data_inicio=inicio,
                )
            )
    ClienteImovel.objects.bulk_create(vinculos, batch_size=LOTE)
