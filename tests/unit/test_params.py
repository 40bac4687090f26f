from __future__ import annotations

import pytest

from sogni.core._generated.models import PROJECT_PARAMS, ClientConfig, ImageProjectParams, ModelInfo
from sogni.core.params import build_params, resolve_config, to_wire
from sogni.core.wire import from_wire
from sogni.errors import SogniError, ValidationError


def test_keywords_build_a_typed_params_object() -> None:
    params = build_params(
        PROJECT_PARAMS, None, {"model_id": "m", "positive_prompt": "p", "steps": 4, "seed": None}
    )
    assert isinstance(params, ImageProjectParams)
    assert to_wire(params) == {"modelId": "m", "positivePrompt": "p", "steps": 4}


def test_keywords_override_a_params_object() -> None:
    base = ImageProjectParams(model_id="m", positive_prompt="p", steps=4)
    merged = build_params(PROJECT_PARAMS, base, {"steps": 8, "disable_nsfw_filter": True})
    assert to_wire(merged) == {
        "modelId": "m",
        "positivePrompt": "p",
        "steps": 8,
        "disableNSFWFilter": True,
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"positive_prompt": "p"}, "model_id"),
        ({"model_id": "m", "positive_prompt": "p", "steps": "many"}, "steps"),
        ({"model_id": "m", "positive_prompt": "p", "steps": True}, "steps"),
        ({"model_id": "m", "positive_prompt": "p", "number_of_media": 17}, "number_of_media"),
        ({"model_id": "m", "positive_prompt": "p", "output_format": "gif"}, "output_format"),
        ({"model_id": "m", "positive_prompt": "p", "guidance": float("nan")}, "guidance"),
        ({"model_id": "m", "positive_prompt": "p", "type": "hologram"}, "type"),
        ({"model_id": "", "positive_prompt": "p"}, "model_id"),
    ],
)
def test_bad_values_raise_validation_error_naming_the_field(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        build_params(PROJECT_PARAMS, None, overrides)
    assert info.value.field == field
    assert field in str(info.value) or "type" in str(info.value)


def test_enum_errors_list_the_allowed_values() -> None:
    with pytest.raises(ValidationError, match="allowed: png, jpg, webp"):
        build_params(
            PROJECT_PARAMS, None, {"model_id": "m", "positive_prompt": "p", "output_format": "gif"}
        )


def test_config_reads_environment_and_generates_unique_app_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOGNI_API_KEY", "secret-key-123")
    monkeypatch.setenv("SOGNI_REST_ENDPOINT", "http://rest.test")
    first = resolve_config(ClientConfig, {})
    second = resolve_config(ClientConfig, {})
    assert first.api_key == "secret-key-123"
    assert first.rest_endpoint == "http://rest.test"
    assert first.socket_endpoint == "wss://socket.sogni.ai"
    assert first.app_id and second.app_id and first.app_id != second.app_id
    assert "secret-key-123" not in repr(first)
    explicit = resolve_config(ClientConfig, {"rest_endpoint": "http://explicit.test"})
    assert explicit.rest_endpoint == "http://explicit.test"


def test_from_wire_renames_and_keeps_unknown_fields() -> None:
    model = from_wire(
        ModelInfo, {"id": "m", "name": "M", "workerCount": 3, "media": "image", "newField": 1}
    )
    assert model.worker_count == 3
    assert model.extra == {"newField": 1}


def test_from_wire_rejects_malformed_data() -> None:
    with pytest.raises(SogniError, match="malformed ModelInfo"):
        from_wire(ModelInfo, {"id": "m"})


@pytest.mark.parametrize("value", [{"model_id": "m"}, "m", 5, ClientConfig()])
def test_a_positional_value_must_be_a_params_object(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        build_params(PROJECT_PARAMS, value, {})
    assert caught.value.field == "params"
    assert caught.value.allowed == [cls.__name__ for cls in PROJECT_PARAMS.values()]


@pytest.mark.parametrize("kind", [[], {}, 1, None])
def test_a_type_that_is_not_a_name_is_refused(kind: object) -> None:
    with pytest.raises(ValidationError) as caught:
        build_params(PROJECT_PARAMS, None, {"type": kind or [], "model_id": "m"})
    assert caught.value.field == "type"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"loras": ["a", 3]}, "loras[1]"),
        ({"lora_strengths": [0.5, float("nan")]}, "lora_strengths[1]"),
        ({"starting_image": "a\x00b.png"}, "starting_image"),
        ({"context_images": ["ok.png", object()]}, "context_images[1]"),
        ({"control_net": {"name": "canny", "image": "x\x00"}}, "control_net.image"),
        ({"control_net": {"name": "canny", 1: 2}}, "control_net"),
        ({"positive_prompt": "\udc80"}, "positive_prompt"),
        ({"seed": 10**400}, "seed"),
    ],
)
def test_items_assets_and_unsendable_values_are_refused_naming_them(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        build_params(PROJECT_PARAMS, None, {"model_id": "m", **overrides})
    assert caught.value.field == field
