"""Operate modems: add, list, check, pause, resume, drain."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Max, Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from core.exceptions import RegraViolada
from mensageria.backends import obter_backend
from mensageria.models import Mensagem, Modem
from mensageria.services import (
    modem_cadastrar,
    modem_pausar,
    modem_retomar,
    modem_saude_registrar,
)
from mensageria.tasks import modem_ler_saude_task


class Command(BaseCommand):
    help = "Cadastra, lista, testa, pausa, retoma e drena modems GSM."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="acao", required=True)
        add = sub.add_parser("add", help="cadastra (ou atualiza) um modem")
        add.add_argument("--name", required=True)
        add.add_argument("--device", required=True, help="/dev/ttyUSB0, /dev/rfcomm0…")
        add.add_argument("--baud", type=int, default=115200)
        add.add_argument("--interval", type=float, default=7.0, help="segundos entre envios")
        add.add_argument("--mode", choices=["pdu", "texto"], default="pdu")
        sub.add_parser("list", help="lista os modems")
        check = sub.add_parser("check", help="lê SIM, registro, sinal e operadora")
        check.add_argument("name")
        check.add_argument(
            "--timeout", type=float, default=60, help="espera pelo worker quando ele tem a porta"
        )
        pause = sub.add_parser(
            "pause", help="pausa o modem; as mensagens dele passam para os outros disponíveis"
        )
        pause.add_argument("name")
        pause.add_argument("--reason", default="", help="motivo (aparece na tela Modems)")
        resume = sub.add_parser("resume", help="retoma um modem pausado ou drenando")
        resume.add_argument("name")
        drain = sub.add_parser(
            "drain",
            help="não dá mensagens novas ao modem e passa as que esperam nele para os outros",
        )
        drain.add_argument("name")
        drain.add_argument("--reason", default="", help="motivo (aparece na tela Modems)")

    def handle(self, *args, **opcoes):
        return getattr(self, f"_{opcoes['acao']}")(opcoes)

    def _add(self, opcoes):
        try:
            modem = modem_cadastrar(
                nome=opcoes["name"],
                dispositivo=opcoes["device"],
                baud=opcoes["baud"],
                intervalo=opcoes["interval"],
                modo=opcoes["mode"],
            )
        except RegraViolada as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Modem “{modem.nome}” em {modem.dispositivo}, fila {modem.fila}.")
        )
        self.stdout.write(
            f"Inicie um worker só para ele: celery -A gsan worker -Q {modem.fila} --concurrency=1"
        )

    def _list(self, opcoes):
        modems = (
            Modem.objects.select_related("pausado_por")
            .annotate(
                esperando=Count("mensagens", filter=Q(mensagens__status=Mensagem.Status.PENDENTE)),
                ultimo_envio=Max("mensagens__enviada_em"),
            )
            .order_by("nome")
        )
        if not modems:
            self.stdout.write("Nenhum modem cadastrado.")
            return
        for modem in modems:
            ultimo = (
                timezone.localtime(modem.ultimo_envio).strftime("%d/%m/%Y %H:%M:%S")
                if modem.ultimo_envio
                else "nunca"
            )
            self.stdout.write(
                f"{modem.nome}\t{modem.dispositivo}\t{modem.baud}\t{modem.intervalo_segundos:g}s"
                f"\t{modem.fila}\tpendentes={modem.esperando}\tultimo_envio={ultimo}"
                f"\t{_estado(modem)}"
            )

    def _modem(self, nome: str) -> Modem:
        modem = Modem.objects.filter(nome=nome).first()
        if modem is not None:
            return modem
        nomes = list(Modem.objects.values_list("nome", flat=True))
        if not nomes:
            raise CommandError(f"Modem “{nome}” não cadastrado (nenhum modem cadastrado).")
        raise CommandError(
            f"Modem “{nome}” não cadastrado. Modems cadastrados: {', '.join(nomes)}."
        )

    def _pause(self, opcoes, *, drenar: bool = False):
        modem = self._modem(opcoes["name"])
        ja_pausado, motivo_antigo = modem.pausado, modem.motivo_pausa
        padrao = "Drenado pela linha de comando" if drenar else "Pausado pela linha de comando"
        motivo = opcoes["reason"].strip() or padrao
        movidas = modem_pausar(modem=modem, motivo=motivo, drenar=drenar)
        if drenar:
            texto = f"Modem “{modem.nome}” drenando ({motivo}): não recebe mensagens novas."
        elif ja_pausado:
            texto = f"Modem “{modem.nome}” já estava pausado ({motivo_antigo})."
        else:
            texto = f"Modem “{modem.nome}” pausado ({motivo})."
        self.stdout.write(self.style.SUCCESS(texto))
        if movidas:
            self.stdout.write(
                f"{movidas} mensage{pluralize(movidas, 'm passou,ns passaram')} para outros modems."
            )
        restantes = modem.mensagens.filter(status=Mensagem.Status.PENDENTE).count()
        if restantes:
            self.stderr.write(
                self.style.WARNING(
                    f"Nenhum outro modem disponível: {restantes} "
                    f"mensage{pluralize(restantes, 'm espera,ns esperam')} por “{modem.nome}” "
                    "ou por outro modem que seja retomado (nada se perde)."
                )
            )

    def _drain(self, opcoes):
        self._pause(opcoes, drenar=True)

    def _resume(self, opcoes):
        modem = self._modem(opcoes["name"])
        if not modem.pausado and not modem.drenando:
            self.stdout.write(f"Modem “{modem.nome}” não estava pausado; nada a fazer.")
            return
        quantidade = modem_retomar(modem=modem)
        self.stdout.write(
            self.style.SUCCESS(
                f"Modem “{modem.nome}” retomado; {quantidade} "
                f"mensage{pluralize(quantidade, 'm,ns')} na fila dele."
            )
        )
        if modem.sem_worker:
            self.stderr.write(
                self.style.WARNING(
                    f"O worker da fila {modem.fila} não dá sinal de vida: inicie-o "
                    f"(celery -A gsan worker -Q {modem.fila} --concurrency=1)."
                )
            )

    def _check(self, opcoes):
        modem = self._modem(opcoes["name"])
        backend = obter_backend(modem)
        try:
            saude = backend.ler_saude()
        finally:
            backend.fechar()
        if saude.get("classe") == "ocupado":
            self.stdout.write("A porta está com o worker do modem; pedindo a leitura a ele…")
            saude = self._ler_pelo_worker(modem, opcoes["timeout"])
        else:
            modem_saude_registrar(modem=modem, saude=saude)
        if "erro" in saude:
            raise CommandError(f"{modem.nome}: {saude['erro']}")
        for chave in ("sim", "registro", "sinal", "operadora"):
            self.stdout.write(f"{chave}: {saude.get(chave)}")
        problemas = []
        if saude.get("sim") != "READY":
            problemas.append(f"SIM não está pronto ({saude.get('sim')})")
        if not saude.get("registrado", True):
            problemas.append(f"sem registro na rede ({saude.get('registro')})")
        if saude.get("sinal", 0) <= 0:
            problemas.append("sem sinal")
        if problemas:
            raise CommandError(f"{modem.nome} não pode enviar: " + "; ".join(problemas))
        self.stdout.write(self.style.SUCCESS(f"{modem.nome} pronto para enviar."))

    def _ler_pelo_worker(self, modem, timeout: float) -> dict:
        """Only the worker may talk to a port it holds: ask it through the modem's queue."""
        antes = modem.saude_lida_em
        modem_ler_saude_task.apply_async(args=[modem.pk], queue=modem.fila, expires=timeout)
        fim = time.monotonic() + timeout
        while time.monotonic() < fim:
            modem.refresh_from_db(fields=["saude", "saude_lida_em"])
            if modem.saude_lida_em and modem.saude_lida_em != antes:
                return modem.saude
            time.sleep(0.2)
        return {"erro": f"O worker da fila {modem.fila} não respondeu em {timeout:g} s."}


def _estado(modem: Modem) -> str:
    """ativo, pausado, drenando, sem worker or inativo, with the reason."""
    if not modem.ativo:
        return "inativo"
    if modem.drenando:
        return f"drenando: {modem.motivo_pausa}" if modem.motivo_pausa else "drenando"
    if modem.pausado:
        por = f" (por {modem.pausado_por})" if modem.pausado_por_id else ""
        return f"pausado: {modem.motivo_pausa}{por}"
    if modem.sem_worker:
        lida = modem.saude_lida_em
        desde = timezone.localtime(lida).strftime("%d/%m/%Y %H:%M") if lida else "nunca lida"
        return f"sem worker (última leitura de saúde: {desde})"
    return "ativo"
