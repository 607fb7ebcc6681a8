"""Screens of the citizen channel."""
