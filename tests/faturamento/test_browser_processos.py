"""The Processos screen in Chromium with a real worker: a supervisor starts a run, watches
its bar move (htmx polling under the strict CSP) and cancels it."""

import time

import pytest
from django.conf import settings

from faturamento.models import Processo
from tests.mensageria import integracao

from . import etapas_teste

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCOS = 200


@pytest.fixture
def worker(tmp_path):
    """A worker where "expirar" is the slow test step (BLOCOS chunks of 0.2 s)."""
    etapas_teste.limpar_tabela()
    integracao.purgar("celery")
    processo = etapas_teste.iniciar_worker_processos(
        tmp_path,
        settings.DATABASES["default"]["NAME"],
        ETAPA_LENTA_TIPOS=Processo.Tipo.EXPIRAR,
        ETAPA_LENTA_BLOCOS=str(BLOCOS),
        ETAPA_LENTA_PAUSA="0.2",
    )
    yield processo
    integracao.parar_worker(processo)


def _valor(barra) -> int:
    return int(barra.get_attribute("value") or 0)


def _esperar_valor(barra, minimo: int, limite: float = 30) -> int:
    fim = time.monotonic() + limite
    while time.monotonic() < fim:
        if (valor := _valor(barra)) >= minimo:
            return valor
        time.sleep(0.2)
    raise AssertionError(f"a barra não chegou a {minimo}%: {_valor(barra)}")


def test_supervisor_inicia_acompanha_e_cancela(entrar, supervisor, worker, tmp_path):
    pagina = entrar(supervisor)
    violacoes = []
    pagina.on(
        "console", lambda m: violacoes.append(m.text) if "Content Security" in m.text else None
    )
    pagina.get_by_role("link", name="Processos").click()
    pagina.get_by_role("heading", name="Processos de mensagens").wait_for()
    pagina.get_by_role("button", name="Expirar mensagens vencidas").click()
    pagina.get_by_role("heading", name="Expirar mensagens vencidas").wait_for()
    processo = Processo.objects.get()
    assert f"/faturamento/processos/{processo.pk}/" in pagina.url
    assert "iniciado" in pagina.get_by_role("alert").first.inner_text()

    barra = pagina.locator("#processo-progresso progress")
    primeiro = _esperar_valor(barra, 2)
    depois = _esperar_valor(barra, primeiro + 3)  # the page polls: the bar moves by itself
    assert depois > primeiro
    pagina.locator("#processo-progresso [data-situacao]").get_by_text("Executando").wait_for()
    pagina.screenshot(path=str(tmp_path / "processo-rodando.png"), full_page=True)

    pagina.get_by_role("button", name="Cancelar processo").click()
    pagina.get_by_role("alert").filter(has_text="Cancelamento do processo").wait_for()
    pagina.locator("#processo-progresso [data-situacao]").get_by_text("Cancelado").wait_for()
    assert pagina.get_by_role("button", name="Cancelar processo").count() == 0
    processo.refresh_from_db()
    assert processo.situacao == Processo.Situacao.CANCELADO
    assert processo.cancelamento_pedido_por == supervisor
    assert 0 < processo.processados < BLOCOS
    assert len(etapas_teste.blocos_feitos(processo.pk)) == processo.processados

    # Finished: the page stops polling (the swapped section has no trigger any more).
    assert pagina.locator("#processo-progresso[hx-trigger]").count() == 0
    pagina.get_by_role("link", name="Processos").first.click()
    linha = pagina.get_by_role("row").filter(has_text="Expirar mensagens vencidas")
    assert "Cancelado" in linha.inner_text() and supervisor.get_full_name() in linha.inner_text()
    assert violacoes == []
