"""portal.services.contatos: what the account may open and complement, whatever the
form let through."""

import pytest

from atendimento.models import EventoRA, RegistroAtendimento
from atendimento.services import registro_atendimento_encerrar
from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida
from portal.services.contatos import contato_abrir, contato_complementar
from tests.atendimento.factories import MotivoFactory
from tests.factories import UsuarioFactory
from tests.portal.dados_contatos import executavel, png, ra_do_cliente
from tests.portal.factories import ContaExternaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
RA = RegistroAtendimento


def _abrir(c, **kwargs):
    dados = {
        "conta": c.conta,
        "especificacao": c.segunda_via,
        "imovel": c.imovel,
        "titulo": "Conta alta",
        "pessoa_contato": "Maria D.",
        "telefone": "81988887777",
        "email": "maria@portal.com.br",
        "mensagem": "Veio o dobro.",
    }
    dados.update(kwargs)
    return contato_abrir(**dados)


def test_abre_ra_do_portal_com_evento_e_tramite(c):
    ra = _abrir(c)
    assert ra.origem == RA.Origem.PORTAL and ra.situacao == RA.Situacao.PENDENTE
    assert ra.cliente == c.cliente and ra.solicitante_nome == "Maria D."
    assert ra.eventos.filter(tipo=EventoRA.Tipo.ABERTURA).exists()
    assert ra.tramites.get().unidade_destino == c.manutencao


@pytest.mark.parametrize("qual", ["interna", "desativada"])
def test_recusa_especificacao_fora_do_portal(c, qual):
    with pytest.raises(RegraViolada) as erro:
        _abrir(c, especificacao=getattr(c, qual))
    assert erro.value.campo == "especificacao"
    assert not RA.objects.exists()


@pytest.mark.parametrize("qual", ["imovel_alheio", "imovel_antigo"])
def test_recusa_imovel_que_nao_e_do_cliente(c, qual):
    with pytest.raises(RegraViolada) as erro:
        _abrir(c, imovel=getattr(c, qual))
    assert erro.value.campo == "imovel"
    assert not RA.objects.exists()


def test_recusa_sem_imovel_quando_exigido(c):
    with pytest.raises(RegraViolada, match="exige o imóvel"):
        _abrir(c, especificacao=c.cavalete, imovel=None)


def test_cliente_com_imovel_escolhe_um_deles_mesmo_quando_o_assunto_nao_exige(c):
    # Without a place the RA would start Bloqueado, waiting for someone to type one in.
    with pytest.raises(RegraViolada, match="Escolha um dos seus imóveis") as erro:
        _abrir(c, imovel=None)
    assert erro.value.campo == "imovel"
    assert not RA.objects.exists()


def test_cliente_sem_imovel_abre_contato_em_analise_ate_informar_o_local(c):
    sem_imovel = ContaExternaFactory()
    ra = _abrir(c, conta=sem_imovel, imovel=None)
    assert ra.imovel is None and ra.local_ocorrencia
    assert ra.situacao == RA.Situacao.BLOQUEADO


def test_recusa_telefone_invalido_com_o_campo(c):
    with pytest.raises(RegraViolada) as erro:
        _abrir(c, telefone="123")
    assert erro.value.campo == "solicitante_telefone"


def test_complementar_grava_mensagem_do_solicitante(c):
    ra = _abrir(c)
    contato_complementar(conta=c.conta, ra=ra, texto="Mais uma coisa.", anexos=[png()])
    ra.refresh_from_db()
    assert ra.interacao_pendente == RA.InteracaoPendente.INTERNA
    assert ra.mensagens.get().autor_nome == c.conta.nome
    assert ra.anexos.filter(do_solicitante=True, nome_original="foto.png").exists()


def test_complementar_recusa_ra_de_outro_cliente_e_encerrado(c):
    alheio = ra_do_cliente(c.outro_cliente)
    with pytest.raises(PermissaoNegada):
        contato_complementar(conta=c.conta, ra=alheio, texto="Oi")
    encerrado = ra_do_cliente(c.cliente, encerrado=True)
    with pytest.raises(TransicaoInvalida):
        contato_complementar(conta=c.conta, ra=encerrado, texto="Oi")
    excluido = ra_do_cliente(c.cliente, excluido=True)
    with pytest.raises(PermissaoNegada):
        contato_complementar(conta=c.conta, ra=excluido, texto="Oi")
    assert not alheio.mensagens.exists() and not encerrado.mensagens.exists()


def test_complementar_com_um_anexo_ruim_nao_grava_nada(c):
    ra = _abrir(c)
    with pytest.raises(RegraViolada, match=r"virus\.exe"):
        contato_complementar(
            conta=c.conta, ra=ra, texto="Com anexos.", anexos=[png(), executavel("virus.exe")]
        )
    assert not ra.mensagens.exists()
    assert not ra.anexos.filter(nome_original="foto.png").exists()


def test_contato_novo_espera_a_companhia_e_encerrado_nao_espera_ninguem(c):
    ra = _abrir(c)
    assert ra.interacao_pendente == RA.InteracaoPendente.INTERNA
    operador = UsuarioFactory(unidade=ra.unidade_atual, papeis=["Atendente"])
    registro_atendimento_encerrar(
        ra=ra, motivo=MotivoFactory(), parecer="Resolvido.", usuario=operador
    )
    ra.refresh_from_db()
    assert ra.interacao_pendente == RA.InteracaoPendente.NENHUMA
