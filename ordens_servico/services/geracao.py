"""Generating service orders from an RA (automatically on opening, or by hand)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida
from ordens_servico.models import EventoOS, OrdemServico
from ordens_servico.services._comum import registrar


def ordem_servico_gerar(*, ra, tipo_servico, usuario, data=None) -> OrdemServico:
    """Generate an OS for an RA, in the RA's current unit.

    Called by ``registro_atendimento_abrir`` inside its transaction when the
    especificação has a service type (the RA service already checked who may
    open it), and by :func:`ordem_servico_gerar_para_ra` for manual OS.
    """
    from atendimento.models import RegistroAtendimento

    if ra.situacao == RegistroAtendimento.Situacao.ENCERRADO:
        raise TransicaoInvalida("Não é possível gerar OS para um RA encerrado.")
    if not tipo_servico.ativo:
        raise RegraViolada(
            f"O tipo de serviço “{tipo_servico}” está inativo.", campo="tipo_servico"
        )
    agora = data or timezone.now()
    with transaction.atomic():
        os = OrdemServico.objects.create(
            ra=ra,
            imovel=ra.imovel,
            tipo_servico=tipo_servico,
            unidade_atual=ra.unidade_atual,
            usuario_geracao=usuario,
            data_geracao=agora,
            data_limite=agora + timedelta(hours=tipo_servico.prazo_execucao_horas),
        )
        registrar(
            os,
            EventoOS.Tipo.GERACAO,
            anterior="",
            usuario=usuario,
            data=agora,
            descricao=f"OS gerada pelo RA {ra.protocolo} na unidade {ra.unidade_atual.sigla}.",
            dados={"ra": ra.pk, "unidade": ra.unidade_atual_id},
        )
    return os


def ordem_servico_gerar_para_ra(*, ra, tipo_servico, usuario) -> OrdemServico:
    """Manual OS from the RA page, when the especificação allows an optional OS."""
    from atendimento.models import EventoRA, RegistroAtendimento
    from atendimento.permissoes import pode_atuar as pode_atuar_no_ra

    with transaction.atomic():
        ra = (
            RegistroAtendimento.objects.select_for_update(of=("self",))
            .select_related("especificacao", "unidade_atual")
            .get(pk=ra.pk)
        )
        if not usuario.has_perm("ordens_servico.add_ordemservico") or not pode_atuar_no_ra(
            usuario, ra
        ):
            raise PermissaoNegada(
                f"O RA está com a unidade {ra.unidade_atual.sigla}: só usuários dessa unidade "
                "(ou de uma unidade acima dela) podem gerar OS para ele."
            )
        if ra.situacao != RegistroAtendimento.Situacao.PENDENTE:
            raise TransicaoInvalida(
                f"O RA está {ra.get_situacao_display().lower()}: só se gera OS para RA pendente."
            )
        if not ra.especificacao.permite_os_opcional:
            raise RegraViolada(
                f"A especificação “{ra.especificacao.nome}” não permite gerar OS manualmente."
            )
        aberta = OrdemServico.objects.filter(
            ra=ra, tipo_servico=tipo_servico, situacao__in=OrdemServico.ABERTAS
        ).first()
        if aberta is not None:
            raise RegraViolada(
                f"Este RA já tem a OS nº {aberta.numero} de “{tipo_servico}” em aberto.",
                campo="tipo_servico",
            )
        os = ordem_servico_gerar(ra=ra, tipo_servico=tipo_servico, usuario=usuario)
        EventoRA.objects.create(
            ra=ra,
            tipo=EventoRA.Tipo.ORDEM_SERVICO,
            usuario=usuario,
            data=os.data_geracao,
            descricao=f"OS nº {os.numero} ({tipo_servico}) gerada manualmente.",
            dados={"os": os.pk},
        )
    return os
