"""Check digits and formats of Brazilian registry numbers."""

import re

import phonenumbers
from django.core.exceptions import ValidationError


def somente_digitos(valor: str) -> str:
    return re.sub(r"\D", "", valor or "")


def _digito_cpf(digitos: str) -> int:
    peso = len(digitos) + 1
    soma = sum(int(d) * (peso - i) for i, d in enumerate(digitos))
    resto = soma % 11
    return 0 if resto < 2 else 11 - resto


def cpf_valido(cpf: str) -> bool:
    cpf = somente_digitos(cpf)
    if len(cpf) != 11 or cpf == cpf[0] * 11:
        return False
    return _digito_cpf(cpf[:9]) == int(cpf[9]) and _digito_cpf(cpf[:10]) == int(cpf[10])


def _digito_cnpj(digitos: str) -> int:
    pesos = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2][-len(digitos) :]
    resto = sum(int(d) * p for d, p in zip(digitos, pesos, strict=True)) % 11
    return 0 if resto < 2 else 11 - resto


def cnpj_valido(cnpj: str) -> bool:
    cnpj = somente_digitos(cnpj)
    if len(cnpj) != 14 or cnpj == cnpj[0] * 14:
        return False
    return _digito_cnpj(cnpj[:12]) == int(cnpj[12]) and _digito_cnpj(cnpj[:13]) == int(cnpj[13])


def validar_cpf_cnpj(valor: str) -> None:
    digitos = somente_digitos(valor)
    if len(digitos) == 11:
        if not cpf_valido(digitos):
            raise ValidationError("CPF inválido: confira os dígitos verificadores.", code="cpf")
    elif len(digitos) == 14:
        if not cnpj_valido(digitos):
            raise ValidationError("CNPJ inválido: confira os dígitos verificadores.", code="cnpj")
    else:
        raise ValidationError(
            "Informe um CPF (11 dígitos) ou um CNPJ (14 dígitos).", code="cpf_cnpj"
        )


def formatar_cpf_cnpj(valor: str) -> str:
    d = somente_digitos(valor)
    if len(d) == 11:
        return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"
    if len(d) == 14:
        return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"
    return d


def digito_modulo11(numero: int) -> int:
    """Mod-11 check digit, weights 2..9 from the rightmost digit; 10 and 11 become 0."""
    soma = 0
    peso = 2
    for digito in reversed(str(numero)):
        soma += int(digito) * peso
        peso = 2 if peso == 9 else peso + 1
    resultado = 11 - soma % 11
    return 0 if resultado >= 10 else resultado


def formatar_matricula(matricula: int) -> str:
    return f"{matricula}-{digito_modulo11(matricula)}"


# A real one: matrículas are a counter from 10,000,000 (8 digits) plus the check digit.
MATRICULA_EXEMPLO = formatar_matricula(10_012_345)
MATRICULA_COM_DV = re.compile(r"(\d{1,9})-(\d)")


def matriculas_candidatas(texto: str) -> list[int]:
    """Matrículas the text may name, in the forms every screen accepts.

    ``10012345-7`` (check digit verified), or digits with or without the check
    digit: ``100123457`` may be 100123457 or 10012345-7, so both are returned.
    Raises ValidationError when the text cannot be a matrícula.
    """
    texto = re.sub(r"[\s.]", "", texto or "")
    if m := MATRICULA_COM_DV.fullmatch(texto):
        numero, digito = int(m.group(1)), int(m.group(2))
        if digito_modulo11(numero) != digito:
            raise ValidationError(
                "Dígito verificador da matrícula não confere.", code="matricula_digito"
            )
        return [numero]
    if not re.fullmatch(r"\d{1,10}", texto):
        raise ValidationError(
            f"Matrícula: informe só números, com ou sem o dígito (ex.: {MATRICULA_EXEMPLO}).",
            code="matricula_formato",
        )
    candidatas = [int(texto)] if len(texto) <= 9 else []
    if len(texto) > 1 and digito_modulo11(int(texto[:-1])) == int(texto[-1]):
        candidatas.append(int(texto[:-1]))
    if not candidatas:
        raise ValidationError(
            "Dígito verificador da matrícula não confere.", code="matricula_digito"
        )
    return candidatas


def interpretar_matricula(texto: str) -> int:
    """Parse ``10012345-7`` (check digit verified) into 10012345."""
    texto = (texto or "").strip()
    m = MATRICULA_COM_DV.fullmatch(texto)
    if not m:
        raise ValidationError(
            f"Matrícula deve ter o formato {MATRICULA_EXEMPLO}.", code="matricula_formato"
        )
    numero, digito = int(m.group(1)), int(m.group(2))
    if digito_modulo11(numero) != digito:
        raise ValidationError(
            "Dígito verificador da matrícula não confere.", code="matricula_digito"
        )
    return numero


def validar_cep(valor: str) -> None:
    if not re.fullmatch(r"\d{5}-?\d{3}", (valor or "").strip()):
        raise ValidationError("CEP inválido: use o formato 00000-000.", code="cep")


def formatar_cep(valor: str) -> str:
    d = somente_digitos(valor)
    return f"{d[:5]}-{d[5:]}" if len(d) == 8 else d


def telefone_e164(ddd: str, numero: str) -> str:
    return f"+55{somente_digitos(ddd)}{somente_digitos(numero)}"


def validar_telefone(ddd: str, numero: str, *, celular: bool) -> None:
    """A dialable Brazilian number; a celular must be a mobile (9 digits)."""
    ddd, numero = somente_digitos(ddd), somente_digitos(numero)
    if len(ddd) != 2 or len(numero) not in (8, 9):
        raise ValidationError(
            "Telefone inválido: informe o DDD (2 dígitos) e o número (8 ou 9 dígitos).",
            code="telefone",
        )
    try:
        parsed = phonenumbers.parse(telefone_e164(ddd, numero), None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("Telefone inválido.", code="telefone") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            f"O número ({ddd}) {numero} não é um telefone brasileiro válido.", code="telefone"
        )
    tipo = phonenumbers.number_type(parsed)
    if celular and tipo != phonenumbers.PhoneNumberType.MOBILE:
        raise ValidationError(
            f"O número ({ddd}) {numero} não é de celular (celular tem 9 dígitos e começa com 9).",
            code="celular",
        )
