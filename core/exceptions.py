"""Domain errors raised by services; their message is shown to the user as is (pt-BR)."""


class RegraViolada(Exception):
    """A business rule refused the operation."""

    def __init__(self, mensagem: str, *, campo: str | None = None):
        super().__init__(mensagem)
        self.mensagem = mensagem
        self.campo = campo

    def __str__(self):
        return self.mensagem


class TransicaoInvalida(RegraViolada):
    """The object's situation does not allow this change."""


class PermissaoNegada(RegraViolada):
    """The user may read but not act (unit or role)."""


class VersaoDesatualizada(RegraViolada):
    """Someone else changed the object after the form was loaded (optimistic lock)."""

    def __init__(self, mensagem: str | None = None):
        super().__init__(
            mensagem
            or "Este registro foi alterado por outra pessoa depois que você abriu a tela. "
            "Recarregue a página e confira antes de salvar de novo."
        )


class RegrasVioladas(RegraViolada):
    """Several rules refused the same input; each keeps its own field.

    Reads as the first one, so code that expects a single RegraViolada still works.
    """

    def __init__(self, erros: list[RegraViolada]):
        super().__init__(erros[0].mensagem, campo=erros[0].campo)
        self.erros = list(erros)


class ErrosColetados:
    """Collect every refusal of a validation round, so the user sees them all at once.

    erros = ErrosColetados()
    with erros.verificar():
        ...  # may raise RegraViolada
    erros.levantar()
    """

    def __init__(self):
        self.lista: list[RegraViolada] = []

    def verificar(self):
        return _Coleta(self)

    def levantar(self) -> None:
        if len(self.lista) == 1:
            raise self.lista[0]
        if self.lista:
            raise RegrasVioladas(self.lista)


class _Coleta:
    def __init__(self, erros: ErrosColetados):
        self.erros = erros

    def __enter__(self):
        return self

    def __exit__(self, tipo, exc, tb):
        if isinstance(exc, RegrasVioladas):
            self.erros.lista.extend(exc.erros)
            return True
        if isinstance(exc, RegraViolada):
            self.erros.lista.append(exc)
            return True
        return False
