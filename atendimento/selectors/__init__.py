"""Reads of the Registro de Atendimento (docs/architecture.md: selectors return ready querysets).

Visibility is decided in :mod:`atendimento.selectors.visibilidade` and nowhere else.
Import from here: ``from atendimento import selectors``.
"""

from atendimento.selectors.abertura import (
    EM_ABERTO,
    registro_atendimento_duplicado,
    registros_em_aberto_do_imovel,
)
from atendimento.selectors.acoes import Acao, acoes_disponiveis
from atendimento.selectors.busca import (
    TAMANHOS,
    Busca,
    FiltrosInvalidos,
    Pagina,
    anexo_get,
    contar_ate,
    devolucoes_do_ra,
    paginar,
    reativacoes_do_ra,
    registro_atendimento_busca,
    registro_atendimento_do_imovel,
    registro_atendimento_exportacao,
    registro_atendimento_get,
    registro_atendimento_list,
    registro_atendimento_por_protocolo,
    telefones_do_solicitante,
)
from atendimento.selectors.central import (
    ContatoCentral,
    central_caixas,
    central_contato,
    central_exportacao,
    central_fila,
    central_filtros,
    central_ordens,
    contato_iniciado_motivos,
    pode_usar_central,
)
from atendimento.selectors.fila import (
    contagem_por_status_prazo,
    fila_unidade,
    filtrar_status_prazo,
    painel_supervisor,
)
from atendimento.selectors.linha_do_tempo import ItemLinhaTempo, linha_do_tempo
from atendimento.selectors.visibilidade import (
    formatar_telefone,
    mascarar_cpf_cnpj,
    mascarar_telefone,
    pode_ler_ra,
    registros_visiveis,
    ve_dados_pessoais,
    ve_painel,
)

__all__ = [
    "EM_ABERTO",
    "TAMANHOS",
    "Acao",
    "Busca",
    "ContatoCentral",
    "FiltrosInvalidos",
    "ItemLinhaTempo",
    "Pagina",
    "acoes_disponiveis",
    "anexo_get",
    "central_caixas",
    "central_contato",
    "central_exportacao",
    "central_fila",
    "central_filtros",
    "central_ordens",
    "contagem_por_status_prazo",
    "contar_ate",
    "contato_iniciado_motivos",
    "devolucoes_do_ra",
    "fila_unidade",
    "filtrar_status_prazo",
    "formatar_telefone",
    "linha_do_tempo",
    "mascarar_cpf_cnpj",
    "mascarar_telefone",
    "paginar",
    "painel_supervisor",
    "pode_ler_ra",
    "pode_usar_central",
    "reativacoes_do_ra",
    "registro_atendimento_busca",
    "registro_atendimento_do_imovel",
    "registro_atendimento_duplicado",
    "registro_atendimento_exportacao",
    "registro_atendimento_get",
    "registro_atendimento_list",
    "registro_atendimento_por_protocolo",
    "registros_em_aberto_do_imovel",
    "registros_visiveis",
    "telefones_do_solicitante",
    "ve_dados_pessoais",
    "ve_painel",
]
