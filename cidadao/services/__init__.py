"""Writes of the citizen channel: one function per state change of a report."""
