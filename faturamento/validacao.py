"""Checks of the billing and collection templates (tags and SMS length).

Tags are parsed by the mensageria's parser (:func:`mensageria.models.validar_tags`)
with this app's tag sets. The SMS length is measured as the batch will send it: the
text filled with the widest value of each tag (:func:`textos.valores_mais_longos`),
then the real formatted linha digitável appended (:func:`febraban.anexar_linha`),
counted in the real encoding (GSM-7 septets or UCS-2) by :mod:`mensageria.texto`
under the mensageria's parameters (maximum length, transliteration, multipart).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from mensageria import texto as texto_sms
from mensageria.models import Parametros, validar_tags

from . import febraban, textos

TIPOS = {"conta": textos.TAGS_CONTA, "documento": textos.TAGS_DOCUMENTO}
ROTULO_CODIFICACAO = {texto_sms.GSM7: "GSM-7", texto_sms.UCS2: "UCS-2"}

# A real linha digitável (the widest bill: the maximum value, the widest matrícula);
# every formatted linha has the same 55 GSM-7 characters.
LINHA_EXEMPLO = febraban.linha_formatada(
    febraban.linha_digitavel(
        febraban.codigo_barras(
            valor_centavos=febraban.VALOR_MAXIMO_CENTAVOS,
            campo_livre=febraban.campo_livre_conta(999_999_999, 209912),
        )
    )
)


def validar_texto(texto: str, tags: dict[str, str]) -> None:
    """Unknown tags, empty ``{}``, formatted tags and unbalanced braces are refused,
    the message always listing the valid tags."""
    try:
        validar_tags(texto, tags)
    except ValidationError as exc:
        mensagem = " ".join(exc.messages)
        if "Use:" not in mensagem:
            mensagem += " Tags válidas: " + ", ".join(f"{{{t}}}" for t in tags) + "."
        raise ValidationError(mensagem, code="tags") from exc


@dataclass(frozen=True)
class Medida:
    """The SMS as the batch will send it, filled with the widest values."""

    unidades: int
    partes: int
    codificacao: str  # texto_sms.GSM7 or UCS2
    maximo: int
    problema: str
    com_acento: bool

    @property
    def codificacao_rotulo(self) -> str:
        return ROTULO_CODIFICACAO[self.codificacao]

    @property
    def resumo(self) -> str:
        """``142 de 164 caracteres · 1 SMS · GSM-7``."""
        partes = "1 SMS" if self.partes == 1 else f"{self.partes} SMS (concatenado)"
        return f"{self.unidades} de {self.maximo} caracteres · {partes} · {self.codificacao_rotulo}"


def medir_sms(texto: str, tags: dict[str, str], parametros: Parametros | None = None) -> Medida:
    """The widest rendering of an SMS template (tags assumed valid).

    Filled once without accents and, unless accents are transliterated, once with an
    accented name (which turns the whole SMS into UCS-2). The answer is the rendering
    with a problem, or else the one that takes more SMS (then more characters).
    """
    parametros = parametros or Parametros.atuais()
    medidas = []
    variantes = [False] if parametros.transliterar else [False, True]
    for com_acento in variantes:
        valores = textos.valores_mais_longos(tags, com_acento=com_acento)
        enviado = febraban.anexar_linha(textos.renderizar(texto, valores), LINHA_EXEMPLO)
        preparado = texto_sms.preparar(enviado, transliterar_acentos=parametros.transliterar)
        problema = texto_sms.problema_tamanho(
            preparado,
            tamanho_maximo=parametros.tamanho_maximo,
            permitir_multiparte=parametros.permitir_multiparte,
        )
        medidas.append(
            Medida(
                unidades=preparado.unidades,
                partes=preparado.partes,
                codificacao=preparado.codificacao,
                maximo=parametros.tamanho_maximo,
                problema=problema,
                com_acento=com_acento,
            )
        )
    return max(medidas, key=lambda m: (bool(m.problema), m.partes, m.unidades))


def _descricao_valores(texto: str, tags: dict[str, str], medida: Medida) -> str:
    from mensageria.models import _tags

    usadas = {c for c, _, _ in _tags(texto)}
    valores = textos.valores_mais_longos(tags, com_acento=medida.com_acento)
    partes = []
    for tag in tags:
        if tag not in usadas:
            continue
        if tag == "NOME":
            acento = ", com acento" if medida.com_acento else ""
            partes.append(f"{{NOME}} com {textos.NOME_MAX} caracteres{acento}")
        else:
            partes.append(f"{{{tag}}} {valores[tag]}")
    base = f"com os valores mais longos ({', '.join(partes)}) e " if partes else "com "
    return f"Preenchido {base}a linha digitável acrescentada ({len(LINHA_EXEMPLO) + 1} caracteres)"


def problema_sms(texto: str, tags: dict[str, str], parametros: Parametros | None = None) -> str:
    """Why this SMS template cannot be sent, explained (pt-BR), or "" (tags assumed valid)."""
    medida = medir_sms(texto, tags, parametros)
    if not medida.problema:
        return ""
    problema = medida.problema
    return f"{_descricao_valores(texto, tags, medida)}: {problema[0].lower()}{problema[1:]}"


def validar_sms(texto: str, tags: dict[str, str], parametros: Parametros | None = None) -> None:
    """Tags valid and the widest rendering, linha digitável included, fits the SMS."""
    validar_texto(texto, tags)
    if problema := problema_sms(texto, tags, parametros):
        raise ValidationError(problema, code="tamanho")


def textos_sms_em_uso() -> list[tuple[str, str, dict[str, str]]]:
    """(what it is, text, tags) for every billing/collection SMS template in force."""
    from .models import AcaoCobranca, MensagemFaturamento

    em_uso = []
    for mensagem in MensagemFaturamento.objects.filter(vigente=True).exclude(texto_sms=""):
        em_uso.append(("mensagem de faturamento vigente", mensagem.texto_sms, textos.TAGS_CONTA))
    for acao in AcaoCobranca.objects.filter(ativa=True, por_sms=True).exclude(texto_sms=""):
        em_uso.append((f"ação de cobrança “{acao.descricao}”", acao.texto_sms, TIPOS["documento"]))
    return em_uso


def problemas_com_parametros(parametros: Parametros) -> list[str]:
    """Hook of ``mensageria.models.validar_textos_sms_em_uso``: the billing and
    collection SMS in force that would no longer fit under new mensageria parameters."""
    problemas = []
    for rotulo, texto, tags in textos_sms_em_uso():
        try:
            validar_texto(texto, tags)
        except ValidationError:
            continue  # refused when that text is saved; not these parameters' fault
        if problema := medir_sms(texto, tags, parametros).problema:
            problemas.append(f"{rotulo} ({problema[0].lower()}{problema[1:].rstrip('.')})")
    return problemas
