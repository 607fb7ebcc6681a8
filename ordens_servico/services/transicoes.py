"""State changes of one service order: programar, iniciar, encerrar, cancelar."""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from core.exceptions import RegraViolada, TransicaoInvalida
from ordens_servico.models import Equipe, EventoOS, OrdemServico, ParametrosUnidadeOS
from ordens_servico.services._comum import (
    checar_permissao,
    checar_transicao,
    checar_versao,
    data_formatada,
    registrar,
    travar,
)

PARECER_MAX = 2000
Situacao = OrdemServico.Situacao


def exige_programacao(os) -> bool:
    """The service type or the OS's unit requires scheduling before execution."""
    if os.tipo_servico.exige_programacao:
        return True
    return ParametrosUnidadeOS.objects.filter(
        unidade_id=os.unidade_atual_id, exige_programacao=True
    ).exists()


def _checar_data(os, data, *, o_que: str, minimo=None, rotulo_minimo=""):
    if data > timezone.now():
        raise RegraViolada(f"A data de {o_que} não pode ser no futuro.", campo="data")
    if data < os.data_geracao:
        raise RegraViolada(
            f"A data de {o_que} não pode ser anterior à geração da OS "
            f"({data_formatada(os.data_geracao)}).",
            campo="data",
        )
    if minimo is not None and data < minimo:
        raise RegraViolada(
            f"A data de {o_que} não pode ser anterior {rotulo_minimo} ({data_formatada(minimo)}).",
            campo="data",
        )


def _fila_do_dia(equipe_id, dia, *, exceto):
    return list(
        OrdemServico.objects.filter(equipe_id=equipe_id, data_programada=dia)
        .exclude(pk=exceto)
        .order_by("posicao", "pk")
    )


def _renumerar(fila):
    for i, item in enumerate(fila, start=1):
        if item.posicao != i:
            OrdemServico.objects.filter(pk=item.pk).update(posicao=i)
            item.posicao = i


def ordem_servico_programar(*, os, usuario, equipe, data, posicao=None, versao=None):
    """Schedule (or reschedule) an OS for a team, a day and a position in that day.

    ``posicao`` None puts it at the end of the team's day; otherwise the OS
    is inserted there and the others move down.
    """
    hoje = timezone.localdate()
    with transaction.atomic():
        os = travar(os)
        checar_permissao(usuario, os)
        checar_versao(os, versao)
        checar_transicao(os, Situacao.PROGRAMADA, "programá-la")
        # The team row lock serialises concurrent scheduling of the same team.
        equipe = Equipe.objects.select_for_update().select_related("unidade").get(pk=equipe.pk)
        if not equipe.ativa:
            raise RegraViolada(f"A {equipe.em_frase} está inativa.", campo="equipe")
        if equipe.unidade_id != os.unidade_atual_id and os.unidade_atual_id not in {
            u.pk for u in equipe.unidade.superiores()
        }:
            raise RegraViolada(
                f"A {equipe.em_frase} é da unidade {equipe.unidade.sigla}; a OS está com "
                f"{os.unidade_atual.sigla}.",
                campo="equipe",
            )
        if data < hoje:
            raise RegraViolada(
                "Não é possível programar para um dia que já passou.", campo="data_programada"
            )
        fila = _fila_do_dia(equipe.pk, data, exceto=os.pk)
        if len(fila) >= equipe.carga_diaria:
            raise RegraViolada(
                f"A {equipe.em_frase} já tem {len(fila)} OS em "
                f"{date_format(data, 'd/m/Y')} (carga diária: {equipe.carga_diaria}). "
                "Escolha outro dia ou outra equipe.",
                campo="data_programada",
            )
        anterior = os.situacao
        de = (
            {"equipe": os.equipe_id, "data": os.data_programada.isoformat(), "posicao": os.posicao}
            if anterior == Situacao.PROGRAMADA
            else None
        )
        lugar = len(fila) if posicao is None else max(0, min(int(posicao) - 1, len(fila)))
        fila.insert(lugar, os)
        if de and (de["equipe"], de["data"]) != (equipe.pk, data.isoformat()):
            _renumerar(_fila_do_dia(de["equipe"], os.data_programada, exceto=os.pk))
        os.situacao = Situacao.PROGRAMADA
        os.equipe = equipe
        os.data_programada = data
        os.posicao = lugar + 1
        os.data_programacao = timezone.now()
        os.versao += 1
        os.save(
            update_fields=[
                "situacao",
                "equipe",
                "data_programada",
                "posicao",
                "data_programacao",
                "versao",
            ]
        )
        _renumerar_a_partir(fila, os)
        texto = f"{equipe.nome}, {date_format(data, 'd/m/Y')}, {os.posicao}ª da fila"
        registrar(
            os,
            EventoOS.Tipo.REPROGRAMACAO if de else EventoOS.Tipo.PROGRAMACAO,
            anterior=anterior,
            usuario=usuario,
            descricao=("Reprogramada: " if de else "Programada: ") + texto + ".",
            dados={
                "equipe": equipe.pk,
                "data": data.isoformat(),
                "posicao": os.posicao,
                **({"de": de} if de else {}),
            },
        )
    return os


def _renumerar_a_partir(fila, os):
    """Positions 1..n for the team's day, the scheduled OS already saved."""
    for i, item in enumerate(fila, start=1):
        if item.pk == os.pk:
            continue
        if item.posicao != i:
            OrdemServico.objects.filter(pk=item.pk).update(posicao=i)
            item.posicao = i


def ordem_servico_desprogramar(*, os, usuario, versao=None):
    """Take a scheduled OS off its team's day (back to pendente)."""
    with transaction.atomic():
        os = travar(os)
        checar_permissao(usuario, os)
        checar_versao(os, versao)
        if os.situacao != Situacao.PROGRAMADA:
            raise TransicaoInvalida(
                f"A OS nº {os.numero} não está programada ({os.get_situacao_display().lower()})."
            )
        de = {"equipe": os.equipe_id, "data": os.data_programada.isoformat(), "posicao": os.posicao}
        equipe, dia = os.equipe, os.data_programada
        os.situacao = Situacao.PENDENTE
        os.equipe = None
        os.data_programada = None
        os.posicao = None
        os.versao += 1
        os.save(update_fields=["situacao", "equipe", "data_programada", "posicao", "versao"])
        _renumerar(_fila_do_dia(equipe.pk, dia, exceto=os.pk))
        registrar(
            os,
            EventoOS.Tipo.DESPROGRAMACAO,
            anterior=Situacao.PROGRAMADA,
            usuario=usuario,
            descricao=f"Retirada da programação de {equipe.nome} em {date_format(dia, 'd/m/Y')}.",
            dados={"de": de},
        )
    return os


def ordem_servico_iniciar(*, os, usuario, data=None, versao=None):
    """The team started the work."""
    with transaction.atomic():
        os = travar(os)
        checar_permissao(usuario, os)
        checar_versao(os, versao)
        checar_transicao(os, Situacao.EM_EXECUCAO, "iniciá-la")
        if os.situacao != Situacao.PROGRAMADA and exige_programacao(os):
            raise RegraViolada(
                f"A OS nº {os.numero} precisa ser programada para uma equipe antes de ser iniciada."
            )
        data = data or timezone.now()
        _checar_data(os, data, o_que="início")
        anterior = os.situacao
        os.situacao = Situacao.EM_EXECUCAO
        os.data_inicio = data
        os.versao += 1
        os.save(update_fields=["situacao", "data_inicio", "versao"])
        equipe = f" pela {os.equipe.em_frase}" if os.equipe_id else ""
        registrar(
            os,
            EventoOS.Tipo.INICIO,
            anterior=anterior,
            usuario=usuario,
            data=data,
            descricao=f"Execução iniciada{equipe}.",
        )
    return os


def ordem_servico_encerrar(
    *, os, usuario, motivo, parecer="", data=None, versao=None
) -> OrdemServico:
    """Close an OS as executed or not, by the reason's kind (executado / não executado).

    Only the OS: what its closing does to its RA (close it, or offer to) is an
    RA use case, ``atendimento.services.registro_atendimento_encerrar_pela_os``,
    which the screens call and which calls this one.
    """
    from atendimento.models import MotivoEncerramento

    parecer = (parecer or "").strip()
    if len(parecer) > PARECER_MAX:
        raise RegraViolada(f"O parecer tem no máximo {PARECER_MAX} caracteres.", campo="parecer")
    if motivo.tipo == MotivoEncerramento.Tipo.EXECUTADO:
        nova = Situacao.ENCERRADA_EXECUTADA
    elif motivo.tipo == MotivoEncerramento.Tipo.NAO_EXECUTADO:
        nova = Situacao.ENCERRADA_NAO_EXECUTADA
        if not parecer:
            raise RegraViolada(
                "Explique no parecer por que o serviço não foi executado.", campo="parecer"
            )
    else:
        raise RegraViolada(
            "Para encerrar uma OS escolha um motivo de execução ou de não execução.",
            campo="motivo",
        )
    if not motivo.ativo:
        raise RegraViolada(f"O motivo “{motivo.nome}” está inativo.", campo="motivo")
    with transaction.atomic():
        os = travar(os)
        checar_permissao(usuario, os)
        # Situation first: a second tab gets "already closed", the clearer message.
        checar_transicao(os, nova, "encerrá-la de novo" if os.encerrada else "encerrá-la")
        checar_versao(os, versao)
        if (
            nova == Situacao.ENCERRADA_EXECUTADA
            and os.situacao == Situacao.PENDENTE
            and exige_programacao(os)
        ):
            raise RegraViolada(
                f"A OS nº {os.numero} precisa ser programada para uma equipe antes de ser "
                "encerrada como executada."
            )
        data = data or timezone.now()
        _checar_data(
            os, data, o_que="encerramento", minimo=os.data_inicio, rotulo_minimo="ao início"
        )
        anterior = os.situacao
        os.situacao = nova
        os.data_encerramento = data
        if nova == Situacao.ENCERRADA_EXECUTADA:
            os.data_execucao = data
        os.motivo = motivo
        os.motivo_encerramento = motivo.nome[:120]
        os.parecer = parecer
        os.usuario_encerramento = usuario
        os.versao += 1
        os.save(
            update_fields=[
                "situacao",
                "data_encerramento",
                "data_execucao",
                "motivo",
                "motivo_encerramento",
                "parecer",
                "usuario_encerramento",
                "versao",
            ]
        )
        registrar(
            os,
            EventoOS.Tipo.ENCERRAMENTO,
            anterior=anterior,
            usuario=usuario,
            data=data,
            descricao=f"Encerrada: {motivo.nome}." + (f" {parecer}" if parecer else ""),
            dados={"motivo": motivo.pk},
        )
    return os


def ordem_servico_cancelar(*, os, usuario, motivo: str, versao=None):
    """Close an open OS without execution and without an RA reason (e.g. generated by mistake)."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise RegraViolada("Informe o motivo do cancelamento.", campo="motivo")
    with transaction.atomic():
        os = travar(os)
        checar_permissao(usuario, os)
        checar_transicao(os, Situacao.ENCERRADA_NAO_EXECUTADA, "cancelá-la")
        checar_versao(os, versao)
        anterior = os.situacao
        agora = timezone.now()
        os.situacao = Situacao.ENCERRADA_NAO_EXECUTADA
        os.data_encerramento = agora
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
        registrar(
            os,
            EventoOS.Tipo.CANCELAMENTO,
            anterior=anterior,
            usuario=usuario,
            data=agora,
            descricao=f"Cancelada: {motivo}",
        )
    return os
