"""Plans of LLM chat: completions (whole or streamed), the automatic tool loop, running
Sogni platform tools as media projects, hosted completions, estimates and LLM models.

A socket completion registers its job with the client's chat job table *before* the
``llmJobRequest`` is sent, so no event can be missed; the table routes ``jobTokens``,
``jobState``, ``llmJobResult`` and ``llmJobError`` to it by ``jobID`` and wakes the plan
when the job ends, fails, or the connection drops.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from sogni.core._generated.models import PROJECT_PARAMS, HostedToolExecution
from sogni.core.chat import runs as chat_runs
from sogni.core.chat.context import DEFAULT_CHAT_TIMEOUT, ChatJob, ChatJobs
from sogni.core.chat.estimate import LLMCostEstimate, llm_estimate_path, parse_llm_estimate
from sogni.core.chat.hosted import HostedChatCompletion, parse_hosted_chat_completion
from sogni.core.chat.model_info import LLMModelInfo
from sogni.core.chat.request import build_hosted_chat_body, build_llm_job_request, read_tools
from sogni.core.chat.results import (
    ChatCompletion,
    ToolCall,
    ToolProgress,
    ToolResult,
    ToolRound,
)
from sogni.core.chat.tools import (
    DEFAULT_MAX_TOOL_ROUNDS,
    DEFAULT_TOOL_TIMEOUT,
    ToolPlan,
    as_tool_call,
    build_sogni_tools,
    check_tool_batch,
    has_direct_dispatch,
    hosted_only_message,
    is_sogni_tool_call,
    parse_tool_call_arguments,
    plan_tool_call,
    tool_error_result,
    tool_handler_result,
    tool_round_messages,
    tool_success_result,
    validate_tool_arguments,
)
from sogni.core.context import CoreContext
from sogni.core.effects import Invoke, RestCall, SocketSend, WaitForModels, WaitUntil
from sogni.core.errors import ProjectFailed, SogniError, SogniTimeoutError, ValidationError
from sogni.core.ids import new_id
from sogni.core.params import build_params
from sogni.core.plans import Plan
from sogni.core.plans import projects as project_plans
from sogni.core.projects import ProjectEvent, ProjectState
from sogni.core.wire import from_wire

__all__ = [
    "create_completion",
    "create_hosted_completion",
    "estimate_cost",
    "execute_all",
    "execute_hosted_tool",
    "execute_tool",
    "tool_definitions",
    "wait_for_models",
]

#: Seconds to wait for the network's model announcement before choosing a tool's model.
MODELS_WAIT = 10.0
#: Seconds a hosted completion may take.
HOSTED_TIMEOUT = 300.0

ProgressCallback = Callable[[ToolProgress], Any]
ToolProgressCallback = Callable[[ToolCall, ToolProgress], Any]
ToolHandler = Callable[[ToolCall], Any]


# -- models and estimates ---------------------------------------------------------------


def _jobs(ctx: CoreContext) -> ChatJobs:
    jobs = ctx.chat.jobs
    if jobs is None:
        raise SogniError("chat needs a connected client")
    return jobs


def wait_for_models(ctx: CoreContext, timeout: float = 10.0) -> Plan[dict[str, LLMModelInfo]]:
    """Wait until the network has announced its LLM models and return them."""
    chat = ctx.chat
    if not chat.models:
        jobs = _jobs(ctx)
        yield WaitUntil(
            lambda: bool(chat.models) or jobs.connection_error() is not None,
            timeout,
            "LLM models",
        )
        error = jobs.connection_error()
        if not chat.models and error is not None:
            raise error
    return dict(chat.models)


def estimate_cost(
    ctx: CoreContext,
    *,
    model: str,
    messages: Sequence[Any],
    max_tokens: int | None = None,
    token_type: str | None = None,
    think: bool | None = None,
    task_profile: str | None = None,
) -> Plan[LLMCostEstimate]:
    """Ask the network what a chat request would cost (messages are checked first)."""
    params = _given(
        model=model,
        messages=messages,
        max_tokens=max_tokens,
        token_type=token_type,
        think=think,
        task_profile=task_profile,
    )
    path = llm_estimate_path(
        params, model_info=_model_info(ctx, model), read_file=ctx.chat.read_file
    )
    data = yield RestCall("GET", path, host="socket", envelope=False)
    try:
        return parse_llm_estimate(data if isinstance(data, Mapping) else {})
    except ValueError as exc:
        raise SogniError(f"the network sent a malformed LLM estimate: {exc}") from None


def _model_info(ctx: CoreContext, model: Any) -> LLMModelInfo | None:
    return ctx.chat.models.get(model) if isinstance(model, str) else None


def _given(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _read_tools_once(params: dict[str, Any]) -> None:
    # Any iterable of tools is accepted (e.g. SogniTools); it is read only once.
    if params.get("tools") is not None:
        params["tools"] = read_tools(params["tools"])


# -- completions ----------------------------------------------------------------------------


def create_completion(
    ctx: CoreContext,
    *,
    auto_execute_tools: bool = False,
    max_tool_rounds: int | None = None,
    on_tool_call: ToolHandler | None = None,
    on_tool_progress: ToolProgressCallback | None = None,
    timeout: float | None = DEFAULT_CHAT_TIMEOUT,
    **request: Any,
) -> Plan[ChatCompletion | ChatJob]:
    """Send a chat completion over the socket.

    ``request`` holds the request's parameters (``model``, ``messages``, ``stream``, …, as
    typed by the generated facade); ``None`` means "not given". Without ``stream`` the plan
    waits for the job's final event and returns the :class:`ChatCompletion`; with
    ``stream=True`` it returns the running job as soon as the request is sent (the client
    wraps it in a stream view). ``auto_execute_tools`` runs the tool loop (non-streaming only).
    """
    params = _given(**request)
    stream = params.get("stream")
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ValidationError(
            "timeout must be a positive number of seconds or None", field="timeout"
        )
    _read_tools_once(params)
    if auto_execute_tools:
        if stream:
            raise ValidationError(
                "auto_execute_tools cannot be combined with stream=True; run "
                "client.chat.tools.execute_all() in your streaming loop instead",
                field="auto_execute_tools",
            )
        return (
            yield from _tool_loop(
                ctx, params, max_tool_rounds, on_tool_call, on_tool_progress, timeout
            )
        )
    if stream:
        job = yield from _send(ctx, params, streaming=True, timeout=timeout)
        return job
    return (yield from _complete(ctx, params, timeout))


def _send(
    ctx: CoreContext, params: Mapping[str, Any], *, streaming: bool, timeout: float | None
) -> Plan[ChatJob]:
    """Validate and send one ``llmJobRequest``; return the registered job."""
    job_id = new_id()
    request = build_llm_job_request(
        params,
        job_id=job_id,
        client_app_source=ctx.config.app_source,
        model_info=_model_info(ctx, params.get("model")),
        read_file=ctx.chat.read_file,
    )
    jobs = _jobs(ctx)
    job = jobs.open(job_id, streaming=streaming, timeout=timeout)
    try:
        yield SocketSend("llmJobRequest", request)
    except BaseException:
        jobs.close(job_id)
        raise
    job.arm()
    return job


def _complete(
    ctx: CoreContext, params: Mapping[str, Any], timeout: float | None
) -> Plan[ChatCompletion]:
    job = yield from _send(ctx, params, streaming=False, timeout=timeout)
    try:
        yield WaitUntil(lambda: job.finished, timeout, f"chat job {job.job_id}")
    except SogniTimeoutError:
        job.fail(SogniTimeoutError(f"chat job {job.job_id} got no answer within {timeout:g} s"))
    finally:
        _jobs(ctx).close(job.job_id)
    return job.outcome()


def _tool_loop(
    ctx: CoreContext,
    params: dict[str, Any],
    max_rounds: int | None,
    on_tool_call: ToolHandler | None,
    on_tool_progress: ToolProgressCallback | None,
    timeout: float | None,
) -> Plan[ChatCompletion]:
    rounds = max_rounds or DEFAULT_MAX_TOOL_ROUNDS
    if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 1:
        raise ValidationError(
            "max_tool_rounds must be a positive whole number", field="max_tool_rounds"
        )
    messages = list(params["messages"])
    history: list[ToolRound] = []
    for number in range(rounds):
        result = yield from _complete(ctx, {**params, "messages": messages}, timeout)
        if result.finish_reason != "tool_calls" or not result.tool_calls:
            return attrs.evolve(result, tool_history=tuple(history)) if history else result
        results = yield from execute_all(
            ctx,
            result.tool_calls,
            token_type=params.get("token_type"),
            on_tool_call=on_tool_call,
            on_tool_progress=on_tool_progress,
        )
        history.append(ToolRound(number, result.tool_calls, tuple(results)))
        messages += tool_round_messages(result, results)
    raise SogniError(
        f"the model was still calling tools after {rounds} rounds",
        hint="raise max_tool_rounds, or run the tools yourself",
    )


# -- Sogni tools ----------------------------------------------------------------------------


def tool_definitions(ctx: CoreContext, timeout: float = MODELS_WAIT) -> Plan[list[dict[str, Any]]]:
    """The six older Sogni tool definitions, with ``model`` limited to the models
    available now."""
    models = yield WaitForModels(timeout)
    return build_sogni_tools(models)


def _report(callback: Callable[..., Any] | None, *args: Any) -> Plan[None]:
    if callback is not None:
        yield Invoke(callback, args)


def execute_tool(
    ctx: CoreContext,
    tool_call: ToolCall | Mapping[str, Any],
    *,
    token_type: str | None = None,
    network: str | None = None,
    number_of_media: int | None = None,
    timeout: float | None = DEFAULT_TOOL_TIMEOUT,
    on_progress: ProgressCallback | None = None,
) -> Plan[ToolResult]:
    """Run one Sogni tool call as a media project and report the outcome for the model.

    Both tool sets work; a plain-named tool that only the network runs (``apply_style``,
    ``compose_script`` ...) gives an error result saying to use ``chat.hosted.create()``,
    without any network I/O. Bad arguments, unusable inputs, a missing model, a failed
    project or a timeout all become an error :class:`ToolResult` (``success=False``); the
    arguments are checked before anything is created. A call that is not a Sogni tool
    raises :class:`ValidationError`.
    """
    call = as_tool_call(tool_call)
    if not is_sogni_tool_call(call):
        raise ValidationError(
            f"{call.function.name!r} is not a Sogni tool call; run it yourself or pass "
            "on_tool_call to execute_all",
            field="tool_call",
        )
    if not has_direct_dispatch(call):  # answered without any I/O, as the network's client does
        return tool_error_result(call, hosted_only_message(call.function.name))
    try:
        problems = validate_tool_arguments(call.function.name, parse_tool_call_arguments(call))
        if problems:
            return tool_error_result(
                call, f"invalid {call.function.name} arguments: " + "; ".join(problems)
            )
        models = yield WaitForModels(MODELS_WAIT)
        plan = plan_tool_call(
            call, models, token_type=token_type, network=network, number_of_media=number_of_media
        )
        urls = yield from _run_tool_project(ctx, plan, timeout, on_progress)
    except Exception as exc:  # every failure is reported to the model, not raised
        return tool_error_result(call, exc)
    return tool_success_result(
        call, media_type=plan.media_type, urls=urls, model_id=plan.model_id, prompt=plan.prompt
    )


def execute_all(
    ctx: CoreContext,
    tool_calls: Sequence[ToolCall | Mapping[str, Any]],
    *,
    token_type: str | None = None,
    network: str | None = None,
    number_of_media: int | None = None,
    timeout: float | None = DEFAULT_TOOL_TIMEOUT,
    on_tool_call: ToolHandler | None = None,
    on_tool_progress: ToolProgressCallback | None = None,
) -> Plan[list[ToolResult]]:
    """Run a model turn's tool calls in order and return one result per call.

    Sogni tools become media projects (see :func:`execute_tool`); any other call goes to
    ``on_tool_call(call)``, whose return value (text, or anything JSON-serialisable) is the
    result. More than eight Sogni tool calls in one turn raise :class:`ValidationError`.
    """
    calls = [as_tool_call(call) for call in tool_calls]
    check_tool_batch(calls)
    results: list[ToolResult] = []
    for call in calls:
        if is_sogni_tool_call(call):
            progress = None
            if on_tool_progress is not None:
                progress = _bind_progress(on_tool_progress, call)
            result = yield from execute_tool(
                ctx,
                call,
                token_type=token_type,
                network=network,
                number_of_media=number_of_media,
                timeout=timeout,
                on_progress=progress,
            )
        elif on_tool_call is not None:
            try:
                content = yield Invoke(on_tool_call, (call,))
                text = content if isinstance(content, str) else json.dumps(content)
                result = tool_handler_result(call, text)
            except Exception as exc:
                result = tool_error_result(call, exc)
        else:
            result = tool_error_result(
                call,
                f"no handler for the tool {call.function.name!r}: pass on_tool_call to run "
                "your own tools",
            )
        results.append(result)
    return results


def _bind_progress(callback: ToolProgressCallback, call: ToolCall) -> ProgressCallback:
    def report(progress: ToolProgress) -> Any:
        return callback(call, progress)

    return report


def _project_params(wire: Mapping[str, Any]) -> Any:
    """The typed project parameters for a tool's camelCase project parameters."""
    kind = wire.get("type", "image")
    cls = PROJECT_PARAMS.get(kind)
    if cls is None:
        raise SogniError(f"{kind} projects are not supported by this client")
    names = {f.metadata.get("wire", f.name): f.name for f in attrs.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in wire.items():
        name = names.get(key)
        if name is None:
            raise SogniError(f"{kind} projects do not take {key!r} in this client")
        values[name] = value
    return build_params(PROJECT_PARAMS, None, values)


def _run_tool_project(
    ctx: CoreContext,
    plan: ToolPlan,
    timeout: float | None,
    on_progress: ProgressCallback | None,
) -> Plan[list[str]]:
    params = _project_params(plan.project_params)
    yield from _report(on_progress, ToolProgress("creating", 0))
    state: ProjectState = yield from project_plans.create_project(ctx, params)
    _jobs(ctx).watch_project(state)
    try:
        yield from _report(on_progress, ToolProgress("queued", 0))
        outcome = yield from _follow_project(ctx, plan, state, timeout, on_progress)
        _raise_unless_completed(state, outcome)
        urls = list(state.result_urls)
        yield from _report(on_progress, ToolProgress("completed", 100, tuple(urls)))
        return urls
    except Exception:
        if state.outcome is None:
            try:
                yield from project_plans.cancel_project(ctx, state.id)
            except Exception:  # best effort
                pass
        try:
            yield from _report(on_progress, ToolProgress("failed", 0))
        except Exception:
            pass
        raise


def _follow_project(
    ctx: CoreContext,
    plan: ToolPlan,
    state: ProjectState,
    timeout: float | None,
    on_progress: ProgressCallback | None,
) -> Plan[ProjectEvent]:
    """Report a tool's project's progress until it ends (the event that ended it comes
    back); time out after ``timeout``."""
    total = max(1, state.number_of_media)
    deadline = None if timeout is None else ctx.clock() + timeout
    seen = completed = 0
    while True:
        history = state.history
        while seen < len(history):
            event = history[seen]
            seen += 1
            if event.type == "progress":
                yield from _report(on_progress, ToolProgress("processing", state.progress))
            elif event.type == "job_completed":
                completed += 1
                percent = min(100, (completed * 100 + total // 2) // total)
                yield from _report(on_progress, ToolProgress("processing", percent))
        if state.outcome is not None:
            return state.outcome
        remaining = None if deadline is None else deadline - ctx.clock()
        if remaining is not None and remaining <= 0:
            raise SogniTimeoutError(
                f"{plan.media_type} generation timed out after {timeout:g} s (project "
                f"{state.id}: {completed}/{total} completed)"
            )
        yield WaitUntil(
            lambda n=seen: len(state.history) > n or state.outcome is not None,  # type: ignore[misc]
            remaining,
            f"{plan.media_type} project {state.id}",
        )


def _raise_unless_completed(state: ProjectState, outcome: ProjectEvent) -> None:
    if outcome.type != "completed":
        error = state.error
        if outcome.type == "canceled":
            raise SogniError(f"project {state.id} was canceled")
        raise ProjectFailed(
            error.message if error else "the network reported a failure",
            project_id=state.id,
            code=error.code if error else 0,
            original_code=error.original_code if error else None,
        )


# -- hosted ----------------------------------------------------------------------------------


def create_hosted_completion(
    ctx: CoreContext, *, timeout: float | None = HOSTED_TIMEOUT, **request: Any
) -> Plan[HostedChatCompletion]:
    """Ask the hosted endpoint for a completion; the server may run Sogni tools itself.

    ``request`` holds the body's parameters as typed by the generated facade.
    """
    params = _given(**request)
    _read_tools_once(params)
    body = build_hosted_chat_body(
        params,
        client_app_source=ctx.config.app_source,
        model_info=_model_info(ctx, params.get("model")),
        read_file=ctx.chat.read_file,
    )
    data = yield RestCall(
        "POST",
        "/v1/chat/completions",
        json=body,
        envelope=False,
        idempotent=False,
        timeout=timeout,
    )
    try:
        return parse_hosted_chat_completion(data)
    except ValueError as exc:
        raise SogniError(f"the network sent a malformed chat completion: {exc}") from None


def execute_hosted_tool(
    ctx: CoreContext,
    tool: str,
    arguments: Mapping[str, Any],
    *,
    token_type: str | None = None,
    app_source: str | None = None,
    safe_content_filter: bool | None = None,
    timeout: float | None = HOSTED_TIMEOUT,
) -> Plan[HostedToolExecution]:
    """Run one synchronous hosted tool (``enhance_prompt``, ``compose_script`` ...) directly,
    without an LLM round."""
    request = chat_runs.execute_tool_request(
        tool,
        arguments,
        # An explicit app_source (even "") wins over the client's, as in the network's client.
        app_source=ctx.config.app_source if app_source is None else app_source,
        token_type=token_type,
        safe_content_filter=safe_content_filter,
    )
    data = yield RestCall(
        request.method,
        request.path,
        json=request.json,
        headers=dict(request.headers),
        idempotent=False,
        timeout=timeout,
    )
    return from_wire(HostedToolExecution, chat_runs.unwrap_execution(data))
