import sqlite3
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from atendimento.models import EventoRA, Tramite
from core.migrations_util import historico_imutavel
from ordens_servico.models import EventoOS
from tests.atendimento.factories import RegistroAtendimentoFactory, TramiteFactory
from tests.ordens_servico.factories import OrdemServicoFactory

pytestmark = pytest.mark.django_db


def _linhas_de_historico():
    ra = RegistroAtendimentoFactory()
    os = OrdemServicoFactory()
    evento_os = EventoOS.objects.create(os=os, tipo=EventoOS.Tipo.GERACAO, descricao="gerada")
    return [
        (Tramite.objects.filter(ra=ra).first(), "O histórico de trâmites"),
        (EventoRA.objects.filter(ra=ra).first(), "O histórico do RA"),
        (evento_os, "O histórico da OS"),
    ]


def test_historico_nao_pode_ser_alterado_nem_apagado():
    for linha, nome in _linhas_de_historico():
        assert linha is not None
        linha.data = linha.data.replace(year=2000)
        with pytest.raises(ValidationError, match=f"{nome} não pode ser alterado"):
            linha.save()
        with pytest.raises(ValidationError, match=f"{nome} não pode ser apagado"):
            linha.delete()
        assert type(linha).objects.get(pk=linha.pk).data.year != 2000


def test_historico_imutavel_no_banco():
    """QuerySet.update()/delete() skip the model's save()/delete(): the database refuses."""
    linhas = _linhas_de_historico()
    for linha, nome in linhas:
        filtro = type(linha).objects.filter(pk=linha.pk)
        alterado, apagado = (f"{nome} não pode ser alterado", f"{nome} não pode ser apagado")
        with pytest.raises(IntegrityError, match=alterado), transaction.atomic():
            filtro.update(data=linha.data.replace(year=2000))
        with pytest.raises(IntegrityError, match=apagado), transaction.atomic():
            filtro.delete()
        with pytest.raises(IntegrityError, match=apagado), transaction.atomic():
            type(linha).objects.all().delete()
        assert filtro.get().data.year != 2000
    # Adding history stays possible.
    ra = linhas[1][0].ra
    EventoRA.objects.create(ra=ra, tipo=EventoRA.Tipo.MENSAGEM, descricao="nova linha")
    assert EventoRA.objects.filter(ra=ra, descricao="nova linha").exists()


def test_apagar_ra_ou_os_com_historico_e_recusado():
    ra = RegistroAtendimentoFactory()
    TramiteFactory(ra=ra)
    os = OrdemServicoFactory()
    EventoOS.objects.create(os=os, tipo=EventoOS.Tipo.GERACAO, descricao="gerada")
    for objeto in (ra, os):
        with pytest.raises(ProtectedError), transaction.atomic():
            objeto.delete()
        assert type(objeto).objects.filter(pk=objeto.pk).exists()


def test_gatilhos_do_sqlite_embutido():
    """The embedded development database (SQLite) gets equivalent triggers."""
    banco = sqlite3.connect(":memory:")
    banco.execute("CREATE TABLE historico (id integer primary key, texto text)")
    banco.execute("INSERT INTO historico (texto) VALUES ('aberto')")
    editor = SimpleNamespace(
        connection=SimpleNamespace(vendor="sqlite"),
        execute=lambda sql, params=None: banco.execute(sql),
    )
    operacao = historico_imutavel("historico", "de teste")
    operacao.code(None, editor)
    banco.execute("INSERT INTO historico (texto) VALUES ('mais um')")
    with pytest.raises(sqlite3.IntegrityError, match="de teste não pode ser alterado"):
        banco.execute("UPDATE historico SET texto = 'mudado'")
    with pytest.raises(sqlite3.IntegrityError, match="de teste não pode ser apagado"):
        banco.execute("DELETE FROM historico")
    assert banco.execute("SELECT texto FROM historico ORDER BY id").fetchall() == [
        ("aberto",),
        ("mais um",),
    ]
    operacao.reverse_code(None, editor)
    banco.execute("DELETE FROM historico")
