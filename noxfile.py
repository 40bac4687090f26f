"""Developer tasks: ``nox -s tests``, ``nox -s codegen``, ``nox -s lint``."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
NPM_HARNESS = ROOT / "tests" / "npm"


@nox.session
def tests(session: nox.Session) -> None:
    """Install the package with every extra and run the whole test suite."""
    session.install("-e", ".[all,dev]")
    if shutil.which("npm") and not (NPM_HARNESS / "node_modules").exists():
        with session.chdir(NPM_HARNESS):
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
