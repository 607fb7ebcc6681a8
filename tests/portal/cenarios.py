"""Portal contacts as the portal opens them, for the tests of what follows them (answers,
the staff's screens, the demo): by the portal's system user, for the account's client
and one of its imóveis, origem portal."""

from django.core.files.uploadedfile import SimpleUploadedFile

from atendimento.models import MeioSolicitacao
from atendimento.services import registro_atendimento_abrir, registro_atendimento_mensagem_adicionar
from portal.sistema import usuario_do_portal
from tests.atendimento.factories import EspecificacaoFactory
from tests.factories import ClienteImovelFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def pdf(nome="documento.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(nome, PDF, content_type="application/pdf")


def contato_abrir(conta, *, unidade, texto="A conta de março veio o dobro do normal.", anexos=()):
    """Open a contact of ``conta`` (an especificação open to the portal, routed to
    ``unidade``, which must be a central that opens RAs: the portal opens there)."""
    meio, _ = MeioSolicitacao.objects.get_or_create(nome="Internet")
    vinculo = ClienteImovelFactory(cliente=conta.cliente)
    especificacao = EspecificacaoFactory(
        nome="Revisão de conta", portal=True, unidade_destino=unidade, envia_sms_abertura=False
    )
    return registro_atendimento_abrir(
        usuario=usuario_do_portal(),
        especificacao=especificacao,
        meio=meio,
        descricao=texto,
        titulo="Conta alta",
        tipo_solicitante="cliente",
        cliente=conta.cliente,
        imovel=vinculo.imovel,
        origem="portal",
        anexos=anexos,
    )


def responder(ra, usuario, texto="Vamos refazer a leitura do hidrômetro.", **kw):
    """An operator's public answer."""
    return registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=usuario, texto=texto, visibilidade="publica", **kw
    )


def complementar(ra, conta, texto="A leitura pode ser na sexta?"):
    """The customer's message, as the portal adds it."""
    return registro_atendimento_mensagem_adicionar(
        ra=ra,
        usuario=None,
        texto=texto,
        visibilidade="publica",
        do_solicitante=True,
        autor_nome=conta.nome,
    )
