import datetime

import pytest
from django.utils import timezone

from atendimento import selectors
from atendimento.models import RegistroAtendimento
from tests.atendimento.factories import (
    DevolucaoValorFactory,
    EspecificacaoFactory,
    MeioFactory,
    RegistroAtendimentoFactory,
    ReiteracaoFactory,
    TramiteFactory,
)
from tests.factories import ClienteFactory, ImovelFactory, UnidadeFactory, UsuarioFactory

pytestmark = pytest.mark.django_db


def buscar(usuario, **filtros):
    return list(selectors.registro_atendimento_list(usuario=usuario, filtros=filtros))


def ids(ras):
    return {ra.pk for ra in ras}


def test_sem_filtro_lista_tudo_mais_recente_primeiro(atendente):
    antigo = RegistroAtendimentoFactory(status="vencido")
    novo = RegistroAtendimentoFactory(status="no_prazo")
    assert [ra.pk for ra in buscar(atendente)] == [novo.pk, antigo.pk]


def test_protocolo_do_ra_ou_de_uma_reiteracao(atendente):
    ra = RegistroAtendimentoFactory()
    reiterado = RegistroAtendimentoFactory(status="vencido")
    reiteracao = ReiteracaoFactory(ra=reiterado)
    RegistroAtendimentoFactory()
    assert ids(buscar(atendente, protocolo=ra.protocolo)) == {ra.pk}
    assert ids(buscar(atendente, protocolo=reiteracao.protocolo)) == {reiterado.pk}
    # What people type: spaces, dots and dashes are ignored.
    formatado = f"{ra.protocolo[:4]}.{ra.protocolo[4:]} "
    assert ids(buscar(atendente, protocolo=formatado)) == {ra.pk}
    assert buscar(atendente, protocolo="99999999999999") == []


def test_numero_do_ra(atendente):
    ra, _ = RegistroAtendimentoFactory(), RegistroAtendimentoFactory()
    assert ids(buscar(atendente, numero=str(ra.pk))) == {ra.pk}


def test_matricula_com_e_sem_digito(atendente):
    imovel = ImovelFactory(matricula=1234567)  # DV 1234567 -> formatted below
    ra = RegistroAtendimentoFactory(imovel=imovel)
    RegistroAtendimentoFactory()
    formatada = imovel.matricula_formatada
    assert ids(buscar(atendente, matricula=formatada)) == {ra.pk}
    assert ids(buscar(atendente, matricula="1234567")) == {ra.pk}
    assert ids(buscar(atendente, matricula=formatada.replace("-", ""))) == {ra.pk}


def test_cliente_por_nome_sem_acento_e_por_cpf(atendente):
    jose = ClienteFactory(nome="José Quixabeirão da Silva")
    ra = RegistroAtendimentoFactory(cliente=jose)
    livre = RegistroAtendimentoFactory(
        cliente=None,
        tipo_solicitante="livre",
        solicitante_nome="Maria",
        solicitante_cpf_cnpj="52998224725",
    )
    RegistroAtendimentoFactory()
    assert ids(buscar(atendente, cliente="jose quixabeirao")) == {ra.pk}
    assert ids(buscar(atendente, cliente="QUIXABEIRÃO")) == {ra.pk}
    cpf = jose.cpf_cnpj
    assert ids(buscar(atendente, cpf_cnpj=f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}")) == {ra.pk}
    assert ids(buscar(atendente, cpf_cnpj="529.982.247-25")) == {livre.pk}


def test_situacao(atendente):
    pendente = RegistroAtendimentoFactory()
    bloqueado = RegistroAtendimentoFactory(situacao="bloqueado")
    encerrado = RegistroAtendimentoFactory(encerrado=True)
    assert ids(buscar(atendente, situacao="abertos")) == {pendente.pk, bloqueado.pk}
    assert ids(buscar(atendente, situacao="pendente")) == {pendente.pk}
    assert ids(buscar(atendente, situacao="bloqueado")) == {bloqueado.pk}
    assert ids(buscar(atendente, situacao="encerrado")) == {encerrado.pk}


@pytest.mark.parametrize("status", ["no_prazo", "atencao", "vencido"])
def test_status_do_prazo_igual_ao_do_modelo(atendente, status):
    ras = {s: RegistroAtendimentoFactory(status=s) for s in ("no_prazo", "atencao", "vencido")}
    RegistroAtendimentoFactory(status=status, encerrado=True)  # closed: no deadline status
    encontrados = buscar(atendente, status_prazo=status)
    assert ids(encontrados) == {ras[status].pk}
    assert all(ra.status_prazo() == status for ra in encontrados)


def test_catalogo_meio_e_unidades(atendente):
    especificacao = EspecificacaoFactory()
    meio = MeioFactory(nome="Telefone")
    outra_unidade = UnidadeFactory()
    ra = RegistroAtendimentoFactory(
        especificacao=especificacao, meio=meio, unidade_atual=outra_unidade
    )
    outro = RegistroAtendimentoFactory()
    assert ids(buscar(atendente, tipo=str(especificacao.tipo_id))) == {ra.pk}
    assert ids(buscar(atendente, especificacao=str(especificacao.pk))) == {ra.pk}
    assert ids(buscar(atendente, meio=str(meio.pk))) == {ra.pk}
    assert ids(buscar(atendente, unidade_atual=str(outra_unidade.pk))) == {ra.pk}
    assert ids(buscar(atendente, unidade_abertura=str(outro.unidade_abertura_id))) == {outro.pk}
    assert ids(buscar(atendente, usuario_abertura=str(outro.usuario_abertura_id))) == {outro.pk}


def test_responsavel_e_sem_responsavel(atendente):
    com = RegistroAtendimentoFactory(responsavel=atendente)
    sem = RegistroAtendimentoFactory()
    assert ids(buscar(atendente, responsavel=str(atendente.pk))) == {com.pk}
    assert ids(buscar(atendente, responsavel="null")) == {sem.pk}


def test_interacao_pendente_e_prioridade(atendente):
    externa = RegistroAtendimentoFactory(interacao_pendente="externa", prioridade=4)
    RegistroAtendimentoFactory()
    assert ids(buscar(atendente, interacao_pendente="externa")) == {externa.pk}
    assert ids(buscar(atendente, prioridade="4")) == {externa.pk}


def test_devolucao_de_valores(atendente):
    duplicidade = DevolucaoValorFactory(motivo="duplicidade").ra
    a_maior = DevolucaoValorFactory(motivo="a_maior").ra
    natureza = RegistroAtendimentoFactory(especificacao=EspecificacaoFactory(natureza="devolucao"))
    RegistroAtendimentoFactory()
    assert ids(buscar(atendente, devolucao="sim")) == {duplicidade.pk, a_maior.pk, natureza.pk}
    assert ids(buscar(atendente, devolucao="a_maior")) == {a_maior.pk}


def test_periodos_de_abertura_e_encerramento(atendente):
    agora = timezone.localtime()
    hoje = agora.date()
    antigo = RegistroAtendimentoFactory(agora=agora - datetime.timedelta(days=400))
    recente = RegistroAtendimentoFactory(encerrado=True)
    um_ano = (hoje - datetime.timedelta(days=365)).isoformat()
    assert ids(buscar(atendente, abertura_de=um_ano)) == {recente.pk}
    assert ids(buscar(atendente, abertura_ate=um_ano)) == {antigo.pk}
    dia_encerramento = timezone.localtime(recente.data_encerramento).date()
    assert ids(
        buscar(
            atendente, encerramento_de=str(dia_encerramento), encerramento_ate=str(dia_encerramento)
        )
    ) == {recente.pk}


def test_periodo_de_tramite_exige_o_mesmo_tramite(atendente):
    agora = timezone.now()
    ra = RegistroAtendimentoFactory(agora=agora - datetime.timedelta(days=100), status="vencido")
    TramiteFactory(ra=ra, data=agora - datetime.timedelta(days=30))
    outro = RegistroAtendimentoFactory(agora=agora - datetime.timedelta(days=100), status="vencido")
    dia = timezone.localtime(agora - datetime.timedelta(days=30)).date()
    assert ids(buscar(atendente, tramite_de=str(dia), tramite_ate=str(dia))) == {ra.pk}
    # Trâmite #1 of both was ~112 days ago: a range around it finds both.
    inicio = timezone.localtime(ra.data_abertura).date()
    assert ids(buscar(atendente, tramite_de=str(inicio), tramite_ate=str(inicio))) == {
        ra.pk,
        outro.pk,
    }


def test_ordenacoes(atendente):
    a = RegistroAtendimentoFactory(
        cliente=ClienteFactory(nome="Ana"),
        status="vencido",
        usuario_abertura=UsuarioFactory(first_name="Zeca"),
    )
    b = RegistroAtendimentoFactory(
        cliente=ClienteFactory(nome="Bruno"),
        status="no_prazo",
        usuario_abertura=UsuarioFactory(first_name="Alice"),
    )
    c = RegistroAtendimentoFactory(
        cliente=ClienteFactory(nome="Carla"),
        status="atencao",
        usuario_abertura=UsuarioFactory(first_name="Mário"),
    )

    def ordem(valor):
        return [ra.pk for ra in buscar(atendente, ordem=valor)]

    assert ordem("cliente") == [a.pk, b.pk, c.pk]
    assert ordem("operador") == [b.pk, c.pk, a.pk]
    assert ordem("numero") == [a.pk, b.pk, c.pk]
    assert ordem("-numero") == [c.pk, b.pk, a.pk]
    assert ordem("abertura") == [a.pk, c.pk, b.pk]
    assert ordem("-abertura") == [b.pk, c.pk, a.pk]
    assert ordem("protocolo") == sorted(
        [a.pk, b.pk, c.pk], key=lambda pk: RegistroAtendimento.objects.get(pk=pk).protocolo
    )
    assert ordem("prazo")[0] == a.pk


@pytest.mark.parametrize(
    "filtros",
    [
        {"abertura_de": "31/02/2026"},
        {"abertura_de": "ontem"},
        {"abertura_de": "0001-01-01"},
        {"abertura_de": "2026-03-10", "abertura_ate": "2026-03-01"},
        {"protocolo": "1" * 10_000},
        {"protocolo": "1' OR '1'='1"},
        {"protocolo": "<script>alert(1)</script>"},
        {"cliente": "x" * 10_000},
        {"cliente": "ab"},
        {"cpf_cnpj": "123"},
        {"cpf_cnpj": "'; DROP TABLE cadastro_cliente; --"},
        {"matricula": "1234567-0"},
        {"matricula": "abc"},
        {"numero": "9" * 30},
        {"numero": "-5"},
        {"situacao": "apagado"},
        {"status_prazo": "<b>"},
        {"especificacao": "999999999"},
        {"unidade_atual": "1 OR 1=1"},
        {"ordem": "senha"},
    ],
)
def test_entrada_ruim_vira_mensagem_e_nao_consulta(atendente, filtros):
    RegistroAtendimentoFactory()
    busca = selectors.registro_atendimento_busca(usuario=atendente, filtros=filtros)
    assert busca.form.errors
    assert list(busca.queryset) == []
    with pytest.raises(selectors.FiltrosInvalidos) as erro:
        selectors.registro_atendimento_list(usuario=atendente, filtros=filtros)
    assert "Corrija os filtros" in erro.value.mensagem


def test_mensagens_de_erro_em_portugues(atendente):
    busca = selectors.registro_atendimento_busca(
        usuario=atendente,
        filtros={"abertura_de": "31/02/2026", "matricula": "1234567-0", "cliente": "ab"},
    )
    erros = busca.form.errors
    assert erros["abertura_de"] == ["Data inválida: use o formato dd/mm/aaaa."]
    assert erros["matricula"] == ["Dígito verificador da matrícula não confere."]
    assert erros["cliente"] == ["Digite pelo menos 3 letras do nome."]


def test_anonimo_e_inativo_nao_leem(atendente):
    from django.contrib.auth.models import AnonymousUser

    RegistroAtendimentoFactory()
    assert buscar(AnonymousUser()) == []
    atendente.is_active = False
    assert buscar(atendente) == []


def test_qualquer_usuario_interno_le_ras_de_outras_unidades(usuario_sem_dados_pessoais):
    ra = RegistroAtendimentoFactory()
    assert ra.unidade_atual_id != usuario_sem_dados_pessoais.unidade_id
    assert ids(buscar(usuario_sem_dados_pessoais)) == {ra.pk}


def test_paginacao_sem_contar(atendente):
    for _ in range(7):
        RegistroAtendimentoFactory()
    qs = selectors.registro_atendimento_list(usuario=atendente, filtros={})
    primeira = selectors.paginar(qs, pagina=1, tamanho=25)
    assert len(primeira.itens) == 7
    assert not primeira.tem_proxima and not primeira.tem_anterior
    assert selectors.contar_ate(qs) == (7, True)
    assert selectors.contar_ate(qs, limite=5) == (5, False)
    # Bad page numbers fall back to the first page.
    assert selectors.paginar(qs, pagina="abc", tamanho="9999").numero == 1


def test_nome_do_cliente_por_palavras_em_qualquer_ordem(atendente, settings):
    ra = RegistroAtendimentoFactory(cliente=ClienteFactory(nome="Maria Aparecida Quirino da Silva"))
    RegistroAtendimentoFactory(cliente=ClienteFactory(nome="Maria Quirino"))
    assert ids(buscar(atendente, cliente="maria silva quirino")) == {ra.pk}
    assert ids(buscar(atendente, cliente="Silva, Maria")) == {ra.pk}
    # "da" is too short to search by; the other words still count.
    assert ids(buscar(atendente, cliente="aparecida da silva")) == {ra.pk}


def test_nome_muito_comum_usa_a_juncao(atendente, monkeypatch):
    from atendimento import filters

    monkeypatch.setattr(filters, "NOME_MAX_CLIENTES", 1)
    a = RegistroAtendimentoFactory(cliente=ClienteFactory(nome="Quitéria Souza"))
    b = RegistroAtendimentoFactory(cliente=ClienteFactory(nome="Quitéria Lima"))
    RegistroAtendimentoFactory()
    assert ids(buscar(atendente, cliente="quiteria")) == {a.pk, b.pk}
