"""Portal accounts: sign-in check, self-registration, e-mail confirmation, password.

Every answer that could tell an outsider whether an e-mail, a CPF/CNPJ or a
matrícula is known is the same in all cases: a wrong pair at registration gets one
message, a registration with an e-mail already in use gets the usual "we sent you an
e-mail" (and the owner is told by e-mail), a reset request always "sent a link".

Links in e-mails point at ``settings.URL_PUBLICA`` when set, else at the address the
request came to (:func:`url_base`). The e-mails go through mensageria's pipeline
(event ``conta_portal``): the row is the truth, a worker sends it.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from cadastro.models import Cliente
from core.exceptions import RegraViolada
from mensageria.models import Mensagem
from mensageria.services.email import mensagem_email_criar
from portal import limites
from portal.models import ContaExterna

PAR_NAO_CONFERE = (
    "Não encontramos um imóvel com essa matrícula ligado a esse CPF ou CNPJ. Confira os "
    "números na sua conta de água; se estiverem certos, fale com a companhia."
)
LOGIN_INCORRETO = "E-mail ou senha incorretos."
NAO_CONFIRMADO = (
    "Seu e-mail ainda não foi confirmado. Abra o e-mail que enviamos e siga o link, "
    "ou peça um novo abaixo."
)
CONFIRMACAO_VALIDADE = timedelta(days=3)
_SAL_CONFIRMACAO = "portal.conta.confirmar-email"


class SenhaTokenGenerator(PasswordResetTokenGenerator):
    """Password links of portal accounts: a key of their own, so a staff reset token
    (or any other) is never valid here. Valid PASSWORD_RESET_TIMEOUT (3 days); dies
    when the password changes or the account signs in."""

    key_salt = "portal.services.contas.SenhaTokenGenerator"


senha_tokens = SenhaTokenGenerator()


def url_base(request) -> str:
    """Where links in e-mails point: ``URL_PUBLICA``, else this request's site."""
    return settings.URL_PUBLICA or request.build_absolute_uri("/").rstrip("/")


def email_normalizado(email: str) -> str:
    return (email or "").strip().lower()


def _enviar(*, conta: ContaExterna, destino: str, assunto: str, modelo: str, **contexto) -> None:
    texto = render_to_string(f"portal/email/{modelo}.txt", {"conta": conta, **contexto})
    mensagem_email_criar(
        destino=destino,
        assunto=assunto,
        texto=texto,
        evento=Mensagem.Evento.CONTA_PORTAL,
        origem_tipo="conta_portal",
        origem_id=conta.pk,
        recusar_invalida=False,
    )


# --- sign in -------------------------------------------------------------------------


class LoginRecusado(RegraViolada):
    """A refused sign-in. ``espera`` (seconds) when locked; ``conta`` when only the
    e-mail confirmation is missing (the right password was given)."""

    def __init__(self, mensagem: str, *, espera: float = 0, conta: ContaExterna | None = None):
        super().__init__(mensagem)
        self.espera = espera
        self.conta = conta


def _recusa_bloqueio(falhas: limites.Falhas, agora) -> LoginRecusado:
    espera = (falhas.bloqueada_ate - agora).total_seconds()
    return LoginRecusado(limites.mensagem_bloqueio(espera), espera=espera)


def conta_autenticar(*, email: str, senha: str) -> ContaExterna:
    """The account of ``email`` when ``senha`` is its password, or LoginRecusado.

    Unknown e-mail, wrong password and inactive account read the same; so does the
    lock after too many wrong passwords, counted for an e-mail with no account too.
    While locked even the right password is refused.
    """
    email = email_normalizado(email)
    agora = timezone.now()
    with transaction.atomic():
        conta = ContaExterna.objects.select_for_update().filter(email__iexact=email).first()
        if conta is None:
            recusa = _sem_conta(email, senha, agora)
        else:
            recusa = _verificar(conta, senha, agora)
    if recusa is not None:
        raise recusa
    return conta


def _sem_conta(email: str, senha: str, agora) -> LoginRecusado:
    # Hash anyway, as Django's ModelBackend does: the answer must take as long as for
    # an account, or its time would tell which e-mails have one.
    ContaExterna().set_password(senha)
    falhas = limites.falhas_sem_conta(email)
    if not falhas.bloqueada(agora):
        falhas = limites.falha_sem_conta_registrar(email, agora)
    if falhas.bloqueada(agora):
        return _recusa_bloqueio(falhas, agora)
    return LoginRecusado(LOGIN_INCORRETO)


def _verificar(conta: ContaExterna, senha: str, agora) -> LoginRecusado | None:
    falhas = limites.Falhas(conta.falhas_login, conta.bloqueada_ate)
    if falhas.bloqueada(agora):
        ContaExterna().set_password(senha)  # as long as any other answer
        return _recusa_bloqueio(falhas, agora)
    if not conta.check_password(senha) or not conta.is_active:
        falhas.registrar_falha(agora)
        conta.falhas_login, conta.bloqueada_ate = falhas.falhas, falhas.bloqueada_ate
        conta.save(update_fields=["falhas_login", "bloqueada_ate"])
        if falhas.bloqueada(agora):
            return _recusa_bloqueio(falhas, agora)
        return LoginRecusado(LOGIN_INCORRETO)
    if conta.falhas_login or conta.bloqueada_ate:
        conta.falhas_login, conta.bloqueada_ate = 0, None
        conta.save(update_fields=["falhas_login", "bloqueada_ate"])
    if not conta.email_confirmado:
        return LoginRecusado(NAO_CONFIRMADO, conta=conta)
    return None


def conta_desbloquear(*, conta: ContaExterna) -> None:
    """Clear the wrong-login count and lock (admin)."""
    ContaExterna.objects.filter(pk=conta.pk).update(falhas_login=0, bloqueada_ate=None)
    conta.falhas_login, conta.bloqueada_ate = 0, None


# --- self-registration --------------------------------------------------------------


def cliente_do_imovel(*, cpf_cnpj: str, matriculas: list[int]) -> Cliente | None:
    """The client with this CPF/CNPJ (digits) linked today to the imóvel of one of the
    ``matriculas`` (the forms a typed matrícula may take), or None."""
    hoje = timezone.localdate()
    # One filter() call: every condition holds for the same link.
    return Cliente.objects.filter(
        Q(vinculos__data_fim__isnull=True) | Q(vinculos__data_fim__gte=hoje),
        cpf_cnpj=cpf_cnpj,
        vinculos__imovel__matricula__in=matriculas,
        vinculos__data_inicio__lte=hoje,
    ).first()


def conta_cadastrar(
    *, cpf_cnpj: str, matriculas: list[int], nome: str, email: str, senha: str, base_url: str
) -> ContaExterna | None:
    """Register an account for the client that the CPF/CNPJ and the matrícula name
    together (RegraViolada with one message otherwise), not yet confirmed, and e-mail
    the confirmation link. With an e-mail already in use nothing is created (None): its
    owner is told by e-mail instead, and the caller answers as usual."""
    cliente = cliente_do_imovel(cpf_cnpj=cpf_cnpj, matriculas=matriculas)
    if cliente is None:
        raise RegraViolada(PAR_NAO_CONFERE)
    email = email_normalizado(email)
    if existente := ContaExterna.objects.filter(email__iexact=email).first():
        ContaExterna().set_password(senha)  # as long as a new account takes
        _avisar_email_em_uso(existente, base_url)
        return None
    try:
        with transaction.atomic():
            conta = ContaExterna(email=email, nome=nome.strip(), cliente=cliente)
            conta.set_password(senha)
            conta.save(force_insert=True)
            conta_confirmacao_enviar(conta=conta, base_url=base_url)
    except IntegrityError:  # the same e-mail registered a moment ago
        if existente := ContaExterna.objects.filter(email__iexact=email).first():
            _avisar_email_em_uso(existente, base_url)
        return None
    return conta


def _avisar_email_em_uso(conta: ContaExterna, base_url: str) -> None:
    _enviar(
        conta=conta,
        destino=conta.email,
        assunto="Tentativa de cadastro com o seu e-mail no portal do cliente",
        modelo="email_em_uso",
        link_entrar=base_url + reverse("portal:entrar"),
        link_senha=base_url + reverse("portal:senha_pedir"),
    )


# --- e-mail confirmation --------------------------------------------------------------


class LinkInvalido(RegraViolada):
    """A confirmation link that is not ours, was changed, or whose account or e-mail
    changed since."""


class LinkExpirado(LinkInvalido):
    """Ours and still matching its account, but older than CONFIRMACAO_VALIDADE."""

    def __init__(self, mensagem: str, *, conta: ContaExterna):
        super().__init__(mensagem)
        self.conta = conta


class JaConfirmado(RegraViolada):
    pass


def confirmacao_token(conta: ContaExterna) -> str:
    """A signed token bound to the account and its e-mail, with its issue time (checked
    against ``timezone.now()``, so the validity follows the application's clock)."""
    dados = {"c": conta.pk, "e": conta.email, "t": int(timezone.now().timestamp())}
    return signing.Signer(salt=_SAL_CONFIRMACAO).sign_object(dados)


def _token_ler(token: str) -> tuple[ContaExterna, bool]:
    """(account, expired) of a confirmation token, or LinkInvalido."""
    try:
        dados = signing.Signer(salt=_SAL_CONFIRMACAO).unsign_object(token)
        conta_id, email, emitido = int(dados["c"]), str(dados["e"]), int(dados["t"])
    except (signing.BadSignature, ValueError, TypeError, KeyError, UnicodeError):
        raise LinkInvalido("Este link de confirmação não é válido.") from None
    conta = ContaExterna.objects.filter(pk=conta_id, email=email, is_active=True).first()
    if conta is None:
        raise LinkInvalido("Este link de confirmação não vale mais.")
    idade = timezone.now().timestamp() - emitido
    return conta, idade > CONFIRMACAO_VALIDADE.total_seconds()


def confirmacao_link(conta: ContaExterna, base_url: str) -> str:
    return base_url + reverse("portal:confirmar", args=[confirmacao_token(conta)])


def conta_confirmacao_enviar(*, conta: ContaExterna, base_url: str) -> None:
    dias = CONFIRMACAO_VALIDADE.days
    _enviar(
        conta=conta,
        destino=conta.email,
        assunto="Confirme seu e-mail no portal do cliente",
        modelo="confirmacao",
        link=confirmacao_link(conta, base_url),
        dias=dias,
    )


def conta_email_confirmar(*, token: str) -> ContaExterna:
    """Mark the e-mail of the token's account as confirmed. LinkInvalido (or
    LinkExpirado) for a bad or old link, JaConfirmado when it was done before."""
    conta, expirado = _token_ler(token)
    with transaction.atomic():
        conta = ContaExterna.objects.select_for_update().get(pk=conta.pk)
        if conta.email_confirmado:
            raise JaConfirmado("Seu e-mail já estava confirmado. Entre com seu e-mail e senha.")
        if expirado:
            raise LinkExpirado(
                f"Este link de confirmação passou da validade ({CONFIRMACAO_VALIDADE.days} "
                "dias). Peça um novo abaixo.",
                conta=conta,
            )
        conta.email_confirmado_em = timezone.now()
        conta.save(update_fields=["email_confirmado_em"])
    return conta


def conta_confirmacao_reenviar(*, conta: ContaExterna, base_url: str) -> bool:
    """Send a new confirmation link when the account still needs one."""
    conta = ContaExterna.objects.filter(
        pk=conta.pk, is_active=True, email_confirmado_em__isnull=True
    ).first()
    if conta is None:
        return False
    conta_confirmacao_enviar(conta=conta, base_url=base_url)
    return True


def conta_do_link_de_confirmacao(token: str) -> ContaExterna:
    """The account of a confirmation link whose signature holds, expired or not
    (to send a fresh one); LinkInvalido otherwise."""
    conta, _expirado = _token_ler(token)
    return conta


# --- password -----------------------------------------------------------------------


def _uid(conta: ContaExterna) -> str:
    return urlsafe_base64_encode(str(conta.pk).encode())


def conta_do_uid(uidb64: str) -> ContaExterna | None:
    """The active account a password link's ``uidb64`` names, or None."""
    try:
        texto = urlsafe_base64_decode(uidb64).decode()
    except (ValueError, UnicodeError):
        return None
    if not texto.isascii() or not texto.isdigit() or len(texto) > 18:
        return None
    return ContaExterna.objects.filter(pk=int(texto), is_active=True).first()


def senha_link(conta: ContaExterna, base_url: str) -> str:
    caminho = reverse("portal:senha_definir", args=[_uid(conta), senha_tokens.make_token(conta)])
    return base_url + caminho


def conta_senha_link_enviar(*, email: str, base_url: str) -> None:
    """E-mail a password link to the active account of ``email``, if there is one
    (the caller answers the same either way)."""
    conta = ContaExterna.objects.filter(
        email__iexact=email_normalizado(email), is_active=True
    ).first()
    if conta is None:
        return
    _enviar(
        conta=conta,
        destino=conta.email,
        assunto="Redefinição de senha do portal do cliente",
        modelo="senha",
        link=senha_link(conta, base_url),
        dias=settings.PASSWORD_RESET_TIMEOUT // 86400,
    )


def conta_senha_definir(*, conta: ContaExterna, senha: str) -> ContaExterna:
    """Set the password from a password link. The new session hash ends every other
    session; following the link proved the e-mail, so it is confirmed, and the
    wrong-login lock is lifted."""
    with transaction.atomic():
        conta = ContaExterna.objects.select_for_update().get(pk=conta.pk)
        conta.set_password(senha)
        conta.email_confirmado_em = conta.email_confirmado_em or timezone.now()
        conta.falhas_login, conta.bloqueada_ate = 0, None
        conta.save(
            update_fields=["password", "email_confirmado_em", "falhas_login", "bloqueada_ate"]
        )
    return conta


# --- accounts made by the utility (admin) ---------------------------------------------


def conta_criar(*, conta: ContaExterna, usuario) -> ContaExterna:
    """Save a new account an administrator filled in (``conta``, unsaved): no password
    (unusable) until the invited person sets one through the invitation link."""
    conta.email = email_normalizado(conta.email)
    conta.nome = conta.nome.strip()
    conta.criada_por = usuario
    conta.email_confirmado_em = None
    conta.set_unusable_password()
    conta.save(force_insert=True)
    return conta


def conta_convite_enviar(*, conta: ContaExterna, base_url: str) -> bool:
    """E-mail the invitation (a password link) to an active account; False when inactive."""
    if not conta.is_active:
        return False
    link = senha_link(conta, base_url)
    _enviar(
        conta=conta,
        destino=conta.email,
        assunto="Convite para o portal do cliente",
        modelo="convite",
        link=link,
        dias=settings.PASSWORD_RESET_TIMEOUT // 86400,
    )
    return True
