import pytest

from atendimento.models import NumeroManual
from atendimento.services import numeracao_manual_emitir
from atendimento.services.numeracao import numero_manual_formatar
from cadastro.validators import digito_modulo11
from core.exceptions import PermissaoNegada, RegraViolada

pytestmark = pytest.mark.django_db


def test_emitir_ate_90_numeros(atendente):
    numeros = numeracao_manual_emitir(unidade=atendente.unidade, usuario=atendente, quantidade=90)
    assert len(numeros) == 90
    assert [n.numero for n in numeros] == list(range(1, 91))
    texto = numero_manual_formatar(numeros[0].numero)
    assert texto == f"000000001-{digito_modulo11(1)}"
    with pytest.raises(RegraViolada, match="1 a 90"):
        numeracao_manual_emitir(unidade=atendente.unidade, usuario=atendente, quantidade=91)
    with pytest.raises(RegraViolada, match="1 a 90"):
        numeracao_manual_emitir(unidade=atendente.unidade, usuario=atendente, quantidade=0)
    assert NumeroManual.objects.count() == 90


def test_emitir_para_unidade_que_nao_abre_ra_ou_alheia(atendente, executora, estranho):
    with pytest.raises(RegraViolada, match="não abre RAs"):
        numeracao_manual_emitir(unidade=executora, usuario=atendente, quantidade=5)
    with pytest.raises(PermissaoNegada):
        numeracao_manual_emitir(unidade=atendente.unidade, usuario=estranho, quantidade=5)
    assert not NumeroManual.objects.exists()


def test_ra_com_numero_manual(abrir, atendente):
    (emitido,) = numeracao_manual_emitir(unidade=atendente.unidade, usuario=atendente, quantidade=1)
    texto = numero_manual_formatar(emitido.numero)
    errado = texto[:-1] + str((int(texto[-1]) + 1) % 10)
    with pytest.raises(RegraViolada, match="dígito verificador"):
        abrir(numero_manual=errado)
    with pytest.raises(RegraViolada, match="9 dígitos"):
        abrir(numero_manual="12-3")
    nunca = numero_manual_formatar(555)
    with pytest.raises(RegraViolada, match="nunca foi emitido"):
        abrir(numero_manual=nunca)
    ra = abrir(numero_manual=texto)
    emitido.refresh_from_db()
    assert emitido.ra == ra and ra.numero_manual == str(emitido)
    with pytest.raises(RegraViolada, match="já foi usado"):
        abrir(numero_manual=texto, imovel=None, local_ocorrencia="Rua B")
