"""Fuzzed project parameters through a real SogniClient and a local Supernet.

Every refusal must be a ``SogniError`` raised before anything was sent; values that can
never be sent as JSON must always be refused, naming the parameter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fuzz_inputs import (
    MODELS,
    PARAMS_CLASSES,
    asset_fields,
    clean_text,
    field_names,
    fields_checked_as,
    fuzz,
    junk,
    kinds,
    poison,
    poisoned_params,
    sends,
    text_with_nul,
    text_with_surrogate,
)
from hypothesis import event, given
from hypothesis import strategies as st

from sogni import SogniClient, SogniError, UploadError, ValidationError
from sogni.testing import LocalSupernet


def _refused(client: SogniClient, net: LocalSupernet, *args: Any, **kwargs: Any) -> SogniError:
    """Create a project that must be refused; return the error, check nothing was sent."""
    before = sends(net)
    with pytest.raises(SogniError) as caught:
        client.projects.create(*args, **kwargs)
    assert sends(net) == before, f"{caught.value!r} was raised after something was sent"
    return caught.value


@fuzz(450)
@given(poisoned_params())
def test_unsendable_values_in_any_parameter_are_refused_naming_it(
    client: SogniClient, net: LocalSupernet, case: tuple[str, dict[str, Any], str]
) -> None:
    _, params, field = case
    error = _refused(client, net, **params)
    assert isinstance(error, ValidationError), repr(error)
    assert error.field is not None and error.field.split(".")[0].split("[")[0] == field


@st.composite
def surrogate_in_text(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    kind = draw(kinds)
    field = draw(st.sampled_from(fields_checked_as(kind, "string")))
    params: dict[str, Any] = {"type": kind, "model_id": MODELS[kind], "positive_prompt": "x"}
    params[field] = draw(text_with_surrogate())
    return params, field


@fuzz(120)
@given(surrogate_in_text())
def test_text_that_utf8_cannot_carry_is_refused_naming_the_parameter(
    client: SogniClient, net: LocalSupernet, case: tuple[dict[str, Any], str]
) -> None:
    params, field = case
    error = _refused(client, net, **params)
    assert isinstance(error, ValidationError), repr(error)
    assert error.field == field


@st.composite
def poison_in_lists(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    kind = draw(kinds)
    field = draw(st.sampled_from(fields_checked_as(kind, "array")))
    items = draw(st.lists(st.just("ok") | st.just(0.5), max_size=2))
    items.insert(draw(st.integers(0, len(items))), draw(poison))
    params: dict[str, Any] = {"type": kind, "model_id": MODELS[kind], "positive_prompt": "x"}
    params[field] = items
    return params, field


@fuzz(120)
@given(poison_in_lists())
def test_unsendable_list_items_are_refused_naming_the_item(
    client: SogniClient, net: LocalSupernet, case: tuple[dict[str, Any], str]
) -> None:
    params, field = case
    error = _refused(client, net, **params)
    assert isinstance(error, ValidationError), repr(error)
    assert error.field is not None and error.field.startswith(f"{field}[")


@st.composite
def mangled_params(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(kinds)
    names = draw(st.lists(st.sampled_from(field_names(kind)), min_size=1, max_size=3))
    params: dict[str, Any] = {"type": kind, "model_id": MODELS[kind], "positive_prompt": "x"}
    params.update({name: draw(junk) for name in names})
    return params


@fuzz(450)
@given(mangled_params())
def test_values_of_any_shape_are_refused_before_sending_or_sent_as_json(
    client: SogniClient, net: LocalSupernet, params: dict[str, Any]
) -> None:
    before = sends(net)
    try:
        project = client.projects.create(**params)
    except SogniError as error:
        event(f"refused: {type(error).__name__}")
        if isinstance(error, ValidationError):
            assert sends(net) == before
        else:
            # Bytes of an unknown kind are the network's to judge, as with its other
            # clients: it may refuse the upload, and only that.
            assert isinstance(error, UploadError), repr(error)
            assert sends(net)[0] == before[0]
        return
    event("accepted")
    # Accepted: the server decoded it, so it was valid JSON; stop it rendering.
    net.wait_for_received("jobRequest", before[0] + 1)
    project.cancel()


not_params = st.one_of(
    junk.filter(lambda value: value is not None),
    st.builds(dict, model_id=st.sampled_from(list(MODELS.values()))),
    st.sampled_from(list(MODELS.values())),
    st.builds(Path, clean_text),
)


@fuzz(120)
@given(not_params)
def test_a_positional_value_that_is_not_a_params_object_is_refused(
    client: SogniClient, net: LocalSupernet, value: Any
) -> None:
    error = _refused(client, net, value)
    assert isinstance(error, ValidationError)
    assert error.field == "params"
    assert error.allowed == [cls.__name__ for cls in PARAMS_CLASSES.values()]


@st.composite
def nul_asset(draw: st.DrawFn) -> tuple[str, str, Any]:
    kind = draw(st.sampled_from(["image", "video"]))
    field = draw(
        st.sampled_from([*asset_fields(kind), *(["context_images"] if kind == "image" else [])])
    )
    name = draw(text_with_nul())
    path: Any = draw(st.sampled_from([name, Path(name), name.encode()]))
    if isinstance(path, bytes):
        path = type("BytesPath", (), {"__fspath__": lambda self: name.encode()})()
    return kind, field, [path] if field == "context_images" else path


@fuzz(150)
@given(nul_asset())
def test_a_nul_in_an_asset_path_is_refused_naming_the_asset(
    client: SogniClient, net: LocalSupernet, case: tuple[str, str, Any]
) -> None:
    kind, field, value = case
    error = _refused(
        client, net, type=kind, model_id=MODELS[kind], positive_prompt="x", **{field: value}
    )
    assert isinstance(error, ValidationError)
    assert error.field is not None and error.field.startswith(field)
    assert "NUL" in error.message


valid_image_params = st.fixed_dictionaries(
    {"positive_prompt": clean_text},
    optional={
        "negative_prompt": clean_text,
        "number_of_media": st.integers(1, 4),
        "steps": st.integers(1, 4),
        "seed": st.integers(0, 2**32 - 1),
        "guidance": st.floats(0, 2),
    },
)


@fuzz(40)
@given(valid_image_params)
def test_valid_parameters_are_sent_intact(
    client: SogniClient, net: LocalSupernet, params: dict[str, Any]
) -> None:
    before = len(net.received("jobRequest"))
    project = client.projects.create(model_id=MODELS["image"], **params)
    sent = net.wait_for_received("jobRequest", before + 1)[-1]
    project.cancel()
    frame = sent["keyFrames"][0]
    assert frame["positivePrompt"] == params["positive_prompt"]
    assert sent["numberOfImages"] == params.get("number_of_media", 1)
    if "seed" in params:
        assert frame["seed"] == params["seed"]
