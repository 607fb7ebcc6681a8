"""Demo data of the customer portal (``load_demo``, after atendimento's demo): a client
with two imóveis and a confirmed portal account (``cliente@demo.local`` /
``demo-cliente``), and its contacts in every state, opened and answered through the
services as the portal and the operators would: one just opened, one the customer
complemented (waiting on the company: interação interna), one the company answered
(waiting on the customer: externa), and two closed — with messages, internal notes
and files from both sides.

Idempotent: the client is found by CPF, the imóveis by inscrição, the account by
e-mail, and the contacts are opened only while the client has none. Their past
conversation sends no SMS or e-mail (the client consents only afterwards).
"""

import datetime
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from atendimento import services as ra_services
from atendimento.demo import CATALOGO
from atendimento.models import Especificacao, MotivoEncerramento, RegistroAtendimento
from cadastro import services as cadastro_services
from cadastro.models import Cliente, ClienteImovel, Imovel, Telefone, Usuario
from cadastro.validators import formatar_cpf_cnpj
from portal.models import ContaExterna
from portal.services.contatos import contato_complementar
from portal.sistema import meio_do_portal, usuario_do_portal

EMAIL = "cliente@demo.local"
SENHA = "demo-cliente"
NOME = "Clara Cliente"
CPF = "39053344705"
CELULAR = "997000001"
# inscrição (localidade, setor, quadra, lote): a sector of its own, beside the registry's
IMOVEIS = {
    (1, 20, 1, 1): ("Graças", "Rua do Futuro", "120", "Casa", "52050-005"),
    (1, 20, 1, 2): ("Boa Viagem", "Rua Ribeiro de Brito", "830", "Apto 402", "51021-310"),
}
TEXTO_SMS_COM_LINK = (
    "{empresa}: nova mensagem sobre o protocolo {protocolo}: {mensagem} Veja: {link}"
)
TEXTO_EMAIL_COM_LINK = "{mensagem}\n\nAcompanhe e responda: {link}"
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def especificacoes_do_portal() -> list[str]:
    """The demo catalogue's especificações open to the portal (``"portal": True``)."""
    return [
        nome
        for tipos in CATALOGO.values()
        for itens in tipos.values()
        for nome, opcoes in itens
        if opcoes.get("portal")
    ]


def carregar(stdout) -> None:
    admin = Usuario.objects.filter(username="admin").first()
    atendente = Usuario.objects.filter(username="atendente").first()
    if admin is None or atendente is None:
        stdout.write("portal: sem os usuários do cadastro de demonstração; nada carregado.")
        return
    with transaction.atomic():
        _abrir_especificacoes()
        _textos_com_link()
        cliente = _cliente(admin)
        imoveis = _imoveis(admin, cliente)
        conta = _conta(cliente)
        novos = _contatos(conta, imoveis, atendente)
        if novos:
            _consentir(cliente, admin)
    stdout.write(
        f"portal: conta {EMAIL} ({cliente.nome}, {len(imoveis)} imóveis), "
        f"{RegistroAtendimento.objects.filter(cliente=cliente).count()} contatos "
        f"({novos} novos)."
    )
    stdout.write(f"  {EMAIL:<22} {SENHA:<18} cliente no portal (/portal/)")
    if exemplo := exemplo_de_cadastro():
        cpf, matricula = exemplo
        stdout.write(f"  Para testar o cadastro no portal: CPF {cpf}, matrícula {matricula}")


def exemplo_de_cadastro() -> tuple[str, str] | None:
    """(CPF, matrícula) of a registry demo client with no portal account yet, for trying
    the self-registration."""
    vinculo = (
        ClienteImovel.objects.filter(
            relacao=ClienteImovel.Relacao.USUARIO,
            data_fim__isnull=True,
            cliente__cpf_cnpj__regex=r"^\d{11}$",
            cliente__contas_externas__isnull=True,
        )
        .exclude(cliente__cpf_cnpj=CPF)
        .select_related("cliente", "imovel")
        .order_by("cliente_id", "imovel_id")
        .first()
    )
    if vinculo is None:
        return None
    return formatar_cpf_cnpj(vinculo.cliente.cpf_cnpj), vinculo.imovel.matricula_formatada


def _abrir_especificacoes() -> None:
    """Open the demo's especificações to the portal on a database loaded before the
    portal existed (atendimento's demo opens them when it creates them); left alone
    once any is open, so an administrator's choice stands."""
    if Especificacao.objects.filter(portal=True).exists():
        return
    Especificacao.objects.filter(nome__in=especificacoes_do_portal()).update(portal=True)


def _textos_com_link() -> None:
    """With URL_PUBLICA set (``make run`` sets it), an operator's answer carries the link
    (a portal contact's page; another RA's status page) — only in a template nobody
    edited, and in the SMS only if it fits."""
    from mensageria.models import MODELOS_PADRAO, ModeloMensagem, validar_modelo_sms

    if not settings.URL_PUBLICA:
        return
    modelo = ModeloMensagem.objects.filter(evento="ra_mensagem").first()
    if modelo is None:  # the built-in default is in use: the same as a row left untouched
        modelo = ModeloMensagem(evento="ra_mensagem", texto=MODELOS_PADRAO["ra_mensagem"])
    if modelo.texto != MODELOS_PADRAO["ra_mensagem"] or modelo.texto_email:
        return
    modelo.texto_email = TEXTO_EMAIL_COM_LINK
    try:
        validar_modelo_sms(TEXTO_SMS_COM_LINK)
    except ValidationError:
        pass  # a long company name: the SMS keeps its default text
    else:
        modelo.texto = TEXTO_SMS_COM_LINK
    modelo.save()


def _cliente(admin) -> Cliente:
    """The demo client, created without consent to SMS and e-mail: its contacts' past
    conversation is history and sends nothing (the demo's SMS queue is a sample, see
    mensageria's demo); :func:`_consentir` gives consent once they are written."""
    cliente = Cliente.objects.filter(cpf_cnpj=CPF).first()
    if cliente is not None:
        return cliente
    return cadastro_services.cliente_criar(
        nome=NOME,
        cpf_cnpj=CPF,
        email=EMAIL,
        recebe_sms=False,
        recebe_email=False,
        telefones=[
            cadastro_services.DadosTelefone(
                tipo=Telefone.Tipo.CELULAR, ddd="81", numero=CELULAR, principal=True, sms=True
            )
        ],
        usuario=admin,
    )


def _consentir(cliente, admin) -> None:
    """From now on the operators' answers reach the demo customer (the emulated modem's
    log, the e-mail folder of ``make run``)."""
    cliente.recebe_sms = cliente.recebe_email = True
    cliente._history_user = admin
    cliente.save(update_fields=["recebe_sms", "recebe_email"])


def _imoveis(admin, cliente) -> list[Imovel]:
    imoveis = []
    for (localidade, setor, quadra, lote), dados in IMOVEIS.items():
        bairro, logradouro, numero, complemento, cep = dados
        inscricao = {"localidade": localidade, "setor": setor, "quadra": quadra, "lote": lote}
        imovel = Imovel.objects.filter(**inscricao, sublote=0).first()
        if imovel is None:
            imovel = cadastro_services.imovel_criar(
                **inscricao,
                municipio="Recife",
                bairro=bairro,
                logradouro=logradouro,
                numero=numero,
                complemento=complemento,
                cep=cep,
                usuario=admin,
            )
        if not ClienteImovel.objects.filter(
            imovel=imovel, relacao=ClienteImovel.Relacao.USUARIO, data_fim__isnull=True
        ).exists():
            cadastro_services.vinculo_criar(
                cliente=cliente,
                imovel=imovel,
                relacao=ClienteImovel.Relacao.USUARIO,
                data_inicio=datetime.date(2019, 3, 1),
                usuario=admin,
            )
        imoveis.append(imovel)
    return imoveis


def _conta(cliente) -> ContaExterna:
    conta = ContaExterna.objects.filter(email__iexact=EMAIL).first()
    if conta is None:
        conta = ContaExterna(
            email=EMAIL, nome=NOME, cliente=cliente, email_confirmado_em=timezone.now()
        )
        conta.set_password(SENHA)
        conta.save()
    return conta


def _png() -> bytes:
    from PIL import Image, ImageDraw

    imagem = Image.new("RGB", (320, 200), (236, 240, 244))
    desenho = ImageDraw.Draw(imagem)
    desenho.ellipse((110, 50, 210, 150), outline=(40, 70, 110), width=6)
    desenho.text((128, 92), "01234 m3", fill=(40, 70, 110))
    saida = io.BytesIO()
    imagem.save(saida, format="PNG")
    return saida.getvalue()


def _contatos(conta, imoveis, atendente) -> int:
    """The client's portal contacts, opened only while it has none."""
    if RegistroAtendimento.objects.filter(cliente=conta.cliente).exists():
        return 0
    esp = {e.nome: e for e in Especificacao.objects.filter(portal=True, ativa=True)}
    motivos = {m.nome: m for m in MotivoEncerramento.objects.all()}
    precisa = {
        "Revisão de conta",
        "Água com cor ou cheiro",
        "Segunda via de conta",
        "Retorno de esgoto no imóvel",
        "Falta d'água",
    }
    if not precisa <= set(esp) or not {"Serviço executado", "Solicitação atendida"} <= set(motivos):
        return 0  # atendimento's demo did not run, or an administrator closed them
    portal, meio, agora = usuario_do_portal(), meio_do_portal(), timezone.now()
    casa, apartamento = imoveis[0], imoveis[-1]

    def abrir(especificacao, imovel, titulo, descricao, *, dias_atras, anexos=()):
        # What portal.services.contatos.contato_abrir opens, some days ago (the RA
        # service takes an opening date; the portal's, for a customer, does not).
        return ra_services.registro_atendimento_abrir(
            usuario=portal,
            meio=meio,
            origem=RegistroAtendimento.Origem.PORTAL,
            tipo_solicitante=RegistroAtendimento.TipoSolicitante.CLIENTE,
            cliente=conta.cliente,
            solicitante_nome=conta.nome,
            solicitante_telefone=f"81{CELULAR}",
            solicitante_email=EMAIL,
            especificacao=esp[especificacao],
            imovel=imovel,
            titulo=titulo,
            descricao=descricao,
            data_abertura=agora - datetime.timedelta(days=dias_atras),
            anexos=anexos,
        )

    def cliente_diz(ra, texto):
        ra.refresh_from_db()
        contato_complementar(conta=conta, ra=ra, texto=texto)

    def equipe_diz(ra, texto, visibilidade="publica"):
        ra_services.registro_atendimento_mensagem_adicionar(
            ra=ra, usuario=atendente, texto=texto, visibilidade=visibilidade
        )

    # Waiting on the company: the customer complemented, nobody answered yet.
    agua = abrir(
        "Água com cor ou cheiro",
        casa,
        "Água amarelada na torneira da cozinha",
        "Desde ontem a água sai amarelada na torneira da cozinha, mesmo deixando correr.",
        dias_atras=1,
    )
    cliente_diz(agua, "Hoje de manhã continuava amarelada. Na casa da vizinha também.")

    # Answered by the company: its turn is over, the customer's is on (interação externa).
    conta_alta = abrir(
        "Revisão de conta",
        apartamento,
        "Conta de outubro muito acima da média",
        "A conta de outubro veio quase o triplo das anteriores. Ninguém mora no "
        "apartamento desde setembro. Segue a foto do hidrômetro.",
        dias_atras=3,
        anexos=[ContentFile(_png(), name="foto-hidrometro.png")],
    )
    ra_services.registro_atendimento_assumir(ra=conta_alta, usuario=atendente)
    equipe_diz(
        conta_alta,
        "Conferir se houve troca de hidrômetro no setor em outubro.",
        visibilidade="interna",
    )
    equipe_diz(
        conta_alta,
        "Agendamos uma nova leitura para quinta-feira pela manhã. Pode nos dizer se há "
        "alguém para abrir o portão, ou se o hidrômetro fica na calçada?",
    )

    # Just opened.
    abrir(
        "Falta d'água",
        casa,
        "Sem água desde a madrugada",
        "Acordamos sem água. A caixa d'água está vazia.",
        dias_atras=0,
    )

    # Closed: answered with a document, and executed after a visit.
    segunda_via = abrir(
        "Segunda via de conta",
        apartamento,
        "Segunda via da conta de setembro",
        "Não recebi a conta de setembro. Podem enviar a segunda via?",
        dias_atras=12,
    )
    equipe_diz(segunda_via, "Segue em anexo a segunda via da conta de setembro.")
    ra_services.registro_atendimento_anexar(
        ra=segunda_via,
        usuario=atendente,
        arquivo=ContentFile(PDF, name="segunda-via-setembro.pdf"),
        publico=True,
    )
    cliente_diz(segunda_via, "Recebi, obrigada!")
    ra_services.registro_atendimento_encerrar(
        ra=segunda_via,
        motivo=motivos["Solicitação atendida"],
        parecer="Segunda via enviada pelo portal.",
        usuario=atendente,
    )
    esgoto = abrir(
        "Retorno de esgoto no imóvel",
        casa,
        "Esgoto voltando pelo ralo do banheiro",
        "Quando chove, o esgoto volta pelo ralo do banheiro de baixo.",
        dias_atras=20,
    )
    equipe_diz(esgoto, "Uma equipe vai desobstruir o ramal amanhã entre 8 h e 12 h.")
    cliente_diz(esgoto, "Estarei em casa. Obrigada.")
    ra_services.registro_atendimento_encerrar(
        ra=esgoto,
        motivo=motivos["Serviço executado"],
        parecer="Ramal desobstruído; caixa de inspeção limpa.",
        usuario=atendente,
    )
    return RegistroAtendimento.objects.filter(cliente=conta.cliente).count()
