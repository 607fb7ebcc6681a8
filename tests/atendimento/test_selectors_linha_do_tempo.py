"""The timeline of an RA that went through the real services: nothing twice, nothing missing."""

import pytest

from atendimento import selectors
from atendimento.services import (
    registro_atendimento_assumir,
    registro_atendimento_encerrar,
    registro_atendimento_mensagem_adicionar,
    registro_atendimento_tramitar,
)
from ordens_servico.services import ordem_servico_gerar
from tests.atendimento.factories import TipoServicoFactory
from tests.factories import UnidadeFactory

pytestmark = pytest.mark.django_db


def test_linha_do_tempo_de_um_ra_pelos_servicos(abrir, atendente, tecnico, motivos):
    ra = abrir()
    registro_atendimento_assumir(ra=ra, usuario=tecnico)
    registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=tecnico, texto="Equipe a caminho.", visibilidade="publica"
    )
    os_ = ordem_servico_gerar(ra=ra, tipo_servico=TipoServicoFactory(), usuario=tecnico)
    destino = UnidadeFactory(sigla="ESG")
    registro_atendimento_tramitar(
        ra=ra, unidade_destino=destino, parecer="É da rede de esgoto.", usuario=tecnico
    )
    ra.refresh_from_db()
    registro_atendimento_encerrar(
        ra=ra, motivo=motivos["nao_executado"], parecer="Sem acesso ao local.", usuario=atendente
    )

    itens = selectors.linha_do_tempo(ra, usuario=atendente)
    tipos = [i.tipo for i in itens]
    assert tipos[0] == "abertura"
    assert tipos.count("tramite") == 2  # trâmite #1 and the routing to ESG, once each
    assert tipos.count("assuncao") == 1
    assert tipos.count("mensagem") == 1
    assert tipos[-1] == "encerramento"
    os_itens = [i for i in itens if i.tipo == "os"]
    assert os_itens and all(i.link == ("ordens_servico:detalhe", os_.pk) for i in os_itens)
    assert any("geração" in i.titulo for i in os_itens)
    assert [i.data for i in itens] == sorted(i.data for i in itens)


def test_pagina_do_ra_mostra_as_acoes_possiveis(client, abrir, tecnico, especificacao):
    from django.urls import reverse

    especificacao.permite_os_opcional = True
    especificacao.save()
    ra = abrir()
    client.force_login(tecnico)
    html = client.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()
    assert 'id="acoes"' in html
    assert reverse("ordens_servico:gerar_para_ra", args=[ra.pk]) in html
    assert 'data-atalho="g"' in html
