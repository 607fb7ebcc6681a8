"""Point 20: mensageria's admin speaks pt-BR with accents, and modem health is readable."""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from mensageria.models import Modem

# Portuguese words that need an accent: their bare form in a label is a slip.
SEM_ACENTO = {
    "automatica": "automática",
    "ultimo": "último",
    "inicio": "início",
    "saude": "saúde",
    "codificacao": "codificação",
    "codigo": "código",
    "observacao": "observação",
    "usuario": "usuário",
    "proxima": "próxima",
    "historico": "histórico",
    "referencia": "referência",
    "parametros": "parâmetros",
    "situacao": "situação",
    "numero": "número",
}


def _rotulos():
    for modelo in apps.get_app_config("mensageria").get_models():
        yield f"{modelo.__name__} (verbose_name)", str(modelo._meta.verbose_name)
        yield f"{modelo.__name__} (plural)", str(modelo._meta.verbose_name_plural)
        for campo in modelo._meta.get_fields():
            if hasattr(campo, "verbose_name"):
                yield f"{modelo.__name__}.{campo.name}", str(campo.verbose_name)


def test_rotulos_da_mensageria_tem_acentos():
    erros = []
    for onde, rotulo in _rotulos():
        for palavra in re.findall(r"\w+", rotulo.lower()):
            if palavra in SEM_ACENTO:
                erros.append(f"{onde}: “{rotulo}” (use “{SEM_ACENTO[palavra]}”)")
    assert erros == []


def test_nenhum_rotulo_e_o_nome_do_campo():
    """A field without verbose_name shows its snake_case name ("ultimo inicio envio")."""
    derivados = [
        f"{modelo.__name__}.{campo.name}"
        for modelo in apps.get_app_config("mensageria").get_models()
        for campo in modelo._meta.concrete_fields
        if "_" in campo.name and "verbose_name" not in campo.deconstruct()[3]
    ]
    assert derivados == []


@pytest.mark.django_db
def test_saude_do_modem_legivel_no_admin(client, administrador):
    modem = Modem.objects.create(nome="principal", dispositivo="/dev/ttyUSB0")
    Modem.objects.filter(pk=modem.pk).update(
        saude={
            "sim": "READY",
            "registro": "registrado (rede local)",
            "registrado": True,
            "sinal": 21,
            "operadora": "EMU",
        }
    )
    client.force_login(administrador)
    conteudo = client.get(reverse("admin:mensageria_modem_change", args=[modem.pk])).content
    conteudo = conteudo.decode()
    assert "Pausa automática" in conteudo and "Último início de envio" in conteudo
    assert "Saúde" in conteudo
    assert "Sinal: 21/31" in conteudo and "Operadora: EMU" in conteudo
    assert "Rede: registrado (rede local)" in conteudo and "SIM: pronto" in conteudo
    assert "&quot;sinal&quot;" not in conteudo and '"sinal"' not in conteudo
