"""A pool of modems end to end: two emulators on pseudo-terminals, one real Celery
worker per modem queue, the real GSM backend, PostgreSQL and Redis.

"Exactly once" is read in the emulators' logs: no destination + text twice across
both, and every message the database says was sent is in the log of the modem the
row names.
"""

import io
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from mensageria import services
from mensageria.emulador import EmuladorModem, ler_log
from mensageria.models import Mensagem, Modem
from mensageria.services.mensagens import _publicar
from mensageria.tasks import modem_ler_saude_task

from . import integracao
from .integracao import FINAIS, esperar

pytestmark = pytest.mark.django_db(transaction=True)
NOMES = ("pool-a", "pool-b")


@pytest.fixture(scope="module")
def emuladores(tmp_path_factory):
    pasta = tmp_path_factory.mktemp("pool")
    emus = [
        EmuladorModem(pasta / f"tty-{nome}", log_enviados=pasta / f"{nome}.log", latencia=0)
        for nome in NOMES
    ]
    for emu in emus:
        emu.iniciar()
    yield emus
    for emu in emus:
        emu.parar()


@pytest.fixture(scope="module")
def workers_pool(django_db_setup, django_db_blocker, tmp_path_factory, emuladores):
    banco = settings.DATABASES["default"]["NAME"]
    processos = []
    for nome in NOMES:
        integracao.purgar(f"modem.{nome}")
        pasta = tmp_path_factory.mktemp(f"worker-{nome}")
        processos.append(integracao.iniciar_worker(pasta, banco, filas=(f"modem.{nome}",)))
    yield processos
    for processo in processos:
        integracao.parar_worker(processo)


@pytest.fixture
def pool(emuladores, workers_pool):
    """Two fresh modems (``pool-a``, ``pool-b``) on clean emulators: [(modem, emulator)]."""
    for emu in emuladores:
        emu.falhas.clear()
        emu.regras.clear()
        emu.entrega_padrao = "sem-relatorio"  # no delivery report recorded during the flush
        emu.latencia = 0
        emu.travar_apos = None
        emu.travado = False
        if emu._mestre is None:
            emu.conectar()
        emu.log_enviados.write_text("")
    modems = [
        Modem.objects.create(
            nome=nome,
            dispositivo=str(emu.link),
            intervalo_segundos=0,
            timeout_segundos=2,
            max_tentativas=2,
        )
        for nome, emu in zip(NOMES, emuladores, strict=True)
    ]
    yield list(zip(modems, emuladores, strict=True))
    for emu in emuladores:
        if emu._mestre is None:
            emu.conectar()


def criar(n: int, *, modem=None) -> list[int]:
    return [
        services.mensagem_sms_criar(
            destino=f"+55819999{i:05d}", texto=f"Protocolo 2026{i:010d}", modem=modem
        ).pk
        for i in range(n)
    ]


def esperar_todas(ids, limite: float = 90) -> list[Mensagem]:
    esperar(
        lambda: Mensagem.objects.filter(pk__in=ids, status__in=FINAIS).count() == len(ids),
        limite=limite,
        mensagem="todas as mensagens num estado final",
    )
    return list(Mensagem.objects.filter(pk__in=ids).select_related("modem"))


def conferir_uma_vez(pool, mensagens) -> dict[str, int]:
    """Nothing twice, nothing lost; returns how many each modem sent.

    Every ``enviada`` is in the log of the modem its row names; an ``incerta`` (the SMS
    on the air when the cable went) may have reached a log or not, and nothing else is
    in the logs: the logs hold the enviadas plus the incertas that reached one.
    """
    logs = {modem.nome: ler_log(emu.log_enviados) for modem, emu in pool}
    vezes = Counter((r["numero"], r["texto"]) for log in logs.values() for r in log)
    estados = "\n".join(f"{m.pk} {m.status} {m.modem} {m.erro_texto}" for m in mensagens)
    repetidas = [chave for chave, n in vezes.items() if n > 1]
    assert repetidas == [], f"enviadas mais de uma vez: {repetidas}\n{estados}"
    for m in mensagens:
        assert m.status in ("enviada", "incerta"), estados
        if m.status == "enviada":
            # The row names the modem that sent it: its log has it.
            assert (m.destino, m.texto) in {(r["numero"], r["texto"]) for r in logs[m.modem.nome]}
    enviadas = sum(m.status == "enviada" for m in mensagens)
    incertas_no_log = sum(
        m.status == "incerta" and (m.destino, m.texto) in vezes for m in mensagens
    )
    assert sum(vezes.values()) == enviadas + incertas_no_log, f"{dict(vezes)}\n{estados}"
    return {nome: len([r for r in log if not r.get("travou")]) for nome, log in logs.items()}


def test_dez_mensagens_usam_os_dois_modems(pool):
    for _, emu in pool:
        emu.latencia = 0.2
    ids = criar(10)
    por_modem = conferir_uma_vez(pool, esperar_todas(ids))
    assert all(m.status == "enviada" for m in Mensagem.objects.filter(pk__in=ids))
    assert sum(por_modem.values()) == 10
    assert por_modem["pool-a"] >= 3 and por_modem["pool-b"] >= 3, por_modem


def test_modem_desplugado_no_meio_da_fila_o_outro_envia_o_resto(pool):
    (a, emu_a), (b, emu_b) = pool
    emu_a.latencia = emu_b.latencia = 0.3
    ids = criar(10)
    esperar(lambda: len(ler_log(emu_a.log_enviados)) >= 1, mensagem="a enviou a primeira")
    emu_a.desconectar()
    mensagens = esperar_todas(ids)
    por_modem = conferir_uma_vez(pool, mensagens)
    a.refresh_from_db()
    assert a.pausado and a.pausa_automatica
    # At most the SMS on the air when the cable went is incerta (never resent blindly).
    incertas = [m for m in mensagens if m.status == "incerta"]
    assert len(incertas) <= 1 and all(m.modem == a for m in incertas)
    assert por_modem["pool-b"] >= 5, por_modem
    assert Mensagem.objects.filter(pk__in=ids, status="enviada", modem=b).count() >= 5


def test_modem_desplugado_enquanto_a_fila_dele_passa_para_o_outro(pool):
    """The race: A's whole queue is being moved (pause + redistribution in this process)
    while B's worker is taking A's waiting messages and A's worker meets the unplugged
    device. Every message goes exactly once."""
    (a, emu_a), (_, emu_b) = pool
    emu_a.latencia, emu_b.latencia = 0.4, 0.1
    ids = criar(16)  # 8 each; b, four times faster, then takes a's waiting ones
    esperar(lambda: len(ler_log(emu_b.log_enviados)) >= 9, mensagem="b pegou trabalho de a")
    emu_a.desconectar()
    services.modem_pausar(modem=a, motivo="Dispositivo desapareceu (teste)", automatica=True)
    mensagens = esperar_todas(ids)
    por_modem = conferir_uma_vez(pool, mensagens)
    incertas = [m for m in mensagens if m.status == "incerta"]
    assert len(incertas) <= 1 and all(m.modem == a for m in incertas)
    assert por_modem["pool-b"] >= 9, por_modem
    assert Modem.objects.get(pk=a.pk).pausado


def test_ambos_pausados_esperam_sem_perder_e_retomar_um_envia_tudo(pool, client, supervisor):
    (_, emu_a), (b, emu_b) = pool
    saida = io.StringIO()
    call_command("modem", "pause", "pool-a", stdout=saida, stderr=io.StringIO())
    call_command("modem", "drain", "pool-b", stdout=saida, stderr=io.StringIO())
    ids = criar(6)
    # Wake both workers for every message, then wait until each has read its health
    # (a task behind those wake-ups on its queue): they saw the messages and sent none.
    antes = {m.pk: m.saude_lida_em for m in Modem.objects.all()}
    for pk in ids:
        for modem, _ in pool:
            _publicar(pk, modem.fila)
    for modem, _ in pool:
        modem_ler_saude_task.apply_async(args=[modem.pk], queue=modem.fila)
    esperar(
        lambda: all(m.saude_lida_em != antes[m.pk] for m in Modem.objects.all()),
        mensagem="os dois workers leram a saúde",
    )
    services.mensagens_varrer()
    assert set(Mensagem.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"pendente"}
    assert ler_log(emu_a.log_enviados) == ler_log(emu_b.log_enviados) == []
    client.force_login(supervisor)
    conteudo = client.get(reverse("mensageria:modem_status")).content.decode()
    assert "Nenhum modem disponível:</strong>\n      6 mensagens esperando." in conteudo

    saida = io.StringIO()
    call_command("modem", "resume", "pool-b", stdout=saida)
    assert saida.getvalue() == "Modem “pool-b” retomado; 6 mensagens na fila dele.\n"
    mensagens = esperar_todas(ids)
    assert conferir_uma_vez(pool, mensagens) == {"pool-a": 0, "pool-b": 6}
    assert all(m.status == "enviada" and m.modem == b for m in mensagens)


def test_a_tarefa_na_fila_de_outro_modem_nao_usa_a_porta_do_dono(pool):
    """A worker knows its modem by the queue the task came from: a stale task left on
    A's queue for a message now B's (B healthy and idle) does not make A's worker open
    B's port or send it; B's worker does, once."""
    (a, emu_a), (b, _) = pool
    with integracao.broker_fora_do_ar():
        [pk] = criar(1, modem=b)
    antes = Modem.objects.get(pk=a.pk).saude_lida_em
    _publicar(pk, a.fila)
    modem_ler_saude_task.apply_async(args=[a.pk], queue=a.fila)  # behind it on A's queue
    esperar(lambda: Modem.objects.get(pk=a.pk).saude_lida_em != antes, mensagem="a leu a saúde")
    m = Mensagem.objects.get(pk=pk)
    assert m.status == "pendente" and m.modem == b
    assert ler_log(emu_a.log_enviados) == []
    _publicar(pk, b.fila)
    [m] = esperar_todas([pk])
    assert m.status == "enviada" and m.modem == b
    assert conferir_uma_vez(pool, [m]) == {"pool-a": 0, "pool-b": 1}
