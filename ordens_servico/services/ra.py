"""Seams the RA services call when an RA is routed or closed without execution."""

from django.db import transaction
from django.utils import timezone

from ordens_servico.models import EventoOS, OrdemServico


def ordens_servico_do_ra_tramitar(*, ra, unidade, usuario=None) -> int:
    """Routing an RA moves its open OS with it.

    A scheduled OS loses its schedule: the team belongs to the old unit.
    Returns how many OS moved.
    """
    agora = timezone.now()
    with transaction.atomic():
        abertas = list(
            OrdemServico.objects.select_for_update()
            .filter(ra=ra, situacao__in=OrdemServico.ABERTAS)
            .exclude(unidade_atual=unidade)
            .order_by("pk")
        )
        eventos = []
        for os in abertas:
            anterior = os.situacao
            dados = {"de": os.unidade_atual_id, "para": unidade.pk}
            descricao = f"OS acompanhou o trâmite do RA para {unidade.sigla}."
            os.unidade_atual = unidade
            campos = ["unidade_atual", "versao"]
            if os.situacao == OrdemServico.Situacao.PROGRAMADA:
                descricao += " A programação foi desfeita (a equipe era da unidade anterior)."
                dados["equipe"] = os.equipe_id
                os.situacao = OrdemServico.Situacao.PENDENTE
                os.equipe = None
                os.data_programada = None
                os.posicao = None
                campos += ["situacao", "equipe", "data_programada", "posicao"]
            os.versao += 1
            os.save(update_fields=campos)
            eventos.append(
                EventoOS(
                    os=os,
                    tipo=EventoOS.Tipo.TRAMITE,
                    situacao_anterior=anterior,
                    situacao_nova=os.situacao,
                    usuario=usuario,
                    data=agora,
                    descricao=descricao,
                    dados=dados,
                )
            )
        EventoOS.objects.bulk_create(eventos)
    return len(abertas)


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
