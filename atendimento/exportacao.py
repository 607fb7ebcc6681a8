"""CSV rows of an RA list, as Excel pt-BR opens them (``;``, UTF-8 with BOM, dd/mm/aaaa).

Protocols, CPF/CNPJ, phones and matrículas go through ``celula_csv``, which keeps
codes a spreadsheet would turn into numbers (a 14-digit protocol) as text.
"""

from django.utils import timezone

from atendimento import selectors
from cadastro.validators import formatar_cpf_cnpj
from core.texto import celula_csv

BOM = "\ufeff"

CABECALHO = [
    "Número",
    "Protocolo",
    "Outros protocolos",
    "Situação",
    "Prazo",
    "Aberto em",
    "Data prevista",
    "Encerrado em",
    "Dias em aberto",
    "Grupo",
    "Tipo",
    "Especificação",
    "Meio",
    "Unidade de abertura",
    "Aberto por",
    "Unidade atual",
    "Responsável",
    "Solicitante",
    "CPF/CNPJ",
    "Telefone",
    "Matrícula",
    "Local",
    "Prioridade",
    "Interação pendente",
    "Reiterações",
    "Motivo de encerramento",
    "Descrição",
]


def _data(valor) -> str:
    return timezone.localtime(valor).strftime("%d/%m/%Y %H:%M") if valor else ""


def _usuario(u) -> str:
    return (u.get_full_name() or u.username) if u else ""


def _mensagens(ra) -> str:
    partes = []
    for m in ra.mensagens.all():
        quem = "Solicitante" if m.do_solicitante else _usuario(m.autor) or "Sistema"
        partes.append(f"[{_data(m.data)}] {quem} ({m.get_visibilidade_display()}): {m.texto}")
    return celula_csv(" | ".join(partes))


def _outros_protocolos(ra) -> str:
    """The protocols given after the RA's own (reiterações…), comma-separated."""
    return celula_csv(", ".join(p.numero for p in ra.protocolos[1:]))


def cabecalho(*, com_mensagens=False) -> list[str]:
    return CABECALHO + (["Mensagens"] if com_mensagens else [])


def linha(ra, *, dados_pessoais: bool, com_mensagens=False, agora=None) -> list[str]:
    agora = agora or timezone.now()
    status = ra.status_prazo(agora)
    cpf = ra.cliente.cpf_cnpj if ra.cliente_id else ra.solicitante_cpf_cnpj
    telefone = ra.solicitante_telefone
    fim = ra.data_encerramento or agora
    valores = [
        str(ra.pk),
        celula_csv(ra.protocolo),
        _outros_protocolos(ra),
        ra.get_situacao_display(),
        ra.StatusPrazo(status).label if status else "",
        _data(ra.data_abertura),
        _data(ra.data_prevista_atual),
        _data(ra.data_encerramento),
        str(max(0, (fim - ra.data_abertura).days)),
        celula_csv(ra.especificacao.tipo.grupo.nome),
        celula_csv(ra.especificacao.tipo.nome),
        celula_csv(ra.especificacao.nome),
        celula_csv(ra.meio.nome),
        ra.unidade_abertura.sigla,
        celula_csv(_usuario(ra.usuario_abertura)),
        ra.unidade_atual.sigla,
        celula_csv(_usuario(ra.responsavel)),
        celula_csv(ra.nome_solicitante),
        celula_csv(formatar_cpf_cnpj(cpf) if dados_pessoais else selectors.mascarar_cpf_cnpj(cpf)),
        celula_csv(
            selectors.formatar_telefone(telefone)
            if dados_pessoais
            else selectors.mascarar_telefone(telefone)
        ),
        celula_csv(ra.imovel.matricula_formatada if ra.imovel_id else ""),
        celula_csv(ra.imovel.endereco if ra.imovel_id else ra.local_ocorrencia),
        ra.get_prioridade_display(),
        ra.get_interacao_pendente_display(),
        str(ra.quantidade_reiteracoes),
        celula_csv(ra.motivo_encerramento.nome if ra.motivo_encerramento_id else ""),
        celula_csv(ra.descricao),
    ]
    if com_mensagens:
        valores.append(_mensagens(ra))
    return valores


# --- The operator console's columns (seed 004), plus the requester's contact -------

CABECALHO_CENTRAL = [
    "Nº chamado",
    "Abertura",
    "Prazo de retorno",
    "Cliente",
    "CPF/CNPJ",
    "Telefone",
    "Aberto por",
    "Origem",
    "Título",
    "Classificação",
    "Subclassificação",
    "Motivo do atendimento",
    "Fechamento",
    "Em andamento com",
    "Setor",
    "Dias em aberto",
    "Protocolo",
    "Situação",
    "Interação pendente",
    "Excluído",
]


def aberto_por(ra) -> str:
    """Who opened it as the console shows it: a portal or API contact by its channel."""
    if ra.origem != ra.Origem.INTERNA:
        return ra.get_origem_display()
    return _usuario(ra.usuario_abertura)


def linha_central(ra, *, dados_pessoais: bool, agora=None) -> list[str]:
    agora = agora or timezone.now()
    cpf = ra.cliente.cpf_cnpj if ra.cliente_id else ra.solicitante_cpf_cnpj
    telefone = ra.solicitante_telefone
    fim = ra.data_encerramento or agora
    return [
        str(ra.pk),
        _data(ra.data_abertura),
        _data(ra.data_prevista_atual),
        celula_csv(ra.nome_solicitante),
        celula_csv(formatar_cpf_cnpj(cpf) if dados_pessoais else selectors.mascarar_cpf_cnpj(cpf)),
        celula_csv(
            selectors.formatar_telefone(telefone)
            if dados_pessoais
            else selectors.mascarar_telefone(telefone)
        ),
        celula_csv(aberto_por(ra)),
        ra.get_origem_display(),
        celula_csv(ra.titulo),
        celula_csv(ra.especificacao.tipo.nome),
        celula_csv(ra.especificacao.nome),
        celula_csv(ra.motivo_encerramento.nome if ra.motivo_encerramento_id else ""),
        _data(ra.data_encerramento),
        celula_csv(_usuario(ra.responsavel)),
        ra.unidade_atual.sigla,
        str(max(0, (fim - ra.data_abertura).days)),
        celula_csv(ra.protocolo),
        ra.get_situacao_display(),
        ra.get_interacao_pendente_display(),
        "sim" if ra.excluido else "",
    ]
