"""Roles (Django groups) and the permissions each one holds, in one place.

A data migration creates the roles; the same function runs after every
``migrate`` and ``flush`` (post_migrate), so permissions that later apps add
to :data:`PERMISSOES` reach the roles without another hand-written step.
"""

ATENDENTE = "Atendente"
SUPERVISOR = "Supervisor"
ADMINISTRADOR = "Administrador"
# Field role (técnico/executor): acts on the OS and RAs of their unit, reads the
# client and imóvel with CPF/CNPJ and phones masked, never edits a client.
TECNICO = "Técnico"
PAPEIS = (ATENDENTE, SUPERVISOR, ADMINISTRADOR, TECNICO)

_CRUD = ("view", "add", "change", "delete")


def crud(app_label, *modelos):
    return [f"{app_label}.{acao}_{modelo}" for modelo in modelos for acao in _CRUD]


_ATENDENTE_CADASTRO = [
    "cadastro.view_unidadeorganizacional",
    "cadastro.view_cliente",
    "cadastro.add_cliente",
    "cadastro.change_cliente",
    "cadastro.view_telefone",
    "cadastro.add_telefone",
    "cadastro.change_telefone",
    "cadastro.delete_telefone",
    "cadastro.view_imovel",
    "cadastro.view_clienteimovel",
    "cadastro.view_feriado",
    "cadastro.ver_dados_pessoais",
]

_TECNICO_CADASTRO = [
    "cadastro.view_unidadeorganizacional",
    "cadastro.view_cliente",
    "cadastro.view_telefone",
    "cadastro.view_imovel",
    "cadastro.view_clienteimovel",
    "cadastro.view_feriado",
]

# Personal data (LGPD, least exposure): the attendant sees the caller's CPF and
# phones in full to serve them, but a CSV is a bulk copy, so full data in an
# export needs ``exportar_dados_pessoais`` (supervisors' reports, administrators);
# without it exports are masked. The field technician sees masked data only.
# Each app appends its own permissions here.
PERMISSOES: dict[str, list[str]] = {
    ATENDENTE: [*_ATENDENTE_CADASTRO],
    SUPERVISOR: [*_ATENDENTE_CADASTRO, "cadastro.exportar_dados_pessoais"],
    TECNICO: [*_TECNICO_CADASTRO],
    ADMINISTRADOR: [
        *crud(
            "cadastro",
            "unidadeorganizacional",
            "usuario",
            "cliente",
            "telefone",
            "imovel",
            "clienteimovel",
            "feriado",
        ),
        "cadastro.view_sequencia",
        "cadastro.ver_dados_pessoais",
        "cadastro.exportar_dados_pessoais",
        "cadastro.atuar_qualquer_unidade",
        "auth.view_group",
        "auth.change_group",
    ],
}


# --- atendimento -------------------------------------------------------------
_ATENDIMENTO_CATALOGO = [
    "atendimento.view_gruposolicitacao",
    "atendimento.view_tiposolicitacao",
    "atendimento.view_especificacao",
    "atendimento.view_meiosolicitacao",
    "atendimento.view_motivoencerramento",
    "atendimento.view_statuscomplementar",
]
_ATENDENTE_ATENDIMENTO = [
    "atendimento.view_registroatendimento",
    "atendimento.add_registroatendimento",
    "atendimento.change_registroatendimento",
    "atendimento.view_tramite",
    "atendimento.add_tramite",
    "atendimento.view_eventora",
    "atendimento.view_reiteracao",
    "atendimento.add_reiteracao",
    "atendimento.view_mensagematendimento",
    "atendimento.add_mensagematendimento",
    "atendimento.view_anexo",
    "atendimento.add_anexo",
    "atendimento.view_devolucaovalor",
    "atendimento.add_devolucaovalor",
    "atendimento.view_numeromanual",
    "atendimento.add_numeromanual",
]
PERMISSOES[ATENDENTE] += _ATENDENTE_ATENDIMENTO
# The technician works RAs already open (tramitar, messages, anexos); opening one,
# changing the contact, refunds and manual numbers stay with the attendants.
PERMISSOES[TECNICO] += [
    "atendimento.view_registroatendimento",
    "atendimento.change_registroatendimento",
    "atendimento.view_tramite",
    "atendimento.add_tramite",
    "atendimento.view_eventora",
    "atendimento.view_reiteracao",
    "atendimento.view_mensagematendimento",
    "atendimento.add_mensagematendimento",
    "atendimento.view_anexo",
    "atendimento.add_anexo",
]
PERMISSOES[SUPERVISOR] += [*_ATENDENTE_ATENDIMENTO, *_ATENDIMENTO_CATALOGO]
PERMISSOES[ADMINISTRADOR] += [
    *_ATENDENTE_ATENDIMENTO,
    *crud(
        "atendimento",
        "gruposolicitacao",
        "tiposolicitacao",
        "especificacao",
        "meiosolicitacao",
        "motivoencerramento",
        "statuscomplementar",
    ),
    "atendimento.view_parametrosatendimento",
    "atendimento.change_parametrosatendimento",
]
# The operator console (Central de atendimento ao cliente): attendants and supervisors
# work its queue; deleting a contact nobody started (audited) is the supervisor's.
PERMISSOES[ATENDENTE] += ["atendimento.usar_central"]
PERMISSOES[SUPERVISOR] += ["atendimento.usar_central", "atendimento.excluir_contato"]
PERMISSOES[ADMINISTRADOR] += ["atendimento.usar_central", "atendimento.excluir_contato"]


# --- mensageria --------------------------------------------------------------
# Inbound SMS: attendants and supervisors attach them to an RA or discard them.
PERMISSOES[ATENDENTE] += ["mensageria.view_mensagem", "mensageria.tratar_smsrecebido"]
PERMISSOES[SUPERVISOR] += [
    "mensageria.view_mensagem",
    "mensageria.tratar_smsrecebido",
    "mensageria.supervisionar_mensagem",
    "mensageria.view_modem",
    "mensageria.change_modem",
]
PERMISSOES[ADMINISTRADOR] += [
    "mensageria.view_mensagem",
    "mensageria.supervisionar_mensagem",
    "mensageria.view_mensagemhistorico",
    "mensageria.view_relatorioentrega",
    *crud("mensageria", "modem", "modelomensagem"),
    "mensageria.view_parametros",
    "mensageria.change_parametros",
    # The history of the supervisors' alerts (read-only).
    "mensageria.view_alerta",
]


# --- ordens_servico ----------------------------------------------------------
# Field units act on OS (by unit, see ordens_servico/permissoes.py);
# supervisors also close overdue OS in bulk and print the boletim.
_OS_ATENDENTE = [
    "ordens_servico.view_tiposervico",
    "ordens_servico.view_equipe",
    "ordens_servico.view_ordemservico",
    "ordens_servico.add_ordemservico",
    "ordens_servico.change_ordemservico",
    "ordens_servico.view_eventoos",
]
PERMISSOES[ATENDENTE] += _OS_ATENDENTE
PERMISSOES[TECNICO] += _OS_ATENDENTE
PERMISSOES[SUPERVISOR] += [
    *_OS_ATENDENTE,
    "ordens_servico.encerrar_vencidas",
    "ordens_servico.ver_boletim",
]
PERMISSOES[ADMINISTRADOR] += [
    *crud("ordens_servico", "tiposervico", "equipe", "ordemservico", "parametrosunidadeos"),
    "ordens_servico.view_eventoos",
    "ordens_servico.encerrar_vencidas",
    "ordens_servico.ver_boletim",
]


# --- faturamento ---------------------------------------------------------------
# At the counter: a property's open bills, and sending one bill's linha digitável.
_FATURAMENTO_BALCAO = [
    "faturamento.view_conta",
    "faturamento.view_documentocobranca",
    "faturamento.enviar_linha_digitavel",
]
# Supervisors follow and run the batch; administrators also configure it.
_FATURAMENTO_LOTE = [
    "faturamento.view_processo",
    "faturamento.executar_processo",
    "faturamento.view_envio",
    "faturamento.view_mensagemfaturamento",
    "faturamento.view_acaocobranca",
]
PERMISSOES[ATENDENTE] += _FATURAMENTO_BALCAO
PERMISSOES[SUPERVISOR] += [*_FATURAMENTO_BALCAO, *_FATURAMENTO_LOTE]
PERMISSOES[ADMINISTRADOR] += [
    *_FATURAMENTO_BALCAO,
    *_FATURAMENTO_LOTE,
    *crud("faturamento", "conta", "documentocobranca", "acaocobranca", "mensagemfaturamento"),
    "faturamento.importar_contas",
    "faturamento.view_parametrosfaturamento",
    "faturamento.change_parametrosfaturamento",
]


# --- cidadao (citizen channel) -----------------------------------------------------
# Attendants triage the citizens' reports; administrators also manage the Open311
# keys, the blocked phones and the channel's parameters.
_CIDADAO_TRIAGEM = ["cidadao.view_relato", "cidadao.triar_relato"]
PERMISSOES[ATENDENTE] += _CIDADAO_TRIAGEM
PERMISSOES[SUPERVISOR] += [*_CIDADAO_TRIAGEM, *crud("cidadao", "telefonebloqueado")]
PERMISSOES[ADMINISTRADOR] += [
    *_CIDADAO_TRIAGEM,
    *crud("cidadao", "chaveapi", "telefonebloqueado"),
    "cidadao.view_parametroscidadao",
    "cidadao.change_parametroscidadao",
]


# --- portal (customer portal): the Administrador manages its accounts and parameters --
PERMISSOES[ADMINISTRADOR] += [
    *crud("portal", "contaexterna"),
    "portal.view_parametrosportal",
    "portal.add_parametrosportal",
    "portal.change_parametrosportal",
]


# --- axes (login throttling): the Administrador sees and unlocks lockouts -----
PERMISSOES[ADMINISTRADOR] += [
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
    # The audit of CSV exports (read-only in admin).
    "core.view_exportacao",
]


def sincronizar_papeis(apps):
    """Create the groups and grant them :data:`PERMISSOES` (idempotent).

    ``apps`` is the historical registry inside a migration, the live one
    otherwise. Permissions not (yet) known to the database are skipped.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    existentes = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for papel in PAPEIS:
        grupo, _ = Group.objects.get_or_create(name=papel)
        ids = [existentes[nome] for nome in PERMISSOES.get(papel, []) if nome in existentes]
        grupo.permissions.add(*ids)


def criar_permissoes(apps):
    """Inside a migration: create the permissions now (Django does it only at the end)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def papeis_do_usuario(user):
    if not user.is_authenticated:
        return set()
    nomes = {g.name for g in user.groups.all()}
    if user.is_superuser:
        nomes.add(ADMINISTRADOR)
    return nomes
