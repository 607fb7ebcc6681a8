"""Two administrators saving the billing message at once: two successive versions."""

import threading

import pytest
from django.db import connection, transaction

from faturamento.models import MensagemFaturamento, ParametrosFaturamento
from faturamento.services.modelos import mensagem_faturamento_salvar
from mensageria.models import Parametros

pytestmark = pytest.mark.django_db(transaction=True)

DADOS = {
    "referencia_inicial": 202612,
    "dias_antes": 5,
    "max_tentativas_email": 3,
    "valor_minimo": 0,
    "categorias": ["residencial"],
    "texto_sms": "Conta {MATRICULA} vence {VENCIMENTO}.",
    "assunto_email": "",
    "texto_email": "",
}


def test_salvamentos_simultaneos_viram_versoes_sucessivas():
    Parametros.objects.update_or_create(pk=1, defaults={"transliterar": True})
    ParametrosFaturamento.atuais()
    mensagem_faturamento_salvar(DADOS, usuario=None)
    erros, esperando = [], threading.Event()

    def outro_administrador():
        try:
            esperando.set()
            mensagem_faturamento_salvar({**DADOS, "dias_antes": 2}, usuario=None)
        except Exception as exc:  # reported by the assertion below
            erros.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        # This save holds the lock while the other one starts and must wait for it.
        ParametrosFaturamento.objects.select_for_update().get(pk=1)
        outro = threading.Thread(target=outro_administrador)
        outro.start()
        esperando.wait(5)
        outro.join(0.5)
        assert outro.is_alive(), "the second save did not wait for the first"
        mensagem_faturamento_salvar({**DADOS, "dias_antes": 3}, usuario=None)
    outro.join(10)
    assert erros == []
    versoes = list(MensagemFaturamento.objects.order_by("id").values_list("dias_antes", "vigente"))
    assert versoes == [(5, False), (3, False), (2, True)]
