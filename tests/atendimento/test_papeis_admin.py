import pytest

from atendimento.models import ParametrosAtendimento

pytestmark = pytest.mark.django_db


def test_papeis_tem_permissoes_do_atendimento(atendente, supervisor, administrador):
    assert atendente.has_perm("atendimento.add_registroatendimento")
    assert not atendente.has_perm("atendimento.view_especificacao")
    assert supervisor.has_perm("atendimento.view_especificacao")
    assert not supervisor.has_perm("atendimento.change_especificacao")
    assert administrador.has_perm("atendimento.change_especificacao")
    assert administrador.has_perm("atendimento.change_parametrosatendimento")


def test_admin_do_catalogo_e_parametros(client, administrador, atendente):
    client.force_login(administrador)
    for url in (
        "/admin/atendimento/especificacao/",
        "/admin/atendimento/especificacao/add/",
        "/admin/atendimento/tiposolicitacao/",
        "/admin/atendimento/motivoencerramento/",
    ):
        assert client.get(url).status_code == 200, url
    parametros = ParametrosAtendimento.atual()
    assert (
        client.get(f"/admin/atendimento/parametrosatendimento/{parametros.pk}/change/").status_code
        == 200
    )
    client.force_login(atendente)
    assert client.get("/admin/atendimento/especificacao/").status_code == 302
