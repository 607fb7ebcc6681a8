"""Admin of the citizen channel, one module per subject."""

from . import admin_chaves, admin_relatos  # noqa: F401
