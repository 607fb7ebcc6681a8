"""Portal contacts opened and complemented through the portal's own services, for the
tests of what follows them (answers, the staff's screens): the account's client, one of
its imóveis, an especificação open to the portal."""

from django.core.files.uploadedfile import SimpleUploadedFile

from atendimento.models import MeioSolicitacao
from atendimento.services import registro_atendimento_mensagem_adicionar
from portal.services.contatos import contato_abrir as portal_contato_abrir
from portal.services.contatos import contato_complementar
from tests.atendimento.factories import EspecificacaoFactory
from tests.factories import ClienteImovelFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def pdf(nome="documento.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(nome, PDF, content_type="application/pdf")


def contato_abrir(conta, *, unidade, texto="A conta de março veio o dobro do normal.", anexos=()):
    """Open a contact of ``conta`` as the Novo contato page does (an especificação open
    to the portal, routed to ``unidade``: a central that opens RAs, where the portal
    opens its contacts)."""
    MeioSolicitacao.objects.get_or_create(nome="Internet")
    vinculo = ClienteImovelFactory(cliente=conta.cliente)
    especificacao = EspecificacaoFactory(
        nome="Revisão de conta", portal=True, unidade_destino=unidade, envia_sms_abertura=False
    )
    return portal_contato_abrir(
        conta=conta,
        especificacao=especificacao,
        imovel=vinculo.imovel,
        titulo="Conta alta",
        pessoa_contato=conta.nome,
        telefone="",
        email="",
        mensagem=texto,
        anexos=anexos,
    )


def responder(ra, usuario, texto="Vamos refazer a leitura do hidrômetro.", **kw):
    """An operator's public answer."""
    return registro_atendimento_mensagem_adicionar(
        ra=ra, usuario=usuario, texto=texto, visibilidade="publica", **kw
    )


def complementar(ra, conta, texto="A leitura pode ser na sexta?", anexos=()):
    """The customer's mensagem complementar, as the portal adds it."""
    ra.refresh_from_db()
    contato_complementar(conta=conta, ra=ra, texto=texto, anexos=anexos)
