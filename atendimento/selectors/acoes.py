"""What the user may do on the "Consultar RA" page."""

from dataclasses import dataclass

from atendimento.models import RegistroAtendimento
from atendimento.permissoes import pode_atuar

RA = RegistroAtendimento
PERMISSAO_ALTERAR = "atendimento.change_registroatendimento"
StatusPrazo = RA.StatusPrazo


@dataclass(frozen=True)
class Acao:
    nome: str  # URL name, in the "atendimento" namespace unless it has its own
    rotulo: str
    icone: str
    atalho: str = ""
    estilo: str = "outline-primary"

    @property
    def url(self):
        return self.nome if ":" in self.nome else f"atendimento:{self.nome}"


def acoes_disponiveis(*, usuario, ra, agora=None) -> list[Acao]:
    """The buttons of "Consultar RA": only actions the RA's state allows and the user may do."""
    if not usuario.has_perm(PERMISSAO_ALTERAR) or not pode_atuar(usuario, ra):
        return []
    situacao = ra.situacao
    acoes: list[Acao] = []
    if situacao == RA.Situacao.PENDENTE:
        acoes += [
            Acao("tramitar", "Tramitar", "bi-arrow-left-right", "t", "primary"),
            Acao("encerrar", "Encerrar", "bi-check2-circle", "e", "success"),
        ]
        if ra.status_prazo(agora) == StatusPrazo.VENCIDO:
            acoes.append(Acao("reiterar", "Reiterar", "bi-megaphone", "r", "outline-danger"))
        else:
            acoes.append(Acao("contato", "Registrar novo contato", "bi-telephone-inbound", "f"))
        if ra.responsavel_id != usuario.pk:
            acoes.append(Acao("assumir", "Assumir", "bi-person-check", "a"))
        acoes.append(Acao("encaminhar", "Encaminhar a outro usuário", "bi-person-up", "u"))
        acoes.append(Acao("prorrogar", "Prorrogar prazo", "bi-calendar-plus", "p"))
        if ra.especificacao.permite_os_opcional:
            acoes.append(Acao("ordens_servico:gerar_para_ra", "Gerar OS", "bi-tools", "g"))
        if ra.pausado_desde:
            acoes.append(Acao("retomar", "Retomar prazo", "bi-play-circle", "o"))
        else:
            acoes.append(Acao("pausar", "Pausar prazo", "bi-pause-circle", "z"))
    elif situacao == RA.Situacao.BLOQUEADO:
        acoes.append(Acao("desbloquear", "Desbloquear (informar endereço)", "bi-unlock", "d"))
    elif situacao == RA.Situacao.ENCERRADO:
        duplicidade = (
            ra.motivo_encerramento_id
            and ra.motivo_encerramento.tipo == ra.motivo_encerramento.Tipo.DUPLICIDADE
        )
        ja_reativado = RA.objects.filter(ra_origem=ra).exists()
        if not duplicidade and not ja_reativado and not ra.excluido:
            acoes.append(Acao("reativar", "Reativar", "bi-arrow-counterclockwise", "v"))
    if situacao != RA.Situacao.ENCERRADO:
        acoes.append(Acao("mensagem", "Mensagem", "bi-chat-left-text", "m"))
        acoes.append(Acao("anexar", "Anexar arquivo", "bi-paperclip", "x"))
        acoes.append(Acao("alterar", "Alterar dados (Manter RA)", "bi-pencil-square", "l"))
    return acoes
