"""Point 18: the matrícula is accepted in the same forms on every screen."""

import pytest
from django.core.exceptions import ValidationError

from atendimento.filters import MatriculaField as FiltroMatricula
from atendimento.forms import RegistroAtendimentoForm, RegistroAtendimentoSimplificadoForm
from cadastro.selectors import busca_atendimento
from cadastro.validators import MATRICULA_EXEMPLO, digito_modulo11, matriculas_candidatas
from tests.factories import ImovelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alvo():
    # Real matrículas have 8 digits (the counter starts at 10,000,000).
    return ImovelFactory(matricula=10012345)


def _formas(numero):
    dv = digito_modulo11(numero)
    return [f"{numero}-{dv}", f"{numero}{dv}", str(numero), f" {numero}-{dv} "]


def test_o_exemplo_e_uma_matricula_real_de_oito_digitos_com_digito_certo():
    numero, digito = MATRICULA_EXEMPLO.split("-")
    assert len(numero) == 8
    assert digito_modulo11(int(numero)) == int(digito)


@pytest.mark.parametrize("indice", range(4))
def test_busca_filtro_e_formulario_aceitam_as_mesmas_formas(alvo, atendente, indice):
    texto = _formas(alvo.matricula)[indice]
    assert alvo.matricula in matriculas_candidatas(texto)
    assert busca_atendimento(texto, atendente).imoveis == [alvo]
    assert alvo.matricula in FiltroMatricula().clean(texto)
    for form_class in (RegistroAtendimentoForm, RegistroAtendimentoSimplificadoForm):
        form = form_class({"matricula": texto})
        form.is_valid()
        assert "matricula" not in form.errors, (form_class, texto, form.errors)
        assert form.cleaned_data["matricula"] == alvo


def test_digito_errado_e_recusado_em_todo_lugar(alvo, atendente):
    errado = f"{alvo.matricula}-{(digito_modulo11(alvo.matricula) + 1) % 10}"
    with pytest.raises(ValidationError, match="Dígito verificador"):
        matriculas_candidatas(errado)
    assert "Dígito verificador" in busca_atendimento(errado, atendente).mensagem
    form = RegistroAtendimentoForm({"matricula": errado})
    assert not form.is_valid()
    assert "Dígito verificador" in form.errors["matricula"][0]


def test_dica_do_formulario_mostra_exemplo_real():
    form = RegistroAtendimentoForm()
    assert MATRICULA_EXEMPLO in str(form.fields["matricula"].help_text)
    assert "1234567-8" not in str(form.fields["matricula"].help_text)


def test_matricula_ambigua_pede_o_traco():
    # 1000001-2 and 10000012 are both matrículas when typed as 10000012.
    curta = ImovelFactory(matricula=1000001)
    dv = digito_modulo11(curta.matricula)
    ImovelFactory(matricula=int(f"{curta.matricula}{dv}"))
    form = RegistroAtendimentoForm({"matricula": f"{curta.matricula}{dv}"})
    assert not form.is_valid()
    assert "traço" in form.errors["matricula"][0]
