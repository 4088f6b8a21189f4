"""Breakwater: a deterministic guard between coding assistants and the LLM."""

__version__ = "0.1.0"
