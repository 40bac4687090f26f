"""``client.chat.on`` with the sync client against the local Supernet: chunks, job states,
answers, failures and model announcements of the client's chat jobs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from sogni import (
    ChatCompletion,
    ChatJobError,
    SogniClient,
    SogniTimeoutError,
    ValidationError,
)
from sogni.core.chat.events import CHAT_EVENT_NAMES, ChatErrorEvent
from sogni.core.chat.results import ChatChunk, ChatJobState
from sogni.testing import LocalSupernet

MODEL = "qwen3.6-35b-a3b-gguf-iq4xs"


def ask(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def client_for(net: LocalSupernet) -> SogniClient:
    return SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    )


@pytest.fixture
def chat(net: LocalSupernet) -> Iterator[SogniClient]:
    with client_for(net) as client:
        yield client


class Recorder:
    """Collects one event's values and the threads that delivered them."""

    def __init__(self, until: Any = None) -> None:
        self.values: list[Any] = []
        self.threads: set[str] = set()
        self.done = threading.Event()
        self._until = until or (lambda value: True)

    def __call__(self, value: Any) -> None:
        self.values.append(value)
        self.threads.add(threading.current_thread().name)
        if self._until(value):
            self.done.set()


def test_a_whole_answer_emits_states_tokens_and_the_completion(chat: SogniClient) -> None:
    tokens, states, completed = Recorder(), Recorder(), Recorder()
    chat.chat.on("token", tokens)
    chat.chat.on("job_state", states)
    chat.chat.on("completed", completed)
    result = chat.chat.completions.create(model=MODEL, messages=ask("hello events"))
    assert completed.done.wait(10)
    assert completed.values == [result]
    assert isinstance(completed.values[0], ChatCompletion)
    assert all(isinstance(t, ChatChunk) for t in tokens.values)
    assert {t.job_id for t in tokens.values} == {result.job_id}
    assert "".join(t.content for t in tokens.values) == result.content == "Echo: hello events"
    assert all(isinstance(s, ChatJobState) for s in states.values)
    assert [s.type for s in states.values][:2] == ["pending", "queued"]
    assert "jobStarted" in [s.type for s in states.values]
    assert {s.job_id for s in states.values} == {result.job_id}
    # Callbacks run on the thread reading the socket: the SDK's, or this one while
    # create() waited (a short answer may be over before the wait begins).
    readers = {threading.current_thread().name, "sogni-socket"}
    assert tokens.threads | states.threads | completed.threads <= readers


def test_a_stream_emits_each_chunk_as_it_reads(chat: SogniClient) -> None:
    tokens = Recorder()
    completed = Recorder()
    chat.chat.on("token", tokens)
    chat.chat.on("completed", completed)
    stream = chat.chat.completions.create(model=MODEL, messages=ask("one two three"), stream=True)
    read = [chunk.content for chunk in stream]
    assert completed.done.wait(10)
    assert [t.content for t in tokens.values] == read
    assert completed.values[0].content == "".join(read)


def test_a_network_failure_is_an_error_event(net: LocalSupernet, chat: SogniClient) -> None:
    errors, completed = Recorder(), Recorder()
    chat.chat.on("error", errors)
    chat.chat.on("completed", completed)
    with pytest.raises(ChatJobError) as caught:
        chat.chat.completions.create(model=MODEL, messages=ask("hi [fail:overloaded]"))
    assert errors.done.wait(10)
    (event,) = errors.values
    assert isinstance(event, ChatErrorEvent)
    assert event.job_id == net.received("llmJobRequest")[0]["jobID"] == caught.value.job_id
    assert event.code == "overloaded" and event.error is caught.value
    assert "overloaded" in event.message and event.worker_name
    assert completed.values == []


def test_a_timeout_is_an_error_event_but_closing_a_stream_is_not() -> None:
    with LocalSupernet(api_key="k", step_delay=0.5) as net, client_for(net) as client:
        errors = Recorder()
        client.chat.on("error", errors)
        with pytest.raises(SogniTimeoutError) as caught:
            client.chat.completions.create(model=MODEL, messages=ask("slow"), timeout=0.3)
        assert errors.done.wait(10)
        assert errors.values[0].error is caught.value and errors.values[0].code is None
        stream = client.chat.completions.create(model=MODEL, messages=ask("slow"), stream=True)
        stream.close()
        assert len(errors.values) == 1


def test_models_updated_on_each_announcement(net: LocalSupernet, chat: SogniClient) -> None:
    assert chat.chat.wait_for_models(10)
    models = Recorder()
    spelt = Recorder()
    chat.chat.on("models_updated", models)
    chat.chat.on("modelsUpdated", spelt)  # the reference's name
    net.drop_connections()  # the network announces its models again on the new connection
    assert models.done.wait(15) and spelt.done.wait(15)
    assert MODEL in models.values[0]
    assert models.values[0][MODEL].workers >= 1
    assert models.values[0] == chat.chat.models


def test_unsubscribe_and_aliases(chat: SogniClient) -> None:
    states, tokens = Recorder(), Recorder()
    off_states = chat.chat.on("jobState", states)
    off_tokens = chat.chat.on("token", tokens)
    chat.chat.completions.create(model=MODEL, messages=ask("first"))
    assert states.values and tokens.values
    off_states()
    off_tokens()
    off_tokens()  # a second call is harmless
    count = (len(states.values), len(tokens.values))
    chat.chat.completions.create(model=MODEL, messages=ask("second"))
    assert (len(states.values), len(tokens.values)) == count


def test_unknown_events_and_callbacks_are_refused(chat: SogniClient) -> None:
    with pytest.raises(ValidationError) as unknown:
        chat.chat.on("tokens", print)  # type: ignore[arg-type]
    assert unknown.value.field == "event"
    assert tuple(unknown.value.allowed or ()) == CHAT_EVENT_NAMES
    assert "models_updated" in str(unknown.value)
    with pytest.raises(ValidationError) as not_callable:
        chat.chat.on("token", "print")  # type: ignore[arg-type]
    assert not_callable.value.field == "callback"


def test_a_raising_callback_does_not_break_the_job(chat: SogniClient) -> None:
    def broken(_value: Any) -> None:
        raise RuntimeError("callback bug")

    chat.chat.on("token", broken)
    chat.chat.on("completed", broken)
    result = chat.chat.completions.create(model=MODEL, messages=ask("still fine"))
    assert result.content == "Echo: still fine"
