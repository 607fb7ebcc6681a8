"""A field unit turns an RA into an OS, schedules it, closes it; the RA follows."""

import datetime

import pytest
from django.utils import timezone

from atendimento.models import RegistroAtendimento
from atendimento.services import registro_atendimento_abrir
from core.papeis import ATENDENTE
from mensageria.models import Mensagem
from ordens_servico.models import OrdemServico
from ordens_servico.services import ordem_servico_gerar
from tests.factories import ClienteFactory, ImovelFactory, TelefoneFactory, UsuarioFactory
from tests.ordens_servico.factories import (
    EquipeFactory,
    EspecificacaoFactory,
    MeioFactory,
    MotivoFactory,
    TipoServicoFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cenario(atendente, campo):
    tipo = TipoServicoFactory(descricao="Reparo de vazamento", encerra_ra=True)
    especificacao = EspecificacaoFactory(
        nome="Vazamento no cavalete",
        unidade_destino=campo,
        permite_os_opcional=True,
        envia_sms_encerramento=True,
    )
    cliente = ClienteFactory(nome="Maria das Dores")
    TelefoneFactory(cliente=cliente)
    ra = registro_atendimento_abrir(
        usuario=atendente,
        especificacao=especificacao,
        meio=MeioFactory(),
        descricao="Água jorrando no cavalete.",
        tipo_solicitante="cliente",
        cliente=cliente,
        imovel=ImovelFactory(logradouro="Rua do Hospício", numero="42"),
    )
    MotivoFactory(nome="Serviço executado", tipo="executado")
    return {
        "ra": ra,
        "tipo": tipo,
        "equipe": EquipeFactory(nome="Equipe Alfa", unidade=campo, carga_diaria=6),
        "tecnico": UsuarioFactory(username="tecnico-campo", unidade=campo, papeis=[ATENDENTE]),
    }


def test_unidade_gera_programa_e_encerra_a_os_e_o_ra_fecha_com_sms(entrar, cenario):
    ra = cenario["ra"]
    pagina = entrar(cenario["tecnico"])

    # The RA page offers "Gerar OS" because the especificação allows an optional OS.
    pagina.goto(f"/atendimento/ra/{ra.pk}/")
    pagina.get_by_role("link", name="Gerar OS").click()
    pagina.get_by_label("Tipo de serviço").select_option(label="Reparo de vazamento")
    pagina.get_by_role("button", name="Gerar OS").click()
    pagina.wait_for_url("**/ordens-servico/*/")
    os = OrdemServico.objects.get(ra=ra)
    assert f"OS nº {os.pk}" in pagina.get_by_role("heading", level=1).inner_text()

    # Schedule it for today's agenda of Equipe Alfa.
    pagina.get_by_role("link", name="Programar").click()
    pagina.get_by_label("Equipe").select_option(label="Equipe Alfa")
    pagina.get_by_label("Dia da execução").fill(timezone.localdate().isoformat())
    pagina.get_by_role("button", name="Salvar programação").click()
    pagina.wait_for_url(f"**/ordens-servico/{os.pk}/")
    assert "programada" in pagina.content()
    pagina.goto(f"/ordens-servico/equipes/{cenario['equipe'].pk}/agenda/")
    assert "Rua do Hospício, 42" in pagina.content()

    # Close it as executed: the service type closes the RA, and the citizen hears.
    pagina.get_by_role("link", name="Encerrar").first.click()
    pagina.get_by_label("Motivo").select_option(label="Serviço executado (executado)")
    pagina.get_by_label("Parecer (o que foi feito)").fill("Cavalete trocado.")
    pagina.get_by_role("button", name="Encerrar OS").click()
    pagina.wait_for_url(f"**/ordens-servico/{os.pk}/")
    assert f"O RA de protocolo {ra.protocolo} também foi encerrado" in pagina.content()
    assert "Encerrada — executada" in pagina.content()

    ra.refresh_from_db()
    os.refresh_from_db()
    assert os.situacao == OrdemServico.Situacao.ENCERRADA_EXECUTADA
    assert ra.situacao == RegistroAtendimento.Situacao.ENCERRADO
    assert ra.parecer_encerramento == "Cavalete trocado."
    assert Mensagem.objects.filter(registro_atendimento=ra, evento="ra_atendido").count() == 1


def test_arrastar_os_para_a_equipe_no_calendario(entrar, cenario, campo):
    tecnico = cenario["tecnico"]
    os = ordem_servico_gerar(ra=cenario["ra"], tipo_servico=cenario["tipo"], usuario=tecnico)
    hoje = timezone.localdate()
    amanha = hoje + datetime.timedelta(days=1)
    pagina = entrar(tecnico)
    pagina.goto(f"/ordens-servico/programacao/?unidade={campo.pk}&inicio={hoje.isoformat()}")
    cartao = pagina.locator(f'.os-cartao[data-os="{os.pk}"]')
    celula = pagina.locator(
        f'td.os-celula[data-equipe="{cenario["equipe"].pk}"][data-dia="{amanha.isoformat()}"]'
    )
    cartao.drag_to(celula)
    pagina.get_by_role("status").filter(has_text=f"OS nº {os.pk} programada").wait_for()
    assert celula.locator(f'.os-cartao[data-os="{os.pk}"]').count() == 1
    os.refresh_from_db()
    assert (os.situacao, os.equipe, os.data_programada, os.posicao) == (
        OrdemServico.Situacao.PROGRAMADA,
        cenario["equipe"],
        amanha,
        1,
    )
