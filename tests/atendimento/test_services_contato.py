"""A person calls again about an RA already open (issue: the duplicate dead end).

Opening is refused as a duplicate; the repeat call is then recorded on the
existing RA with its own protocol, whether or not the deadline has passed.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from atendimento.filters import RegistroAtendimentoFilter
from atendimento.models import EventoRA, RegistroAtendimento, Reiteracao
from atendimento.services import registro_atendimento_abrir, registro_atendimento_registrar_contato
from atendimento.services.abertura import RegistroDuplicado
from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida
from core.papeis import ATENDENTE
from tests.atendimento.conftest import vencer
from tests.factories import UnidadeFactory, UsuarioFactory

pytestmark = pytest.mark.django_db


def test_abertura_duplicada_diz_qual_ra_ja_existe(abrir):
    existente = abrir()
    with pytest.raises(RegistroDuplicado) as erro:
        abrir()
    assert erro.value.existente == existente
    assert f"RA nº {existente.pk}" in str(erro.value) and existente.protocolo in str(erro.value)
    assert RegistroAtendimento.objects.count() == 1


def test_contato_no_prazo_tem_protocolo_proprio(abrir, atendente):
    ra = abrir()
    contato = registro_atendimento_registrar_contato(
        ra=ra,
        usuario=atendente,
        solicitante_nome=" Ana Souza ",
        solicitante_telefone="(81) 98888-7777",
        observacao="Ligou de novo: o vazamento aumentou.",
    )
    ra.refresh_from_db()
    assert contato.tipo == Reiteracao.Tipo.CONTATO
    assert contato.protocolo and contato.protocolo != ra.protocolo
    assert (contato.solicitante_nome, contato.solicitante_telefone) == (
        "Ana Souza",
        "+5581988887777",
    )
    assert contato.usuario == atendente
    assert abs((timezone.now() - contato.data).total_seconds()) < 60
    # Not a reiteração: the deadline has not passed.
    assert (ra.quantidade_reiteracoes, ra.urgente) == (0, False)
    evento = EventoRA.objects.get(ra=ra, tipo=EventoRA.Tipo.CONTATO)
    assert contato.protocolo in evento.descricao and "Ana Souza" in evento.descricao
    # The new protocol finds the RA, and is listed among its protocols.
    filtro = RegistroAtendimentoFilter(
        {"protocolo": contato.protocolo}, queryset=RegistroAtendimento.objects.all()
    )
    assert list(filtro.qs) == [ra]
    assert contato.protocolo in [p.numero for p in ra.protocolos]


def test_contato_depois_do_prazo_e_reiteracao(abrir, atendente):
    ra = vencer(abrir())
    contato = registro_atendimento_registrar_contato(
        ra=ra, usuario=atendente, solicitante_nome="Ana"
    )
    ra.refresh_from_db()
    assert contato.tipo == Reiteracao.Tipo.REITERACAO
    assert (ra.quantidade_reiteracoes, ra.urgente) == (1, True)
    assert EventoRA.objects.filter(ra=ra, tipo=EventoRA.Tipo.REITERACAO).exists()


def test_contato_recusas(abrir, atendente, tecnico, motivos):
    ra = abrir()
    with pytest.raises(RegraViolada, match="quem está ligando"):
        registro_atendimento_registrar_contato(ra=ra, usuario=atendente, solicitante_nome=" ")
    with pytest.raises(RegraViolada, match="Telefone"):
        registro_atendimento_registrar_contato(
            ra=ra, usuario=atendente, solicitante_nome="Ana", solicitante_telefone="123"
        )
    # Someone of a unit that neither opens RAs nor may act on this one.
    campo = UsuarioFactory(
        username="campo", unidade=UnidadeFactory(sigla="CPO", abre_ra=False), papeis=[ATENDENTE]
    )
    with pytest.raises(PermissaoNegada):
        registro_atendimento_registrar_contato(ra=ra, usuario=campo, solicitante_nome="Ana")
    from atendimento.services import registro_atendimento_encerrar

    registro_atendimento_encerrar(
        ra=ra, motivo=motivos["nao_executado"], parecer="Resolvido.", usuario=tecnico
    )
    with pytest.raises(TransicaoInvalida):
        registro_atendimento_registrar_contato(ra=ra, usuario=atendente, solicitante_nome="Ana")
    assert not Reiteracao.objects.exists()


def test_balcao_que_abre_ra_registra_contato_em_ra_de_outra_unidade(abrir, especificacao, meio):
    """The counter of another town opens RAs that go to MAN: it cannot act on them,
    but a repeat call it takes must be recorded."""
    balcao = UsuarioFactory(
        username="balcao", unidade=UnidadeFactory(sigla="BAL", abre_ra=True), papeis=[ATENDENTE]
    )
    ra = abrir()
    contato = registro_atendimento_registrar_contato(ra=ra, usuario=balcao, solicitante_nome="Ana")
    assert contato.ra == ra


# --- screens -------------------------------------------------------------


@pytest.fixture
def dados(especificacao, meio, imovel):
    return {
        "especificacao": especificacao.pk,
        "meio": meio.pk,
        "descricao": "Vazamento forte, voltou a jorrar",
        "tipo_solicitante": "livre",
        "solicitante_nome": "Maria da Silva",
        "solicitante_telefone": "(81) 99999-0000",
        "matricula": imovel.matricula_formatada,
        "prioridade": "2",
    }


def test_inserir_duplicado_oferece_registrar_o_contato(client_atendente, dados, abrir):
    existente = abrir()
    resposta = client_atendente.post(reverse("atendimento:inserir"), dados)
    assert resposta.status_code == 200
    pagina = resposta.content.decode()
    url_contato = reverse("atendimento:contato", args=[existente.pk])
    assert f'action="{url_contato}"' in pagina
    assert f"Já existe o RA nº {existente.pk}" in pagina and existente.protocolo in pagina
    prevista = timezone.localtime(existente.data_prevista_atual)
    assert f"{prevista:%d/%m/%Y}" in pagina
    # What was typed goes along, so the attendant does not type it again.
    assert 'value="Maria da Silva"' in pagina
    resposta = client_atendente.post(
        url_contato,
        {
            "solicitante_nome": "Maria da Silva",
            "solicitante_telefone": "(81) 99999-0000",
            "observacao": dados["descricao"],
        },
    )
    contato = Reiteracao.objects.get(ra=existente)
    assert resposta.status_code == 302
    assert resposta.url == reverse("atendimento:contato_confirmacao", args=[contato.pk])
    pagina = client_atendente.get(resposta.url).content.decode()
    # What to say to the person, with both protocols and the expected date.
    assert f"Já existe o RA nº {existente.pk}, protocolo {existente.protocolo}" in pagina
    assert f"registramos seu novo contato, protocolo {contato.protocolo}" in pagina
    assert f"{prevista:%d/%m/%Y %H:%M}" in pagina
    assert RegistroAtendimento.objects.count() == 1


def test_tela_de_contato_mostra_erros(client_atendente, abrir):
    ra = abrir()
    url_contato = reverse("atendimento:contato", args=[ra.pk])
    assert client_atendente.get(url_contato + "?solicitante_nome=Ana").status_code == 200
    resposta = client_atendente.post(
        url_contato, {"solicitante_nome": "Ana", "solicitante_telefone": "12"}
    )
    assert resposta.status_code == 200
    assert "Telefone" in resposta.content.decode()
    assert not Reiteracao.objects.exists()


def test_opcao_de_contato_no_ra_em_aberto(client_atendente, abrir):
    ra = abrir()
    pagina = client_atendente.get(reverse("atendimento:detalhe", args=[ra.pk])).content.decode()
    assert reverse("atendimento:contato", args=[ra.pk]) in pagina


def test_servico_recebe_o_ra_existente_do_erro(abrir, atendente, especificacao, meio, imovel):
    abrir()
    with pytest.raises(RegistroDuplicado) as erro:
        registro_atendimento_abrir(
            usuario=atendente,
            especificacao=especificacao,
            meio=meio,
            descricao="De novo",
            tipo_solicitante="livre",
            solicitante_nome="Ana",
            solicitante_telefone="81999990000",
            imovel=imovel,
        )
    assert erro.value.campo == "especificacao"
