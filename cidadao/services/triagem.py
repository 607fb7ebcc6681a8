"""The attendants' triage of citizens' reports (DOMAIN §7): open an RA from a report,
link it to an open RA, discard it, block an abusive phone.

Each action locks the report, checks ``Relato.TRANSICOES`` (a report is triaged once:
a second attendant gets who did it and when) and the permission
``cidadao.triar_relato``, and goes through the service desk's own services for the
RA side, so the protocol SMS and the closing notice follow the usual paths.
"""

import filetype
from django.db import transaction
from django.utils import timezone

from atendimento.models import MeioSolicitacao, RegistroAtendimento, Reiteracao
from atendimento.services import registro_atendimento_abrir, registro_atendimento_vincular_relato
from atendimento.services.anexos import anexo_gravar
from cidadao.models import TEXTO_DESCARTE, ParametrosCidadao, Relato, TelefoneBloqueado
from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida
from mensageria import texto as texto_sms
from mensageria.models import Mensagem, Parametros, especificacao_no_sms
from mensageria.services.mensagens import mensagem_sms_criar
from mensageria.telefones import NumeroInvalido, celular_normalizar

Situacao = Relato.Situacao
NOME_SEM_IDENTIFICACAO = "Cidadão (relato pela internet)"
MEIOS_PADRAO = ("Internet", "Aplicativo")
MOTIVO_MAX = Relato._meta.get_field("motivo_descarte").max_length
MOTIVO_BLOQUEIO_MAX = TelefoneBloqueado._meta.get_field("motivo").max_length
_ORIGEM = {
    Relato.Canal.WEB: RegistroAtendimento.Origem.PORTAL,
    Relato.Canal.OPEN311: RegistroAtendimento.Origem.API,
}


def _exigir_permissao(usuario) -> None:
    if not usuario.has_perm("cidadao.triar_relato"):
        raise PermissaoNegada(
            "Você não tem permissão para fazer a triagem dos relatos de cidadãos."
        )


def _quem(usuario) -> str:
    return (usuario.get_full_name() or usuario.get_username()) if usuario else "outra pessoa"


def _travar(relato, nova: str, *, acao: str) -> Relato:
    """Re-read the report under a row lock and check the move to ``nova``."""
    atual = (
        Relato.objects.select_for_update(of=("self",))
        .select_related("especificacao", "triado_por")
        .get(pk=relato.pk)
    )
    if nova in Relato.TRANSICOES.get(atual.situacao, set()):
        return atual
    if atual.triado_em is not None:
        quando = timezone.localtime(atual.triado_em)
        raise TransicaoInvalida(
            f"Este relato já foi triado por {_quem(atual.triado_por)} em "
            f"{quando:%d/%m/%Y às %H:%M} ({atual.get_situacao_display().lower()})."
        )
    if atual.situacao == Situacao.RETIDO:
        raise TransicaoInvalida(
            f"Não é possível {acao}: este relato está retido porque o celular foi bloqueado; "
            "ele só pode ser descartado."
        )
    raise TransicaoInvalida(
        f"Não é possível {acao}: o relato está {atual.get_situacao_display().lower()}."
    )


def _triado(relato, *, usuario, situacao, campos) -> None:
    relato.situacao = situacao
    relato.triado_por = usuario
    relato.triado_em = timezone.now()
    relato.save(update_fields=["situacao", "triado_por", "triado_em", *campos])


def meio_dos_relatos() -> MeioSolicitacao:
    """The meio of the RAs opened from reports: the channel's parameter, else the first
    active meio named Internet or Aplicativo."""
    meio = ParametrosCidadao.atual().meio
    if meio is not None and meio.ativo:
        return meio
    for nome in MEIOS_PADRAO:
        meio = MeioSolicitacao.objects.filter(nome__iexact=nome, ativo=True).first()
        if meio is not None:
            return meio
    raise RegraViolada(
        "Não há meio de solicitação para os RAs abertos de relatos: o administrador deve "
        "escolhê-lo nos parâmetros do canal do cidadão (ou ativar um meio chamado "
        "“Internet” ou “Aplicativo”)."
    )


def _foto(relato) -> tuple[bytes, str, str] | None:
    if not relato.foto:
        return None
    try:
        with relato.foto.open("rb") as arquivo:
            conteudo = arquivo.read()
    except (FileNotFoundError, OSError, ValueError):
        return None  # the file is gone: the RA opens without it
    tipo = filetype.guess(conteudo)
    if not conteudo or tipo is None or not tipo.mime.startswith("image/"):
        return None
    return conteudo, f"relato-{relato.token[:8]}.{tipo.extension}", tipo.mime


def relato_abrir_ra(*, relato, usuario, descricao: str = "") -> RegistroAtendimento:
    """Open an RA from a report, through the service desk's opening service: the
    citizen is the requester (name, mobile), the report's point and address are the
    place, its photo an attachment. The protocol SMS goes by the normal opening path
    (event ``ra_aberto``) to the citizen's mobile."""
    _exigir_permissao(usuario)
    with transaction.atomic():
        relato = _travar(relato, Situacao.RA_ABERTO, acao="abrir um RA")
        texto = (descricao or "").strip() or relato.descricao
        if relato.celular:
            requerente = {
                "tipo_solicitante": RegistroAtendimento.TipoSolicitante.LIVRE,
                "solicitante_nome": relato.nome or NOME_SEM_IDENTIFICACAO,
                "solicitante_telefone": relato.celular,
            }
        else:
            # Without a phone there is no one to call back: the attendant's unit asks
            # on the citizen's behalf (a free requester needs a phone).
            requerente = {
                "tipo_solicitante": RegistroAtendimento.TipoSolicitante.UNIDADE,
                "solicitante_unidade": usuario.unidade,
                "solicitante_funcionario": usuario,
            }
        ra = registro_atendimento_abrir(
            usuario=usuario,
            especificacao=relato.especificacao,
            meio=meio_dos_relatos(),
            descricao=texto,
            solicitante_email=relato.email,
            local_ocorrencia=relato.endereco,
            latitude=relato.latitude,
            longitude=relato.longitude,
            origem=_ORIGEM.get(relato.canal, RegistroAtendimento.Origem.INTERNA),
            **requerente,
        )
        if foto := _foto(relato):
            conteudo, nome, mime = foto
            anexo_gravar(ra=ra, usuario=usuario, conteudo=conteudo, nome=nome, mime=mime)
        relato.ra = ra
        _triado(relato, usuario=usuario, situacao=Situacao.RA_ABERTO, campos=["ra"])
    return ra


def relato_vincular(*, relato, ra, usuario) -> Reiteracao:
    """Link a report to an open RA: the citizen joins it as one more requester (own
    protocol, the RA's protocol by SMS, the closing notice later) and the RA's timeline
    shows the report."""
    _exigir_permissao(usuario)
    if ra is None:
        raise RegraViolada("Escolha o RA ao qual vincular o relato.", campo="ra")
    with transaction.atomic():
        relato = _travar(relato, Situacao.VINCULADO, acao="vincular o relato")
        reiteracao = registro_atendimento_vincular_relato(
            ra=ra,
            usuario=usuario,
            nome=relato.nome or NOME_SEM_IDENTIFICACAO,
            telefone=relato.celular,
            observacao=relato.descricao or relato.endereco,
        )
        relato.ra = reiteracao.ra
        relato.reiteracao = reiteracao
        _triado(relato, usuario=usuario, situacao=Situacao.VINCULADO, campos=["ra", "reiteracao"])
    return reiteracao


def _texto_descarte(relato, motivo: str, params) -> str:
    """The discard SMS with as much of the reason as one message allows (counted in the
    real encoding), ending in "..." when cut."""
    parametros = Parametros.atuais()

    def montar(texto_motivo: str) -> str:
        valores = {
            "servico": especificacao_no_sms(relato.especificacao.nome),
            "motivo": texto_motivo,
        }
        try:
            return params.texto_descarte.format(**valores)
        except (KeyError, IndexError, ValueError, AttributeError):
            return TEXTO_DESCARTE.format(**valores)

    def cabe(texto: str) -> bool:
        preparado = texto_sms.preparar(texto, transliterar_acentos=parametros.transliterar)
        return not texto_sms.problema_tamanho(
            preparado,
            tamanho_maximo=parametros.tamanho_maximo,
            permitir_multiparte=parametros.permitir_multiparte,
        )

    inteiro = montar(motivo)
    if cabe(inteiro):
        return inteiro
    menor, maior = 0, len(motivo) - 1
    while menor < maior:
        meio = (menor + maior + 1) // 2
        if cabe(montar(motivo[:meio].rstrip() + "...")):
            menor = meio
        else:
            maior = meio - 1
    # Not even the fixed part fits: stored as failed with the reason, for a supervisor.
    return montar(motivo[:menor].rstrip() + "...") if menor else inteiro


def relato_descartar(*, relato, usuario, motivo: str, avisar: bool = False) -> Relato:
    """Discard a report with a reason; with ``avisar`` the citizen gets an SMS saying so
    (a retained report's phone is blocked: it never gets one)."""
    _exigir_permissao(usuario)
    motivo = " ".join((motivo or "").split())
    if not motivo:
        raise RegraViolada("Informe o motivo do descarte.", campo="motivo")
    if len(motivo) > MOTIVO_MAX:
        raise RegraViolada(
            f"O motivo tem {len(motivo)} caracteres; o máximo é {MOTIVO_MAX}.", campo="motivo"
        )
    with transaction.atomic():
        relato = _travar(relato, Situacao.DESCARTADO, acao="descartar o relato")
        avisado = False
        if avisar and relato.celular and relato.situacao == Situacao.NOVO:
            mensagem = mensagem_sms_criar(
                destino=relato.celular,
                texto=_texto_descarte(relato, motivo, ParametrosCidadao.atual()),
                evento=Mensagem.Evento.RELATO_DESCARTADO,
                usuario=usuario,
                origem_tipo="relato",
                origem_id=relato.pk,
                recusar_invalida=False,
            )
            avisado = mensagem.status != Mensagem.Status.FALHOU
        relato.motivo_descarte = motivo
        relato.cidadao_avisado = avisado
        _triado(
            relato,
            usuario=usuario,
            situacao=Situacao.DESCARTADO,
            campos=["motivo_descarte", "cidadao_avisado"],
        )
    return relato


def telefone_bloquear(*, numero: str, motivo: str, usuario) -> TelefoneBloqueado:
    """Block a phone (idempotent): its reports waiting for triage leave the queue as
    retained, and its next ones arrive retained (``relato_registrar``)."""
    _exigir_permissao(usuario)
    try:
        numero = celular_normalizar(numero)
    except NumeroInvalido as exc:
        raise RegraViolada(str(exc), campo="numero") from exc
    motivo = " ".join((motivo or "").split())
    if not motivo:
        raise RegraViolada("Informe o motivo do bloqueio.", campo="motivo")
    if len(motivo) > MOTIVO_BLOQUEIO_MAX:
        raise RegraViolada(
            f"O motivo tem {len(motivo)} caracteres; o máximo é {MOTIVO_BLOQUEIO_MAX}.",
            campo="motivo",
        )
    with transaction.atomic():
        bloqueado, _ = TelefoneBloqueado.objects.get_or_create(
            numero=numero, defaults={"motivo": motivo, "bloqueado_por": usuario}
        )
        na_fila = list(
            Relato.objects.select_for_update()
            .filter(celular=numero, situacao=Situacao.NOVO)
            .values_list("pk", flat=True)
        )
        Relato.objects.filter(pk__in=na_fila).update(situacao=Situacao.RETIDO)
    return bloqueado
