"""A small world for the portal's contact tests: a client with an account, its imóveis,
the catalogue open to the portal (and what is not), and another client beside it."""

import datetime
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from atendimento.models import Especificacao, MeioSolicitacao
from cadastro.models import Cliente, Imovel, UnidadeOrganizacional
from portal.models import ContaExterna
from tests.atendimento.factories import (
    EspecificacaoFactory,
    GrupoFactory,
    MeioFactory,
    RegistroAtendimentoFactory,
    TipoSolicitacaoFactory,
)
from tests.factories import (
    ClienteFactory,
    ClienteImovelFactory,
    ImovelFactory,
    TelefoneFactory,
    UnidadeFactory,
)
from tests.portal.factories import ContaExternaFactory


@dataclass
class Cenario:
    central: UnidadeOrganizacional
    manutencao: UnidadeOrganizacional
    internet: MeioSolicitacao
    cliente: Cliente
    conta: ContaExterna
    imovel: Imovel
    imovel_antigo: Imovel  # the client's link to it has ended
    segunda_via: Especificacao  # portal, no imóvel needed
    cavalete: Especificacao  # portal, requires the imóvel
    interna: Especificacao  # not open to the portal
    desativada: Especificacao  # portal, but inactive
    outro_cliente: Cliente
    outra_conta: ContaExterna
    imovel_alheio: Imovel


def cenario_criar() -> Cenario:
    central = UnidadeFactory(
        nome="Central de Atendimento",
        sigla="CAT",
        tipo="central",
        central_atendimento=True,
    )
    manutencao = UnidadeFactory(nome="Manutenção de Redes", sigla="MAN", abre_ra=False)
    internet = MeioFactory(nome="Internet")
    comercial = TipoSolicitacaoFactory(nome="Comercial", grupo=GrupoFactory(nome="Comercial"))
    agua = TipoSolicitacaoFactory(nome="Água", grupo=GrupoFactory(nome="Água"))
    cliente = ClienteFactory(nome="Maria das Dores", email="maria@exemplo.com.br")
    TelefoneFactory(cliente=cliente, ddd="81", numero="999990001")
    imovel = ImovelFactory(logradouro="Rua da Aurora", numero="15", bairro="Boa Vista")
    ClienteImovelFactory(cliente=cliente, imovel=imovel)
    imovel_antigo = ImovelFactory(logradouro="Rua Velha", numero="9")
    ClienteImovelFactory(
        cliente=cliente,
        imovel=imovel_antigo,
        data_inicio=datetime.date(2010, 1, 1),
        data_fim=datetime.date(2019, 12, 31),
    )
    outro_cliente = ClienteFactory(nome="José Vizinho")
    imovel_alheio = ImovelFactory(logradouro="Rua do Sol", numero="77")
    ClienteImovelFactory(cliente=outro_cliente, imovel=imovel_alheio)
    return Cenario(
        central=central,
        manutencao=manutencao,
        internet=internet,
        cliente=cliente,
        conta=ContaExternaFactory(cliente=cliente, nome="Maria D.", email="maria@portal.com.br"),
        imovel=imovel,
        imovel_antigo=imovel_antigo,
        segunda_via=EspecificacaoFactory(
            tipo=comercial, nome="Segunda via de conta", portal=True, unidade_destino=manutencao
        ),
        cavalete=EspecificacaoFactory(
            tipo=agua,
            nome="Vazamento no cavalete",
            portal=True,
            exige_imovel=True,
            unidade_destino=manutencao,
        ),
        interna=EspecificacaoFactory(tipo=agua, nome="Inspeção interna", portal=False),
        desativada=EspecificacaoFactory(
            tipo=agua, nome="Serviço extinto", portal=True, ativa=False
        ),
        outro_cliente=outro_cliente,
        outra_conta=ContaExternaFactory(cliente=outro_cliente),
        imovel_alheio=imovel_alheio,
    )


def ra_do_cliente(cliente, **kwargs):
    """An RA of ``cliente`` built without the services (any origin)."""
    kwargs.setdefault("imovel", None)
    return RegistroAtendimentoFactory(cliente=cliente, **kwargs)


def png(nome="foto.png", lado=8) -> SimpleUploadedFile:
    saida = io.BytesIO()
    Image.new("RGB", (lado, lado), "blue").save(saida, format="PNG")
    return SimpleUploadedFile(nome, saida.getvalue(), content_type="image/png")


def pdf(nome="documento.pdf") -> SimpleUploadedFile:
    conteudo = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(nome, conteudo, content_type="application/pdf")


def executavel(nome="programa.exe") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        nome, b"MZ\x90\x00" + b"\x00" * 60, content_type="application/x-msdownload"
    )
