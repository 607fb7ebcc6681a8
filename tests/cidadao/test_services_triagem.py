"""The triage of citizens' reports: open an RA, link to an open RA, discard, block a
phone. Each action's success and refusals share one setup (``triagem``)."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from atendimento.models import EventoRA, MotivoEncerramento, RegistroAtendimento, Reiteracao
from atendimento.selectors.linha_do_tempo import linha_do_tempo
from atendimento.services import registro_atendimento_abrir, registro_atendimento_encerrar
from cidadao.models import ParametrosCidadao, Relato, TelefoneBloqueado
from cidadao.services.triagem import (
    relato_abrir_ra,
    relato_descartar,
    relato_vincular,
    telefone_bloquear,
)
from core.exceptions import PermissaoNegada, RegraViolada, TransicaoInvalida
from core.papeis import ATENDENTE
from mensageria.models import Mensagem
from tests.atendimento.factories import MeioFactory, MotivoFactory
from tests.cidadao.factories import PONTO, EspecificacaoPublicaFactory, RelatoFactory
from tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db
Situacao = Relato.Situacao
CELULAR = "+5581999990001"
# A 1×1 JPEG.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c14"
    "0d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d"
    "38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000"
    "000102030405060708090a0bffc400b5100002010303020403050504040000017d0102030004110512"
    "2131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a2526272829"
    "2a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a83"
    "8485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8"
    "c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00"
    "fbd3ffd9"
)


def _sms(evento, destino=CELULAR):
    return Mensagem.objects.filter(canal="sms", evento=evento, destino=destino)


@pytest.fixture
def triagem(atendente):
    especificacao = EspecificacaoPublicaFactory(nome="Vazamento na via pública")
    meio = MeioFactory(nome="Internet")
    relato = RelatoFactory(
        especificacao=especificacao,
        celular=CELULAR,
        nome="Maria da Silva",
        endereco="Rua do Bom Jesus, em frente ao 120",
        descricao="Água jorrando do asfalto <script>alert(1)</script>.",
    )
    existente = registro_atendimento_abrir(
        usuario=atendente,
        especificacao=especificacao,
        meio=meio,
        descricao="Vazamento na rua, já informado por telefone.",
        tipo_solicitante="livre",
        solicitante_nome="José Vizinho",
        solicitante_telefone="+5581988887777",
        latitude=PONTO[0],
        longitude=PONTO[1],
    )
    return {
        "especificacao": especificacao,
        "meio": meio,
        "relato": relato,
        "existente": existente,
        "outro": UsuarioFactory(
            username="colega",
            first_name="Ana",
            last_name="Colega",
            unidade=atendente.unidade,
            papeis=[ATENDENTE],
        ),
        "sem_papel": UsuarioFactory(unidade=atendente.unidade),
    }


# --- abrir RA -------------------------------------------------------------------------


def test_abrir_ra_do_relato(triagem, atendente):
    relato = triagem["relato"]
    relato.foto.save("foto.jpg", ContentFile(JPEG))
    ra = relato_abrir_ra(relato=relato, usuario=atendente)
    relato.refresh_from_db()
    assert (relato.situacao, relato.ra, relato.triado_por) == (Situacao.RA_ABERTO, ra, atendente)
    assert abs((timezone.now() - relato.triado_em).total_seconds()) < 60
    assert ra.especificacao == triagem["especificacao"] and ra.meio == triagem["meio"]
    assert ra.situacao == RegistroAtendimento.Situacao.PENDENTE
    assert (ra.tipo_solicitante, ra.solicitante_nome, ra.solicitante_telefone) == (
        "livre",
        "Maria da Silva",
        CELULAR,
    )
    assert ra.local_ocorrencia == "Rua do Bom Jesus, em frente ao 120"
    assert (ra.latitude, ra.longitude) == PONTO
    assert ra.descricao == relato.descricao
    assert ra.origem == RegistroAtendimento.Origem.PORTAL
    [anexo] = ra.anexos.all()
    assert anexo.tipo_mime == "image/jpeg" and anexo.arquivo.read() == JPEG
    # The protocol goes by the normal opening path to the citizen's mobile.
    [sms] = _sms("ra_aberto")
    assert sms.registro_atendimento == ra and ra.protocolo in sms.texto


def test_abrir_ra_com_texto_do_atendente_e_cidadao_sem_nome(triagem, atendente):
    relato = triagem["relato"]
    relato.nome = ""
    relato.save()
    ra = relato_abrir_ra(relato=relato, usuario=atendente, descricao="  Vazamento grande.  ")
    assert ra.descricao == "Vazamento grande."
    assert ra.solicitante_nome == "Cidadão (relato pela internet)"
    assert not ra.anexos.exists()


def test_abrir_ra_de_relato_sem_celular_em_nome_da_unidade(triagem, atendente):
    relato = RelatoFactory(especificacao=triagem["especificacao"], celular="", canal="open311")
    ra = relato_abrir_ra(relato=relato, usuario=atendente)
    assert (ra.tipo_solicitante, ra.solicitante_funcionario) == ("unidade", atendente)
    assert ra.origem == RegistroAtendimento.Origem.API
    assert not Mensagem.objects.filter(registro_atendimento=ra).exists()


def test_abrir_ra_usa_o_meio_dos_parametros(triagem, atendente):
    params = ParametrosCidadao.atual()
    params.meio = MeioFactory(nome="Aplicativo")
    params.save()
    ra = relato_abrir_ra(relato=triagem["relato"], usuario=atendente)
    assert ra.meio.nome == "Aplicativo"


def test_abrir_ra_sem_meio_configurado_e_recusado(triagem, atendente):
    triagem["meio"].ativo = False
    triagem["meio"].save()
    antes = RegistroAtendimento.objects.count()
    with pytest.raises(RegraViolada, match="parâmetros do canal do cidadão"):
        relato_abrir_ra(relato=triagem["relato"], usuario=atendente)
    assert RegistroAtendimento.objects.count() == antes
    assert Relato.objects.get(pk=triagem["relato"].pk).situacao == Situacao.NOVO


def test_abrir_ra_sem_permissao_e_recusado(triagem):
    with pytest.raises(PermissaoNegada):
        relato_abrir_ra(relato=triagem["relato"], usuario=triagem["sem_papel"])
    assert Relato.objects.get(pk=triagem["relato"].pk).situacao == Situacao.NOVO


def test_segundo_atendente_ve_quem_ja_triou(triagem, atendente):
    relato = triagem["relato"]
    relato_abrir_ra(relato=relato, usuario=atendente)
    antes = RegistroAtendimento.objects.count()
    for acao in (
        lambda: relato_abrir_ra(relato=relato, usuario=triagem["outro"]),
        lambda: relato_vincular(relato=relato, ra=triagem["existente"], usuario=triagem["outro"]),
        lambda: relato_descartar(relato=relato, usuario=triagem["outro"], motivo="Repetido."),
    ):
        with pytest.raises(TransicaoInvalida) as erro:
            acao()
        assert str(erro.value).startswith(
            f"Este relato já foi triado por {atendente.get_full_name()} em "
            f"{timezone.localtime(timezone.now()):%d/%m/%Y}"
        )
    assert RegistroAtendimento.objects.count() == antes
    assert Relato.objects.get(pk=relato.pk).triado_por == atendente


def test_relato_retido_so_pode_ser_descartado(triagem, atendente):
    relato = triagem["relato"]
    Relato.objects.filter(pk=relato.pk).update(situacao=Situacao.RETIDO)
    with pytest.raises(TransicaoInvalida, match="retido"):
        relato_abrir_ra(relato=relato, usuario=atendente)
    with pytest.raises(TransicaoInvalida, match="retido"):
        relato_vincular(relato=relato, ra=triagem["existente"], usuario=atendente)
    relato_descartar(relato=relato, usuario=atendente, motivo="Celular bloqueado.", avisar=True)
    relato.refresh_from_db()
    assert relato.situacao == Situacao.DESCARTADO
    assert not relato.cidadao_avisado and not _sms("relato_descartado").exists()


# --- vincular -------------------------------------------------------------------------


def test_vincular_a_ra_aberto(triagem, atendente):
    relato, ra = triagem["relato"], triagem["existente"]
    reiteracao = relato_vincular(relato=relato, ra=ra, usuario=atendente)
    relato.refresh_from_db()
    ra.refresh_from_db()
    assert (relato.situacao, relato.ra, relato.reiteracao) == (Situacao.VINCULADO, ra, reiteracao)
    assert (relato.triado_por, relato.triado_em is not None) == (atendente, True)
    assert reiteracao.tipo == Reiteracao.Tipo.RELATO and reiteracao.protocolo != ra.protocolo
    assert (reiteracao.solicitante_nome, reiteracao.solicitante_telefone) == (
        "Maria da Silva",
        CELULAR,
    )
    # One more requester, not a reiteração.
    assert (ra.quantidade_reiteracoes, ra.urgente) == (0, False)
    evento = EventoRA.objects.get(ra=ra, tipo=EventoRA.Tipo.RELATO)
    assert evento.descricao.startswith(
        f"Relato de cidadão vinculado (protocolo {reiteracao.protocolo}): Água jorrando"
    )
    # The citizen gets the EXISTING RA's protocol.
    [sms] = _sms("ra_existente")
    assert sms.registro_atendimento == ra and ra.protocolo in sms.texto
    assert not _sms("ra_aberto").exists()


def test_vinculado_recebe_o_aviso_de_atendido(triagem, atendente):
    relato, ra = triagem["relato"], triagem["existente"]
    relato_vincular(relato=relato, ra=ra, usuario=atendente)
    registro_atendimento_encerrar(
        ra=ra,
        motivo=MotivoFactory(nome="Executado", tipo=MotivoEncerramento.Tipo.EXECUTADO),
        parecer="Vazamento consertado.",
        usuario=atendente,
    )
    assert _sms("ra_atendido").filter(registro_atendimento=ra).count() == 1
    assert _sms("ra_atendido", "+5581988887777").count() == 1  # the original requester too


def test_linha_do_tempo_mostra_o_relato_vinculado(triagem, atendente):
    relato, ra = triagem["relato"], triagem["existente"]
    reiteracao = relato_vincular(relato=relato, ra=ra, usuario=atendente)
    [item] = [i for i in linha_do_tempo(ra, usuario=atendente) if i.tipo == "relato"]
    assert reiteracao.protocolo in item.titulo and item.titulo.startswith("Relato de cidadão")
    assert item.descricao == relato.descricao
    assert "Cidadão: Maria da Silva" in item.detalhes


def test_detalhe_do_ra_mostra_o_relato_escapado(triagem, atendente, client_atendente):
    relato, ra = triagem["relato"], triagem["existente"]
    relato_vincular(relato=relato, ra=ra, usuario=atendente)
    html = client_atendente.get(f"/atendimento/ra/{ra.pk}/").content.decode()
    assert "Relato de cidadão vinculado" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_vincular_a_ra_encerrado_e_recusado(triagem, atendente):
    relato, ra = triagem["relato"], triagem["existente"]
    registro_atendimento_encerrar(
        ra=ra,
        motivo=MotivoFactory(nome="Executado", tipo=MotivoEncerramento.Tipo.EXECUTADO),
        parecer="Feito.",
        usuario=atendente,
    )
    with pytest.raises(TransicaoInvalida, match="vincular um relato"):
        relato_vincular(relato=relato, ra=ra, usuario=atendente)
    relato.refresh_from_db()
    assert (relato.situacao, relato.ra) == (Situacao.NOVO, None)
    assert not Reiteracao.objects.filter(ra=ra).exists()


def test_vincular_sem_permissao_ou_sem_ra_e_recusado(triagem, atendente):
    relato, ra = triagem["relato"], triagem["existente"]
    with pytest.raises(PermissaoNegada):
        relato_vincular(relato=relato, ra=ra, usuario=triagem["sem_papel"])
    with pytest.raises(RegraViolada, match="Escolha o RA"):
        relato_vincular(relato=relato, ra=None, usuario=atendente)
    assert not Reiteracao.objects.filter(ra=ra).exists()


# --- descartar ------------------------------------------------------------------------


def test_descartar_sem_avisar(triagem, atendente):
    relato = relato_descartar(relato=triagem["relato"], usuario=atendente, motivo=" Trote. ")
    assert (relato.situacao, relato.motivo_descarte, relato.cidadao_avisado) == (
        Situacao.DESCARTADO,
        "Trote.",
        False,
    )
    assert relato.triado_por == atendente and relato.ra is None
    assert not _sms("relato_descartado").exists()


def test_descartar_avisando_o_cidadao(triagem, atendente):
    relato = relato_descartar(
        relato=triagem["relato"],
        usuario=atendente,
        motivo="o vazamento é dentro do imóvel, peça o conserto pela central",
        avisar=True,
    )
    assert relato.cidadao_avisado
    [sms] = _sms("relato_descartado")
    assert sms.status == Mensagem.Status.PENDENTE
    assert sms.texto.startswith("Seu relato de Vazamento na via pública foi analisado")
    # The reason is cut to fit one message, the rest of the text kept.
    assert "o vazamento é dentro do imóvel" in sms.texto and "..." in sms.texto
    assert sms.texto.endswith("ligue para a central.")
    assert (sms.origem_tipo, sms.origem_id) == ("relato", relato.pk)


def test_descartar_avisa_com_o_texto_dos_parametros(triagem, atendente):
    params = ParametrosCidadao.atual()
    params.texto_descarte = "Relato ({servico}) sem atendimento: {motivo}"
    params.save()
    relato_descartar(relato=triagem["relato"], usuario=atendente, motivo="Trote.", avisar=True)
    [sms] = _sms("relato_descartado")
    assert sms.texto == "Relato (Vazamento na via pública) sem atendimento: Trote."


def test_descartar_com_avisar_sem_celular_nao_envia(triagem, atendente):
    relato = RelatoFactory(especificacao=triagem["especificacao"], celular="")
    relato = relato_descartar(relato=relato, usuario=atendente, motivo="Trote.", avisar=True)
    assert relato.situacao == Situacao.DESCARTADO and not relato.cidadao_avisado
    assert not Mensagem.objects.filter(evento="relato_descartado").exists()


@pytest.mark.parametrize("motivo", ["", "   ", "x" * 301])
def test_descartar_exige_motivo_curto(triagem, atendente, motivo):
    with pytest.raises(RegraViolada) as erro:
        relato_descartar(relato=triagem["relato"], usuario=atendente, motivo=motivo)
    assert erro.value.campo == "motivo"
    assert Relato.objects.get(pk=triagem["relato"].pk).situacao == Situacao.NOVO


def test_descartar_sem_permissao_e_recusado(triagem):
    with pytest.raises(PermissaoNegada):
        relato_descartar(relato=triagem["relato"], usuario=triagem["sem_papel"], motivo="Trote.")
    assert Relato.objects.get(pk=triagem["relato"].pk).situacao == Situacao.NOVO


# --- bloquear telefone --------------------------------------------------------------


def test_bloquear_telefone_retem_os_relatos_na_fila(triagem, atendente):
    relato = triagem["relato"]
    outro_celular = RelatoFactory(especificacao=triagem["especificacao"], celular="+5581977776666")
    ja_triado = RelatoFactory(especificacao=triagem["especificacao"], celular=CELULAR)
    relato_descartar(relato=ja_triado, usuario=atendente, motivo="Repetido.")
    bloqueado = telefone_bloquear(numero="(81) 99999-0001", motivo="Trotes.", usuario=atendente)
    assert (bloqueado.numero, bloqueado.motivo, bloqueado.bloqueado_por) == (
        CELULAR,
        "Trotes.",
        atendente,
    )
    assert Relato.objects.get(pk=relato.pk).situacao == Situacao.RETIDO
    assert Relato.objects.get(pk=outro_celular.pk).situacao == Situacao.NOVO
    assert Relato.objects.get(pk=ja_triado.pk).situacao == Situacao.DESCARTADO
    # Idempotent: the same number again keeps one row (and its first reason).
    de_novo = telefone_bloquear(numero=CELULAR, motivo="Outro motivo.", usuario=atendente)
    assert de_novo.pk == bloqueado.pk and TelefoneBloqueado.objects.count() == 1
    assert de_novo.motivo == "Trotes."


@pytest.mark.parametrize(
    ("numero", "motivo", "campo"),
    [
        ("(81) 3333-4444", "Trotes.", "numero"),
        ("abc", "Trotes.", "numero"),
        (CELULAR, "", "motivo"),
    ],
)
def test_bloquear_telefone_recusa_numero_invalido_ou_sem_motivo(
    triagem, atendente, numero, motivo, campo
):
    with pytest.raises(RegraViolada) as erro:
        telefone_bloquear(numero=numero, motivo=motivo, usuario=atendente)
    assert erro.value.campo == campo
    assert not TelefoneBloqueado.objects.exists()
    assert Relato.objects.get(pk=triagem["relato"].pk).situacao == Situacao.NOVO


def test_bloquear_telefone_sem_permissao_e_recusado(triagem):
    with pytest.raises(PermissaoNegada):
        telefone_bloquear(numero=CELULAR, motivo="Trotes.", usuario=triagem["sem_papel"])
    assert not TelefoneBloqueado.objects.exists()


def test_acoes_exigem_argumentos_nomeados(triagem, atendente):
    with pytest.raises(TypeError):
        relato_abrir_ra(triagem["relato"], atendente)  # type: ignore[misc]
