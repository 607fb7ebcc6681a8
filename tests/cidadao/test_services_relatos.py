"""relato_registrar: every refusal at once, nothing stored half-way, a blocked phone
kept out of the queue without a hint."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from cidadao.models import ParametrosCidadao, Relato, TelefoneBloqueado
from cidadao.services.relatos import relato_local_validar, relato_registrar
from core.exceptions import RegrasVioladas, RegraViolada
from tests.cidadao.factories import PONTO, EspecificacaoPublicaFactory, RelatoFactory
from tests.cidadao.imagens import GPS_RECIFE, foto

pytestmark = pytest.mark.django_db

LAT, LON = PONTO


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def vazamento():
    return EspecificacaoPublicaFactory(nome="Vazamento de água na rua")


@pytest.fixture
def registrar(vazamento):
    def _registrar(**kwargs):
        dados = {
            "canal": Relato.Canal.WEB,
            "especificacao": vazamento,
            "latitude": str(LAT),
            "longitude": str(LON),
            "descricao": "Água jorrando do asfalto.",
            "celular": "(81) 99999-0001",
            "ip": "203.0.113.7",
        }
        return relato_registrar(**{**dados, **kwargs})

    return _registrar


def campos(erro) -> set:
    return {e.campo for e in getattr(erro, "erros", [erro])}


def test_relato_registrado_na_fila(registrar, vazamento):
    relato = registrar(endereco="  Rua do Bom Jesus, 120  ", nome="Maria", email="m@exemplo.org")
    relato.refresh_from_db()
    assert relato.situacao == Relato.Situacao.NOVO
    assert relato.na_fila
    assert relato.canal == "web"
    assert relato.especificacao == vazamento
    assert (relato.latitude, relato.longitude) == (LAT, LON)
    assert relato.endereco == "Rua do Bom Jesus, 120"
    assert relato.celular == "+5581999990001"
    assert relato.ip == "203.0.113.7"
    assert len(relato.token) >= 16
    assert not relato.foto


def test_tokens_diferentes(registrar):
    assert registrar().token != registrar(celular="").token


def test_so_endereco_basta(registrar):
    relato = registrar(latitude="", longitude="", endereco="Em frente à padaria da praça")
    assert relato.latitude is None and relato.endereco == "Em frente à padaria da praça"


def test_virgula_decimal_aceita_e_seis_casas(registrar):
    relato = registrar(latitude="-8,0630004", longitude=" -34,8710001 ")
    assert (relato.latitude, relato.longitude) == (Decimal("-8.063000"), Decimal("-34.871000"))


def test_sem_local_recusado(registrar):
    with pytest.raises(RegraViolada, match="Informe o local do problema") as erro:
        registrar(latitude=None, longitude=None, endereco="   ")
    assert campos(erro.value) == {"endereco"}
    assert not Relato.objects.exists()


@pytest.mark.parametrize(
    ("latitude", "longitude", "campo", "texto"),
    [
        ("-91", "-34.87", "latitude", "entre -90 e 90"),
        ("90.5", "-34.87", "latitude", "entre -90 e 90"),
        ("-8.06", "181", "longitude", "entre -180 e 180"),
        ("-8.06", "-180.01", "longitude", "entre -180 e 180"),
        ("NaN", "-34.87", "latitude", "entre -90 e 90"),
        ("-8.06", "Infinity", "longitude", "entre -180 e 180"),
        ("abc", "-34.87", "latitude", "não é um número"),
        ("-8.06", "", "latitude", "juntas"),
    ],
)
def test_coordenada_invalida_recusada(registrar, latitude, longitude, campo, texto):
    with pytest.raises(RegraViolada, match=texto) as erro:
        registrar(latitude=latitude, longitude=longitude, endereco="Rua X")
    assert campo in campos(erro.value)
    assert not Relato.objects.exists()


def test_fora_da_area_recusado_e_dentro_aceito(registrar):
    # São Paulo: a real point, far from the default area (Recife).
    with pytest.raises(RegraViolada, match="fora da área atendida") as erro:
        registrar(latitude="-23.550520", longitude="-46.633308")
    assert campos(erro.value) == {"latitude"}
    params = ParametrosCidadao.atual()
    # The edges of the area belong to it.
    assert registrar(latitude=params.area_latitude_min, longitude=params.area_longitude_max)
    assert Relato.objects.count() == 1


def test_area_configurada_vale(registrar):
    ParametrosCidadao.objects.filter(pk=ParametrosCidadao.atual().pk).update(
        area_latitude_min=Decimal("-23.7"),
        area_latitude_max=Decimal("-23.4"),
        area_longitude_min=Decimal("-46.8"),
        area_longitude_max=Decimal("-46.4"),
    )
    assert registrar(latitude="-23.550520", longitude="-46.633308")
    with pytest.raises(RegraViolada, match="fora da área"):
        registrar()


def test_local_validar_sozinho():
    params = ParametrosCidadao.atual()
    assert relato_local_validar(
        latitude="-8.063", longitude="-34.871", endereco="", params=params
    ) == (Decimal("-8.063000"), Decimal("-34.871000"), "")
    with pytest.raises(RegraViolada):
        relato_local_validar(latitude="", longitude="", endereco="", params=params)


@pytest.mark.parametrize(
    "especificacao",
    ["nenhuma", "nao_publica", "inativa", "tipo_inativo"],
)
def test_so_especificacao_publica_e_ativa(registrar, especificacao):
    if especificacao == "nenhuma":
        valor = None
    elif especificacao == "nao_publica":
        valor = EspecificacaoPublicaFactory(publica=False)
    elif especificacao == "inativa":
        valor = EspecificacaoPublicaFactory(ativa=False)
    else:
        valor = EspecificacaoPublicaFactory()
        valor.tipo.ativo = False
        valor.tipo.save()
    with pytest.raises(RegraViolada, match="Escolha o tipo de problema") as erro:
        registrar(especificacao=valor)
    assert campos(erro.value) == {"especificacao"}
    assert not Relato.objects.exists()


def test_todos_os_erros_de_uma_vez(registrar):
    with pytest.raises(RegrasVioladas) as erro:
        registrar(
            especificacao=None,
            latitude="100",
            descricao="x" * 2001,
            celular="12345",
            email="não é e-mail",
            foto=SimpleUploadedFile("foto.jpg", b"texto"),
        )
    assert campos(erro.value) == {
        "especificacao",
        "latitude",
        "descricao",
        "celular",
        "email",
        "foto",
    }
    assert not Relato.objects.exists()


def test_textos_longos_recusados(registrar):
    with pytest.raises(RegraViolada, match="2001 caracteres; o máximo é 2000"):
        registrar(descricao="x" * 2001)
    with pytest.raises(RegraViolada, match="o máximo é 300"):
        registrar(endereco="x" * 301)
    with pytest.raises(RegraViolada, match="o máximo é 150"):
        registrar(nome="x" * 151)
    assert registrar(descricao="x" * 2000)


def test_caracteres_de_controle_retirados_e_html_guardado_como_texto(registrar):
    relato = registrar(
        descricao="<script>alert(1)</script>\x00 linha 1\r\nlinha 2\x07",
        endereco="Rua\x00 A",
        nome="Ana\x00",
    )
    relato.refresh_from_db()
    assert relato.descricao == "<script>alert(1)</script> linha 1\nlinha 2"
    assert relato.endereco == "Rua A"
    assert relato.nome == "Ana"


def test_email_longo_demais_recusado_sem_erro_do_banco(registrar):
    # EmailValidator accepts up to 320 characters; the column holds 254.
    longo = "a" * 250 + "@exemplo.org"
    with pytest.raises(RegraViolada, match="e-mail") as erro:
        registrar(email=longo)
    assert campos(erro.value) == {"email"}
    assert not Relato.objects.exists()


def test_ip_que_nao_e_endereco_nao_e_guardado(registrar):
    # A proxy that adds the port or "unknown" must not turn a report into an error.
    assert registrar(ip="203.0.113.7:51234").ip is None
    assert registrar(ip="unknown", celular="").ip is None
    assert registrar(ip="2001:db8::1", celular="").ip == "2001:db8::1"


@pytest.mark.parametrize(
    ("celular", "texto"),
    [
        ("(81) 3222-1234", "fixo"),
        ("abc", "não é um número"),
        ("+1 202 555 0100", "não é um número brasileiro"),
        ("(20) 99999-0001", "DDD 20 não existe"),
    ],
)
def test_celular_invalido_recusado(registrar, celular, texto):
    with pytest.raises(RegraViolada, match=texto) as erro:
        registrar(celular=celular)
    assert campos(erro.value) == {"celular"}
    assert not Relato.objects.exists()


def test_sem_celular_aceito(registrar):
    assert registrar(celular="  ").celular == ""


def test_limite_por_celular_por_dia(registrar):
    params = ParametrosCidadao.atual()
    params.relatos_por_celular_dia = 2
    params.save()
    # Older than a day and from another phone: not counted.
    RelatoFactory(criado_em=timezone.now() - datetime.timedelta(hours=25))
    RelatoFactory(celular="+5581988880000")
    registrar()
    registrar()
    with pytest.raises(RegraViolada, match="já enviou 2 relatos") as erro:
        registrar()
    assert campos(erro.value) == {"celular"}
    assert Relato.objects.filter(celular="+5581999990001").count() == 3  # 2 + the old one
    assert registrar(celular="")  # the limit is per phone


def test_celular_bloqueado_retido_fora_da_fila(registrar):
    TelefoneBloqueado.objects.create(numero="+5581999990001", motivo="trote")
    relato = registrar(celular="81 99999 0001")
    assert relato.situacao == Relato.Situacao.RETIDO
    assert not relato.na_fila
    assert registrar(celular="(81) 98888-0000").situacao == Relato.Situacao.NOVO


def test_foto_guardada_limpa_com_a_posicao_do_exif(registrar):
    relato = registrar(foto=SimpleUploadedFile("IMG_0001.jpg", foto(gps=GPS_RECIFE)))
    relato.refresh_from_db()
    assert (relato.foto_latitude, relato.foto_longitude) == (LAT, LON)
    # A random file name: the path does not tell the report's token.
    assert relato.foto.name.endswith(".jpg")
    assert relato.token not in relato.foto.name
    with relato.foto.open("rb") as arquivo:
        conteudo = arquivo.read()
    imagem = Image.open(io.BytesIO(conteudo))
    assert imagem.format == "JPEG"
    assert not imagem.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" not in conteudo


def test_foto_recusada_nao_grava_nada(registrar, tmp_path):
    with pytest.raises(RegraViolada, match="não é uma foto"):
        registrar(foto=SimpleUploadedFile("foto.jpg", b"Isto e texto.\n" * 100))
    assert not Relato.objects.exists()
    assert not list(tmp_path.rglob("*.jpg"))


def test_foto_acima_do_limite_dos_parametros(registrar):
    params = ParametrosCidadao.atual()
    params.foto_tamanho_max_kb = 1
    params.save()
    grande = SimpleUploadedFile("foto.jpg", foto(600, 600, cor="blue") + b"\x00" * 2048)
    with pytest.raises(RegraViolada, match="o limite é 1 KB"):
        registrar(foto=grande)
    assert not Relato.objects.exists()
