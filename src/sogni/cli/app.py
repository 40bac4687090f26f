"""The ``sogni`` command: its parser, and running one command with its exit status.

Exit statuses: 0 success, 1 a :class:`~sogni.errors.SogniError` (reported on one line with
its hint), 2 a usage error, 130 interrupted by Ctrl-C. Data goes to stdout, progress and
information to stderr; a closed stdout (``sogni models | head -1``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sogni.cli import account, chat, demo, estimate, image, models, music, serve, video, workflow
from sogni.cli._errors import UsageError, error_line
from sogni.cli._output import set_quiet
from sogni.cli._session import Session
from sogni.core._generated.vocabulary import NETWORKS
from sogni.errors import SogniError

__all__ = ["build_parser", "main"]

COMMAND_GROUPS = (image, video, music, chat, workflow, estimate, models, account, serve, demo)


def _global_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    """Options every command takes, before or after its name.

    On the subcommands the defaults are suppressed, so an option given before the command
    name is not reset by the subcommand's parser.
    """
    suppress = default is argparse.SUPPRESS
    parser.add_argument(
        "--local",
        action="store_true",
        default=default,
        help="use an embedded local Supernet even when SOGNI_API_KEY or a login is set",
    )
    parser.add_argument(
        "--network",
        choices=NETWORKS,
        default=default if suppress else "fast",
        help="worker network (default: fast)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default,
        help="no progress or information on stderr",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``sogni`` command."""
    from sogni import __version__

    parser = argparse.ArgumentParser(
        prog="sogni",
        description="The Sogni Supernet from the terminal: images, edits, video, music, "
        "chat and workflows. Without SOGNI_API_KEY or a login, commands run against an "
        "embedded local Supernet.",
    )
    parser.add_argument("--version", action="version", version=f"sogni {__version__}")
    _global_options(parser, default=False)
    shared = argparse.ArgumentParser(add_help=False)
    _global_options(shared, default=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(commands, [shared])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sogni`` command with ``argv`` (default: the process's arguments) and
    return its exit status."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help and --version (0), usage errors (2)
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    set_quiet(bool(args.quiet))
    session: Session | None = None
    try:
        with Session(local=bool(args.local), network=args.network) as session:
            status = int(args.handler(args, session))
        sys.stdout.flush()
        return status
    except UsageError as exc:
        print(f"sogni {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except SogniError as exc:
        _flush_quietly()
        print(error_line(exc, session), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        _detach_stdout()
        return 0
    finally:
        set_quiet(False)


def _flush_quietly() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _detach_stdout()


def _detach_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush of what the
    closed pipe did not take raises nothing at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (e.g. captured by a test): nothing will flush it at exit
