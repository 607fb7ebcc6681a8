import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from atendimento.models import EventoRA, MensagemAtendimento, NumeroManual, RegistroAtendimento
from tests.atendimento.conftest import vencer
from tests.factories import ClienteFactory, ClienteImovelFactory

pytestmark = pytest.mark.django_db


def url(nome, ra=None):
    return reverse(f"atendimento:{nome}", args=[ra.pk] if ra else [])


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


def test_inserir_abre_ra_e_mostra_protocolo(client_atendente, dados, imovel):
    resposta = client_atendente.get(url("inserir") + f"?imovel={imovel.pk}")
    assert resposta.status_code == 200
    assert imovel.matricula_formatada in resposta.content.decode()
    resposta = client_atendente.post(url("inserir"), dados)
    ra = RegistroAtendimento.objects.get()
    assert resposta.status_code == 302
    assert resposta.url == url("confirmacao", ra)
    pagina = client_atendente.get(resposta.url).content.decode()
    assert f'class="protocolo-grande font-monospace mb-2" id="protocolo">{ra.protocolo}' in pagina
    comprovante = client_atendente.get(url("comprovante", ra)).content.decode()
    assert ra.protocolo in comprovante and "Comprovante de atendimento" in comprovante


def test_inserir_com_cliente_do_imovel(client_atendente, dados, imovel):
    vinculo = ClienteImovelFactory(imovel=imovel)
    pagina = client_atendente.get(url("inserir") + f"?imovel={imovel.pk}").content.decode()
    assert vinculo.cliente.nome in pagina
    dados.update(tipo_solicitante="cliente", cliente=vinculo.cliente.pk)
    client_atendente.post(url("inserir"), dados)
    assert RegistroAtendimento.objects.get().cliente == vinculo.cliente


def test_inserir_a_partir_do_cliente(client_atendente, imovel):
    cliente = ClienteFactory()
    ClienteImovelFactory(cliente=cliente, imovel=imovel)
    pagina = client_atendente.get(url("inserir") + f"?cliente={cliente.pk}").content.decode()
    assert imovel.matricula_formatada in pagina and cliente.nome in pagina


def test_inserir_duplicado_mostra_erro_e_avisos(client_atendente, dados, abrir):
    existente = abrir()
    resposta = client_atendente.post(url("inserir"), dados)
    assert resposta.status_code == 200
    pagina = resposta.content.decode()
    assert "Registre o novo contato do solicitante nesse RA" in pagina
    assert existente.protocolo in pagina  # in the warning list, with a link
    assert RegistroAtendimento.objects.count() == 1


def test_inserir_entrada_invalida_vira_erro_de_campo(client_atendente, dados):
    dados["matricula"] = "1234567-0"
    dados["solicitante_telefone"] = ""
    resposta = client_atendente.post(url("inserir"), dados)
    assert resposta.status_code == 200
    assert not RegistroAtendimento.objects.exists()
    dados["matricula"] = ""
    dados["local_ocorrencia"] = "Esquina"
    resposta = client_atendente.post(url("inserir"), dados)
    assert "nome e o telefone" in resposta.content.decode()
    dados["data_abertura"] = (timezone.localtime() + datetime.timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    dados["solicitante_telefone"] = "81999990000"
    resposta = client_atendente.post(url("inserir"), dados)
    assert "não pode estar no futuro" in resposta.content.decode()
    assert not RegistroAtendimento.objects.exists()


def test_inserir_com_anexo_exe_recusado(client_atendente, dados, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dados["anexos"] = [SimpleUploadedFile("nota.pdf", b"MZ" + b"\x00" * 100)]
    resposta = client_atendente.post(url("inserir"), dados)
    assert "renomeado" in resposta.content.decode()
    assert not RegistroAtendimento.objects.exists()


def test_especificacao_info(client_atendente, especificacao, abrir, imovel):
    pagina = client_atendente.get(
        url("especificacao_info") + f"?especificacao={especificacao.pk}"
    ).content.decode()
    assert "2 dias úteis" in pagina and "MAN" in pagina
    existente = abrir()
    pagina = client_atendente.get(
        url("especificacao_info")
        + f"?especificacao={especificacao.pk}&matricula={imovel.matricula_formatada}"
    ).content.decode()
    assert existente.protocolo in pagina and url("contato", existente) in pagina


def test_inserir_simplificado(client_atendente, dados):
    resposta = client_atendente.post(url("inserir_simplificado"), dados)
    ra = RegistroAtendimento.objects.get()
    assert resposta.url == url("confirmacao", ra)
    assert ra.solicitante_nome == "Maria"


def test_tramitar_e_encerrar_pela_tela(client, tecnico, abrir, motivos):
    from tests.factories import UnidadeFactory

    destino = UnidadeFactory(sigla="ESG")
    ra = abrir()
    client.force_login(tecnico)
    pagina = client.get(url("tramitar", ra)).content.decode()
    assert 'name="versao" value="1"' in pagina
    resposta = client.post(
        url("tramitar", ra), {"unidade_destino": destino.pk, "parecer": "Esgoto", "versao": 1}
    )
    assert resposta.status_code == 302
    ra.refresh_from_db()
    assert ra.unidade_atual == destino
    # A stale form (version 1) is refused with a clear message.
    resposta = client.post(
        url("tramitar", ra), {"unidade_destino": tecnico.unidade.pk, "parecer": "x", "versao": 1}
    )
    assert "alterado por outra pessoa" in resposta.content.decode()
    # The técnico's unit no longer has it: refused.
    resposta = client.post(
        url("encerrar", ra), {"motivo": motivos["executado"].pk, "parecer": "ok", "versao": 2}
    )
    assert "Você não pode alterar este RA" in resposta.content.decode()
    ra.refresh_from_db()
    assert ra.situacao == "pendente"


def test_encerrar_pela_tela(client, tecnico, abrir, motivos):
    ra = abrir()
    client.force_login(tecnico)
    resposta = client.post(
        url("encerrar", ra),
        {
            "motivo": motivos["duplicidade"].pk,
            "parecer": "dup",
            "versao": 1,
            "ra_referencia": ra.protocolo,
        },
    )
    assert "outro RA" in resposta.content.decode()
    resposta = client.post(
        url("encerrar", ra), {"motivo": motivos["executado"].pk, "parecer": "ok", "versao": 1}
    )
    assert resposta.status_code == 302
    ra.refresh_from_db()
    assert ra.situacao == "encerrado"


def test_assumir_mostra_mensagem(client, tecnico, abrir):
    ra = abrir()
    client.force_login(tecnico)
    resposta = client.post(url("assumir", ra), {"versao": 1}, follow=True)
    assert "Atendimento assumido com sucesso!" in resposta.content.decode()
    ra.refresh_from_db()
    assert ra.responsavel == tecnico


def test_reiterar_e_reativar_pela_tela(client_atendente, tecnico, abrir, motivos):
    ra = abrir()
    resposta = client_atendente.post(url("reiterar", ra), {"solicitante_nome": "Ana", "versao": 1})
    assert "ainda está no prazo" in resposta.content.decode()
    vencer(ra)
    resposta = client_atendente.post(
        url("reiterar", ra), {"solicitante_nome": "Ana", "versao": 1}, follow=True
    )
    assert "Protocolo da reiteração" in resposta.content.decode()
    ra.refresh_from_db()
    from atendimento.services import registro_atendimento_encerrar

    registro_atendimento_encerrar(ra=ra, motivo=motivos["executado"], parecer="x", usuario=tecnico)
    ra.refresh_from_db()
    resposta = client_atendente.post(url("reativar", ra), {"descricao": "", "versao": ra.versao})
    novo = RegistroAtendimento.objects.get(ra_origem=ra)
    assert resposta.url == url("confirmacao", novo)


def test_demais_acoes_pela_tela(client, tecnico, abrir, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ra = abrir(imovel=None, local_ocorrencia="Perto da praça")
    client.force_login(tecnico)
    assert (
        client.post(
            url("desbloquear", ra), {"local_ocorrencia": "Rua do Sol, 10", "versao": 1}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("mensagem", ra),
            {"visibilidade": "publica", "texto": "Equipe a caminho", "versao": 2},
        ).status_code
        == 302
    )
    nova = (timezone.localtime(ra.data_prevista_atual) + datetime.timedelta(days=2)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    assert (
        client.post(
            url("prorrogar", ra), {"nova_data": nova, "motivo": "Chuva", "versao": 3}
        ).status_code
        == 302
    )
    assert client.post(url("pausar", ra), {"motivo": "Aguardando", "versao": 4}).status_code == 302
    assert client.post(url("retomar", ra), {"versao": 5}).status_code == 302
    arquivo = SimpleUploadedFile("laudo.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(url("anexar", ra), {"arquivo": arquivo, "versao": 6}).status_code == 302
    ra.refresh_from_db()
    assert ra.versao == 7 and ra.situacao == "pendente"
    assert MensagemAtendimento.objects.filter(ra=ra).count() == 1
    tipos = set(EventoRA.objects.filter(ra=ra).values_list("tipo", flat=True))
    assert {"desbloqueio", "mensagem", "prorrogacao", "pausa", "retomada", "anexo"} <= tipos
    for nome in ("encaminhar", "mensagem", "prorrogar", "pausar", "anexar", "reativar"):
        assert client.get(url(nome, ra)).status_code == 200, nome


def test_numeracao_manual_pela_tela(client_atendente, atendente):
    resposta = client_atendente.post(url("numeracao_manual"), {"quantidade": 3})
    assert resposta.status_code == 200
    assert NumeroManual.objects.filter(unidade=atendente.unidade).count() == 3
    assert 'id="numeros-emitidos"' in resposta.content.decode()
    resposta = client_atendente.post(url("numeracao_manual"), {"quantidade": 91})
    assert NumeroManual.objects.count() == 3


def test_sem_permissao_nao_altera(client, abrir):
    from tests.factories import UsuarioFactory

    ra = abrir()
    sem_papel = UsuarioFactory()
    client.force_login(sem_papel)
    assert client.get(url("inserir")).status_code == 403
    assert client.post(url("assumir", ra), {"versao": 1}).status_code == 403


def test_form_sem_versao_e_recusado(client, tecnico, abrir):
    ra = abrir()
    client.force_login(tecnico)
    resposta = client.post(url("assumir", ra), {})
    assert resposta.status_code == 200
    assert "recarregue a página" in resposta.content.decode()
    ra.refresh_from_db()
    assert ra.responsavel is None and ra.versao == 1


@pytest.mark.parametrize("nova", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_prorrogar_para_data_absurda_recusa_e_ra_continua_legivel(client, tecnico, abrir, nova):
    """9999-12-31 23:59 in Recife is year 10000 in UTC: stored, the RA could not be read back."""
    ra = abrir()
    client.force_login(tecnico)
    resposta = client.post(url("prorrogar", ra), {"nova_data": nova, "motivo": "x", "versao": 1})
    assert resposta.status_code == 200
    assert "Data fora do intervalo aceito" in resposta.content.decode()
    ra.refresh_from_db()
    assert ra.versao == 1
    assert client.get(url("detalhe", ra)).status_code == 200


def test_inserir_oferece_como_destino_so_quem_recebe_o_ra(client_atendente, atendente):
    """A unit centralized from outside is reached through its centralizadora (as routing)."""
    from tests.factories import UnidadeFactory

    central = UnidadeFactory(sigla="CEN")
    filha = UnidadeFactory(sigla="FIL", centralizadora=central)
    livre = UnidadeFactory(sigla="LIV")
    campo = client_atendente.get(url("inserir")).context["form"].fields["unidade_destino"]
    oferecidas = set(campo.queryset)
    assert {central, livre} <= oferecidas
    assert filha not in oferecidas


def test_anexar_que_volta_com_erro_pede_o_arquivo_de_novo(
    client_atendente, abrir, settings, tmp_path
):
    """A browser never sends a file twice: the page says so instead of dropping it silently."""
    settings.MEDIA_ROOT = tmp_path
    ra = abrir()
    arquivo = SimpleUploadedFile("laudo.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    resposta = client_atendente.post(
        url("anexar", ra), {"versao": ra.versao + 5, "arquivo": arquivo}
    )
    assert resposta.status_code == 200
    assert "laudo.pdf" in resposta.content.decode()
    assert "escolha-o de novo" in resposta.content.decode()
    assert not ra.anexos.exists()
    resposta = client_atendente.get(url("anexar", ra))
    assert "escolha-o de novo" not in resposta.content.decode()
