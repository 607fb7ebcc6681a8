"""The Open311 keys: made random, stored hashed, checked, and turned off."""

import datetime
import hashlib

import pytest

from cidadao.models import ChaveApi
from cidadao.open311.chaves import chave_criar, chave_desativar, chave_verificar
from core.exceptions import RegraViolada

pytestmark = pytest.mark.django_db


def test_criar_guarda_so_o_hash_e_o_prefixo(administrador):
    chave, segredo = chave_criar(nome="  App Cidade Limpa ", usuario=administrador)
    assert len(segredo) >= 43
    chave.refresh_from_db()
    assert chave.nome == "App Cidade Limpa"
    assert chave.hash == hashlib.sha256(segredo.encode()).hexdigest()
    assert chave.prefixo == segredo[:8]
    assert chave.ativa and chave.criada_por == administrador and chave.ultimo_uso is None
    valores = [str(v) for v in ChaveApi.objects.values_list().get()]
    assert segredo not in valores


def test_cada_chave_e_outra():
    segredos = {chave_criar(nome=f"App {n}", usuario=None)[1] for n in range(5)}
    assert len(segredos) == 5


@pytest.mark.parametrize("nome", ["", "   ", "x" * 101])
def test_criar_sem_nome_valido_e_recusado(nome):
    with pytest.raises(RegraViolada):
        chave_criar(nome=nome, usuario=None)
    assert not ChaveApi.objects.exists()


def test_verificar():
    chave, segredo = chave_criar(nome="App", usuario=None)
    chave_criar(nome="Outro", usuario=None)  # another key must not match
    assert chave_verificar(segredo) == chave
    for errado in [None, "", segredo[:-1], segredo + "x", segredo.upper(), "x" * 1000]:
        assert chave_verificar(errado) is None
    ChaveApi.objects.filter(pk=chave.pk).update(ativa=False)
    assert chave_verificar(segredo) is None


def test_ultimo_uso_no_maximo_uma_vez_por_minuto(relogio):
    _, segredo = chave_criar(nome="App", usuario=None)
    inicio = relogio()
    chave_verificar(segredo)
    assert ChaveApi.objects.get().ultimo_uso == inicio
    relogio.avancar(seconds=59)
    chave_verificar(segredo)
    assert ChaveApi.objects.get().ultimo_uso == inicio
    relogio.avancar(seconds=1)
    chave_verificar(segredo)
    assert ChaveApi.objects.get().ultimo_uso == inicio + datetime.timedelta(minutes=1)


def test_desativar(administrador):
    chave, segredo = chave_criar(nome="App", usuario=None)
    assert chave_desativar(chave=chave, usuario=administrador) is True
    assert chave_verificar(segredo) is None
    assert chave_desativar(chave=chave, usuario=administrador) is False
