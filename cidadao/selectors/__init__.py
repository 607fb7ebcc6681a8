"""Reads of the citizen channel."""
