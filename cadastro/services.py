"""Writes of the registry (cadastro).

Bad input (check digits, phone formats, a CPF already in use, CEP) raises
``ValidationError`` keyed by field name (``telefones`` for the phone list) so
a view can put each message next to its field; a state rule (a link already
active or already ended) raises ``core.exceptions.RegraViolada``.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cadastro import validators
from cadastro.models import Cliente, ClienteImovel, Imovel, Sequencia, Telefone
from core.exceptions import RegraViolada

# Matrículas are a counter plus an offset, so they look like the utility's
# (7+ digits) and never clash with numbers typed by hand in tests.
MATRICULA_BASE = 10_000_000
SEQUENCIA_MATRICULA = "matricula"


def sequencia_proximo(*, nome: str, quantidade: int = 1) -> int:
    """Reserve ``quantidade`` values of a named counter; returns the first.

    The row lock makes concurrent callers wait for each other, and the value
    is only taken if the caller's transaction commits: no gaps, no repeats.
    """
    with transaction.atomic():
        Sequencia.objects.get_or_create(nome=nome)
        seq = Sequencia.objects.select_for_update().get(nome=nome)
        primeiro = seq.valor + 1
        seq.valor += quantidade
        seq.save(update_fields=["valor"])
    return primeiro


def matriculas_reservar(quantidade: int = 1) -> int:
    """Reserve a block of matrículas (one counter call); returns the first one."""
    return MATRICULA_BASE + sequencia_proximo(nome=SEQUENCIA_MATRICULA, quantidade=quantidade)


# --- Cliente and phones -------------------------------------------------------


@dataclass(frozen=True)
class DadosTelefone:
    tipo: str
    ddd: str
    numero: str
    ramal: str = ""
    principal: bool = False
    sms: bool = False
    id: int | None = None


def _validar_cpf_cnpj(cpf_cnpj: str, *, exceto: Cliente | None = None) -> str:
    digitos = validators.somente_digitos(cpf_cnpj)
    if not digitos:
        return ""
    try:
        validators.validar_cpf_cnpj(digitos)
    except ValidationError as exc:
        raise ValidationError({"cpf_cnpj": exc.messages}) from exc
    outros = Cliente.objects.filter(cpf_cnpj=digitos)
    if exceto is not None:
        outros = outros.exclude(pk=exceto.pk)
    if outros.exists():
        tipo = "CPF" if len(digitos) == 11 else "CNPJ"
        raise ValidationError(
            {"cpf_cnpj": f"Este {tipo} já está cadastrado para outro cliente."},
            code="cpf_cnpj_duplicado",
        )
    return digitos


def telefones_validar(telefones: Iterable[DadosTelefone]) -> list[DadosTelefone]:
    """Check every phone and the rules of the set; returns them with digits only."""
    limpos = []
    erros = []
    for posicao, fone in enumerate(telefones, start=1):
        ddd = validators.somente_digitos(fone.ddd)
        numero = validators.somente_digitos(fone.numero)
        celular = fone.tipo == Telefone.Tipo.CELULAR
        if fone.tipo not in Telefone.Tipo.values:
            erros.append(f"Telefone {posicao}: tipo inválido.")
            continue
        try:
            validators.validar_telefone(ddd, numero, celular=celular)
        except ValidationError as exc:
            erros.extend(f"Telefone {posicao}: {m}" for m in exc.messages)
        if fone.sms and not celular:
            erros.append(f"Telefone {posicao}: só um celular pode ser marcado para SMS.")
        limpos.append(
            DadosTelefone(
                tipo=fone.tipo,
                ddd=ddd,
                numero=numero,
                ramal=validators.somente_digitos(fone.ramal)[:6],
                principal=fone.principal,
                sms=fone.sms,
                id=fone.id,
            )
        )
    if sum(1 for f in limpos if f.sms) > 1:
        erros.append("Só um telefone do cliente pode receber SMS: desmarque os outros.")
    if erros:
        raise ValidationError({"telefones": erros})
    return limpos


def _telefones_gravar(cliente: Cliente, telefones: list[DadosTelefone], usuario) -> None:
    """Make the client's phones exactly ``telefones`` (ids update, the rest are new)."""
    existentes = {t.pk: t for t in cliente.telefones.all()}
    manter = {f.id for f in telefones if f.id in existentes}
    # Delete first and clear SMS flags before setting a new one, so the partial
    # unique index (one SMS phone per client) never sees two at once.
    for removido in Telefone.objects.filter(cliente=cliente).exclude(pk__in=manter):
        removido._history_user = usuario
        removido.delete()
    for telefone in existentes.values():
        telefone._history_user = usuario
    for fone in telefones:
        if fone.id in existentes and existentes[fone.id].sms and not fone.sms:
            existentes[fone.id].sms = False
            existentes[fone.id].save(update_fields=["sms"])
    for fone in telefones:
        campos = {
            "tipo": fone.tipo,
            "ddd": fone.ddd,
            "numero": fone.numero,
            "ramal": fone.ramal,
            "principal": fone.principal,
            "sms": fone.sms,
        }
        if fone.id in existentes:
            telefone = existentes[fone.id]
            alterados = [k for k, v in campos.items() if getattr(telefone, k) != v]
            if alterados:
                for k in alterados:
                    setattr(telefone, k, campos[k])
                telefone.save(update_fields=alterados)
        else:
            novo = Telefone(cliente=cliente, **campos)
            novo._history_user = usuario
            novo.save()


def _gravar(funcao):
    """Turn a constraint violation that slipped past the checks into a readable error."""
    try:
        return funcao()
    except IntegrityError as exc:
        texto = str(exc)
        if "cliente_cpf_cnpj_unico" in texto:
            raise ValidationError({"cpf_cnpj": "Este CPF/CNPJ já está cadastrado."}) from exc
        if "telefone_" in texto:
            raise ValidationError(
                {"telefones": "Só um celular do cliente pode receber SMS."}
            ) from exc
        raise


def cliente_criar(
    *,
    nome: str,
    cpf_cnpj: str = "",
    email: str = "",
    recebe_sms: bool = False,
    recebe_email: bool = False,
    telefones: Iterable[DadosTelefone] = (),
    usuario,
    imovel: Imovel | None = None,
    relacao: str = "",
) -> Cliente:
    """Create a client with its phones (and optionally its link to an imóvel), atomically."""
    nome = " ".join((nome or "").split())
    if not nome:
        raise ValidationError({"nome": "Informe o nome do cliente."})
    digitos = _validar_cpf_cnpj(cpf_cnpj)
    telefones = telefones_validar(telefones)

    def _criar():
        with transaction.atomic():
            cliente = Cliente(
                nome=nome,
                cpf_cnpj=digitos,
                email=(email or "").strip(),
                recebe_sms=recebe_sms,
                recebe_email=recebe_email,
            )
            cliente._history_user = usuario
            cliente.save()
            _telefones_gravar(cliente, telefones, usuario)
            if imovel is not None and relacao:
                vinculo_criar(cliente=cliente, imovel=imovel, relacao=relacao, usuario=usuario)
            return cliente

    return _gravar(_criar)


def cliente_atualizar(
    *,
    cliente: Cliente,
    nome: str,
    cpf_cnpj: str = "",
    email: str = "",
    recebe_sms: bool = False,
    recebe_email: bool = False,
    telefones: Iterable[DadosTelefone] = (),
    usuario,
) -> Cliente:
    """Update a client and replace its phone list, atomically."""
    nome = " ".join((nome or "").split())
    if not nome:
        raise ValidationError({"nome": "Informe o nome do cliente."})
    digitos = _validar_cpf_cnpj(cpf_cnpj, exceto=cliente)
    telefones = telefones_validar(telefones)

    def _atualizar():
        with transaction.atomic():
            travado = Cliente.objects.select_for_update().get(pk=cliente.pk)
            travado.nome = nome
            travado.cpf_cnpj = digitos
            travado.email = (email or "").strip()
            travado.recebe_sms = recebe_sms
            travado.recebe_email = recebe_email
            travado._history_user = usuario
            travado.save(update_fields=["nome", "cpf_cnpj", "email", "recebe_sms", "recebe_email"])
            _telefones_gravar(travado, telefones, usuario)
            return travado

    return _gravar(_atualizar)


def cliente_celular_sms_corrigir(*, cliente: Cliente, de: str, para: str, usuario, motivo: str):
    """Replace the number of the client's SMS mobile ``de`` (E.164) by ``para`` (E.164).

    Refuses when the SMS mobile is no longer ``de`` (someone changed it meanwhile).
    simple-history keeps the previous row with ``usuario`` and ``motivo``.
    """
    if not para.startswith("+55"):
        raise RegraViolada("Informe um celular brasileiro (+55).", campo="destino")
    ddd, numero = para[3:5], para[5:]
    try:
        validators.validar_telefone(ddd, numero, celular=True)
    except ValidationError as exc:
        raise RegraViolada(" ".join(exc.messages), campo="destino") from exc
    with transaction.atomic():
        telefone = Telefone.objects.select_for_update().filter(cliente=cliente, sms=True).first()
        if telefone is None or telefone.e164 != de:
            raise RegraViolada(
                f"O celular de SMS do cliente {cliente.nome} já foi alterado no cadastro: "
                "confira o cadastro antes de corrigir."
            )
        if (telefone.ddd, telefone.numero) != (ddd, numero):
            telefone.ddd, telefone.numero = ddd, numero
            telefone._history_user = usuario
            telefone._change_reason = motivo[:100]
            telefone.save(update_fields=["ddd", "numero"])
    return telefone


# --- Imóvel -------------------------------------------------------------------


def imovel_criar(
    *,
    localidade: int,
    setor: int,
    quadra: int,
    lote: int,
    sublote: int = 0,
    municipio: str,
    uf: str = "PE",
    bairro: str,
    logradouro: str,
    numero: str = "",
    complemento: str = "",
    cep: str,
    latitude=None,
    longitude=None,
    situacao_agua: str = Imovel.SituacaoAgua.LIGADO,
    situacao_esgoto: str = Imovel.SituacaoEsgoto.POTENCIAL,
    usuario,
) -> Imovel:
    """Create an imóvel; the matrícula comes from the gap-free counter."""
    try:
        validators.validar_cep(cep)
    except ValidationError as exc:
        raise ValidationError({"cep": exc.messages}) from exc
    if Imovel.objects.filter(
        localidade=localidade, setor=setor, quadra=quadra, lote=lote, sublote=sublote
    ).exists():
        raise ValidationError({"__all__": "Já existe um imóvel com esta inscrição."})
    with transaction.atomic():
        imovel = Imovel(
            matricula=matriculas_reservar(1),
            localidade=localidade,
            setor=setor,
            quadra=quadra,
            lote=lote,
            sublote=sublote,
            municipio=municipio,
            uf=uf,
            bairro=bairro,
            logradouro=logradouro,
            numero=numero,
            complemento=complemento,
            cep=cep,
            latitude=latitude,
            longitude=longitude,
            situacao_agua=situacao_agua,
            situacao_esgoto=situacao_esgoto,
        )
        imovel._history_user = usuario
        imovel.save()
    return imovel


# --- Cliente ↔ Imóvel -----------------------------------------------------------


def vinculo_criar(
    *,
    cliente: Cliente,
    imovel: Imovel,
    relacao: str,
    usuario,
    data_inicio: datetime.date | None = None,
) -> ClienteImovel:
    """Link a client to an imóvel; one active link per relation and imóvel."""
    if relacao not in ClienteImovel.Relacao.values:
        raise ValidationError({"relacao": "Relação inválida."})
    data_inicio = data_inicio or datetime.date.today()
    with transaction.atomic():
        Imovel.objects.select_for_update().get(pk=imovel.pk)
        ativo = ClienteImovel.objects.filter(
            imovel=imovel, relacao=relacao, data_fim__isnull=True
        ).first()
        if ativo is not None:
            rotulo = ClienteImovel.Relacao(relacao).label.lower()
            raise RegraViolada(
                f"O imóvel já tem um cliente {rotulo} ativo ({ativo.cliente}). "
                "Encerre esse vínculo antes.",
                campo="relacao",
            )
        vinculo = ClienteImovel(
            cliente=cliente, imovel=imovel, relacao=relacao, data_inicio=data_inicio
        )
        vinculo._history_user = usuario
        vinculo.save()
    return vinculo


def vinculo_encerrar(
    *, vinculo: ClienteImovel, usuario, data_fim: datetime.date | None = None
) -> ClienteImovel:
    """End a client–imóvel link on ``data_fim`` (today by default)."""
    data_fim = data_fim or datetime.date.today()
    with transaction.atomic():
        travado = ClienteImovel.objects.select_for_update().get(pk=vinculo.pk)
        if travado.data_fim is not None:
            raise RegraViolada(
                f"Este vínculo já foi encerrado em {travado.data_fim:%d/%m/%Y}.", campo="data_fim"
            )
        if data_fim < travado.data_inicio:
            raise ValidationError(
                {"data_fim": "A data de fim não pode ser anterior à data de início do vínculo."}
            )
        travado.data_fim = data_fim
        travado._history_user = usuario
        travado.save(update_fields=["data_fim"])
    return travado
