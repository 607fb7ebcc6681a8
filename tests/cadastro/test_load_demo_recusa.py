import io

import pytest
from django.core.management import CommandError, call_command

from cadastro.models import Usuario


@pytest.mark.django_db
def test_load_demo_recusa_quando_as_configuracoes_nao_permitem(settings):
    settings.LOAD_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="não podem ser carregados em produção"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Usuario.objects.exists()
