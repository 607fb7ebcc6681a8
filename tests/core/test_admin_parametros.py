"""Parameters models in admin: one row each, opened straight from the list."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PARAMETROS = [
    "atendimento_parametrosatendimento",
    "cidadao_parametroscidadao",
    "mensageria_parametros",
    "faturamento_parametrosfaturamento",
    "portal_parametrosportal",
]


@pytest.mark.parametrize("modelo", PARAMETROS)
def test_lista_abre_o_formulario_da_unica_linha_e_nada_se_adiciona_nem_apaga(
    client, administrador, modelo
):
    client.force_login(administrador)
    resposta = client.get(reverse(f"admin:{modelo}_changelist"))
    assert resposta.status_code == 302
    assert resposta["Location"] == reverse(f"admin:{modelo}_change", args=[1])
    assert client.get(resposta["Location"]).status_code == 200
    assert client.get(reverse(f"admin:{modelo}_add")).status_code == 403
    assert client.post(reverse(f"admin:{modelo}_delete", args=[1])).status_code == 403


def test_barra_lateral_nao_consulta_os_parametros(client, administrador):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(administrador)
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as consultas:
        assert client.get(reverse("admin:index")).status_code == 200
    tabelas = " ".join(q["sql"] for q in consultas.captured_queries)
    for modelo in PARAMETROS:
        assert f'"{modelo}"' not in tabelas, modelo
