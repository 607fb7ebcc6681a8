"""(c) E-mail pipeline throughput: rows + Celery tasks + a real worker + SMTP on loopback.

Rows made by ``mensagem_email_criar`` → one task each on the ``email`` queue (Redis)
→ a Celery worker subprocess on that queue (concurrency 2, as the default worker of
``make run``) → ``email_enviar`` → Django's SMTP backend → a real SMTP server
(aiosmtpd, tests/servidor_smtp.py) in this process.

(c) BENCH_EMAIL_N rows are created, then their tasks are published in one go (as the
    sweep, a modem's resume or a batch does: ``_publicar_varias``); the clock runs
    from the publish to the last ``enviada_em``. Target: ≥ 50 e-mails/s, each
    received by the server exactly once.
Also printed (no target): creating one e-mail per transaction with its own publish
after the commit, as a web request does, BENCH_EMAIL_N_CRIACAO times.

Environment: BENCH_EMAIL_N (default 1000), BENCH_EMAIL_N_CRIACAO (default 200),
BENCH_EMAIL_CONCORRENCIA (worker processes, default 2), BENCH_EMAIL_DATABASE_URL
(default gsan_bench_email).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# A database of its own: RAs opened by other benchmarks create e-mails too.
os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_EMAIL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gsan_bench_email"
)

import _comum

N = int(os.environ.get("BENCH_EMAIL_N", "1000"))
N_CRIACAO = int(os.environ.get("BENCH_EMAIL_N_CRIACAO", "200"))
CONCORRENCIA = int(os.environ.get("BENCH_EMAIL_CONCORRENCIA", "2"))
ALVO = 50.0
DOMINIO = "bench-email.example"


def iniciar_worker(pasta: Path, url_smtp: str) -> subprocess.Popen:
    from mensageria.services.mensagens import FILA_EMAIL

    env = {
        "TEST_EMAIL_URL": url_smtp,
        # The production default (the test settings read the parameters on every send).
        "SMS_PARAMETROS_CACHE_SEGUNDOS": "5",
    }
    return _comum.iniciar_worker(FILA_EMAIL, pasta, concorrencia=CONCORRENCIA, env=env)


def limpar():
    from mensageria.models import Mensagem

    Mensagem.objects.filter(destino__endswith=DOMINIO).delete()


def criar(i: int, dominio: str = DOMINIO):
    from mensageria import services

    return services.mensagem_email_criar(
        destino=f"cidadao{i}@{dominio}",
        assunto=f"Protocolo 2026{i:010d}",
        texto=f"Sua solicitação foi registrada com o protocolo 2026{i:010d}.",
        texto_html=f"<p>Sua solicitação foi registrada com o protocolo <b>2026{i:010d}</b>.</p>",
        evento="avulsa",
    )


def esperar(qs, total: int, limite: float = 600) -> None:
    fim = time.monotonic() + limite
    while time.monotonic() < fim:
        if qs.filter(status="enviada").count() >= total:
            return
        if qs.exclude(status__in=["pendente", "enviando", "enviada"]).exists():
            raise RuntimeError("e-mail falhou no benchmark")
        time.sleep(0.05)
    raise RuntimeError("tempo esgotado esperando os envios")


def main() -> int:
    _comum.preparar()
    from unittest import mock

    from django.db.models import Max

    from mensageria.models import Mensagem
    from mensageria.services import mensagens
    from tests.mensageria.integracao import purgar
    from tests.servidor_smtp import ServidorSmtp

    limpar()
    purgar(mensagens.FILA_EMAIL)
    pasta = Path(tempfile.mkdtemp(prefix="bench-email-"))
    servidor = ServidorSmtp().iniciar()
    worker = iniciar_worker(pasta, servidor.url)
    try:
        aquecimento = criar(-1)  # the worker's first task: imports, DB connection
        esperar(Mensagem.objects.filter(pk=aquecimento.pk), 1)

        # Producer side, as a web request: one transaction and one publish per e-mail.
        inicio = time.time()
        ids = [criar(i, "criacao." + DOMINIO).pk for i in range(N_CRIACAO)]
        criacao = N_CRIACAO / (time.time() - inicio)
        esperar(Mensagem.objects.filter(pk__in=ids), N_CRIACAO)
        servidor.limpar()

        # (c) The rows first, their tasks then in one go.
        with mock.patch.object(mensagens, "_publicar", lambda *args, **kwargs: False):
            ids = [criar(i).pk for i in range(N)]
        inicio = time.time()
        mensagens._publicar_varias([(pk, mensagens.FILA_EMAIL) for pk in ids])
        qs = Mensagem.objects.filter(pk__in=ids)
        esperar(qs, N)
        fim = qs.aggregate(fim=Max("enviada_em"))["fim"].timestamp()
        taxa = N / (fim - inicio)
        recebidas = sorted(d for r in servidor.mensagens for d in r.destinos)
        uma_vez = recebidas == sorted(f"cidadao{i}@{DOMINIO}" for i in range(N))
    finally:
        _comum.parar_workers([worker])
        servidor.parar()
        limpar()
    print(
        f"(c) e-mail, {N} mensagens, worker com {CONCORRENCIA} processos, SMTP em loopback: "
        f"{taxa:.1f} e-mails/s (publicação → último enviado)"
    )
    print(f"    taxa ÷ alvo = {taxa / ALVO:.2f}  (alvo ≥ {ALVO:g}/s, razão ≥ 1)")
    print(f"    recebidas pelo servidor: {len(recebidas)}, cada uma uma vez: {uma_vez}")
    print(
        f"    criação com publicação própria (uma transação por e-mail, {N_CRIACAO}): "
        f"{criacao:.0f} e-mails/s neste processo (sem alvo)"
    )
    return 0 if taxa >= ALVO and uma_vez else 1


if __name__ == "__main__":
    sys.exit(main())
