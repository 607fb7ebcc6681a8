"""Manter RA: change the descriptive fields of an open RA (not its situation).

Audited twice on purpose: simple-history keeps the full row per version (who, when,
old and new values) and an ``alteracao`` EventoRA shows the change in the timeline.
"""

from django.db import transaction
from django.utils import timezone

from atendimento.models import RegistroAtendimento, StatusComplementar
from atendimento.models.registro import MENSAGEM_MAX
from atendimento.services._comum import (
    evento_registrar,
    exigir_permissao,
    exigir_situacao,
    ra_salvar,
    ra_travar,
)
from core.exceptions import RegraViolada

Situacao = RegistroAtendimento.Situacao

# Field → label shown in the timeline. Nothing else may change through this service.
CAMPOS_ALTERAVEIS = {
    "descricao": "descrição",
    "local_ocorrencia": "local da ocorrência",
    "prioridade": "prioridade",
    "data_reservada": "data reservada",
    "melhor_horario": "melhor horário",
    "status_complementar": "status complementar",
}
DESCRICAO_MAX = MENSAGEM_MAX


def _exibir(ra, campo, valor) -> str:
    if valor in (None, ""):
        return ""
    if campo == "prioridade":
        return str(RegistroAtendimento.Prioridade(valor).label)
    if campo == "melhor_horario":
        return str(RegistroAtendimento.MelhorHorario(valor).label)
    if campo == "data_reservada":
        return valor.strftime("%d/%m/%Y")
    texto = str(valor)
    return texto if len(texto) <= 200 else texto[:197] + "..."


def _validar(ra, novos: dict) -> None:
    descricao = (novos.get("descricao", ra.descricao) or "").strip()
    if not descricao:
        raise RegraViolada("Informe a descrição do atendimento.", campo="descricao")
    if len(descricao) > DESCRICAO_MAX:
        raise RegraViolada(
            f"A descrição tem {len(descricao)} caracteres; o máximo é {DESCRICAO_MAX}.",
            campo="descricao",
        )
    if len(novos.get("local_ocorrencia", ra.local_ocorrencia) or "") > 250:
        raise RegraViolada(
            "O local da ocorrência tem no máximo 250 caracteres.", campo="local_ocorrencia"
        )
    prioridade = novos.get("prioridade", ra.prioridade)
    if prioridade not in RegistroAtendimento.Prioridade.values:
        raise RegraViolada("Prioridade inválida.", campo="prioridade")
    data = novos.get("data_reservada", ra.data_reservada)
    if "data_reservada" in novos and data and data < timezone.localdate():
        raise RegraViolada(
            "A data reservada para a visita não pode estar no passado.", campo="data_reservada"
        )
    horario = novos.get("melhor_horario", ra.melhor_horario)
    if horario and horario not in RegistroAtendimento.MelhorHorario.values:
        raise RegraViolada("Melhor horário inválido.", campo="melhor_horario")
    if horario and not data:
        raise RegraViolada(
            "Informe a data reservada: o melhor horário vale para a visita dessa data.",
            campo="data_reservada",
        )
    status = novos.get("status_complementar")
    if (
        status is not None
        and not StatusComplementar.objects.filter(pk=status.pk, ativo=True).exists()
    ):
        raise RegraViolada(
            f"O status complementar “{status}” está inativo.", campo="status_complementar"
        )


def registro_atendimento_alterar(
    *, ra: RegistroAtendimento, usuario, dados: dict, versao: int | None = None
) -> RegistroAtendimento:
    """Change the descriptive fields in ``dados`` (keys of :data:`CAMPOS_ALTERAVEIS`)."""
    desconhecidos = set(dados) - set(CAMPOS_ALTERAVEIS)
    if desconhecidos:
        raise ValueError(f"Campos que não se alteram por aqui: {sorted(desconhecidos)}")
    novos = dict(dados)
    for campo in ("descricao", "local_ocorrencia"):
        if campo in novos:
            novos[campo] = (novos[campo] or "").strip()
    if "melhor_horario" in novos:
        novos["melhor_horario"] = novos["melhor_horario"] or ""
    with transaction.atomic():
        ra = ra_travar(ra, versao=versao)
        exigir_permissao(usuario, ra)
        exigir_situacao(ra, Situacao.PENDENTE, Situacao.BLOQUEADO, acao="alterar os dados")
        mudancas = {campo: valor for campo, valor in novos.items() if getattr(ra, campo) != valor}
        if not mudancas:
            raise RegraViolada("Nenhum dado foi alterado.")
        _validar(ra, mudancas)
        antes = {campo: _exibir(ra, campo, getattr(ra, campo)) for campo in mudancas}
        for campo, valor in mudancas.items():
            setattr(ra, campo, valor)
        ra_salvar(ra, usuario=usuario, campos=list(mudancas))
        rotulos = [CAMPOS_ALTERAVEIS[c] for c in mudancas]
        evento_registrar(
            ra,
            tipo="alteracao",
            usuario=usuario,
            anterior=ra.situacao,
            nova=ra.situacao,
            descricao="Dados alterados: " + ", ".join(rotulos) + ".",
            dados={
                "campos": {
                    CAMPOS_ALTERAVEIS[c]: [antes[c], _exibir(ra, c, getattr(ra, c))]
                    for c in mudancas
                }
            },
        )
    return ra
