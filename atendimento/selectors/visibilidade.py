"""Who reads RAs and how much of the personal data they see (decided here only).

Every logged-in, active internal user may read RAs; CPF/CNPJ, phones and e-mails
are shown in full only to holders of ``cadastro.ver_dados_pessoais``, masked otherwise.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from atendimento.models import RegistroAtendimento
from cadastro.selectors import pode_ver_dados_pessoais
from core.papeis import ADMINISTRADOR, SUPERVISOR, papeis_do_usuario

RA = RegistroAtendimento


def pode_ler_ra(usuario) -> bool:
    return bool(usuario is not None and usuario.is_authenticated and usuario.is_active)


def ve_dados_pessoais(usuario) -> bool:
    return pode_ler_ra(usuario) and pode_ver_dados_pessoais(usuario)


def ve_painel(usuario) -> bool:
    return pode_ler_ra(usuario) and bool(papeis_do_usuario(usuario) & {SUPERVISOR, ADMINISTRADOR})


def mascarar_cpf_cnpj(valor: str) -> str:
    d = "".join(c for c in valor or "" if c.isdigit())
    if len(d) == 11:
        return f"***.{d[3:6]}.{d[6:9]}-**"
    if len(d) == 14:
        return f"**.{d[2:5]}.{d[5:8]}/****-**"
    return "***" if d else ""


def mascarar_telefone(valor: str) -> str:
    d = "".join(c for c in valor or "" if c.isdigit())
    if d.startswith("55") and len(d) in (12, 13):
        d = d[2:]
    if len(d) < 6:
        return "***" if d else ""
    return f"({d[:2]}) *****-{d[-4:]}"


def formatar_telefone(valor: str) -> str:
    d = "".join(c for c in valor or "" if c.isdigit())
    if d.startswith("55") and len(d) in (12, 13):
        d = d[2:]
    if len(d) in (10, 11):
        return f"({d[:2]}) {d[2:-4]}-{d[-4:]}"
    return valor or ""


def exigir_leitura(usuario):
    if not pode_ler_ra(usuario):
        raise PermissionDenied("Entre no sistema para consultar registros de atendimento.")


def registros_visiveis(usuario) -> QuerySet:
    """The RAs ``usuario`` may read, with what every list shows already joined."""
    if not pode_ler_ra(usuario):
        return RA.objects.none()
    return RA.objects.select_related(
        "especificacao__tipo",
        "meio",
        "unidade_atual",
        "unidade_abertura",
        "usuario_abertura",
        "responsavel",
        "cliente",
        "imovel",
        "status_complementar",
    ).prefetch_related("reiteracoes")  # every list shows every protocol (RA.protocolos)
