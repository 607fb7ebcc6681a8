import datetime

import factory
from django.contrib.auth.models import Group

from cadastro import models
from cadastro.validators import digito_modulo11


def cpf_valido(n: int) -> str:
    """A valid CPF built from a sequence number (distinct per n)."""
    base = f"{n:09d}"[-9:]

    def digito(d):
        peso = len(d) + 1
        resto = sum(int(x) * (peso - i) for i, x in enumerate(d)) % 11
        return "0" if resto < 2 else str(11 - resto)

    base += digito(base)
    return base + digito(base)


class UnidadeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.UnidadeOrganizacional

    nome = factory.Sequence(lambda n: f"Unidade {n}")
    sigla = factory.Sequence(lambda n: f"UN{n}")
    tipo = models.UnidadeOrganizacional.Tipo.OPERACIONAL
    abre_ra = True
    recebe_tramite = True


class UsuarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Usuario
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"usuario{n}")
    first_name = factory.Faker("first_name", locale="pt_BR")
    last_name = factory.Faker("last_name", locale="pt_BR")
    unidade = factory.SubFactory(UnidadeFactory)
    password = factory.django.Password("senha-de-teste-123")

    @factory.post_generation
    def papeis(self, create, extracted, **kwargs):
        for nome in extracted or ():
            self.groups.add(Group.objects.get(name=nome))


class ClienteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Cliente

    nome = factory.Faker("name", locale="pt_BR")
    cpf_cnpj = factory.Sequence(lambda n: cpf_valido(100_000 + n))
    email = factory.Faker("email", locale="pt_BR")
    recebe_sms = True
    recebe_email = True


class TelefoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Telefone

    cliente = factory.SubFactory(ClienteFactory)
    tipo = models.Telefone.Tipo.CELULAR
    ddd = "81"
    numero = factory.Sequence(lambda n: f"99{n % 10_000_000:07d}")
    principal = True
    sms = True


class ImovelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Imovel

    matricula = factory.Sequence(lambda n: 1_000_000 + n)
    localidade = 1
    setor = factory.Sequence(lambda n: n // 1000 + 1)
    quadra = factory.Sequence(lambda n: n % 1000 + 1)
    lote = 1
    municipio = "Recife"
    uf = "PE"
    bairro = "Boa Viagem"
    logradouro = factory.Sequence(lambda n: f"Rua das Flores {n}")
    numero = "100"
    cep = "51020-000"
    latitude = factory.Sequence(lambda n: -8.12 + n * 0.0001)
    longitude = factory.Sequence(lambda n: -34.9 + n * 0.0001)


class ClienteImovelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClienteImovel

    cliente = factory.SubFactory(ClienteFactory)
    imovel = factory.SubFactory(ImovelFactory)
    relacao = models.ClienteImovel.Relacao.USUARIO
    data_inicio = datetime.date(2020, 1, 1)


def matricula_com_digito(imovel) -> str:
    return f"{imovel.matricula}-{digito_modulo11(imovel.matricula)}"
