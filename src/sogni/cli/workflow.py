"""``sogni workflow start|status|stream|cancel|list``: durable creative workflows."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sogni.cli._errors import UsageError
from sogni.cli._output import add_json_option, info, print_json
from sogni.cli._session import Session
from sogni.core._generated.vocabulary import TOKEN_TYPES
from sogni.errors import SogniError, ValidationError

if TYPE_CHECKING:
    from sogni import SogniClient, WorkflowRecord

__all__ = ["register"]

FAILED = ("failed", "cancelled", "canceled")


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``workflow`` and its subcommands to the command parser."""
    workflow = commands.add_parser(
        "workflow",
        parents=parents,
        help="start and follow durable creative workflows",
        description="Durable creative workflows: multi-step pipelines that run on the network.",
    )
    actions = workflow.add_subparsers(dest="action", required=True, metavar="ACTION")

    start = actions.add_parser(
        "start",
        parents=parents,
        help="start a workflow from a JSON definition or a template",
        description="Start a workflow. DEFINITION is a JSON file ('-' for stdin): a list of "
        "steps, or an object with 'steps' (and 'title'); --template runs a saved template.",
    )
    start.add_argument("definition", nargs="?", help="JSON file of the workflow ('-': stdin)")
    start.add_argument("--template", metavar="ID", help="a saved workflow template to run")
    start.add_argument("--inputs", metavar="JSON", help="the template's inputs, a JSON object")
    start.add_argument("--title", help="title of the workflow")
    start.add_argument("--token-type", choices=TOKEN_TYPES, help="which token pays")
    start.add_argument("--idempotency-key", metavar="KEY", help="makes retrying the start safe")
    start.add_argument(
        "--follow", action="store_true", help="print its events until it ends (like `stream`)"
    )
    add_json_option(start)
    start.set_defaults(handler=run_start)

    status = actions.add_parser(
        "status", parents=parents, help="show a workflow's status, steps and artifacts"
    )
    status.add_argument("workflow_id", metavar="ID")
    add_json_option(status)
    status.set_defaults(handler=run_status)

    stream = actions.add_parser(
        "stream", parents=parents, help="print a workflow's events as they happen"
    )
    stream.add_argument("workflow_id", metavar="ID")
    stream.add_argument("--after", metavar="EVENT_ID", help="start after this event")
    add_json_option(stream)
    stream.set_defaults(handler=run_stream)

    cancel = actions.add_parser("cancel", parents=parents, help="ask the network to stop it")
    cancel.add_argument("workflow_id", metavar="ID")
    add_json_option(cancel)
    cancel.set_defaults(handler=run_cancel)

    listing = actions.add_parser("list", parents=parents, help="the account's workflows")
    listing.add_argument("--limit", type=int, default=20, help="how many (default: 20)")
    add_json_option(listing)
    listing.set_defaults(handler=run_list)


def _read_json(source: str, what: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise ValidationError(f"cannot read {what} {source}: {reason}", field=what) from None
    return _parse_json(text, what)


def _parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValidationError(f"{what} is not valid JSON: {exc}", field=what) from None


def run_start(args: argparse.Namespace, session: Session) -> int:
    """Start a workflow; with ``--follow``, stream its events until it ends."""
    if (args.definition is None) == (args.template is None):
        raise UsageError("give either a DEFINITION file or --template")
    client = session.client(connect=False)
    workflows = client.creative_workflows
    options: dict[str, Any] = {
        "token_type": args.token_type,
        "idempotency_key": args.idempotency_key,
    }
    if args.template is not None:
        inputs = _parse_json(args.inputs, "--inputs") if args.inputs else None
        if inputs is not None and not isinstance(inputs, Mapping):
            raise ValidationError("--inputs must be a JSON object", field="inputs")
        record = workflows.start(template_id=args.template, inputs=inputs, **options)
    else:
        definition = _read_json(args.definition, "definition")
        if isinstance(definition, list):
            definition = {"steps": definition}
        if not isinstance(definition, Mapping):
            raise ValidationError(
                "the definition must be a JSON list of steps or an object with 'steps'",
                field="definition",
            )
        if args.title is not None:
            definition = {**definition, "title": args.title}
        record = workflows.start(definition, **options)
    info(f"workflow {record.workflow_id} started on {session.where()}")
    if args.follow:
        return _stream(client, record.workflow_id, None, args.json)
    if args.json:
        print_json(record)
    else:
        print(record.workflow_id)
    return 0


def run_status(args: argparse.Namespace, session: Session) -> int:
    """Show a workflow's record."""
    record = session.client(connect=False).creative_workflows.get(args.workflow_id)
    if args.json:
        print_json(record)
        return 0
    print(f"{record.workflow_id}  {record.status or '?'}  {record.title or ''}".rstrip())
    for step in record.steps or []:
        if isinstance(step, Mapping):
            tool = step.get("toolName") or step.get("tool_name") or ""
            print(f"  step {step.get('id')}: {step.get('status', '?')}  {tool}".rstrip())
    for artifact in record.artifacts or []:
        print(f"  artifact {artifact.id}: {artifact.url}")
    if record.error:
        print(f"  error: {_error_text(record.error)}")
    return 0


def run_stream(args: argparse.Namespace, session: Session) -> int:
    """Print a workflow's events until it ends."""
    return _stream(session.client(connect=False), args.workflow_id, args.after, args.json)


def run_cancel(args: argparse.Namespace, session: Session) -> int:
    """Ask the network to stop a workflow."""
    record = session.client(connect=False).creative_workflows.cancel(args.workflow_id)
    if args.json:
        print_json(record)
    else:
        print(f"{record.workflow_id}  {record.status or '?'}")
    return 0


def run_list(args: argparse.Namespace, session: Session) -> int:
    """List the account's workflows, newest first."""
    records = session.client(connect=False).creative_workflows.list(limit=args.limit)
    if args.json:
        print_json(records)
        return 0
    for record in records:
        print(f"{record.workflow_id}  {record.status or '?':<10} {record.title or ''}".rstrip())
    return 0


def _stream(client: SogniClient, workflow_id: str, after: str | None, as_json: bool) -> int:
    status = None
    for frame in client.creative_workflows.stream_events(workflow_id, after=after):
        data = frame.data if isinstance(frame.data, Mapping) else {}
        status = data.get("status", status)
        if as_json:
            print_json({"id": frame.id, "event": frame.event, "data": frame.data}, lines=True)
        else:
            message = data.get("message") or ""
            print(
                f"#{frame.id} {frame.event:<18} {status or '':<10} {message}".rstrip(), flush=True
            )
    if status in FAILED:
        record: WorkflowRecord = client.creative_workflows.get(workflow_id)
        reason = f": {_error_text(record.error)}" if record.error else ""
        raise SogniError(f"workflow {workflow_id} {status}{reason}")
    return 0


def _error_text(error: Any) -> str:
    if isinstance(error, Mapping):
        return str(error.get("message") or error.get("code") or json.dumps(error))
    return str(error)
