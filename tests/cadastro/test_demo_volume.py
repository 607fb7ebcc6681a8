import datetime
import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from cadastro.demo import carregar
from cadastro.feriados import feriados_nacionais, pascoa
from cadastro.models import (
    Cliente,
    ClienteImovel,
    Feriado,
    Imovel,
    Sequencia,
    Telefone,
    UnidadeOrganizacional,
    Usuario,
)
from cadastro.selectors import busca_atendimento
from cadastro.validators import cpf_valido, digito_modulo11
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db

MODELOS = [UnidadeOrganizacional, Usuario, Cliente, Telefone, Imovel, ClienteImovel, Feriado]


def _contar():
    return {m.__name__: m.objects.count() for m in MODELOS}


def test_demo_do_cadastro_carrega_e_e_idempotente():
    saida = io.StringIO()
    carregar(saida)
    primeira = _contar()
    assert primeira["UnidadeOrganizacional"] == 6
    assert primeira["Cliente"] == 50
    assert primeira["Imovel"] == 100
    # Other apps' demos may add their own users (atendimento adds field technicians).
    assert Usuario.objects.filter(username__in=["atendente", "supervisor", "admin"]).count() == 3
    ano = datetime.date.today().year
    assert Feriado.objects.filter(data__year=ano, abrangencia="nacional").count() == 13
    assert Feriado.objects.filter(data__year=ano + 1).count() == 16
    texto = saida.getvalue()
    for usuario, senha in [
        ("atendente", "demo-atendente"),
        ("supervisor", "demo-supervisor"),
        ("admin", "demo-admin"),
    ]:
        assert usuario in texto and senha in texto
        assert authenticate(RequestFactory().post("/entrar/"), username=usuario, password=senha)
    assert Usuario.objects.get(username="admin").is_staff
    cat = UnidadeOrganizacional.objects.get(sigla="CAT")
    assert cat.central_atendimento and cat.abre_ra and cat.superior.sigla == "DRM"
    assert Usuario.objects.get(username="atendente").unidade == cat
    assert Imovel.objects.filter(latitude__isnull=True).count() == 0
    assert (
        not ClienteImovel.objects.filter(relacao="usuario")
        .values("imovel")
        .exclude(imovel__in=Imovel.objects.all())
        .exists()
    )
    assert Imovel.objects.exclude(vinculos__relacao="usuario").count() == 0
    sequencias = dict(Sequencia.objects.values_list("nome", "valor"))

    carregar(io.StringIO())
    assert _contar() == primeira
    assert dict(Sequencia.objects.values_list("nome", "valor")) == sequencias
    # Demo data is findable the way attendants search.
    atendente = Usuario.objects.get(username="atendente")
    assert busca_atendimento("varzea", atendente).imoveis


def test_load_demo_de_todos_os_apps_e_idempotente():
    """The contract of every app's demo.py: a second run changes no row anywhere."""
    saida = io.StringIO()
    call_command("load_demo", stdout=saida)
    assert "Dados de demonstração prontos." in saida.getvalue()
    modelos = [m for m in apps.get_models() if m._meta.app_label != "sessions"]
    primeira = {m._meta.label: m.objects.count() for m in modelos}
    assert primeira["cadastro.Imovel"] == 100 + len(portal_demo.IMOVEIS)  # the portal's own
    call_command("load_demo", stdout=io.StringIO())
    assert {m._meta.label: m.objects.count() for m in modelos} == primeira


@pytest.mark.parametrize(
    ("ano", "esperado"),
    [
        (2024, datetime.date(2024, 3, 31)),
        (2025, datetime.date(2025, 4, 20)),
        (2026, datetime.date(2026, 4, 5)),
    ],
)
def test_pascoa(ano, esperado):
    assert pascoa(ano) == esperado


def test_feriados_moveis_2026():
    dias = dict(feriados_nacionais(2026))
    assert dias[datetime.date(2026, 2, 16)] == "Carnaval (segunda-feira)"
    assert dias[datetime.date(2026, 2, 17)] == "Carnaval (terça-feira)"
    assert dias[datetime.date(2026, 4, 3)] == "Sexta-feira Santa"
    assert dias[datetime.date(2026, 6, 4)] == "Corpus Christi"
    assert datetime.date(2026, 11, 20) in dias


def test_generate_volume_imoveis():
    saida = io.StringIO()
    call_command("generate_volume", imoveis=40, stdout=saida)
    assert Imovel.objects.count() == 40
    assert ClienteImovel.objects.filter(relacao="usuario").count() == 40
    assert ClienteImovel.objects.filter(relacao="proprietario").count() == 10
    assert Cliente.objects.count() == 50
    assert Telefone.objects.count() == 50
    matriculas = sorted(Imovel.objects.values_list("matricula", flat=True))
    assert matriculas == list(range(matriculas[0], matriculas[0] + 40))
    assert all(cpf_valido(c) for c in Cliente.objects.values_list("cpf_cnpj", flat=True))
    imovel = Imovel.objects.first()
    assert imovel.busca == imovel.texto_busca()
    cliente = Cliente.objects.first()
    assert busca_atendimento(
        f"{imovel.matricula}{digito_modulo11(imovel.matricula)}", None
    ).imoveis == [imovel]
    assert cliente in busca_atendimento(cliente.nome, None).clientes
    # A second run adds more, without clashing with the first.
    call_command("generate_volume", imoveis=10, stdout=io.StringIO())
    assert Imovel.objects.count() == 50
    assert "40 imoveis" in saida.getvalue()


def test_generate_volume_sem_opcao_recusa():
    with pytest.raises(CommandError, match="Nada a gerar"):
        call_command("generate_volume", stdout=io.StringIO())
    assert Imovel.objects.count() == 0
