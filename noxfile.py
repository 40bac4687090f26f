"""Developer tasks: ``nox -s tests``, ``nox -s codegen``, ``nox -s lint``."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
#: The official npm clients the parity tests run: 5.1.0 (reference era) and 5.54.0 (current).
NPM_HARNESSES = (ROOT / "tests" / "npm", ROOT / "tests" / "npm554")


@nox.session
def tests(session: nox.Session) -> None:
    """Install the package with every extra and run the whole test suite."""
    session.install("-e", ".[all,dev]")
    for harness in NPM_HARNESSES:
        if shutil.which("npm") and not (harness / "node_modules").exists():
            with session.chdir(harness):
                session.run("npm", "ci", "--no-audit", "--no-fund", external=True)
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session
def codegen(session: nox.Session) -> None:
    """Regenerate the models and both facades from schemas/."""
    session.run("python", "-m", "codegen", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Type-check (mypy --strict) and lint (ruff)."""
    session.install("-e", ".[all,dev]")
    session.run("mypy")
    session.run("ruff", "check", "src", "codegen", "tests")
