"""Soak test of `make run`: the product under a stream of RA openings, every SMS out exactly once.

Starts the product the way `make run` does (migrate, load_demo, ``python -m
gsan.run_dev``) in a scratch ``VAR_DIR`` (its own SQLite database, broker,
modem emulator and logs) on 127.0.0.1:PORTA, logs in as the demo atendente and
opens RAs through the real *Inserir RA simplificado* form at a steady rate,
each for a different mobile number. Halfway through it SIGKILLs the modem's
worker (between two sends) to show the supervisor restarts it and nothing is
lost. At the end it waits for the queue to drain, stops the product as Ctrl-C
does, and checks each RA's protocol SMS against the emulator's
``enviados.log``: exactly once. Prints the figures; exits non-zero when an SMS
was lost or duplicated, or the web server stopped.

    .venv/bin/python benchmarks/soak_make_run.py --minutos 30      # default
    .venv/bin/python benchmarks/soak_make_run.py --minutos 3 --porta 8101

Not part of the suite (it takes minutes). Requests go only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime
import http.cookiejar
import itertools
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def argumentos():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutos", type=float, default=30.0, help="duração do fluxo de RAs")
    p.add_argument("--intervalo", type=float, default=15.0, help="segundos entre aberturas")
    p.add_argument("--porta", type=int, default=8101)
    p.add_argument("--var", type=Path, default=None, help="pasta var/ de rascunho")
    p.add_argument("--espera-final", type=float, default=20.0, help="minutos para drenar a fila")
    p.add_argument("--sem-matar", action="store_true", help="não derrubar o worker do modem")
    return p.parse_args()


# --- the product -----------------------------------------------------------


def ambiente(var: Path, porta: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SMS_BACKEND"}
    }
    env.update(VAR_DIR=str(var), PORT=str(porta), DJANGO_SETTINGS_MODULE="gsan.settings.local")
    return env


def subir(var: Path, porta: int, env: dict) -> subprocess.Popen:
    for comando in (["migrate", "--noinput"], ["load_demo"]):
        subprocess.run(
            [PYTHON, "manage.py", *comando],
            cwd=RAIZ,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    saida = open(var / "run_dev.out", "ab")  # noqa: SIM115 - lives as long as the product
    processo = subprocess.Popen(
        [PYTHON, "-m", "gsan.run_dev"],
        cwd=RAIZ,
        env=env,
        stdout=saida,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    limite = time.monotonic() + 120
    while time.monotonic() < limite:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{porta}/healthz", timeout=5) as r:
                if json.load(r).get("ok"):
                    return processo
        except (OSError, ValueError):
            pass
        time.sleep(1)
    raise SystemExit("o produto não respondeu em 120 s")


def filhos_de(pid: int) -> dict[int, str]:
    """Direct children of ``pid`` (the supervisor's children) and their command lines."""
    filhos = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            campos = stat.read_text().rsplit(")", 1)[1].split()
            if int(campos[1]) == pid:
                cmd = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                filhos[int(stat.parent.name)] = cmd
        except (OSError, IndexError, ValueError):
            continue
    return filhos


def pid_worker_modem(supervisor_pid: int) -> int | None:
    for pid, cmd in filhos_de(supervisor_pid).items():
        if "modem-emulador@" in cmd:
            return pid
    return None


# --- the attendant ---------------------------------------------------------


class Navegador:
    def __init__(self, porta: int):
        self.base = f"http://127.0.0.1:{porta}"
        self.abridor = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, caminho: str) -> tuple[str, str]:
        with self.abridor.open(self.base + caminho, timeout=60) as r:
            return r.geturl(), r.read().decode()

    def post(self, caminho: str, dados: dict) -> tuple[str, str]:
        _, pagina = self.get(caminho)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pagina).group(1)
        corpo = urllib.parse.urlencode({**dados, "csrfmiddlewaretoken": token}).encode()
        pedido = urllib.request.Request(
            self.base + caminho, data=corpo, headers={"Referer": self.base + caminho}
        )
        with self.abridor.open(pedido, timeout=60) as r:
            return r.geturl(), r.read().decode()


def opcoes(pagina: str, nome: str) -> list[str]:
    select = re.search(rf'<select name="{nome}".*?</select>', pagina, re.S).group(0)
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]


FORM = "/atendimento/ra/novo/simplificado/"


def abrir_ra(nav: Navegador, n: int, especificacao: str, meio: str) -> tuple[int | None, str]:
    url, pagina = nav.post(
        FORM,
        {
            "especificacao": especificacao,
            "meio": meio,
            "solicitante_nome": f"Cidadã de teste {n}",
            "solicitante_telefone": f"+55819{80000000 + n}",
            "descricao": f"Abertura {n} do teste de resistência.",
            "local_ocorrencia": f"Rua do Teste, {n}",
        },
    )
    achado = re.search(r"/ra/(\d+)/confirmacao/", url)
    if achado:
        return int(achado.group(1)), ""
    erros = re.findall(
        r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</', pagina, re.S
    )
    texto = "; ".join(re.sub(r"<[^>]+>|\s+", " ", erro).strip() for erro in erros)
    return None, texto[:200] or "formulário devolvido"


# --- the run ---------------------------------------------------------------


def ler_enviados(caminho: Path) -> list[dict]:
    if not caminho.exists():
        return []
    return [json.loads(linha) for linha in caminho.read_text().splitlines() if linha.strip()]


def percentil(valores, p):
    if not valores:
        return float("nan")
    ordenados = sorted(valores)
    return ordenados[min(len(ordenados) - 1, round(p / 100 * (len(ordenados) - 1)))]


def matar_worker_entre_envios(supervisor_pid: int, Mensagem) -> str:
    """SIGKILL the modem worker's group while no SMS is being sent (none is 'enviando')."""
    from django.db.models import Max
    from django.utils import timezone

    limite = time.monotonic() + 120
    while time.monotonic() < limite:
        enviando = Mensagem.objects.filter(status=Mensagem.Status.ENVIANDO).exists()
        ultimo = Mensagem.objects.aggregate(m=Max("enviando_desde"))["m"]
        parado = ultimo is None or (timezone.now() - ultimo).total_seconds() > 1
        if not enviando and parado:
            break
        time.sleep(0.1)
    pid = pid_worker_modem(supervisor_pid)
    if pid is None:
        return "worker do modem não encontrado"
    os.killpg(pid, signal.SIGKILL)
    return f"worker do modem (pid {pid}) morto com SIGKILL às {time.strftime('%H:%M:%S')}"


def main() -> int:
    args = argumentos()
    var = args.var or Path(tempfile.mkdtemp(prefix="gsan-soak-"))
    var.mkdir(parents=True, exist_ok=True)
    env = ambiente(var, args.porta)
    os.environ.update({k: env[k] for k in ("VAR_DIR", "DJANGO_SETTINGS_MODULE")})
    for chave in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(chave, None)
    print(f"soak: var={var} porta={args.porta} minutos={args.minutos}", flush=True)

    inicio_produto = time.monotonic()
    produto = subir(var, args.porta, env)
    print(f"soak: produto no ar em {time.monotonic() - inicio_produto:.1f} s", flush=True)

    sys.path.insert(0, str(RAIZ))
    import django

    django.setup()
    from atendimento.models import RegistroAtendimento
    from mensageria.models import Mensagem

    nav = Navegador(args.porta)
    nav.post("/entrar/", {"username": "atendente", "password": "demo-atendente"})
    _, pagina = nav.get(FORM)
    especificacoes, meio = opcoes(pagina, "especificacao"), opcoes(pagina, "meio")[0]

    abertas: dict[int, float] = {}  # RA pk -> when the form answered (epoch)
    recusas: list[str] = []
    respostas: list[float] = []
    eventos: list[str] = []
    fim = time.monotonic() + args.minutos * 60
    meio_do_caminho = time.monotonic() + args.minutos * 30
    matou = args.sem_matar
    n = 0
    proxima = time.monotonic()
    while time.monotonic() < fim:
        if not matou and time.monotonic() >= meio_do_caminho:
            eventos.append(matar_worker_entre_envios(produto.pid, Mensagem))
            print(f"soak: {eventos[-1]}", flush=True)
            matou = True
        n += 1
        t0 = time.monotonic()
        try:
            escolhida = especificacoes[n % len(especificacoes)]
            pk, erro = abrir_ra(nav, n, escolhida, meio)
        except (OSError, urllib.error.URLError) as exc:
            pk, erro = None, f"HTTP: {exc!r}"
        respostas.append(time.monotonic() - t0)
        if pk:
            abertas[pk] = time.time()
        else:
            recusas.append(erro)
            # An especificação this quick form cannot open (it needs an imóvel, say)
            # leaves the rotation.
            if len(especificacoes) > 1 and not erro.startswith("HTTP"):
                especificacoes.remove(escolhida)
        if n % 20 == 0:
            print(f"soak: {n} tentativas, {len(abertas)} RAs abertos", flush=True)
        proxima += args.intervalo
        time.sleep(max(proxima - time.monotonic(), 0))

    # Drain: wait until no protocol SMS of these RAs is pending or being sent.
    dos_ras = Mensagem.objects.filter(
        registro_atendimento_id__in=list(abertas), evento=Mensagem.Evento.RA_ABERTO
    )
    limite = time.monotonic() + args.espera_final * 60
    while (
        time.monotonic() < limite
        and dos_ras.filter(status__in=[Mensagem.Status.PENDENTE, Mensagem.Status.ENVIANDO]).exists()
    ):
        time.sleep(2)
    drenou_em = time.monotonic()

    web_vivo = any("runserver" in cmd for cmd in filhos_de(produto.pid).values())
    parada = time.monotonic()
    produto.send_signal(signal.SIGINT)  # what Ctrl-C does
    try:
        produto.wait(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(produto.pid, signal.SIGKILL)
        eventos.append("o supervisor não parou em 180 s")
    parou_em = time.monotonic() - parada

    # Exactly once: each RA's protocol in the emulator's log.
    enviados = ler_enviados(var / "modem" / "enviados.log")
    protocolos = dict(
        RegistroAtendimento.objects.filter(pk__in=list(abertas)).values_list("pk", "protocolo")
    )
    status = dict(dos_ras.values_list("registro_atendimento_id", "status"))
    contagem = {pk: 0 for pk in abertas}
    latencias = []
    for registro in enviados:
        for pk, protocolo in protocolos.items():
            if protocolo in registro["texto"]:
                contagem[pk] += 1
                if contagem[pk] == 1:
                    quando = datetime.datetime.fromisoformat(registro["quando"]).timestamp()
                    latencias.append(quando - abertas[pk])
    sem_sms = [pk for pk in abertas if pk not in status]
    com_sms = [pk for pk in abertas if pk in status]
    perdidos = [pk for pk in com_sms if contagem[pk] == 0]
    duplicados = [pk for pk in com_sms if contagem[pk] > 1]
    instantes = sorted(datetime.datetime.fromisoformat(r["quando"]).timestamp() for r in enviados)
    intervalos = [b - a for a, b in itertools.pairwise(instantes)]
    saida = (var / "run_dev.out").read_text(errors="replace")
    reinicios = re.findall(r"\] (\S+) reiniciado", saida)
    quedas = re.findall(r"\] (\S+) terminou sozinho[^\n]*", saida)
    contagem_status: dict[str, int] = {}
    for valor in status.values():
        contagem_status[valor] = contagem_status.get(valor, 0) + 1

    print("\n=== soak de `make run` ===")
    print(
        f"duração do fluxo            {args.minutos:g} min, "
        f"uma abertura a cada {args.intervalo:g} s"
    )
    print(f"RAs abertos pelo formulário {len(abertas)} (recusas: {len(recusas)})")
    for erro in sorted(set(recusas))[:5]:
        print(f"  recusa: {erro}")
    print(
        f"resposta do formulário      p50 {percentil(respostas, 50) * 1000:.0f} ms, "
        f"p95 {percentil(respostas, 95) * 1000:.0f} ms"
    )
    print(f"SMS de protocolo criados    {len(com_sms)} (RAs sem SMS: {len(sem_sms)})")
    print(f"status finais               {contagem_status}")
    print(f"linhas em enviados.log      {len(enviados)}")
    print(f"enviados exatamente uma vez {sum(1 for pk in com_sms if contagem[pk] == 1)}")
    print(f"perdidos                    {len(perdidos)} {perdidos[:10]}")
    print(f"duplicados                  {len(duplicados)} {duplicados[:10]}")
    if intervalos:
        print(
            f"intervalo entre envios      média {statistics.mean(intervalos):.2f} s, "
            f"mínimo {min(intervalos):.2f} s, máximo {max(intervalos):.2f} s"
        )
    if latencias:
        print(
            f"abertura → SMS no modem     p50 {percentil(latencias, 50):.1f} s, "
            f"p95 {percentil(latencias, 95):.1f} s, máx {max(latencias):.1f} s"
        )
    print(f"quedas de filhos            {len(quedas)}: {quedas}")
    print(f"reinícios pelo supervisor   {len(reinicios)}: {reinicios}")
    for evento in eventos:
        print(f"evento                      {evento}")
    print(f"web no ar até o fim         {'sim' if web_vivo else 'NÃO'}")
    print(f"fila drenada após o fluxo   {drenou_em - fim:.0f} s")
    print(f"parada (Ctrl-C) em          {parou_em:.1f} s, código {produto.returncode}")
    print(f"pasta                       {var}")
    ok = not perdidos and not duplicados and web_vivo and abertas
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
