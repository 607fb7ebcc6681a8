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
