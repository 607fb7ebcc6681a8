"""Demo data of the service orders (``load_demo``): service types, teams per field unit,
per-unit parameters, and OS in every situation, made through the services.

Runs after ``atendimento/demo.py`` (catalogue, technicians, RAs whose opening already
generated pending OS). Idempotent: types, teams and parameters are looked up by
natural key; the OS scenario runs only while no OS has ever been scheduled.
"""

import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from faker import Faker

from atendimento import services as ra_services
from atendimento.demo import RELATOS
from atendimento.models import Especificacao, MeioSolicitacao, MotivoEncerramento
from cadastro.models import ClienteImovel, UnidadeOrganizacional, Usuario
from core.papeis import TECNICO as PAPEL_TECNICO
from ordens_servico import services
from ordens_servico.models import Equipe, OrdemServico, ParametrosUnidadeOS, TipoServico

SEMENTE = 2026

TIPOS = {
    # descrição: (valor, prazo h, encerra o RA, exige programação, encerrar pendentes após dias)
    "Reparo de vazamento": ("180.00", 24, True, False, None),
    "Verificação de falta d'água": ("60.00", 24, False, False, None),
    "Religação de água": ("45.00", 48, True, True, None),
    "Desobstrução de rede de esgoto": ("220.00", 24, True, False, None),
    "Corte de ligação a pedido": ("35.00", 72, True, True, 60),
    "Substituição de hidrômetro": ("150.00", 120, False, True, 90),
    "Vistoria de ligação": ("40.00", 72, False, False, 30),
}

EQUIPES = {
    # sigla: [(nome, veículo, telefone, carga diária)]
    "GMA": [
        ("Equipe Alfa", "PEX1A23", "+5581999110001", 6),
        ("Equipe Beta", "PEX2B34", "+5581999110002", 5),
    ],
    "GMA-SUL": [("Equipe Sul 1", "PEY3C45", "+5581999110003", 5)],
    "GME": [
        ("Equipe Esgoto 1", "PEZ4D56", "+5581999110004", 4),
        ("Equipe Esgoto 2", "PEZ5E67", "+5581999110005", 4),
    ],
}

# Units whose OS may only start once scheduled.
EXIGEM_PROGRAMACAO = ("GME",)

TECNICO = ("tecnico", "Tiago", "Técnico", "GMA", "demo-tecnico")


def carregar(stdout) -> None:
    with transaction.atomic():
        tipos = _tipos()
        equipes = _equipes()
        _parametros()
    resumo = _cenario(tipos, equipes)
    stdout.write(
        f"ordens_servico: {len(tipos)} tipos de serviço, {len(equipes)} equipes, {resumo}."
    )


def _tipos() -> dict[str, TipoServico]:
    tipos = {}
    for descricao, (valor, horas, encerra, exige, dias) in TIPOS.items():
        tipo, criado = TipoServico.objects.get_or_create(
            descricao=descricao,
            defaults={
                "valor": valor,
                "prazo_execucao_horas": horas,
                "encerra_ra": encerra,
                "exige_programacao": exige,
                "dias_vencimento": dias,
            },
        )
        if not criado and tipo.valor == 0:
            # The atendimento demo creates some of these types without a value.
            tipo.valor = valor
            tipo.exige_programacao = exige
            tipo.dias_vencimento = dias
            tipo.save(update_fields=["valor", "exige_programacao", "dias_vencimento"])
        tipos[descricao] = tipo
    return tipos


def _equipes() -> dict[str, Equipe]:
    unidades = {u.sigla: u for u in UnidadeOrganizacional.objects.filter(sigla__in=EQUIPES)}
    equipes = {}
    for sigla, lista in EQUIPES.items():
        if sigla not in unidades:
            continue
        for nome, veiculo, telefone, carga in lista:
            equipes[nome], _ = Equipe.objects.get_or_create(
                unidade=unidades[sigla],
                nome=nome,
                defaults={"veiculo": veiculo, "telefone": telefone, "carga_diaria": carga},
            )
    return equipes


def _parametros() -> None:
    for unidade in UnidadeOrganizacional.objects.filter(sigla__in=EXIGEM_PROGRAMACAO):
        ParametrosUnidadeOS.objects.get_or_create(
            unidade=unidade, defaults={"exige_programacao": True}
        )


def _tecnico() -> Usuario | None:
    username, nome, sobrenome, sigla, senha = TECNICO
    usuario = Usuario.objects.filter(username=username).first()
    unidade = UnidadeOrganizacional.objects.filter(sigla=sigla).first()
    if usuario is None and unidade is not None:
        usuario = Usuario(username=username, first_name=nome, last_name=sobrenome, unidade=unidade)
        usuario.set_password(senha)
        usuario.save()
        usuario.groups.add(Group.objects.get(name=PAPEL_TECNICO))
    return usuario


def _cenario(tipos, equipes) -> str:
    if OrdemServico.objects.filter(data_programacao__isnull=False).exists():
        return f"{OrdemServico.objects.count()} OS (já carregadas)"
    atendente = Usuario.objects.filter(username="atendente").first()
    tecnico = _tecnico()
    especificacoes = {
        e.nome: e
        for e in Especificacao.objects.filter(
            tipo_servico__isnull=False, unidade_destino__sigla="GMA", ativa=True
        )
    }
    meio = MeioSolicitacao.objects.filter(ativo=True).order_by("pk").first()
    motivos = {m.tipo: m for m in MotivoEncerramento.objects.filter(ativo=True).order_by("-pk")}
    # Imóveis with no RA yet, so no opening here meets a pending duplicate.
    vinculos = list(
        ClienteImovel.objects.filter(relacao="usuario", data_fim__isnull=True)
        .exclude(imovel__registros_atendimento__isnull=False)
        .select_related("cliente", "imovel")
        .order_by("pk")[:20]
    )
    precisa = ("Vazamento no cavalete", "Falta d'água")
    if (
        atendente is None
        or tecnico is None
        or meio is None
        or len(vinculos) < 12
        or not all(n in especificacoes for n in precisa)
        or not {"executado", "nao_executado"} <= set(motivos)
        or "Equipe Alfa" not in equipes
    ):
        return "nenhuma OS (carregue antes o cadastro e o atendimento de demonstração)"
    fake = Faker("pt_BR")
    fake.seed_instance(SEMENTE)

    def gerar(nome, n):
        vinculo = vinculos[n]
        ra = ra_services.registro_atendimento_abrir(
            usuario=atendente,
            especificacao=especificacoes[nome],
            meio=meio,
            descricao=f"{nome}. {fake.random_element(RELATOS)}",
            tipo_solicitante="cliente",
            cliente=vinculo.cliente,
            imovel=vinculo.imovel,
        )
        return OrdemServico.objects.filter(ra=ra).order_by("-pk").first()

    hoje = timezone.localdate()
    amanha = hoje + datetime.timedelta(days=1)
    alfa, beta = equipes["Equipe Alfa"], equipes.get("Equipe Beta", equipes["Equipe Alfa"])
    cavalete, falta = "Vazamento no cavalete", "Falta d'água"

    # Pendente, one of them overdue (generated three days ago).
    gerar(falta, 0)
    vencida = gerar(cavalete, 1)
    antes = timezone.now() - datetime.timedelta(days=3)
    # Demo only: age the row so the list shows an overdue OS (no service backdates).
    OrdemServico.objects.filter(pk=vencida.pk).update(
        data_geracao=antes,
        data_limite=antes + datetime.timedelta(hours=vencida.tipo_servico.prazo_execucao_horas),
    )
    # Programada: today and tomorrow, for two teams.
    for i, (equipe, dia) in enumerate(((alfa, hoje), (alfa, hoje), (beta, amanha), (alfa, amanha))):
        os = gerar(cavalete if i % 2 else falta, 2 + i)
        services.ordem_servico_programar(os=os, usuario=tecnico, equipe=equipe, data=dia)
    # Em execução.
    os = gerar(cavalete, 6)
    services.ordem_servico_programar(os=os, usuario=tecnico, equipe=beta, data=hoje)
    services.ordem_servico_iniciar(os=os, usuario=tecnico)
    # Encerrada executada: closes its RA (the citizen gets the "atendida" SMS) …
    os = gerar(cavalete, 7)
    services.ordem_servico_programar(os=os, usuario=tecnico, equipe=alfa, data=hoje)
    services.ordem_servico_iniciar(os=os, usuario=tecnico)
    ra_services.registro_atendimento_encerrar_pela_os(
        os=os, usuario=tecnico, motivo=motivos["executado"], parecer="Cavalete substituído."
    )
    # … and one whose type does not close the RA (the screen offers to close it).
    os = gerar(falta, 8)
    services.ordem_servico_programar(os=os, usuario=tecnico, equipe=beta, data=hoje)
    ra_services.registro_atendimento_encerrar_pela_os(
        os=os, usuario=tecnico, motivo=motivos["executado"], parecer="Registro reaberto."
    )
    # Encerrada não executada, and one cancelled.
    os = gerar(falta, 9)
    ra_services.registro_atendimento_encerrar_pela_os(
        os=os,
        usuario=tecnico,
        motivo=motivos["nao_executado"],
        parecer="Imóvel fechado; ninguém atendeu.",
    )
    os = gerar(falta, 10)
    services.ordem_servico_cancelar(os=os, usuario=tecnico, motivo="Gerada em duplicidade.")
    contagem = {
        rotulo: OrdemServico.objects.filter(situacao=valor).count()
        for valor, rotulo in OrdemServico.Situacao.choices
    }
    return ", ".join(f"{n} {rotulo.lower()}" for rotulo, n in contagem.items())
