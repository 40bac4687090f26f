"""The ``sogni`` command line: one command per capability of the SDK.

``sogni image``, ``edit``, ``video``, ``music``, ``chat``, ``workflow``, ``estimate``,
``models``, ``login`` / ``logout`` / ``balance``, ``serve`` and ``demo``; ``sogni COMMAND
--help`` describes each. With no ``SOGNI_API_KEY`` and no stored login, commands run
against an embedded local Supernet, so they work on any machine and spend no tokens.
"""

from __future__ import annotations

from sogni.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
