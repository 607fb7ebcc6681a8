import pytest
from django.urls import reverse

from atendimento.models import EventoRA
from tests.atendimento.factories import RegistroAtendimentoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ra(unidade):
    return RegistroAtendimentoFactory(unidade_atual=unidade, descricao="Falta d'água.")


def url(ra):
    return reverse("atendimento:alterar", args=[ra.pk])


def dados(ra, **extra):
    base = {
        "versao": ra.versao,
        "descricao": ra.descricao,
        "local_ocorrencia": "",
        "prioridade": ra.prioridade,
        "data_reservada": "",
        "melhor_horario": "",
        "status_complementar": "",
    }
    return {**base, **extra}


def test_formulario_vem_preenchido(client_atendente, ra):
    html = client_atendente.get(url(ra)).content.decode()
    assert "Falta d&#x27;água." in html
    assert f'name="versao" value="{ra.versao}"' in html


def test_salva_e_volta_para_o_ra(client_atendente, ra):
    resposta = client_atendente.post(url(ra), dados(ra, prioridade=4), follow=True)
    assert resposta.redirect_chain[-1][0] == reverse("atendimento:detalhe", args=[ra.pk])
    html = resposta.content.decode()
    assert "Dados do RA alterados." in html
    assert 'data-tipo="alteracao"' in html
    assert "prioridade: Normal → Urgente" in html
    ra.refresh_from_db()
    assert ra.prioridade == 4


def test_formulario_desatualizado_mostra_mensagem(client_atendente, ra):
    client_atendente.post(url(ra), dados(ra, prioridade=3))
    resposta = client_atendente.post(url(ra), dados(ra, prioridade=1))  # old versao
    assert resposta.status_code == 200
    assert "foi alterado por outra pessoa" in resposta.content.decode()
    ra.refresh_from_db()
    assert ra.prioridade == 3


@pytest.mark.parametrize(
    ("extra", "mensagem"),
    [
        ({"data_reservada": "31/02/2027"}, "Data inválida"),
        ({"data_reservada": "2020-01-01"}, "não pode estar no passado"),
        ({"prioridade": "99"}, "Faça uma escolha válida"),
        ({"descricao": ""}, "obrigatório"),
        ({"descricao": "<script>x</script>" * 500}, "no máximo 4000"),
        ({"versao": "abc"}, "O formulário veio incompleto"),
    ],
)
def test_entrada_ruim_vira_mensagem(client_atendente, ra, extra, mensagem):
    resposta = client_atendente.post(url(ra), dados(ra, **extra))
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert mensagem in html
    assert "<script>x</script>" not in html
    assert not EventoRA.objects.filter(ra=ra, tipo="alteracao").exists()


def test_usuario_sem_permissao_recebe_403(client, usuario_sem_dados_pessoais, ra):
    client.force_login(usuario_sem_dados_pessoais)
    assert client.get(url(ra)).status_code == 403
    assert client.post(url(ra), dados(ra, prioridade=4)).status_code == 403
