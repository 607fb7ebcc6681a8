import factory
from django.utils import timezone

from portal.models import ContaExterna
from tests.factories import ClienteFactory

SENHA = "senha-do-portal-123"


class ContaExternaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContaExterna
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"cliente{n}@exemplo.com.br")
    nome = factory.Faker("name", locale="pt_BR")
    cliente = factory.SubFactory(ClienteFactory)
    email_confirmado_em = factory.LazyFunction(timezone.now)
    password = factory.django.Password(SENHA)
