"""A pool of modems: least waiting work first, failover at pause time, work taken by
idle modems, nothing sent twice (memory backend; the real path is in
test_integracao_pool.py)."""

import contextlib
import datetime
import time

import pytest
from django.utils import timezone

from gsan.celery import app
from mensageria import services
from mensageria.backends import ErroEnvio, erro_cms, memoria
from mensageria.models import Mensagem, Modem

from .factories import modem_criar

pytestmark = pytest.mark.django_db
Status = Mensagem.Status


@pytest.fixture
def filas():
    """Celery queues the test publishes to, emptied afterwards; ``tamanho(fila)`` counts."""
    usadas = set()

    def tamanho(fila):
        usadas.add(fila)
        with app.connection_for_write() as conexao:
            return conexao.default_channel.client.llen(fila)

    yield tamanho
    with app.connection_for_write() as conexao:
        for fila in usadas:
            with contextlib.suppress(Exception):
                conexao.default_channel.queue_purge(fila)


def criar(modem=None, texto="Protocolo 20261000000001", destino="+5581999990001"):
    return services.mensagem_sms_criar(destino=destino, texto=texto, modem=modem)


def modems_de(ids):
    return list(
        Mensagem.objects.filter(pk__in=ids).order_by("pk").values_list("modem__nome", flat=True)
    )


def pausar(modem, **kw):
    return services.modem_pausar(modem=modem, motivo=kw.pop("motivo", "teste"), **kw)


# --- assignment -------------------------------------------------------------------


def test_dez_mensagens_dividem_se_entre_dois_modems():
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    ids = [criar(destino=f"+55819999900{i:02d}").pk for i in range(10)]
    assert modems_de(ids) == ["a", "b"] * 5
    assert {m.nome: m.trabalho for m in services.modems_disponiveis()} == {"a": 5, "b": 5}
    assert a.pk != b.pk


def test_trabalho_em_espera_conta_partes():
    """A 3-part SMS is three sends: the next two single SMS go to the other modem."""
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    longa = criar(a, texto="ã" * 140)  # 3 parts in UCS-2 (67 characters each)
    assert longa.partes == 3
    assert modems_de([criar().pk, criar().pk]) == ["b", "b"]
    assert criar().modem == b  # b 2 < a 3
    assert criar().modem == a  # tie at 3: the first


def test_modem_drenando_ou_sem_worker_nao_recebe_novas():
    a = modem_criar(nome="a")
    pausar(a, drenar=True)
    parado = modem_criar(nome="parado", criado_em=timezone.now())
    Modem.objects.filter(pk=parado.pk).update(
        criado_em=timezone.now() - datetime.timedelta(days=1),
        saude_lida_em=timezone.now() - datetime.timedelta(hours=1),
    )
    vivo = modem_criar(nome="vivo")
    assert {criar().modem for _ in range(3)} == {vivo}


# --- failover at pause time ---------------------------------------------------------


def test_pausa_move_a_fila_na_hora_pela_menor_carga(filas, django_capture_on_commit_callbacks):
    a, _b, c = (modem_criar(nome=n) for n in ("pool-ua", "pool-ub", "pool-uc"))
    criar(c)  # c already has one waiting
    ids = [criar(a, destino=f"+55819999900{i:02d}").pk for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        movidas = pausar(a, motivo="SIM com defeito")
    assert movidas == 5
    # Oldest first to the least loaded: b (0), then b/c alternate as their work grows.
    assert modems_de(ids) == ["pool-ub", "pool-ub", "pool-uc", "pool-ub", "pool-uc"]
    assert all(m.status == Status.PENDENTE for m in Mensagem.objects.filter(pk__in=ids))
    # Published at once on the new modems' queues (not at the next sweep).
    assert Mensagem.objects.filter(pk__in=ids, enfileirada_em__isnull=False).count() == 5
    assert (filas("modem.pool-ub"), filas("modem.pool-uc"), filas("modem.pool-ua")) == (3, 2, 0)


def test_pausa_nao_move_a_que_esta_enviando():
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    no_ar = criar(a)
    esperando = criar(a, destino="+5581999990002")
    Mensagem.objects.filter(pk=no_ar.pk).update(status=Status.ENVIANDO)
    assert pausar(a) == 1
    assert Mensagem.objects.get(pk=no_ar.pk).modem == a
    assert Mensagem.objects.get(pk=esperando.pk).modem == b


def test_pausa_sem_outro_modem_a_fila_espera_com_ele():
    a = modem_criar(nome="a")
    m = criar(a)
    assert pausar(a) == 0
    m.refresh_from_db()
    assert m.status == Status.PENDENTE and m.modem == a


def test_falha_de_sim_passa_a_fila_para_o_outro_modem_na_hora():
    a = modem_criar(nome="a", max_tentativas=3)
    b = modem_criar(nome="b")
    primeira, segunda = criar(a), criar(a, destino="+5581999990002")
    memoria.falhas.append(erro_cms(310))
    assert services.mensagem_enviar(mensagem_id=primeira.pk) == Status.PENDENTE
    a.refresh_from_db()
    assert a.pausado and "SIM não inserido" in a.motivo_pausa
    # The failed one never left (the attempt is given back): it moves too.
    assert modems_de([primeira.pk, segunda.pk]) == ["b", "b"]
    assert services.modem_drenar(modem_id=b.pk, ate=time.monotonic() + 30) == 2
    assert [e["modem"] for e in memoria.enviadas] == ["b", "b"]


def test_dispositivo_ausente_move_a_fila():
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    m = criar(a)
    memoria.falhas.append(ErroEnvio("Dispositivo sumiu", classe="dispositivo"))
    services.mensagem_enviar(mensagem_id=m.pk)
    m.refresh_from_db()
    assert m.modem == b and m.status == Status.PENDENTE


def test_ambos_pausados_nada_se_perde_e_retomar_um_envia_tudo():
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    ids = [criar(destino=f"+55819999900{i:02d}").pk for i in range(6)]
    pausar(a)
    pausar(b)
    services.mensagens_varrer()
    assert services.modem_drenar(modem_id=a.pk, ate=time.monotonic() + 30) == 0
    assert set(Mensagem.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"pendente"}
    assert memoria.enviadas == []
    assert services.modem_retomar(modem=b) == 6
    assert modems_de(ids) == ["b"] * 6
    assert services.modem_drenar(modem_id=b.pk, ate=time.monotonic() + 30) == 6
    assert sorted(e["destino"] for e in memoria.enviadas) == [
        f"+55819999900{i:02d}" for i in range(6)
    ]


def test_drenar_e_retomar(supervisor):
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    m = criar(a)
    assert pausar(a, drenar=True, usuario=supervisor, motivo="Manutenção") == 1
    a.refresh_from_db()
    assert a.drenando and a.pausado and a.pausado_por == supervisor
    assert a.motivo_pausa == "Manutenção" and not a.pausa_automatica
    assert Mensagem.objects.get(pk=m.pk).modem == b
    services.modem_retomar(modem=a)
    a.refresh_from_db()
    assert not a.drenando and not a.pausado and a.pausado_por is None


# --- the claim: given to a modem when due ----------------------------------------------


def test_quem_envia_fica_com_a_mensagem():
    """A message bound to a modem whose worker is gone is taken by a live one before the
    sweep, and the row records the modem that sent it (delivery reports match on it)."""
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    m = criar(a)
    Modem.objects.filter(pk=a.pk).update(
        criado_em=timezone.now() - datetime.timedelta(days=1),
        saude_lida_em=timezone.now() - datetime.timedelta(hours=1),
    )
    assert services.modem_drenar(modem_id=b.pk, ate=time.monotonic() + 30) == 1
    m.refresh_from_db()
    assert m.status == Status.ENVIADA and m.modem == b
    assert memoria.enviadas[0]["modem"] == "b"


def test_modem_livre_pega_o_que_espera_atras_de_um_modem_ocupado():
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    no_ar = criar(a, destino="+5581999990001")
    Mensagem.objects.filter(pk=no_ar.pk).update(status=Status.ENVIANDO)
    atras = [criar(a, destino=f"+558199999000{i}").pk for i in (2, 3)]
    assert services.modem_drenar(modem_id=b.pk, ate=time.monotonic() + 30) == 2
    assert modems_de(atras) == ["b", "b"]
    assert [e["destino"] for e in memoria.enviadas] == ["+5581999990002", "+5581999990003"]


def test_modem_livre_nao_disputa_a_unica_de_um_modem_ocioso():
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    sozinha = criar(a)
    assert services.modem_drenar(modem_id=b.pk, ate=time.monotonic() + 30) == 0
    assert services.modem_drenar(modem_id=a.pk, ate=time.monotonic() + 30) == 1
    assert Mensagem.objects.get(pk=sozinha.pk).modem == a


def test_tarefa_de_mensagem_que_mudou_de_modem_nao_a_envia_pelo_antigo():
    """The task left on A's queue after its message moved to B: A's worker does not send
    it (B is healthy and idle), and the message goes once, by B."""
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    m = criar(a)
    Mensagem.objects.filter(pk=m.pk).update(modem=b)
    assert services.mensagem_enviar(mensagem_id=m.pk, modem_id=a.pk) is None
    assert services.mensagem_enviar(mensagem_id=m.pk, modem_id=b.pk) == Status.ENVIADA
    assert services.mensagem_enviar(mensagem_id=m.pk, modem_id=a.pk) is None
    assert [e["modem"] for e in memoria.enviadas] == ["b"]


def test_email_nunca_vai_para_um_modem():
    b = modem_criar(nome="b")
    email = Mensagem.objects.create(canal=Mensagem.Canal.EMAIL, destino="x@example.com", texto="oi")
    services.mensagens_varrer()
    assert services.modem_drenar(modem_id=b.pk, ate=time.monotonic() + 30) == 0
    email.refresh_from_db()
    assert email.modem is None and email.status == Status.PENDENTE


# --- resume where the device is -------------------------------------------------------


def test_leitura_de_saude_boa_retoma_a_pausa_automatica():
    a = modem_criar(nome="a")
    pausar(a, automatica=True, motivo="Dispositivo /dev/ttyUSB0 desapareceu.")
    services.modem_saude_registrar(modem=a, saude={"erro": "Sem resposta do modem"})
    assert Modem.objects.get(pk=a.pk).pausado
    services.modem_saude_registrar(modem=a, saude={"sim": "READY", "sinal": 20})
    assert not Modem.objects.get(pk=a.pk).pausado


def test_leitura_de_saude_nao_retoma_pausa_manual_nem_drenagem():
    a, b = modem_criar(nome="a"), modem_criar(nome="b")
    pausar(a, motivo="Pausado por supervisor")
    pausar(b, drenar=True)
    for modem in (a, b):
        services.modem_saude_registrar(modem=modem, saude={"sim": "READY"})
        assert Modem.objects.get(pk=modem.pk).pausado


def test_varredura_acorda_o_modem_ocioso_quando_outro_tem_fila(filas):
    a = modem_criar(nome="pool-va")
    b = modem_criar(nome="pool-vb")
    criar(a)
    assert services.mensagens_varrer()["acordados"] == 0  # one waiting: nothing to share
    criar(a, destino="+5581999990002")
    assert services.mensagens_varrer()["acordados"] == 1
    assert filas(b.fila) == 1  # one drain task: its worker takes a's second message
