"""Django admin of the faturamento app, one module per area."""

from . import admin_contas, admin_modelos, admin_processos  # noqa: F401
