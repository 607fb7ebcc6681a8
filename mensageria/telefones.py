"""Brazilian mobile numbers: +55, a valid DDD, nine digits starting with 9."""

import re

import phonenumbers

DDDS = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38}
    | {41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69}
    | {71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89}
    | {91, 92, 93, 94, 95, 96, 97, 98, 99}
)
EXEMPLO = "ex.: +55 81 99999-0000"


class NumeroInvalido(ValueError):
    """The reason is written for an attendant (pt-BR); ``fixo`` tells a landline apart."""

    def __init__(self, mensagem: str, *, fixo: bool = False):
        super().__init__(mensagem)
        self.fixo = fixo


def _e_fixo(digitos: str) -> bool:
    """A Brazilian landline (DDD + number), as phonenumbers' numbering plan says."""
    try:
        numero = phonenumbers.parse(f"+55{digitos}", None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(numero) == phonenumbers.PhoneNumberType.FIXED_LINE


def celular_normalizar(numero: str) -> str:
    """Return the E.164 form (+55DDD9XXXXXXXX) or raise :class:`NumeroInvalido`."""
    bruto = (numero or "").strip()
    if not bruto:
        raise NumeroInvalido("Informe o número do celular.")
    if re.search(r"[^\d\s()+.\-]", bruto):
        raise NumeroInvalido(f"“{bruto}” não é um número de telefone: use só dígitos ({EXEMPLO}).")
    digitos = re.sub(r"\D", "", bruto)
    if bruto.startswith("+") and not digitos.startswith("55"):
        raise NumeroInvalido(
            f"{bruto} não é um número brasileiro: o SMS só vai para celulares do Brasil."
        )
    if bruto.startswith("+") or (len(digitos) == 13 and digitos.startswith("55")):
        digitos = digitos[2:]
    elif len(digitos) == 12 and digitos.startswith("0"):
        digitos = digitos[1:]  # 0 + DDD + number, as dialled from a landline
    if _e_fixo(digitos) or (len(digitos) == 10 and digitos[2] in "2345"):
        raise NumeroInvalido(
            f"{bruto} é um telefone fixo: o SMS precisa de celular ({EXEMPLO}).", fixo=True
        )
    if len(digitos) != 11:
        raise NumeroInvalido(
            f"{bruto} não é um celular brasileiro: DDD + 9 + oito dígitos ({EXEMPLO})."
        )
    ddd, assinante = int(digitos[:2]), digitos[2:]
    if ddd not in DDDS:
        raise NumeroInvalido(f"O DDD {ddd:02d} não existe no Brasil.")
    if not assinante.startswith("9"):
        raise NumeroInvalido(
            f"{bruto} é um fixo: celulares começam com 9 depois do DDD.", fixo=True
        )
    return f"+55{digitos}"


def celular_mascarar(numero: str) -> str:
    """Least exposure (LGPD): +55 81 9****-1234."""
    if not numero or len(numero) < 8:
        return numero or ""
    return f"{numero[:3]} {numero[3:5]} {numero[5]}****-{numero[-4:]}"
