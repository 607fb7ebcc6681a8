import io

import pytest
from django.core.management import call_command

from atendimento.models import EventoRA, RegistroAtendimento

pytestmark = pytest.mark.django_db


def test_load_demo_cria_ras_em_todas_as_situacoes_e_e_idempotente():
    call_command("load_demo", stdout=io.StringIO())
    ras = RegistroAtendimento.objects.all()
    situacoes = set(ras.values_list("situacao", flat=True))
    assert situacoes == {"pendente", "bloqueado", "encerrado"}
    status = {ra.status_prazo() for ra in ras if ra.situacao != "encerrado"}
    assert {"no_prazo", "atencao", "vencido"} <= status
    assert ras.filter(ra_origem__isnull=False).count() == 1
    assert ras.filter(motivo_encerramento__tipo="duplicidade").count() == 1
    assert ras.filter(quantidade_reiteracoes__gt=0).exists()
    assert ras.filter(devolucoes__isnull=False).exists()
    contagem = (ras.count(), EventoRA.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (RegistroAtendimento.objects.count(), EventoRA.objects.count()) == contagem


def test_textos_de_demonstracao_em_portugues_sem_lorem_ipsum():
    import re

    from faker.providers.lorem.la import Provider

    latim = {palavra for palavra in Provider.word_list if len(palavra) >= 5}
    call_command("load_demo", stdout=io.StringIO())
    descricoes = list(RegistroAtendimento.objects.values_list("descricao", flat=True))
    assert len(descricoes) > 10
    for descricao in descricoes:
        palavras = set(re.findall(r"\w+", descricao.lower()))
        assert not palavras & latim, descricao
