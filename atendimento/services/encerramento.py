"""Closing an RA, asking again about it (reiterar) and reopening it (reativar)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from atendimento import prazos
from atendimento.models import MotivoEncerramento, RegistroAtendimento, Reiteracao
from atendimento.models.registro import MENSAGEM_MAX, PARECER_MAX
from atendimento.permissoes import pode_atuar
from atendimento.protocolo import protocolo_gerar
from atendimento.services._comum import (
    Situacao,
    evento_registrar,
    exigir_permissao,
    exigir_situacao,
    exigir_transicao,
    parametros,
    ra_fechar,
    ra_salvar,
    ra_travar,
    texto_obrigatorio,
)
from atendimento.services.abertura import (
    _ra_inserir,
    telefone_normalizar,
    unidade_destino_sugerir,
    unidade_destino_validar,
)
from core.exceptions import RegraViolada, TransicaoInvalida
from mensageria.selectors import evento_do_encerramento
from mensageria.services import registro_atendimento_avisar, reiteracao_notificar
from ordens_servico.models import OrdemServico
from ordens_servico.services import ordem_servico_encerrar, ordens_servico_do_ra_cancelar

TipoMotivo = MotivoEncerramento.Tipo
OS = OrdemServico.Situacao


def registro_atendimento_encerrar(
    *,
    ra,
    motivo,
    parecer,
    usuario,
    data=None,
    ra_referencia=None,
    versao=None,
    ordem_servico=None,
):
    """Close a pending RA (DOMAIN §4.3). ``ordem_servico``: the OS whose closing
    closes the RA (see :func:`registro_atendimento_encerrar_pela_os`), for the history."""
    agora = timezone.now()
    data = data or agora
    parecer = (parecer or "").strip()
    if len(parecer) > PARECER_MAX:
        raise RegraViolada(
            f"O parecer tem {len(parecer)} caracteres; o máximo é {PARECER_MAX}.", campo="parecer"
        )
    if motivo is None:
        raise RegraViolada("Escolha o motivo do encerramento.", campo="motivo")
    if not motivo.ativo:
        raise RegraViolada("Este motivo de encerramento está desativado.", campo="motivo")
    if data > agora:
        raise RegraViolada("A data de encerramento não pode estar no futuro.", campo="data")
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_transicao(ra, Situacao.ENCERRADO, acao="encerrar")
        if ra.especificacao.exige_parecer_encerramento and not parecer:
            raise RegraViolada(
                "Esta especificação exige o parecer de encerramento.", campo="parecer"
            )
        if data < ra.data_abertura:
            raise RegraViolada(
                "A data de encerramento não pode ser anterior à abertura do RA "
                f"({timezone.localtime(ra.data_abertura):%d/%m/%Y %H:%M}).",
                campo="data",
            )
        referencia = _referencia_validar(ra, motivo, ra_referencia)
        ordens = list(ra.ordens_servico.select_for_update().all())
        _ordens_validar(ordens, motivo, data)
        anterior = ra.situacao
        ra.motivo_encerramento = motivo
        ra.ra_referencia = referencia
        campos = [
            "motivo_encerramento",
            "ra_referencia",
            *ra_fechar(ra, data=data, parecer=parecer),
        ]
        ra_salvar(ra, usuario=usuario, campos=campos)
        canceladas = 0
        if motivo.tipo != TipoMotivo.EXECUTADO:
            canceladas = ordens_servico_do_ra_cancelar(
                ra=ra, usuario=usuario, motivo=f"RA encerrado: {motivo.nome}", data=data
            )
        evento_registrar(
            ra,
            tipo="encerramento",
            usuario=usuario,
            anterior=anterior,
            nova=ra.situacao,
            data=data,
            descricao=f"Encerrado ({motivo.nome})"
            + (f" com o encerramento da OS nº {ordem_servico.numero}" if ordem_servico else "")
            + (f": {parecer}" if parecer else "."),
            dados={
                "motivo": motivo.pk,
                "os": ordem_servico.pk if ordem_servico else None,
                "ra_referencia": referencia.pk if referencia else None,
                "os_canceladas": canceladas,
            },
        )
        # "Atendido" only when executed; the other closings have their own notices.
        registro_atendimento_avisar(ra=ra, evento=evento_do_encerramento(motivo))
    return ra


@dataclass
class EncerramentoOS:
    """What closing an OS did to its RA (the screen offers the next step)."""

    os: OrdemServico
    ra_encerrado: bool = False
    oferecer_encerrar_ra: bool = False


def registro_atendimento_encerrar_pela_os(
    *, os, usuario, motivo, parecer="", data=None, versao=None
) -> EncerramentoOS:
    """Close an OS and, when it was the last open OS of a pending RA, the RA too.

    The OS is closed by ``ordem_servico_encerrar``. If its service type closes the
    RA, the RA is closed with the same reason, time and parecer through
    :func:`registro_atendimento_encerrar`, so every rule of closing it directly
    holds (a parecer the especificação requires is not made up); when the RA
    refuses, the OS stays open too and the reason is shown on the OS form.
    Otherwise the result asks the screen to offer closing the RA.
    """
    with transaction.atomic():
        os = ordem_servico_encerrar(
            os=os, usuario=usuario, motivo=motivo, parecer=parecer, data=data, versao=versao
        )
        resultado = EncerramentoOS(os=os)
        if os.ra_id is None:
            return resultado
        ra = RegistroAtendimento.objects.get(pk=os.ra_id)
        aberta = OrdemServico.objects.filter(ra_id=ra.pk, situacao__in=OrdemServico.ABERTAS)
        if ra.situacao != Situacao.PENDENTE or aberta.exists():
            return resultado
        if not os.tipo_servico.encerra_ra:
            resultado.oferecer_encerrar_ra = True
            return resultado
        try:
            registro_atendimento_encerrar(
                ra=ra,
                motivo=motivo,
                parecer=os.parecer,
                usuario=usuario,
                data=os.data_encerramento,
                ordem_servico=os,
            )
        except RegraViolada as erro:
            erro.mensagem = (
                f"Esta OS encerra também o RA de protocolo {ra.protocolo}, que não pode ser "
                f"encerrado assim: {erro.mensagem}"
            )
            raise
        resultado.ra_encerrado = True
    return resultado


def _referencia_validar(ra, motivo, ra_referencia):
    if motivo.tipo != TipoMotivo.DUPLICIDADE:
        if ra_referencia is not None:
            raise RegraViolada(
                "O RA de referência só é informado no encerramento por duplicidade.",
                campo="ra_referencia",
            )
        return None
    if ra_referencia is None:
        raise RegraViolada(
            "Informe o RA de referência (o RA do qual este é duplicado).", campo="ra_referencia"
        )
    if ra_referencia.pk == ra.pk:
        raise RegraViolada(
            "O RA de referência deve ser outro RA, não este mesmo.", campo="ra_referencia"
        )
    referencia = RegistroAtendimento.objects.get(pk=ra_referencia.pk)
    if referencia.situacao == Situacao.ENCERRADO:
        raise RegraViolada(
            f"O RA de referência {referencia.protocolo} já está encerrado: escolha um RA em "
            "aberto.",
            campo="ra_referencia",
        )
    return referencia


def _ordens_validar(ordens, motivo, data):
    for ordem in ordens:
        if ordem.situacao == OS.PROGRAMADA:
            raise RegraViolada(
                f"A OS {ordem.pk} está programada para uma equipe; cancele a programação ou "
                "encerre a OS antes de encerrar o RA."
            )
        if ordem.situacao == OS.EM_EXECUCAO:
            raise RegraViolada(
                f"A OS {ordem.pk} está em execução; encerre-a antes de encerrar o RA."
            )
        if ordem.situacao == OS.PENDENTE and motivo.tipo == TipoMotivo.EXECUTADO:
            raise RegraViolada(
                f"A OS {ordem.pk} ainda está pendente: o RA não pode ser encerrado como "
                "executado. Encerre a OS ou use um motivo de não execução.",
                campo="motivo",
            )
    ultima = max((o.data_encerramento for o in ordens if o.data_encerramento), default=None)
    if ultima is not None and data < ultima:
        raise RegraViolada(
            "A data de encerramento não pode ser anterior ao encerramento da última OS "
            f"({timezone.localtime(ultima):%d/%m/%Y %H:%M}).",
            campo="data",
        )


def registro_atendimento_reiterar(
    *, ra, usuario, solicitante_nome, solicitante_telefone="", observacao="", versao=None
) -> Reiteracao:
    """The requester asks again after the deadline: own protocol, counter, urgent flag."""
    solicitante_nome = texto_obrigatorio(
        solicitante_nome, campo="solicitante_nome", rotulo="quem está reiterando", maximo=150
    )
    observacao = (observacao or "").strip()[:PARECER_MAX]
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, acao="reiterar")
        agora = timezone.now()
        if ra.pausado_desde is not None:
            raise RegraViolada(
                "O prazo deste RA está pausado desde "
                f"{timezone.localtime(ra.pausado_desde):%d/%m/%Y %H:%M} (aguardando o "
                "solicitante): só é possível reiterar depois que o prazo for retomado e vencer."
            )
        if agora <= ra.data_prevista_atual:
            raise RegraViolada(
                "Este RA ainda está no prazo (até "
                f"{timezone.localtime(ra.data_prevista_atual):%d/%m/%Y %H:%M}): só é possível "
                "reiterar depois que o prazo vencer. Registre um novo contato do solicitante."
            )
        return _reiteracao_gravar(
            ra,
            tipo=Reiteracao.Tipo.REITERACAO,
            usuario=usuario,
            nome=solicitante_nome,
            telefone=(solicitante_telefone or "").strip()[:16],
            observacao=observacao,
            agora=agora,
        )


def registro_atendimento_registrar_contato(
    *, ra, usuario, solicitante_nome, solicitante_telefone="", observacao="", versao=None
) -> Reiteracao:
    """Someone calls again about an open RA (typically when opening a new one was refused
    as a duplicate): the call is recorded on the RA with its own protocol, who called and
    when, so the person leaves with a number to quote.

    After the deadline (clock running) the call is a reiteração, counted and marking
    the RA urgent; before it, a contact. Whoever may open RAs may record it, even for
    an RA now with another unit.
    """
    solicitante_nome = texto_obrigatorio(
        solicitante_nome, campo="solicitante_nome", rotulo="quem está ligando", maximo=150
    )
    telefone = telefone_normalizar(solicitante_telefone or "")
    observacao = (observacao or "").strip()[:PARECER_MAX]
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        if not _pode_registrar_contato(usuario, ra):
            exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, Situacao.BLOQUEADO, acao="registrar um novo contato")
        agora = timezone.now()
        vencido = ra.status_prazo(agora) == RegistroAtendimento.StatusPrazo.VENCIDO
        tipo = Reiteracao.Tipo.REITERACAO if vencido else Reiteracao.Tipo.CONTATO
        return _reiteracao_gravar(
            ra,
            tipo=tipo,
            usuario=usuario,
            nome=solicitante_nome,
            telefone=telefone,
            observacao=observacao,
            agora=agora,
        )


def registro_atendimento_vincular_relato(
    *, ra, usuario, nome, telefone="", observacao=""
) -> Reiteracao:
    """A citizen's report (cidadao.Relato) joins an open RA as one more requester: own
    protocol, the RA's protocol by SMS to the citizen's mobile (event ``ra_existente``)
    and later its closing notice. Not a reiteração: no counter, no urgent flag. Whoever
    may record a new contact on the RA may link a report to it."""
    nome = texto_obrigatorio(nome, campo="nome", rotulo="o nome do cidadão", maximo=150)
    telefone = telefone_normalizar(telefone or "")
    observacao = (observacao or "").strip()[:PARECER_MAX]
    with transaction.atomic():
        ra = ra_travar(ra)
        if not _pode_registrar_contato(usuario, ra):
            exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, Situacao.BLOQUEADO, acao="vincular um relato")
        return _reiteracao_gravar(
            ra,
            tipo=Reiteracao.Tipo.RELATO,
            usuario=usuario,
            nome=nome,
            telefone=telefone,
            observacao=observacao,
            agora=timezone.now(),
        )


def _pode_registrar_contato(usuario, ra) -> bool:
    """Those who act on the RA, and every attendant whose unit opens RAs."""
    unidade = getattr(usuario, "unidade", None)
    return bool(
        pode_atuar(usuario, ra)
        or (
            usuario.has_perm("atendimento.add_registroatendimento")
            and unidade is not None
            and unidade.ativa
            and unidade.abre_ra
        )
    )


def _reiteracao_gravar(ra, *, tipo, usuario, nome, telefone, observacao, agora) -> Reiteracao:
    (protocolo,) = protocolo_gerar(parametros=parametros())
    reiteracao = Reiteracao.objects.create(
        ra=ra,
        tipo=tipo,
        protocolo=protocolo,
        solicitante_nome=nome,
        solicitante_telefone=telefone,
        observacao=observacao,
        usuario=usuario,
        data=agora,
    )
    # The caller gets the RA's protocol by SMS too, and so later its closing notice.
    reiteracao_notificar(reiteracao=reiteracao)
    if tipo == Reiteracao.Tipo.REITERACAO:
        ra.quantidade_reiteracoes += 1
        ra.urgente = True
        ra_salvar(ra, usuario=usuario, campos=["quantidade_reiteracoes", "urgente"])
        evento, descricao = "reiteracao", f"Reiterado por {nome} (protocolo {protocolo})"
    elif tipo == Reiteracao.Tipo.RELATO:
        # A citizen's report joins the RA: one more requester, not a reiteração.
        ra_salvar(ra, usuario=usuario, campos=[])
        evento, descricao = "relato", f"Relato de cidadão vinculado (protocolo {protocolo})"
    else:
        ra_salvar(ra, usuario=usuario, campos=[])
        evento, descricao = "contato", f"Novo contato de {nome} (protocolo {protocolo})"
    evento_registrar(
        ra,
        tipo=evento,
        usuario=usuario,
        anterior=ra.situacao,
        nova=ra.situacao,
        data=agora,
        descricao=descricao + (f": {observacao}" if observacao else "."),
        dados={"protocolo": protocolo, "reiteracao": reiteracao.pk},
    )
    return reiteracao


def registro_atendimento_reativar(*, ra, usuario, descricao="", versao=None):
    """Reopen a closed RA as a new one pointing to it (the old one stays closed)."""
    with transaction.atomic():
        antigo = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, antigo)
        if antigo.situacao != Situacao.ENCERRADO:
            raise TransicaoInvalida("Só um RA encerrado pode ser reativado.")
        if antigo.excluido:
            raise RegraViolada(
                "Um contato excluído não pode ser reativado: abra um novo RA se for preciso."
            )
        if antigo.motivo_encerramento and antigo.motivo_encerramento.tipo == TipoMotivo.DUPLICIDADE:
            raise RegraViolada(
                "Um RA encerrado por duplicidade não pode ser reativado: reative ou reitere o RA "
                "de referência."
            )
        if RegistroAtendimento.objects.filter(ra_origem=antigo).exists():
            novo = RegistroAtendimento.objects.get(ra_origem=antigo)
            raise RegraViolada(
                f"Este RA já foi reativado (novo RA {novo.protocolo}); não pode ser reativado "
                "de novo."
            )
        if usuario.unidade is None or not usuario.unidade.ativa:
            raise RegraViolada("Você precisa pertencer a uma unidade ativa para reativar RAs.")
        destino = antigo.unidade_atual
        if not destino.ativa or not destino.recebe_tramite:
            destino = unidade_destino_sugerir(especificacao=antigo.especificacao, usuario=usuario)
        unidade_destino_validar(destino)
        params = parametros()
        agora = timezone.now()
        municipio = antigo.imovel.municipio if antigo.imovel_id else ""
        prevista = prazos.data_prevista(
            inicio=agora,
            especificacao=antigo.especificacao,
            parametros=params,
            municipio=municipio,
        )
        (protocolo,) = protocolo_gerar(parametros=params)
        texto = (descricao or "").strip() or antigo.descricao
        novo = RegistroAtendimento(
            protocolo=protocolo,
            ra_origem=antigo,
            especificacao=antigo.especificacao,
            meio=antigo.meio,
            situacao=Situacao.PENDENTE,
            descricao=texto[:MENSAGEM_MAX],
            imovel=antigo.imovel,
            local_ocorrencia=antigo.local_ocorrencia,
            latitude=antigo.latitude,
            longitude=antigo.longitude,
            tipo_solicitante=antigo.tipo_solicitante,
            cliente=antigo.cliente,
            solicitante_unidade=antigo.solicitante_unidade,
            solicitante_funcionario=antigo.solicitante_funcionario,
            solicitante_nome=antigo.solicitante_nome,
            solicitante_telefone=antigo.solicitante_telefone,
            solicitante_email=antigo.solicitante_email,
            solicitante_cpf_cnpj=antigo.solicitante_cpf_cnpj,
            unidade_abertura=usuario.unidade,
            usuario_abertura=usuario,
            unidade_atual=destino,
            data_abertura=agora,
            data_prevista_original=prevista,
            data_prevista_atual=prevista,
            data_atencao=prazos.data_atencao(inicio=agora, prevista=prevista, parametros=params),
            prioridade=antigo.prioridade,
            origem=antigo.origem,
        )
        _ra_inserir(
            novo,
            usuario=usuario,
            descricao_evento=f"Reativação do RA {antigo.protocolo}.",
        )
        ra_salvar(antigo, usuario=usuario, campos=[])
        evento_registrar(
            antigo,
            tipo="reativacao",
            usuario=usuario,
            anterior=antigo.situacao,
            nova=antigo.situacao,
            data=agora,
            descricao=f"Reativado como o RA {protocolo}.",
            dados={"novo_ra": novo.pk, "protocolo": protocolo},
        )
    return novo
