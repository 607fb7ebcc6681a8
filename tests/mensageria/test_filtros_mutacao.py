"""Filters of the message screens, each with rows it must keep and rows it must leave out.

Every test here was checked by breaking its filter in the code and seeing it fail.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mensageria.models import Mensagem

from .factories import ra_criar

pytestmark = pytest.mark.django_db

Status = Mensagem.Status
URL = reverse("mensageria:mensagem_list")


def _mensagem(destino="+5581999990001", *, criada_em=None, **campos):
    m = Mensagem.objects.create(destino=destino, texto="Protocolo", **campos)
    if criada_em:
        Mensagem.objects.filter(pk=m.pk).update(criada_em=criada_em)
    return m


def _pks(resposta):
    assert resposta.status_code == 200
    return {m.pk for m in resposta.context["pagina"]}


def _local(dia, hora, minuto=0):
    return timezone.make_aware(datetime.datetime.combine(dia, datetime.time(hora, minuto)))


def test_consulta_filtra_por_situacao(client_atendente):
    pendente = _mensagem()
    enviada = _mensagem(status=Status.ENVIADA)
    falhou = _mensagem(status=Status.FALHOU)
    assert _pks(client_atendente.get(URL, {"status": "enviada"})) == {enviada.pk}
    assert _pks(client_atendente.get(URL, {"status": "falhou"})) == {falhou.pk}
    assert _pks(client_atendente.get(URL, {"status": ""})) == {pendente.pk, enviada.pk, falhou.pk}


def test_consulta_filtra_pelo_periodo_com_dias_inteiros(client_atendente):
    hoje = timezone.localdate()
    inicio, fim = hoje - datetime.timedelta(days=5), hoje - datetime.timedelta(days=2)
    antes = _mensagem(criada_em=_local(inicio - datetime.timedelta(days=1), 23, 59))
    primeira = _mensagem(criada_em=_local(inicio, 0, 1))
    ultima = _mensagem(criada_em=_local(fim, 23, 59))
    depois = _mensagem(criada_em=_local(fim + datetime.timedelta(days=1), 0, 1))
    de, ate = inicio.isoformat(), fim.isoformat()
    assert _pks(client_atendente.get(URL, {"inicio": de, "fim": ate})) == {primeira.pk, ultima.pk}
    assert _pks(client_atendente.get(URL, {"inicio": de})) == {primeira.pk, ultima.pk, depois.pk}
    assert _pks(client_atendente.get(URL, {"fim": ate})) == {antes.pk, primeira.pk, ultima.pk}


def test_consulta_por_numero_do_ra_ou_protocolo(client_atendente, unidade, atendente):
    ra = ra_criar(unidade=unidade, usuario=atendente)
    outro = ra_criar(unidade=unidade, usuario=atendente, especificacao=ra.especificacao)
    do_ra = _mensagem(registro_atendimento=ra, evento=Mensagem.Evento.RA_ABERTO)
    _mensagem(registro_atendimento=outro, evento=Mensagem.Evento.RA_ABERTO)
    _mensagem()
    assert _pks(client_atendente.get(URL, {"protocolo": ra.protocolo})) == {do_ra.pk}
    assert _pks(client_atendente.get(URL, {"protocolo": str(ra.pk)})) == {do_ra.pk}


def test_tela_de_erros_so_falhas_e_incertas(client, supervisor):
    falhou = _mensagem(status=Status.FALHOU)
    incerta = _mensagem(status=Status.INCERTA)
    for status in (Status.PENDENTE, Status.ENVIADA, Status.DESCARTADA, Status.ENVIANDO):
        _mensagem(status=status)
    client.force_login(supervisor)
    resposta = client.get(reverse("mensageria:mensagem_erros"))
    assert _pks(resposta) == {falhou.pk, incerta.pk}
