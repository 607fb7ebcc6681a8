"""Point 3: Inserir RA shows every error in one round, summarised at the top with links."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from atendimento.models import RegistroAtendimento
from core.exceptions import RegrasVioladas, RegraViolada

pytestmark = pytest.mark.django_db

INSERIR = reverse("atendimento:inserir")


@pytest.fixture
def dados(especificacao, meio, imovel):
    return {
        "especificacao": especificacao.pk,
        "meio": meio.pk,
        "descricao": "Vazamento forte",
        "tipo_solicitante": "livre",
        "solicitante_nome": "Maria",
        "solicitante_telefone": "(81) 99999-0000",
        "matricula": imovel.matricula_formatada,
        "prioridade": "2",
    }


def _amanha():
    return (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def _resumo(html):
    m = re.search(r'<div class="alert alert-danger"[^>]*data-resumo-erros>(.*?)</div>', html, re.S)
    assert m, "no error summary at the top of the form"
    return m.group(1)


def test_erros_do_formulario_e_das_regras_aparecem_juntos(client_atendente, dados):
    dados.update(descricao="", solicitante_cpf_cnpj="111.111.111-12", data_abertura=_amanha())
    resposta = client_atendente.post(INSERIR, dados)
    assert resposta.status_code == 200
    assert not RegistroAtendimento.objects.exists()
    resumo = _resumo(resposta.content.decode())
    # The form's own error and two rules of the service, in the same answer.
    assert 'href="#id_descricao"' in resumo and "obrigatório" in resumo
    assert 'href="#id_solicitante_cpf_cnpj"' in resumo and "CPF inválido" in resumo
    assert 'href="#id_data_abertura"' in resumo and "não pode estar no futuro" in resumo


def test_regras_do_servico_sao_todas_informadas_de_uma_vez(client_atendente, dados):
    dados.update(
        solicitante_cpf_cnpj="111.111.111-12",
        data_abertura=_amanha(),
        solicitante_email="sem-arroba",
        matricula="",
        local_ocorrencia="",
    )
    resumo = _resumo(client_atendente.post(INSERIR, dados).content.decode())
    for campo in ("solicitante_cpf_cnpj", "data_abertura", "local_ocorrencia"):
        assert f'href="#id_{campo}"' in resumo, campo


def test_erro_de_regra_com_outro_nome_vai_para_o_campo_da_tela(
    client_atendente, dados, especificacao
):
    especificacao.exige_imovel = True
    especificacao.save()
    dados.update(matricula="", local_ocorrencia="Esquina")
    resumo = _resumo(client_atendente.post(INSERIR, dados).content.decode())
    assert 'href="#id_matricula"' in resumo and "exige o imóvel" in resumo


def test_servico_levanta_todas_as_regras(abrir):
    with pytest.raises(RegrasVioladas) as erro:
        abrir(
            descricao="",
            data_abertura=timezone.now() + datetime.timedelta(days=1),
            solicitante_cpf_cnpj="11111111112",
        )
    assert {e.campo for e in erro.value.erros} == {
        "descricao",
        "data_abertura",
        "solicitante_cpf_cnpj",
    }
    assert isinstance(erro.value, RegraViolada)  # callers expecting one error still work
    assert not RegistroAtendimento.objects.exists()


def test_sucesso_nao_mostra_resumo(client_atendente, dados):
    resposta = client_atendente.post(INSERIR, dados)
    assert resposta.status_code == 302
    assert RegistroAtendimento.objects.count() == 1


def test_descricao_longa_demais_tem_o_limite_no_campo(client_atendente, dados):
    pagina = client_atendente.get(INSERIR).content.decode()
    assert re.search(r'<textarea[^>]*name="descricao"[^>]*maxlength="4000"', pagina)
    dados["descricao"] = "x" * 4001
    resumo = _resumo(client_atendente.post(INSERIR, dados).content.decode())
    assert "4000" in resumo and 'href="#id_descricao"' in resumo
