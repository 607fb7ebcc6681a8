"""Seams the RA services call when an RA is routed or closed without execution."""

from django.db import transaction
from django.utils import timezone

from core.exceptions import RegraViolada
from ordens_servico.models import EventoOS, OrdemServico


def ordens_servico_do_ra_tramitar(*, ra, unidade, usuario=None) -> int:
    """Routing an RA moves its open OS with it.

    Refused while an OS is with a team (scheduled or in execution), as GSAN
    does: the team belongs to the unit the RA would leave, and taking the OS
    off its day without a word would leave the team and the citizen waiting.
    Returns how many OS moved.
    """
    agora = timezone.now()
    with transaction.atomic():
        abertas = list(
            OrdemServico.objects.select_for_update(of=("self",))
            .select_related("equipe")
            .filter(ra=ra, situacao__in=OrdemServico.ABERTAS)
            .order_by("pk")
        )
        for os in abertas:
            _exigir_sem_equipe(os)
        abertas = [os for os in abertas if os.unidade_atual_id != unidade.pk]
        eventos = []
        for os in abertas:
            dados = {"de": os.unidade_atual_id, "para": unidade.pk}
            os.unidade_atual = unidade
            os.versao += 1
            os.save(update_fields=["unidade_atual", "versao"])
            eventos.append(
                EventoOS(
                    os=os,
                    tipo=EventoOS.Tipo.TRAMITE,
                    situacao_anterior=os.situacao,
                    situacao_nova=os.situacao,
                    usuario=usuario,
                    data=agora,
                    descricao=f"OS acompanhou o trâmite do RA para {unidade.sigla}.",
                    dados=dados,
                )
            )
        EventoOS.objects.bulk_create(eventos)
    return len(abertas)


def _exigir_sem_equipe(os) -> None:
    if os.situacao == OrdemServico.Situacao.EM_EXECUCAO:
        raise RegraViolada(
            f"A OS nº {os.numero} deste RA está em execução; o RA não pode ser tramitado "
            "até que ela seja concluída."
        )
    if os.situacao == OrdemServico.Situacao.PROGRAMADA:
        raise RegraViolada(
            f"A OS nº {os.numero} deste RA está programada para a {os.equipe.em_frase} "
            f"em {os.data_programada:%d/%m/%Y}: retire-a da programação antes de tramitar "
            "o RA (a equipe é da unidade atual)."
        )


def ordens_servico_do_ra_cancelar(*, ra, usuario, motivo: str, data=None) -> int:
    """Closing an RA as not executed closes its open OS without execution.

    The RA service already checked who may act and the closing rules.
    Returns how many OS were closed.
    """
    data = data or timezone.now()
    with transaction.atomic():
        abertas = list(
            OrdemServico.objects.select_for_update()
            .filter(ra=ra, situacao__in=OrdemServico.ABERTAS)
            .order_by("pk")
        )
        eventos = []
        for os in abertas:
            anterior = os.situacao
            os.situacao = OrdemServico.Situacao.ENCERRADA_NAO_EXECUTADA
            os.data_encerramento = max(data, os.data_geracao)
            os.motivo_encerramento = motivo[:120]
            os.usuario_encerramento = usuario
            os.versao += 1
            os.save(
                update_fields=[
                    "situacao",
                    "data_encerramento",
                    "motivo_encerramento",
                    "usuario_encerramento",
                    "versao",
                ]
            )
            eventos.append(
                EventoOS(
                    os=os,
                    tipo=EventoOS.Tipo.CANCELAMENTO,
                    situacao_anterior=anterior,
                    situacao_nova=os.situacao,
                    usuario=usuario,
                    data=os.data_encerramento,
                    descricao=f"Encerrada sem execução junto com o RA {ra.protocolo}: {motivo}",
                )
            )
        EventoOS.objects.bulk_create(eventos)
    return len(abertas)
