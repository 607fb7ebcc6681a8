import threading

import pytest
from django.db import connection

from atendimento.models import RegistroAtendimento
from atendimento.services import registro_atendimento_abrir
from tests.atendimento.factories import EspecificacaoFactory, MeioFactory
from tests.factories import ImovelFactory, UnidadeFactory, UsuarioFactory

THREADS = 50


@pytest.mark.django_db(transaction=True)
def test_cinquenta_aberturas_simultaneas_tem_protocolos_distintos():
    assert connection.vendor == "postgresql"
    unidade = UnidadeFactory(sigla="CAT", central_atendimento=True)
    atendente = UsuarioFactory(unidade=unidade)
    especificacao = EspecificacaoFactory(unidade_destino=unidade)
    meio = MeioFactory()
    imoveis = [ImovelFactory() for _ in range(THREADS)]
    largada = threading.Barrier(THREADS)
    erros = []

    def abrir(imovel):
        try:
            largada.wait()
            registro_atendimento_abrir(
                usuario=atendente,
                especificacao=especificacao,
                meio=meio,
                descricao="Vazamento",
                tipo_solicitante="livre",
                solicitante_nome="Maria",
                solicitante_telefone="81999990000",
                imovel=imovel,
            )
        except Exception as exc:  # reported below, with the thread's own error
            erros.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=abrir, args=(i,)) for i in imoveis]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert erros == []
    protocolos = list(RegistroAtendimento.objects.values_list("protocolo", flat=True))
    assert len(protocolos) == THREADS
    assert len(set(protocolos)) == THREADS
    sequenciais = sorted(int(p[5:]) for p in protocolos)
    assert sequenciais == list(range(1, THREADS + 1))  # gap-free
