"""Screens of the faturamento app, one module per area."""
