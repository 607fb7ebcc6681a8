"""The per-minute supervision work stays cheap with a large backlog (issue 10, item 9).

Measures, with N pending SMS (default 20,000) spread over three modems, one of them
paused: ``alertas_avaliar`` (the sweep's alert evaluation, also run inside every
pause) and ``modem_saude_registrar`` (each modem's health reading, with a week of
history rows). Target: under 200 ms p95 each. The rows it creates are removed.

    .venv/bin/python benchmarks/bench_alertas.py [--pendentes 20000] [--vezes 30]
"""

import argparse
import datetime
import time

import _comum

_comum.preparar()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from mensageria.models import Alerta, LeituraSaude, Mensagem, Modem  # noqa: E402
from mensageria.services import alertas_avaliar, modem_saude_registrar  # noqa: E402

ALVO_MS = 200.0
PREFIXO = "bench-alerta-"


def _limpar():
    modems = Modem.objects.filter(nome__startswith=PREFIXO)
    Mensagem.objects.filter(modem__in=modems).delete()
    LeituraSaude.objects.filter(modem__in=modems).delete()
    Alerta.objects.filter(
        chave__in=[str(pk) for pk in modems.values_list("pk", flat=True)]
    ).delete()
    Alerta.objects.filter(chave="", resolvido_em__isnull=True).delete()
    modems.delete()


def _preparar(pendentes: int) -> list[Modem]:
    agora = timezone.now()
    modems = [
        Modem.objects.create(
            nome=f"{PREFIXO}{n}", dispositivo="/dev/null", intervalo_segundos=0, saude_lida_em=agora
        )
        for n in range(3)
    ]
    Modem.objects.filter(pk=modems[0].pk).update(pausado_em=agora, motivo_pausa="bench")
    with connection.cursor() as cursor:
        for i, modem in enumerate(modems):
            quantos = pendentes // 3 + (1 if i < pendentes % 3 else 0)
            cursor.execute(
                """
                INSERT INTO mensageria_mensagem
                    (canal, evento, destino, assunto, texto, texto_html, codificacao, partes,
                     status, tentativas, erro_texto, erro_classe, referencias, entrega,
                     entrega_texto, origem_tipo, modem_id, criada_em, atualizada_em)
                SELECT 'sms', 'faturamento', '+5581999990001', '', 'bench', '', 'gsm7', 1,
                       'pendente', 0, '', '', '[]', '', '', '', %s,
                       now() - (g || ' seconds')::interval, now()
                FROM generate_series(1, %s) AS g
                """,
                [modem.pk, quantos],
            )
    # A week of history every 5 minutes for each modem.
    LeituraSaude.objects.bulk_create(
        LeituraSaude(
            modem=modem,
            quando=agora - datetime.timedelta(minutes=5 * k),
            sinal=20,
            registrado=True,
            registro="registrado (rede local)",
        )
        for modem in modems
        for k in range(1, 7 * 24 * 12)
    )
    return modems


def _medir(funcao, vezes: int) -> list[float]:
    amostras = []
    for _ in range(vezes):
        inicio = time.perf_counter()
        funcao()
        amostras.append((time.perf_counter() - inicio) * 1000)
    return amostras


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pendentes", type=int, default=20_000)
    parser.add_argument("--vezes", type=int, default=30)
    args = parser.parse_args()
    _limpar()
    try:
        modems = _preparar(args.pendentes)
        alertas_avaliar()  # opens the episodes once (their e-mails are not the point here)
        saude = {"sim": "READY", "registro": "registrado (rede local)", "sinal": 20}
        figuras = {
            "alertas_avaliar": _medir(alertas_avaliar, args.vezes),
            "modem_saude_registrar (só atualiza)": _medir(
                lambda: modem_saude_registrar(modem=modems[1], saude=saude), args.vezes
            ),
            # Registration flapping: every reading writes a history row and prunes.
            "modem_saude_registrar (grava e poda)": _medir(
                lambda: modem_saude_registrar(
                    modem=modems[2], saude={**saude, "registro": f"estado {time.perf_counter()}"}
                ),
                args.vezes,
            ),
        }
    finally:
        Mensagem.objects.filter(evento="alerta", origem_tipo="alerta").delete()
        _limpar()
    fora = False
    print(f"{args.pendentes} SMS pendentes, 3 modems (1 pausado), {args.vezes} medições:")
    for nome, amostras in figuras.items():
        p50, p95 = _comum.percentis(amostras)
        fora |= p95 > ALVO_MS
        print(f"  {nome}: p50 {p50:.1f} ms, p95 {p95:.1f} ms (alvo p95 < {ALVO_MS:.0f} ms)")
    return 1 if fora else 0


if __name__ == "__main__":
    raise SystemExit(main())
