"""Filters of the OS screens, each with rows it must keep and rows it must leave out.

Every test here was checked by breaking its rule in the code (dropping the filter,
or the default) and seeing the test fail: a setup where every row matches cannot
tell a filter from no filter.
"""

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.papeis import ATENDENTE
from ordens_servico.models import OrdemServico
from tests.factories import UnidadeFactory, UsuarioFactory
from tests.ordens_servico.factories import (
    EquipeFactory,
    OrdemServicoFactory,
    TipoServicoFactory,
)

S = OrdemServico.Situacao


@pytest.fixture
def cliente_tecnico(client, tecnico):
    client.force_login(tecnico)
    return client


@pytest.fixture
def cliente_gerente(client, gerente):
    client.force_login(gerente)
    return client


def _local(dia, hora, minuto=0):
    return timezone.make_aware(datetime.combine(dia, time(hora, minuto)))


def _encerrada(unidade, tipo, situacao=S.ENCERRADA_EXECUTADA, *, quando=None, **campos):
    """An OS row closed ``quando`` (default: an hour ago), generated a day before."""
    quando = quando or timezone.now() - timedelta(hours=1)
    return OrdemServicoFactory(
        unidade_atual=unidade,
        tipo_servico=tipo,
        situacao=situacao,
        data_geracao=quando - timedelta(days=1),
        data_execucao=quando if situacao == S.ENCERRADA_EXECUTADA else None,
        data_encerramento=quando,
        **campos,
    )


def _pks(resposta):
    return {linha["os"].pk for linha in resposta.context["linhas"]}


def _url():
    return reverse("ordens_servico:lista")


# --- the list's defaults --------------------------------------------------------


@pytest.fixture
def situacoes(campo, outra_unidade, tipo, equipe):
    """One OS per situation in the técnico's unit, plus an open one elsewhere."""
    amanha = timezone.localdate() + timedelta(days=1)
    return {
        "pendente": OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo),
        "programada": OrdemServicoFactory(
            unidade_atual=campo,
            tipo_servico=tipo,
            situacao=S.PROGRAMADA,
            equipe=equipe,
            data_programada=amanha,
        ),
        "em_execucao": OrdemServicoFactory(
            unidade_atual=campo, tipo_servico=tipo, situacao=S.EM_EXECUCAO
        ),
        "executada": _encerrada(campo, tipo),
        "nao_executada": _encerrada(campo, tipo, S.ENCERRADA_NAO_EXECUTADA),
        "outra_unidade": OrdemServicoFactory(unidade_atual=outra_unidade, tipo_servico=tipo),
    }


def test_lista_sem_filtros_mostra_so_as_abertas_da_unidade_do_usuario(
    cliente_tecnico, situacoes, campo
):
    resposta = cliente_tecnico.get(_url())
    esperadas = {situacoes[s].pk for s in ("pendente", "programada", "em_execucao")}
    assert _pks(resposta) == esperadas
    # The defaults are shown in the form, so the user sees why the list is narrowed.
    form = resposta.context["form"]
    assert (form["situacao"].value(), form["unidade"].value()) == ("abertas", str(campo.pk))


def test_lista_padrao_de_usuario_sem_unidade_mostra_abertas_de_todas(client, situacoes):
    client.force_login(UsuarioFactory(unidade=None, papeis=[ATENDENTE]))
    esperadas = {situacoes[s].pk for s in ("pendente", "programada", "em_execucao")}
    assert _pks(client.get(_url())) == esperadas | {situacoes["outra_unidade"].pk}


def test_lista_com_filtros_escolhidos_nao_aplica_os_padroes(cliente_tecnico, situacoes):
    # "Todas" in both selects: every situation of every unit.
    resposta = cliente_tecnico.get(_url(), {"situacao": "", "unidade": ""})
    assert _pks(resposta) == {os.pk for os in situacoes.values()}


@pytest.mark.parametrize(
    ("situacao", "esperadas"),
    [
        ("abertas", {"pendente", "programada", "em_execucao"}),
        ("encerradas", {"executada", "nao_executada"}),
        ("pendente", {"pendente"}),
        ("programada", {"programada"}),
        ("em_execucao", {"em_execucao"}),
        ("executada", {"executada"}),
        ("nao_executada", {"nao_executada"}),
    ],
)
def test_lista_filtra_por_situacao(cliente_tecnico, situacoes, campo, situacao, esperadas):
    resposta = cliente_tecnico.get(_url(), {"situacao": situacao, "unidade": campo.pk})
    assert _pks(resposta) == {situacoes[s].pk for s in esperadas}


# --- the list's other filters ---------------------------------------------------


def test_lista_filtra_por_tipo_equipe_e_numero(cliente_tecnico, campo, tipo, equipe):
    outro_tipo = TipoServicoFactory(descricao="Vistoria")
    outra_equipe = EquipeFactory(nome="Equipe Beta", unidade=campo)
    amanha = timezone.localdate() + timedelta(days=1)
    alfa = OrdemServicoFactory(
        unidade_atual=campo,
        tipo_servico=tipo,
        situacao=S.PROGRAMADA,
        equipe=equipe,
        data_programada=amanha,
    )
    beta = OrdemServicoFactory(
        unidade_atual=campo,
        tipo_servico=tipo,
        situacao=S.PROGRAMADA,
        equipe=outra_equipe,
        data_programada=amanha,
    )
    vistoria = OrdemServicoFactory(unidade_atual=campo, tipo_servico=outro_tipo)
    base = {"situacao": "", "unidade": campo.pk}
    assert _pks(cliente_tecnico.get(_url(), {**base, "tipo_servico": tipo.pk})) == {
        alfa.pk,
        beta.pk,
    }
    assert _pks(cliente_tecnico.get(_url(), {**base, "tipo_servico": outro_tipo.pk})) == {
        vistoria.pk
    }
    assert _pks(cliente_tecnico.get(_url(), {**base, "equipe": equipe.pk})) == {alfa.pk}
    assert _pks(cliente_tecnico.get(_url(), {**base, "numero": beta.pk})) == {beta.pk}


def test_lista_filtra_pelo_periodo_de_geracao_com_dias_inteiros(cliente_tecnico, campo, tipo):
    hoje = timezone.localdate()
    de, ate = hoje - timedelta(days=5), hoje - timedelta(days=2)

    def gerada(quando):
        return OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo, data_geracao=quando)

    antes = gerada(_local(de - timedelta(days=1), 23, 59))
    primeira = gerada(_local(de, 0, 1))
    ultima = gerada(_local(ate, 23, 59))
    depois = gerada(_local(ate + timedelta(days=1), 0, 1))
    base = {"situacao": "", "unidade": campo.pk}
    periodo = {"gerada_de": de.isoformat(), "gerada_ate": ate.isoformat()}
    assert _pks(cliente_tecnico.get(_url(), {**base, **periodo})) == {primeira.pk, ultima.pk}
    assert _pks(cliente_tecnico.get(_url(), {**base, "gerada_de": de.isoformat()})) == {
        primeira.pk,
        ultima.pk,
        depois.pk,
    }
    assert _pks(cliente_tecnico.get(_url(), {**base, "gerada_ate": ate.isoformat()})) == {
        antes.pk,
        primeira.pk,
        ultima.pk,
    }


def test_lista_vencidas_so_abertas_fora_da_janela(cliente_tecnico, campo, tipo):
    velha = timezone.now() - timedelta(days=3)
    vencida = OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo, data_geracao=velha)
    OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo)  # inside its window
    # Closed after its window had passed: no longer "vencida".
    _encerrada(campo, tipo, quando=velha + timedelta(days=2))
    resposta = cliente_tecnico.get(_url(), {"vencidas": "on", "situacao": "", "unidade": campo.pk})
    assert _pks(resposta) == {vencida.pk}


def test_csv_da_lista_segue_os_padroes_e_os_filtros(cliente_tecnico, situacoes, campo):
    def numeros(params):
        resposta = cliente_tecnico.get(_url(), {**params, "formato": "csv"})
        texto = b"".join(resposta.streaming_content).decode("utf-8-sig")
        return {int(linha["OS"]) for linha in csv.DictReader(io.StringIO(texto), delimiter=";")}

    assert numeros({"situacao": "encerradas", "unidade": campo.pk}) == {
        situacoes["executada"].pk,
        situacoes["nao_executada"].pk,
    }


# --- boletim de OS concluídas -----------------------------------------------------


@pytest.fixture
def boletim(campo, outra_unidade, tipo, equipe):
    """Executed OS around a period: what the boletim must count and what it must not."""
    hoje = timezone.localdate()
    de, ate = hoje - timedelta(days=5), hoje - timedelta(days=2)
    beta = EquipeFactory(nome="Equipe Beta", unidade=campo)
    sul = EquipeFactory(nome="Equipe Sul", unidade=outra_unidade)
    vistoria = TipoServicoFactory(descricao="Vistoria", valor=10)
    dentro = _local(de, 0, 30)
    return {
        "de": de,
        "ate": ate,
        "equipe_beta": beta,
        "vistoria": vistoria,
        "alfa_primeiro_dia": _encerrada(campo, tipo, quando=dentro, equipe=equipe),
        "alfa_ultimo_dia": _encerrada(campo, tipo, quando=_local(ate, 23, 30), equipe=equipe),
        "alfa_vistoria": _encerrada(campo, vistoria, quando=dentro, equipe=equipe),
        "beta": _encerrada(campo, tipo, quando=dentro, equipe=beta),
        "sul": _encerrada(outra_unidade, tipo, quando=dentro, equipe=sul),
        # Left out whatever the filters: outside the period, or not executed.
        "antes": _encerrada(campo, tipo, quando=_local(de - timedelta(days=1), 23, 30)),
        "depois": _encerrada(campo, tipo, quando=_local(ate + timedelta(days=1), 0, 30)),
        "nao_executada": _encerrada(
            campo, tipo, S.ENCERRADA_NAO_EXECUTADA, quando=dentro, equipe=equipe
        ),
        "aberta": OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo, equipe=equipe),
    }


def _boletim(cliente, boletim, **filtros):
    """(OS numbers in the CSV, total on the screen) for the boletim's period and filters."""
    params = {"de": boletim["de"].isoformat(), "ate": boletim["ate"].isoformat(), **filtros}
    url = reverse("ordens_servico:boletim")
    resposta = cliente.get(url, {**params, "formato": "csv"})
    texto = b"".join(resposta.streaming_content).decode("utf-8-sig")
    numeros = {int(linha["OS"]) for linha in csv.DictReader(io.StringIO(texto), delimiter=";")}
    tela = cliente.get(url, params).context["resumo"]
    assert tela["totais"]["quantidade"] == len(numeros)
    return numeros


@pytest.mark.parametrize(
    ("filtro", "esperadas"),
    [
        ({}, {"alfa_primeiro_dia", "alfa_ultimo_dia", "alfa_vistoria", "beta", "sul"}),
        ({"equipe": "alfa"}, {"alfa_primeiro_dia", "alfa_ultimo_dia", "alfa_vistoria"}),
        ({"equipe": "beta"}, {"beta"}),
        ({"tipo_servico": "vistoria"}, {"alfa_vistoria"}),
        ({"unidade": "outra"}, {"sul"}),
        (
            {"unidade": "campo", "tipo_servico": "tipo"},
            {"alfa_primeiro_dia", "alfa_ultimo_dia", "beta"},
        ),
    ],
)
def test_boletim_filtra_periodo_equipe_tipo_e_unidade(
    cliente_gerente, boletim, equipe, tipo, campo, outra_unidade, filtro, esperadas
):
    valores = {
        "alfa": equipe.pk,
        "beta": boletim["equipe_beta"].pk,
        "vistoria": boletim["vistoria"].pk,
        "tipo": tipo.pk,
        "campo": campo.pk,
        "outra": outra_unidade.pk,
    }
    filtros = {campo_: valores[valor] for campo_, valor in filtro.items()}
    assert _boletim(cliente_gerente, boletim, **filtros) == {boletim[k].pk for k in esperadas}


def test_boletim_agrupa_por_equipe_e_tipo(cliente_gerente, boletim, equipe):
    resposta = cliente_gerente.get(
        reverse("ordens_servico:boletim"),
        {
            "de": boletim["de"].isoformat(),
            "ate": boletim["ate"].isoformat(),
            "equipe": equipe.pk,
        },
    )
    linhas = [
        (linha["equipe__nome"], linha["tipo_servico__descricao"], linha["quantidade"])
        for linha in resposta.context["resumo"]["linhas"]
    ]
    assert linhas == [
        ("Equipe Alfa", "Conserto de vazamento", 2),
        ("Equipe Alfa", "Vistoria", 1),
    ]


# --- programação: the team's day and the unit's week ---------------------------


def test_agenda_e_so_da_equipe_e_do_dia(cliente_tecnico, campo, tipo, equipe):
    amanha = timezone.localdate() + timedelta(days=1)
    beta = EquipeFactory(nome="Equipe Beta", unidade=campo)

    def programada(equipe_, dia, posicao):
        return OrdemServicoFactory(
            unidade_atual=campo,
            tipo_servico=tipo,
            situacao=S.PROGRAMADA,
            equipe=equipe_,
            data_programada=dia,
            posicao=posicao,
        )

    segunda = programada(equipe, amanha, 2)
    primeira = programada(equipe, amanha, 1)
    programada(equipe, amanha + timedelta(days=1), 1)
    programada(beta, amanha, 1)
    resposta = cliente_tecnico.get(
        reverse("ordens_servico:agenda", args=[equipe.pk]), {"dia": amanha.isoformat()}
    )
    assert list(resposta.context["ordens"]) == [primeira, segunda]


def test_semana_so_com_equipes_e_pendentes_da_unidade(
    cliente_tecnico, campo, outra_unidade, tipo, equipe
):
    filha = UnidadeFactory(sigla="OPN1", superior=campo)
    EquipeFactory(nome="Equipe Sul", unidade=outra_unidade)
    EquipeFactory(nome="Equipe Inativa", unidade=campo, ativa=False)
    pendente = OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo)
    OrdemServicoFactory(unidade_atual=outra_unidade, tipo_servico=tipo)
    OrdemServicoFactory(unidade_atual=filha, tipo_servico=tipo)
    OrdemServicoFactory(unidade_atual=campo, tipo_servico=tipo, situacao=S.EM_EXECUCAO)
    _encerrada(campo, tipo)
    resposta = cliente_tecnico.get(
        reverse("ordens_servico:semana"),
        {"unidade": campo.pk, "inicio": timezone.localdate().isoformat()},
    )
    assert resposta.context["pendentes"] == [pendente]
    assert [linha["equipe"] for linha in resposta.context["linhas"]] == [equipe]


# --- encerrar OS vencidas: the unit chosen on the screen ------------------------


def test_encerrar_vencidas_pela_tela_respeita_a_unidade_e_as_abaixo(
    cliente_gerente, gerencia, campo, outra_unidade, tipo
):
    quarenta_dias = timezone.now() - timedelta(days=40)

    def velha(unidade):
        return OrdemServicoFactory(
            unidade_atual=unidade, tipo_servico=tipo, data_geracao=quarenta_dias
        )

    na_gerencia, no_campo, fora = velha(gerencia), velha(campo), velha(outra_unidade)
    url = reverse("ordens_servico:encerrar_vencidas")
    dados = {"tipo_servico": tipo.pk, "dias": 30, "unidade": campo.pk, "acao": "encerrar"}
    cliente_gerente.post(url, dados)
    situacoes = {os.pk: os.situacao for os in OrdemServico.objects.all()}
    assert situacoes == {
        na_gerencia.pk: S.PENDENTE,
        no_campo.pk: S.ENCERRADA_NAO_EXECUTADA,
        fora.pk: S.PENDENTE,
    }
    # The gerência covers the units below it.
    outra_no_campo = velha(campo)
    cliente_gerente.post(url, {**dados, "unidade": gerencia.pk})
    for os in (na_gerencia, outra_no_campo):
        assert OrdemServico.objects.get(pk=os.pk).situacao == S.ENCERRADA_NAO_EXECUTADA
    assert OrdemServico.objects.get(pk=fora.pk).situacao == S.PENDENTE


def test_encerrar_vencidas_recusa_unidade_fora_da_do_supervisor(
    cliente_gerente, outra_unidade, tipo
):
    fora = OrdemServicoFactory(
        unidade_atual=outra_unidade,
        tipo_servico=tipo,
        data_geracao=timezone.now() - timedelta(days=40),
    )
    resposta = cliente_gerente.post(
        reverse("ordens_servico:encerrar_vencidas"),
        {"tipo_servico": tipo.pk, "dias": 30, "unidade": outra_unidade.pk, "acao": "encerrar"},
    )
    assert resposta.context["form"].errors["unidade"]
    fora.refresh_from_db()
    assert fora.situacao == S.PENDENTE


# --- the OS of one RA -------------------------------------------------------------


@pytest.fixture
def dois_ras(atendente, campo, tipo):
    """Two RAs whose especificação generates an OS each, plus an executed OS of the first."""
    from atendimento.services import registro_atendimento_abrir
    from tests.factories import ClienteFactory, ImovelFactory
    from tests.ordens_servico.factories import EspecificacaoFactory, MeioFactory

    especificacao = EspecificacaoFactory(unidade_destino=campo, tipo_servico=tipo)

    def abrir():
        return registro_atendimento_abrir(
            usuario=atendente,
            especificacao=especificacao,
            meio=MeioFactory(),
            descricao="Água jorrando no cavalete.",
            tipo_solicitante="cliente",
            cliente=ClienteFactory(),
            imovel=ImovelFactory(),
        )

    ra, outro = abrir(), abrir()
    executada = _encerrada(campo, tipo, ra=ra)
    return ra, outro, executada


def _os_de(ra):
    return OrdemServico.objects.get(ra=ra, situacao=S.PENDENTE)


def test_tramitar_o_ra_leva_so_as_suas_os_abertas(dois_ras, tecnico, campo, outra_unidade):
    from atendimento.services import registro_atendimento_tramitar

    ra, outro, executada = dois_ras
    aberta, do_outro = _os_de(ra), _os_de(outro)
    registro_atendimento_tramitar(
        ra=ra, unidade_destino=outra_unidade, usuario=tecnico, parecer="Área da OPS."
    )
    unidades = dict(OrdemServico.objects.values_list("pk", "unidade_atual"))
    assert unidades == {
        aberta.pk: outra_unidade.pk,
        do_outro.pk: campo.pk,
        executada.pk: campo.pk,
    }


def test_encerrar_o_ra_nao_executado_cancela_so_as_suas_os_abertas(
    dois_ras, tecnico, nao_executado
):
    from atendimento.services import registro_atendimento_encerrar

    ra, outro, executada = dois_ras
    aberta, do_outro = _os_de(ra), _os_de(outro)
    registro_atendimento_encerrar(
        ra=ra, motivo=nao_executado, parecer="Cliente desistiu.", usuario=tecnico
    )
    situacoes = dict(OrdemServico.objects.values_list("pk", "situacao"))
    assert situacoes == {
        aberta.pk: S.ENCERRADA_NAO_EXECUTADA,
        do_outro.pk: S.PENDENTE,
        executada.pk: S.ENCERRADA_EXECUTADA,
    }


def test_painel_de_os_do_ra_so_mostra_as_suas(dois_ras):
    from ordens_servico.selectors import ordens_servico_do_ra

    ra, _outro, executada = dois_ras
    assert set(ordens_servico_do_ra(ra=ra)) == {_os_de(ra), executada}
