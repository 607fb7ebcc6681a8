"""Opening an RA (Inserir RA, docs/domain.md §4.2) and reopening a closed one."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from atendimento import prazos
from atendimento.models import DevolucaoValor, Especificacao, RegistroAtendimento, Tramite
from atendimento.protocolo import protocolo_gerar
from atendimento.roteamento import unidade_que_recebe
from atendimento.selectors import registro_atendimento_duplicado
from atendimento.services._comum import Situacao, evento_registrar, parametros
from atendimento.services.alteracao import DESCRICAO_MAX
from atendimento.services.anexos import anexo_gravar, anexo_validar
from atendimento.services.numeracao import numero_manual_reservar
from cadastro.models import Imovel
from cadastro.validators import somente_digitos, validar_cpf_cnpj
from core.exceptions import ErrosColetados, RegraViolada
from faturamento.selectors import contas_vencidas
from mensageria.services import registro_atendimento_notificar
from ordens_servico.services import ordem_servico_gerar

TipoSolicitante = RegistroAtendimento.TipoSolicitante
# Clocks of different machines drift; a form submitted right after a clock tick is fine.
TOLERANCIA_RELOGIO = datetime.timedelta(minutes=2)
TITULO_MAX = RegistroAtendimento._meta.get_field("titulo").max_length


class RegistroDuplicado(RegraViolada):
    """Opening refused: the imóvel has a pending RA of the same especificação. The screen
    offers to record the call on it (``registro_atendimento_registrar_contato``)."""

    def __init__(self, existente):
        prevista = timezone.localtime(existente.data_prevista_atual)
        super().__init__(
            f"Já existe o RA nº {existente.pk} (protocolo {existente.protocolo}) em aberto para "
            f"este imóvel com a mesma especificação, previsto para {prevista:%d/%m/%Y %H:%M}. "
            "Registre o novo contato do solicitante nesse RA em vez de abrir outro.",
            campo="especificacao",
        )
        self.existente = existente


def unidade_destino_sugerir(*, especificacao, usuario, unidade_destino=None):
    """Destination of trâmite #1: the chosen unit, else the especificação's, else the
    attendant's own; a unit centralized from outside the attendant's group hands its
    RAs to its centralizadora (see :mod:`atendimento.roteamento`)."""
    destino = unidade_destino or especificacao.unidade_destino or usuario.unidade
    return unidade_que_recebe(destino, origem=usuario.unidade)


def unidade_destino_validar(destino) -> None:
    if destino is None:
        raise RegraViolada("Informe a unidade de destino do RA.", campo="unidade_destino")
    if not destino.ativa:
        raise RegraViolada(
            f"A unidade {destino.sigla} está inativa e não pode receber RAs.",
            campo="unidade_destino",
        )
    if not destino.recebe_tramite:
        raise RegraViolada(
            f"A unidade {destino.sigla} não recebe trâmite de RAs.", campo="unidade_destino"
        )


def _solicitante_validar(
    *,
    tipo_solicitante,
    cliente,
    solicitante_unidade,
    solicitante_funcionario,
    solicitante_nome,
    solicitante_telefone,
    origem="interna",
):
    """Exactly one kind of requester, complete. A portal contact's client comes with the
    person who wrote for it (the portal's "pessoa para contato")."""
    if tipo_solicitante not in TipoSolicitante.values:
        raise RegraViolada("Escolha quem está solicitando.", campo="tipo_solicitante")
    unidade_ou_func = solicitante_unidade is not None or solicitante_funcionario is not None
    if tipo_solicitante == TipoSolicitante.CLIENTE:
        if cliente is None:
            raise RegraViolada("Escolha o cliente solicitante.", campo="cliente")
        if unidade_ou_func or (solicitante_nome and origem != RegistroAtendimento.Origem.PORTAL):
            raise RegraViolada(
                "Informe só o cliente como solicitante (não preencha unidade nem nome livre).",
                campo="tipo_solicitante",
            )
    elif tipo_solicitante == TipoSolicitante.UNIDADE:
        if solicitante_unidade is None or solicitante_funcionario is None:
            raise RegraViolada(
                "Informe a unidade e o funcionário solicitantes.", campo="solicitante_unidade"
            )
        if cliente is not None or solicitante_nome:
            raise RegraViolada(
                "Informe só a unidade e o funcionário (não preencha cliente nem nome livre).",
                campo="tipo_solicitante",
            )
        if solicitante_funcionario.unidade_id != solicitante_unidade.pk:
            raise RegraViolada(
                f"{solicitante_funcionario} não pertence à unidade {solicitante_unidade.sigla}.",
                campo="solicitante_funcionario",
            )
    else:
        if not solicitante_nome.strip() or not solicitante_telefone.strip():
            raise RegraViolada(
                "Informe o nome e o telefone de quem está solicitando.", campo="solicitante_nome"
            )
        if cliente is not None or unidade_ou_func:
            raise RegraViolada(
                "Informe só o nome e o telefone (não preencha cliente nem unidade).",
                campo="tipo_solicitante",
            )


def telefone_normalizar(telefone: str) -> str:
    """Store phones in E.164 (+55DDDNUMBER) so they can be dialled and texted."""
    digitos = somente_digitos(telefone)
    if not digitos:
        return ""
    if digitos.startswith("55") and len(digitos) in (12, 13):
        digitos = digitos[2:]
    if len(digitos) not in (10, 11):
        raise RegraViolada(
            "Telefone do solicitante inválido: informe DDD + número (10 ou 11 dígitos).",
            campo="solicitante_telefone",
        )
    return f"+55{digitos}"


def _devolucoes_validar(especificacao, devolucoes) -> list[DevolucaoValor]:
    devolucoes = list(devolucoes or ())
    if especificacao.natureza != Especificacao.Natureza.DEVOLUCAO:
        if devolucoes:
            raise RegraViolada(
                "Esta especificação não é de devolução de valores.", campo="devolucoes"
            )
        return []
    if not devolucoes:
        raise RegraViolada(
            "Informe o documento e o valor a devolver (especificação de devolução).",
            campo="devolucoes",
        )
    objetos = []
    for item in devolucoes:
        dev = item if isinstance(item, DevolucaoValor) else DevolucaoValor(**item)
        if dev.motivo not in DevolucaoValor.Motivo.values:
            raise RegraViolada("Escolha o motivo da devolução.", campo="devolucoes")
        if not (dev.documento or "").strip():
            raise RegraViolada(
                "Informe o documento (conta ou guia) a devolver.", campo="devolucoes"
            )
        if dev.valor is None or dev.valor <= 0:
            raise RegraViolada("O valor a devolver deve ser maior que zero.", campo="devolucoes")
        if dev.referencia and not (len(dev.referencia) == 6 and dev.referencia.isdigit()):
            raise RegraViolada("A referência deve estar no formato AAAAMM.", campo="devolucoes")
        objetos.append(dev)
    return objetos


# Bills named in the refusal; beyond that, a count (the attendant sees them all on the
# imóvel page).
DEBITO_CONTAS_NOMEADAS = 5


def _debito_verificar(imovel) -> None:
    """An especificação that *bloqueia abertura com débito* refuses an imóvel with
    overdue unpaid bills (due before today in the company's zone), naming them."""
    vencidas = list(contas_vencidas(imovel)[: DEBITO_CONTAS_NOMEADAS + 1])
    if not vencidas:
        return
    nomes = [
        f"{c.referencia_formatada} (venc. {c.vencimento:%d/%m/%Y})"
        for c in vencidas[:DEBITO_CONTAS_NOMEADAS]
    ]
    if len(vencidas) > DEBITO_CONTAS_NOMEADAS:
        restantes = contas_vencidas(imovel).count() - DEBITO_CONTAS_NOMEADAS
        nomes.append(f"mais {restantes} conta{'s' if restantes > 1 else ''}")
    lista = nomes[0] if len(nomes) == 1 else f"{', '.join(nomes[:-1])} e {nomes[-1]}"
    raise RegraViolada(
        f"O imóvel tem débito vencido: conta{'s' if len(vencidas) > 1 else ''} {lista}. "
        "Esta especificação não permite abrir o RA com débito.",
        campo="imovel",
    )


def registro_atendimento_abertura_verificar(
    *,
    usuario,
    especificacao=None,
    meio=None,
    descricao="",
    tipo_solicitante="",
    cliente=None,
    solicitante_unidade=None,
    solicitante_funcionario=None,
    solicitante_nome="",
    solicitante_telefone="",
    solicitante_email="",
    solicitante_cpf_cnpj="",
    imovel=None,
    local_ocorrencia="",
    latitude=None,
    longitude=None,
    data_abertura=None,
    numero_manual="",
    origem="interna",
    prioridade=2,
    data_reservada=None,
    melhor_horario="",
    unidade_destino=None,
    devolucoes=(),
    anexos=(),
) -> dict:
    """Every opening rule that needs no lock, checked in one round.

    Returns the normalized values, or raises RegraViolada (RegrasVioladas when
    several rules refuse), so the attendant corrects everything at once. The
    screen also calls it when its form has errors: an especificação or meio the
    form could not read comes as None and the rules that need it are skipped.
    """
    agora = timezone.now()
    erros = ErrosColetados()
    if especificacao is not None:
        # One query for what the rules below read of the especificação.
        especificacao = Especificacao.objects.select_related(
            "tipo", "tipo_servico", "unidade_destino__centralizadora"
        ).get(pk=especificacao.pk)
    unidade_usuario = usuario.unidade
    with erros.verificar():
        if unidade_usuario is None or not unidade_usuario.ativa or not unidade_usuario.abre_ra:
            sigla = unidade_usuario.sigla if unidade_usuario else "(nenhuma)"
            raise RegraViolada(f"Sua unidade ({sigla}) não tem permissão para abrir RAs.")
    with erros.verificar():
        if especificacao is not None and (not especificacao.ativa or not especificacao.tipo.ativo):
            raise RegraViolada("Esta especificação está desativada.", campo="especificacao")
    with erros.verificar():
        if meio is not None and not meio.ativo:
            raise RegraViolada("Este meio de solicitação está desativado.", campo="meio")
    descricao = (descricao or "").strip()
    with erros.verificar():
        if not descricao:
            raise RegraViolada("Descreva a solicitação.", campo="descricao")
        if len(descricao) > DESCRICAO_MAX:
            raise RegraViolada(
                f"A descrição tem {len(descricao)} caracteres; o máximo é {DESCRICAO_MAX}.",
                campo="descricao",
            )

    data_abertura = data_abertura or agora
    with erros.verificar():
        if data_abertura > agora + TOLERANCIA_RELOGIO:
            raise RegraViolada(
                "A data de abertura não pode estar no futuro.", campo="data_abertura"
            )

    solicitante_nome = (solicitante_nome or "").strip()
    with erros.verificar():
        _solicitante_validar(
            tipo_solicitante=tipo_solicitante,
            cliente=cliente,
            solicitante_unidade=solicitante_unidade,
            solicitante_funcionario=solicitante_funcionario,
            solicitante_nome=solicitante_nome,
            solicitante_telefone=solicitante_telefone or "",
            origem=origem,
        )
    telefone = ""
    with erros.verificar():
        telefone = telefone_normalizar(solicitante_telefone)
    solicitante_email = (solicitante_email or "").strip()
    with erros.verificar():
        if solicitante_email:
            try:
                validate_email(solicitante_email)
            except ValidationError as exc:
                raise RegraViolada(
                    "E-mail do solicitante inválido.", campo="solicitante_email"
                ) from exc
    solicitante_cpf_cnpj = somente_digitos(solicitante_cpf_cnpj)
    if especificacao is not None:
        with erros.verificar():
            if especificacao.exige_imovel and imovel is None:
                raise RegraViolada("Esta especificação exige o imóvel.", campo="imovel")
        with erros.verificar():
            if especificacao.exige_cliente and tipo_solicitante != TipoSolicitante.CLIENTE:
                raise RegraViolada(
                    "Esta especificação exige um cliente do cadastro como solicitante.",
                    campo="cliente",
                )
        cpf = cliente.cpf_cnpj if cliente is not None else solicitante_cpf_cnpj
        with erros.verificar():
            if especificacao.exige_cpf_cnpj and not cpf:
                raise RegraViolada(
                    "Esta especificação exige o CPF/CNPJ do solicitante.", campo="cpf"
                )
    with erros.verificar():
        if solicitante_cpf_cnpj:
            try:
                validar_cpf_cnpj(solicitante_cpf_cnpj)
            except ValidationError as exc:
                raise RegraViolada(exc.messages[0], campo="solicitante_cpf_cnpj") from exc
    if especificacao is not None and especificacao.bloqueia_com_debito and imovel is not None:
        with erros.verificar():
            _debito_verificar(imovel)
    local_ocorrencia = (local_ocorrencia or "").strip()
    tem_coordenadas = latitude is not None and longitude is not None
    with erros.verificar():
        if imovel is None and not local_ocorrencia and not tem_coordenadas:
            raise RegraViolada(
                "Informe o imóvel ou o local da ocorrência.", campo="local_ocorrencia"
            )
    with erros.verificar():
        if prioridade not in RegistroAtendimento.Prioridade.values:
            raise RegraViolada("Prioridade inválida.", campo="prioridade")
    with erros.verificar():
        if melhor_horario and melhor_horario not in RegistroAtendimento.MelhorHorario.values:
            raise RegraViolada("Melhor horário inválido.", campo="melhor_horario")
    with erros.verificar():
        if data_reservada is not None and data_reservada < timezone.localdate():
            raise RegraViolada(
                "A data reservada não pode estar no passado.", campo="data_reservada"
            )
    with erros.verificar():
        if origem not in RegistroAtendimento.Origem.values:
            raise RegraViolada("Origem inválida.", campo="origem")
    destino = None
    if especificacao is not None:
        destino = unidade_destino_sugerir(
            especificacao=especificacao, usuario=usuario, unidade_destino=unidade_destino
        )
        with erros.verificar():
            unidade_destino_validar(destino)
        with erros.verificar():
            devolucoes = _devolucoes_validar(especificacao, devolucoes)
    params = parametros()
    arquivos = []
    for anexo in anexos or ():
        with erros.verificar():
            arquivos.append(anexo_validar(anexo, params=params))
    erros.levantar()
    return {
        "especificacao": especificacao,
        "descricao": descricao,
        "data_abertura": data_abertura,
        "solicitante_nome": solicitante_nome,
        "solicitante_telefone": telefone,
        "solicitante_email": solicitante_email,
        "solicitante_cpf_cnpj": solicitante_cpf_cnpj,
        "local_ocorrencia": local_ocorrencia,
        "tem_coordenadas": tem_coordenadas,
        "destino": destino,
        "devolucoes": devolucoes,
        "arquivos": arquivos,
        "params": params,
    }


def registro_atendimento_abrir(
    *,
    usuario,
    especificacao,
    meio,
    descricao,
    tipo_solicitante,
    cliente=None,
    solicitante_unidade=None,
    solicitante_funcionario=None,
    solicitante_nome="",
    solicitante_telefone="",
    solicitante_email="",
    solicitante_cpf_cnpj="",
    imovel=None,
    local_ocorrencia="",
    latitude=None,
    longitude=None,
    data_abertura=None,
    numero_manual="",
    origem="interna",
    prioridade=2,
    data_reservada=None,
    melhor_horario="",
    unidade_destino=None,
    devolucoes=(),
    anexos=(),
    titulo="",
) -> RegistroAtendimento:
    """Open an RA: validate, route it (trâmite #1), generate its OS, notify the requester.

    Every rule is checked before anything is written, and all its refusals are
    raised together (:func:`registro_atendimento_abertura_verificar`). The
    protocol is taken last, inside the transaction, so a refused opening never
    consumes a number.
    """
    verificado = registro_atendimento_abertura_verificar(
        usuario=usuario,
        especificacao=especificacao,
        meio=meio,
        descricao=descricao,
        tipo_solicitante=tipo_solicitante,
        cliente=cliente,
        solicitante_unidade=solicitante_unidade,
        solicitante_funcionario=solicitante_funcionario,
        solicitante_nome=solicitante_nome,
        solicitante_telefone=solicitante_telefone,
        solicitante_email=solicitante_email,
        solicitante_cpf_cnpj=solicitante_cpf_cnpj,
        imovel=imovel,
        local_ocorrencia=local_ocorrencia,
        latitude=latitude,
        longitude=longitude,
        data_abertura=data_abertura,
        numero_manual=numero_manual,
        origem=origem,
        prioridade=prioridade,
        data_reservada=data_reservada,
        melhor_horario=melhor_horario,
        unidade_destino=unidade_destino,
        devolucoes=devolucoes,
        anexos=anexos,
    )
    especificacao = verificado["especificacao"]
    descricao = verificado["descricao"]
    data_abertura = verificado["data_abertura"]
    solicitante_nome = verificado["solicitante_nome"]
    solicitante_telefone = verificado["solicitante_telefone"]
    solicitante_email = verificado["solicitante_email"]
    solicitante_cpf_cnpj = verificado["solicitante_cpf_cnpj"]
    local_ocorrencia = verificado["local_ocorrencia"]
    tem_coordenadas = verificado["tem_coordenadas"]
    destino = verificado["destino"]
    devolucoes = verificado["devolucoes"]
    arquivos = verificado["arquivos"]
    params = verificado["params"]
    unidade_usuario = usuario.unidade
    titulo = " ".join((titulo or "").split())
    if len(titulo) > TITULO_MAX:
        raise RegraViolada(
            f"O título tem {len(titulo)} caracteres; o máximo é {TITULO_MAX}.", campo="titulo"
        )

    with transaction.atomic():
        if imovel is not None:
            # Serialises openings for one imóvel, so two attendants cannot both
            # pass the duplicate check for the same request.
            imovel = Imovel.objects.select_for_update().get(pk=imovel.pk)
            existente = registro_atendimento_duplicado(imovel=imovel, especificacao=especificacao)
            if existente is not None:
                raise RegistroDuplicado(existente)
        manual = numero_manual_reservar(numero_manual) if numero_manual else None
        municipio = imovel.municipio if imovel is not None else ""
        prevista = prazos.data_prevista(
            inicio=data_abertura,
            especificacao=especificacao,
            parametros=params,
            municipio=municipio,
        )
        bloqueado = imovel is None and not tem_coordenadas
        if not tem_coordenadas and imovel is not None and imovel.latitude is not None:
            # The RA keeps its own point, so the search for open RAs near a citizen's
            # report reads one indexed pair of columns (cidadao.selectors).
            latitude, longitude = imovel.latitude, imovel.longitude
        (protocolo,) = protocolo_gerar(parametros=params)
        ra = RegistroAtendimento(
            protocolo=protocolo,
            numero_manual=str(manual) if manual else "",
            especificacao=especificacao,
            meio=meio,
            situacao=Situacao.BLOQUEADO if bloqueado else Situacao.PENDENTE,
            descricao=descricao,
            imovel=imovel,
            local_ocorrencia=local_ocorrencia,
            latitude=latitude,
            longitude=longitude,
            tipo_solicitante=tipo_solicitante,
            cliente=cliente,
            solicitante_unidade=solicitante_unidade,
            solicitante_funcionario=solicitante_funcionario,
            solicitante_nome=solicitante_nome,
            solicitante_telefone=solicitante_telefone,
            solicitante_email=solicitante_email,
            solicitante_cpf_cnpj=solicitante_cpf_cnpj,
            unidade_abertura=unidade_usuario,
            usuario_abertura=usuario,
            unidade_atual=destino,
            data_abertura=data_abertura,
            data_prevista_original=prevista,
            data_prevista_atual=prevista,
            data_atencao=prazos.data_atencao(
                inicio=data_abertura, prevista=prevista, parametros=params
            ),
            prioridade=prioridade,
            data_reservada=data_reservada,
            melhor_horario=melhor_horario or "",
            origem=origem,
            titulo=titulo,
            # A customer's own contact waits on the company from the start.
            interacao_pendente=(
                RegistroAtendimento.InteracaoPendente.INTERNA
                if origem == RegistroAtendimento.Origem.PORTAL
                else RegistroAtendimento.InteracaoPendente.NENHUMA
            ),
        )
        _ra_inserir(
            ra,
            usuario=usuario,
            devolucoes=devolucoes,
            arquivos=arquivos,
            manual=manual,
            descricao_evento=(
                f"RA aberto por {meio.nome} e encaminhado a {destino.sigla}."
                + (" Bloqueado até informar o endereço ou o imóvel." if bloqueado else "")
            ),
        )
    return ra


def _ra_inserir(ra, *, usuario, descricao_evento, devolucoes=(), arquivos=(), manual=None):
    """Save a new RA with its trâmite #1, opening event, OS and notice (inside a transaction)."""
    ra._history_user = usuario
    ra.save()
    if manual is not None:
        manual.ra = ra
        manual.save(update_fields=["ra"])
    Tramite.objects.create(
        ra=ra,
        unidade_origem=ra.unidade_abertura,
        unidade_destino=ra.unidade_atual,
        usuario=usuario,
        data=ra.data_abertura,
        parecer="Trâmite inicial na abertura do RA.",
    )
    evento_registrar(
        ra,
        tipo="abertura",
        usuario=usuario,
        nova=ra.situacao,
        data=ra.data_abertura,
        descricao=descricao_evento,
        dados={"protocolo": ra.protocolo, "unidade_destino": ra.unidade_atual_id},
    )
    for dev in devolucoes:
        dev.ra = ra
    DevolucaoValor.objects.bulk_create(devolucoes)
    for conteudo, nome, mime in arquivos:
        anexo_gravar(
            ra=ra,
            usuario=usuario,
            conteudo=conteudo,
            nome=nome,
            mime=mime,
            # Files sent with a portal contact are the requester's own (they see them).
            do_solicitante=ra.origem == RegistroAtendimento.Origem.PORTAL,
        )
    especificacao = ra.especificacao
    if especificacao.tipo_servico_id and especificacao.tipo_servico.ativo:
        os_ = ordem_servico_gerar(ra=ra, tipo_servico=especificacao.tipo_servico, usuario=usuario)
        evento_registrar(
            ra,
            tipo="os",
            usuario=usuario,
            descricao=f"OS {os_.pk} gerada: {especificacao.tipo_servico}.",
            dados={"os": os_.pk},
        )
    if especificacao.envia_sms_abertura or especificacao.envia_email_abertura:
        registro_atendimento_notificar(ra=ra, evento="ra_aberto")
