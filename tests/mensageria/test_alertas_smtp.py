"""Both modems paused, end to end for the alert: the SMS side in-process (memory backend),
the supervisors' e-mails through the real e-mail worker to a real SMTP server on loopback."""

import pytest

from core.papeis import SUPERVISOR
from mensageria import services
from mensageria.backends import ErroEnvio, memoria
from mensageria.models import Alerta, Mensagem
from tests.factories import UsuarioFactory

from .factories import modem_criar
from .integracao import esperar

pytestmark = pytest.mark.django_db(transaction=True)


def test_os_dois_modems_pausados_supervisores_recebem_o_alerta_por_smtp(
    servidor_smtp, worker_email, unidade
):
    UsuarioFactory(email="ana@agua.example", unidade=unidade, papeis=[SUPERVISOR])
    UsuarioFactory(email="bia@agua.example", unidade=unidade, papeis=[SUPERVISOR])
    UsuarioFactory(email="", unidade=unidade, papeis=[SUPERVISOR])
    a = modem_criar(nome="alerta-a")
    modem_criar(nome="alerta-b")
    mensagens = [
        services.mensagem_sms_criar(destino="+5581999990001", texto=f"Protocolo {n}", modem=a)
        for n in range(3)
    ]
    sim = ErroEnvio("SIM ausente (+CME ERROR 10)", classe="modem", codigo=10)
    memoria.falhas.append(sim)
    services.mensagem_enviar(mensagem_id=mensagens[0].pk)
    services.mensagens_varrer()  # the three moved to b at the pause; the sweep keeps them
    memoria.falhas.append(sim)
    services.mensagem_enviar(mensagem_id=mensagens[0].pk)
    services.alertas_avaliar()  # the sweep a minute later: nothing new

    esperar(lambda: len(servidor_smtp.mensagens) == 4, mensagem="4 e-mails de alerta")
    # A long subject is folded on the wire: compare it unfolded.
    recebidas = sorted(servidor_smtp.mensagens, key=lambda r: (r.destinos, r.assunto.strip()))
    assert [(r.destinos, r.assunto.strip()) for r in recebidas] == [
        (
            ["ana@agua.example"],
            "[Saneamento] 2 alertas: Modem alerta-b pausado; Nenhum modem disponível",
        ),
        (["ana@agua.example"], "[Saneamento] Alerta: Modem alerta-a pausado"),
        (
            ["bia@agua.example"],
            "[Saneamento] 2 alertas: Modem alerta-b pausado; Nenhum modem disponível",
        ),
        (["bia@agua.example"], "[Saneamento] Alerta: Modem alerta-a pausado"),
    ]
    corpo = recebidas[0].corpo("plain")
    assert "Motivo: SIM ausente (+CME ERROR 10)" in corpo
    assert "3 SMS esperam; nenhum se perde" in corpo
    # Nothing lost: the three SMS wait, none failed or sent twice.
    assert (
        sorted(Mensagem.objects.filter(canal="sms").values_list("status", flat=True))
        == ["pendente"] * 3
    )
    assert memoria.enviadas == []
    assert Alerta.objects.filter(resolvido_em__isnull=True).count() == 3
    emails = Mensagem.objects.filter(canal="email", evento="alerta")
    assert emails.count() == 4 and set(emails.values_list("status", flat=True)) == {"enviada"}
