import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from atendimento.models import (
    DevolucaoValor,
    Especificacao,
    EventoRA,
    ParametrosAtendimento,
    RegistroAtendimento,
    Tramite,
)
from atendimento.selectors import registros_em_aberto_do_imovel
from core.exceptions import RegraViolada
from ordens_servico.models import OrdemServico
from tests.atendimento.factories import EspecificacaoFactory, TipoServicoFactory
from tests.factories import ClienteFactory, UnidadeFactory, UsuarioFactory

pytestmark = pytest.mark.django_db


def test_abrir_cria_ra_pendente_com_protocolo_tramite_e_evento(abrir, atendente, executora):
    ra = abrir()
    ano = timezone.localtime().year
    assert ra.protocolo == f"{ano}1000000001"
    assert len(ra.protocolo) == 14
    assert ra.situacao == RegistroAtendimento.Situacao.PENDENTE
    assert ra.unidade_atual == executora
    assert ra.unidade_abertura == atendente.unidade
    assert ra.data_prevista_original == ra.data_prevista_atual > ra.data_abertura
    assert ra.data_abertura < ra.data_atencao < ra.data_prevista_atual
    tramite = Tramite.objects.get(ra=ra)
    assert (tramite.unidade_origem, tramite.unidade_destino) == (atendente.unidade, executora)
    evento = EventoRA.objects.get(ra=ra, tipo="abertura")
    assert evento.usuario == atendente and evento.situacao_nova == "pendente"
    assert ra.history.first().history_user == atendente
    assert abrir(imovel=None, local_ocorrencia="Rua X").protocolo == f"{ano}1000000002"


def test_refusal_consumes_no_protocol(abrir):
    with pytest.raises(RegraViolada):
        abrir(descricao="")
    assert abrir().protocolo.endswith("000000001")


def test_formato_ans(abrir):
    ParametrosAtendimento.objects.update_or_create(
        pk=1, defaults={"formato_protocolo": "ans", "registro_ans": "123456"}
    )
    ra = abrir()
    hoje = timezone.localtime().strftime("%Y%m%d")
    assert ra.protocolo == f"123456{hoje}000001"
    assert len(ra.protocolo) == 20


def test_formato_ans_sem_registro_recusado(abrir):
    ParametrosAtendimento.objects.update_or_create(pk=1, defaults={"formato_protocolo": "ans"})
    with pytest.raises(RegraViolada, match="registro ANS"):
        abrir()
    assert not RegistroAtendimento.objects.exists()


def test_abertura_no_futuro_recusada(abrir):
    with pytest.raises(RegraViolada, match="futuro"):
        abrir(data_abertura=timezone.now() + datetime.timedelta(hours=1))
    assert not RegistroAtendimento.objects.exists()


def test_abertura_retroativa_aceita(abrir):
    ontem = timezone.now() - datetime.timedelta(days=1)
    assert abrir(data_abertura=ontem).data_abertura == ontem


def test_unidade_que_nao_abre_ra_recusada(abrir, tecnico):
    with pytest.raises(RegraViolada, match="não tem permissão para abrir"):
        abrir(usuario=tecnico)
    assert not RegistroAtendimento.objects.exists()


def test_especificacao_inativa_recusada(abrir, especificacao):
    Especificacao.objects.filter(pk=especificacao.pk).update(ativa=False)
    especificacao.refresh_from_db()
    with pytest.raises(RegraViolada, match="desativada"):
        abrir(especificacao=especificacao)


@pytest.mark.parametrize(
    ("campo", "kwargs", "mensagem"),
    [
        ("exige_imovel", {"imovel": None, "local_ocorrencia": "Rua A"}, "exige o imóvel"),
        (
            "exige_cliente",
            {
                "tipo_solicitante": "livre",
                "cliente": None,
                "solicitante_nome": "Ana",
                "solicitante_telefone": "81999990000",
            },
            "exige um cliente",
        ),
        (
            "exige_cpf_cnpj",
            {
                "tipo_solicitante": "livre",
                "cliente": None,
                "solicitante_nome": "Ana",
                "solicitante_telefone": "81999990000",
            },
            "exige o CPF",
        ),
    ],
)
def test_campos_exigidos_pela_especificacao(abrir, especificacao, campo, kwargs, mensagem):
    setattr(especificacao, campo, True)
    especificacao.save()
    with pytest.raises(RegraViolada, match=mensagem):
        abrir(**kwargs)
    assert not RegistroAtendimento.objects.exists()
    assert abrir().pk  # the same especificação opens with the required data


@pytest.mark.parametrize(
    ("kwargs", "mensagem"),
    [
        ({"cliente": None}, "Escolha o cliente"),
        ({"solicitante_nome": "Ana"}, "só o cliente"),
        (
            {"tipo_solicitante": "livre", "cliente": None, "solicitante_nome": "Ana"},
            "nome e o telefone",
        ),
        ({"tipo_solicitante": "unidade", "cliente": None}, "unidade e o funcionário"),
        ({"tipo_solicitante": "xyz"}, "quem está solicitando"),
        (
            {
                "tipo_solicitante": "livre",
                "cliente": None,
                "solicitante_nome": "Ana",
                "solicitante_telefone": "123",
            },
            "Telefone do solicitante inválido",
        ),
        ({"solicitante_cpf_cnpj": "11111111112"}, "CPF inválido"),
        ({"solicitante_email": "maria@"}, "E-mail do solicitante inválido"),
        ({"imovel": None, "local_ocorrencia": ""}, "imóvel ou o local"),
        ({"descricao": "   "}, "Descreva"),
        ({"data_reservada": datetime.date(2000, 1, 1)}, "data reservada"),
        ({"melhor_horario": "madrugada"}, "Melhor horário"),
    ],
)
def test_entradas_invalidas(abrir, kwargs, mensagem):
    with pytest.raises(RegraViolada, match=mensagem):
        abrir(**kwargs)
    assert not RegistroAtendimento.objects.exists()
    assert not EventoRA.objects.exists()


def test_solicitante_livre_e_unidade(abrir, atendente):
    livre = abrir(
        tipo_solicitante="livre",
        cliente=None,
        solicitante_nome="Ana",
        solicitante_telefone="(81) 99999-0000",
    )
    assert livre.solicitante_telefone == "+5581999990000"
    assert livre.celular_sms() == "+5581999990000"
    colega = UsuarioFactory(unidade=atendente.unidade)
    interno = abrir(
        tipo_solicitante="unidade",
        cliente=None,
        solicitante_unidade=atendente.unidade,
        solicitante_funcionario=colega,
        imovel=None,
        local_ocorrencia="Sede",
    )
    assert interno.nome_solicitante == str(colega)
    with pytest.raises(RegraViolada, match="não pertence"):
        abrir(
            tipo_solicitante="unidade",
            cliente=None,
            solicitante_unidade=UnidadeFactory(),
            solicitante_funcionario=colega,
        )


def test_duplicidade_bloqueia_e_outros_em_aberto_viram_aviso(abrir, imovel, especificacao):
    primeiro = abrir()
    with pytest.raises(RegraViolada, match=f"{primeiro.protocolo}.*novo contato"):
        abrir()
    outra = EspecificacaoFactory(nome="Falta d'água")
    segundo = abrir(especificacao=outra)
    avisos = list(registros_em_aberto_do_imovel(imovel=imovel, excluir_especificacao=outra))
    assert avisos == [primeiro]
    assert set(registros_em_aberto_do_imovel(imovel=imovel)) == {primeiro, segundo}
    assert RegistroAtendimento.objects.count() == 2


def test_local_apenas_em_texto_livre_abre_bloqueado(abrir):
    ra = abrir(imovel=None, local_ocorrencia="Em frente à padaria do bairro")
    assert ra.situacao == RegistroAtendimento.Situacao.BLOQUEADO
    com_ponto = abrir(
        imovel=None, local_ocorrencia="Praça", latitude=Decimal("-8.1"), longitude=Decimal("-34.9")
    )
    assert com_ponto.situacao == RegistroAtendimento.Situacao.PENDENTE


def test_destino_sugerido_e_centralizadora(abrir, atendente, especificacao, executora):
    sem_unidade = EspecificacaoFactory(unidade_destino=None)
    assert abrir(especificacao=sem_unidade).unidade_atual == atendente.unidade
    central = UnidadeFactory(sigla="CENT", abre_ra=False)
    executora.centralizadora = central
    executora.save()
    assert (
        abrir(especificacao=EspecificacaoFactory(unidade_destino=executora)).unidade_atual
        == central
    )
    escolhida = UnidadeFactory(sigla="ESC")
    assert (
        abrir(especificacao=EspecificacaoFactory(), unidade_destino=escolhida).unidade_atual
        == escolhida
    )


@pytest.mark.parametrize(
    ("flag", "mensagem"), [("ativa", "inativa"), ("recebe_tramite", "não recebe")]
)
def test_destino_inativo_ou_que_nao_recebe_recusado(abrir, executora, flag, mensagem):
    setattr(executora, flag, False)
    executora.save()
    with pytest.raises(RegraViolada, match=mensagem):
        abrir()
    assert not RegistroAtendimento.objects.exists()


def test_tipo_servico_gera_os(abrir, especificacao, executora):
    especificacao.tipo_servico = TipoServicoFactory(descricao="Reparo de vazamento")
    especificacao.save()
    ra = abrir()
    os_ = OrdemServico.objects.get(ra=ra)
    assert os_.unidade_atual == executora
    assert EventoRA.objects.filter(ra=ra, tipo="os").exists()


def test_devolucao_exige_documentos(abrir):
    devolucao = EspecificacaoFactory(natureza=Especificacao.Natureza.DEVOLUCAO)
    with pytest.raises(RegraViolada, match="documento e o valor"):
        abrir(especificacao=devolucao)
    with pytest.raises(RegraViolada, match="maior que zero"):
        abrir(
            especificacao=devolucao,
            devolucoes=[{"motivo": "duplicidade", "documento": "C1", "valor": Decimal("0")}],
        )
    with pytest.raises(RegraViolada, match="não é de devolução"):
        abrir(devolucoes=[{"motivo": "duplicidade", "documento": "C1", "valor": Decimal("10")}])
    ra = abrir(
        especificacao=devolucao,
        devolucoes=[
            {
                "motivo": "duplicidade",
                "documento": "Conta 2024/05",
                "referencia": "202405",
                "valor": Decimal("87.30"),
            }
        ],
    )
    assert DevolucaoValor.objects.get(ra=ra).valor == Decimal("87.30")


def test_cliente_sem_sms_e_prioridade(abrir):
    cliente = ClienteFactory(recebe_sms=False)
    ra = abrir(cliente=cliente, prioridade=4, melhor_horario="manha")
    assert ra.celular_sms() == ""
    assert ra.get_prioridade_display() == "Urgente"
