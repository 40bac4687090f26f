"""Plans: every multi-step operation of the SDK, written once, one module per area.

A plan is a generator that yields :mod:`~sogni.core.effects` and receives their results.
``SogniClient`` runs plans with a blocking driver and ``AsyncSogniClient`` with an
awaiting one; the facades generated from ``schemas/operations/`` call them by name
(``projects.create_project`` is :func:`sogni.core.plans.projects.create_project`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sogni.core.effects import Effect

T = TypeVar("T")

#: A plan returning ``T`` (the effect classes load with the first plan, not with this name).
Plan = Generator["Effect", Any, T]
